"""A linear map on question vectors, learned from question–answer pairs, that closes part of the lay-to-clinical gap.

MiniLM places a question nearer to other phrasings of the question than to the answer that fits it. The adapter
(`q -> normalise(q @ M)`, M = I + a small learned change) moves questions towards the answers of similar questions;
passages and titles are untouched, so an index needs no rebuild when it changes. M is trained by
`benchmarks/train_adapter.py` on MedQuAD's question–answer pairs (CC BY 4.0) with every answer that liveqa-med
judges held out, and its settings chosen on half A of liveqa-med's questions only; the provenance is in the JSON
file beside the matrix.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

DATA = Path(__file__).parent / "data"
MATRIX_FILE = DATA / "query_adapter.npy"
PROVENANCE_FILE = DATA / "query_adapter.json"


@dataclass(frozen=True)
class QueryAdapter:
    matrix: np.ndarray
    digest: str

    def __call__(self, vectors: np.ndarray) -> np.ndarray:
        """Adapted, unit-length float32 vectors; one vector or a batch."""
        moved = np.asarray(vectors, dtype=np.float32) @ self.matrix
        norms = np.linalg.norm(moved, axis=-1, keepdims=True)
        return (moved / np.maximum(norms, 1e-12)).astype(np.float32)

    @classmethod
    def from_matrix(cls, matrix: np.ndarray) -> QueryAdapter:
        matrix = np.ascontiguousarray(matrix, dtype=np.float32)
        return cls(matrix, hashlib.sha256(matrix.tobytes()).hexdigest()[:12])


def load_adapter(path: Path = MATRIX_FILE) -> QueryAdapter | None:
    """The shipped adapter, or None where none has been trained (a plain MiniLM question vector is used then)."""
    if not path.exists():
        return None
    return QueryAdapter.from_matrix(np.load(path, allow_pickle=False))


def provenance() -> dict:
    """How the shipped adapter was trained (data, held-out set, settings); empty when there is none."""
    return json.loads(PROVENANCE_FILE.read_text()) if PROVENANCE_FILE.exists() else {}
