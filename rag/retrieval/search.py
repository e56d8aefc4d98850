"""The retrieval pipeline for one question: gather → fuse → (feedback) → diversify."""

from __future__ import annotations

import numpy as np

from rag.index import LoadedIndex
from rag.retrieval.candidates import gather
from rag.retrieval.diversify import diversify
from rag.retrieval.fusion import Mode, rank
from rag.retrieval.hits import Hit, Signals
from rag.retrieval.prf import feedback_vector
from rag.retrieval.safety import asks_about_safety
from rag.settings import Settings


def ranked_hits(index: LoadedIndex, vector: np.ndarray, query: str, settings: Settings, mode: Mode = Mode.HYBRID,
                signals: Signals | None = None, plain: np.ndarray | None = None) -> list[Hit]:
    """Every candidate, best first: fusion, the safety lift, and pseudo-relevance feedback when it is on.

    `signals` may be passed in when a caller (the evaluation) gathered them already for this vector.
    """
    safety = asks_about_safety(query)
    documents = mode == Mode.LEXICAL or settings.doc_lexical_weight > 0
    hits = rank(
        index, signals or gather(index, vector, query, settings, plain, documents), query, settings, mode, safety
    )
    if settings.prf_weight and mode != Mode.LEXICAL:
        vector = feedback_vector(index, vector, hits, settings)
        hits = rank(index, gather(index, vector, query, settings, plain), query, settings, mode, safety)
    return hits


def search(
    index: LoadedIndex,
    vector: np.ndarray,
    query: str,
    settings: Settings,
    top_k: int,
    mode: Mode = Mode.HYBRID,
    plain: np.ndarray | None = None,
) -> list[Hit]:
    hits = ranked_hits(index, vector, query, settings, mode, plain=plain)
    return diversify(index, hits, top_k, settings.per_doc_cap)


def rank_documents(index: LoadedIndex, hits: list[Hit], k: int) -> list[tuple[str, float]]:
    """Documents by their best passage, for document-level evaluation."""
    best: dict[str, float] = {}
    for hit in hits:
        doc_id = index.chunks[hit.chunk_id].doc_id
        if doc_id not in best:
            best[doc_id] = hit.score
            if len(best) >= k:
                break
    return list(best.items())
