"""Pseudo-relevance feedback on the question vector (off by default; benchmarks/NOTES.md says why)."""

from __future__ import annotations

import numpy as np

from rag.index import LoadedIndex
from rag.retrieval.hits import Hit
from rag.settings import Settings


def feedback_vector(index: LoadedIndex, vector: np.ndarray, hits: list[Hit], settings: Settings) -> np.ndarray:
    """Pseudo-relevance feedback: the question moved towards its best passages (Rocchio), normalised.

    Learns the collection's own words for what was asked ("bone marrow" → the passage's
    "hematopoietic") without another model; off when `prf_weight` is 0.
    """
    top = [h.chunk_id for h in hits[: settings.prf_depth]]
    if not top or index.vectors is None:  # no vectors here when shard replicas hold them
        return vector
    moved = vector + settings.prf_weight * index.vectors[top].mean(axis=0)
    return (moved / np.linalg.norm(moved)).astype(np.float32)
