"""Vectors of every answer unit (rag/answer/candidates), made at build time so the answer can ask how close each
sentence is to the question without running the model per sentence (one encode is ~1 ms; a query reads ~40).

Stored beside the passages as `unit_vectors.npy` (float16, one row per unit of every passage in order) and
`unit_offsets.npy` (row where each passage's units begin). A build without them, or whose units were cut by
another version of the unit splitter, gives None, and the answer falls back to the passage's closeness.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from rag.answer.candidates import UNITS_VERSION, passage_units
from rag.types import Chunk

VECTORS = "unit_vectors.npy"
OFFSETS = "unit_offsets.npy"

__all__ = ["UNITS_VERSION", "UnitVectors", "unit_texts", "write_units"]


def unit_texts(chunks: list[Chunk]) -> tuple[list[str], np.ndarray]:
    """Every unit's text, passage after passage, and where each passage's units begin (len(chunks) + 1 rows)."""
    texts: list[str] = []
    offsets = np.zeros(len(chunks) + 1, dtype=np.int64)
    for i, chunk in enumerate(chunks):
        texts.extend(u.text for u in passage_units(chunk.text))
        offsets[i + 1] = len(texts)
    return texts, offsets


def write_units(folder: Path, vectors: np.ndarray, offsets: np.ndarray) -> None:
    np.save(folder / VECTORS, vectors.astype(np.float16), allow_pickle=False)
    np.save(folder / OFFSETS, offsets, allow_pickle=False)


class UnitVectors:
    """A build's unit vectors, memory-mapped on first use."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._loaded: tuple[np.ndarray, np.ndarray] | None = None
        self._missing = False

    def _load(self) -> tuple[np.ndarray, np.ndarray] | None:
        if self._loaded is None and not self._missing:
            try:
                self._loaded = (np.load(self.folder / VECTORS, mmap_mode="r", allow_pickle=False),
                                np.load(self.folder / OFFSETS, allow_pickle=False))
            except (OSError, ValueError):
                self._missing = True
        return self._loaded

    def of(self, chunk_id: int, count: int) -> np.ndarray | None:
        """The vectors of one passage's `count` units, or None when this build has none that fit."""
        loaded = self._load()
        if loaded is None:
            return None
        vectors, offsets = loaded
        if not 0 <= chunk_id < len(offsets) - 1:
            return None
        begin, end = int(offsets[chunk_id]), int(offsets[chunk_id + 1])
        if end - begin != count:
            return None
        return np.asarray(vectors[begin:end], dtype=np.float32)
