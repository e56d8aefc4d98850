"""One score per candidate: the weighted score mix (hybrid), reciprocal ranks (rrf), or one signal alone."""

from __future__ import annotations

from enum import StrEnum

import numpy as np

from rag.index import LoadedIndex
from rag.retrieval.hits import Hit, Signals
from rag.retrieval.phrases import phrase_lift
from rag.retrieval.safety import safety_boosts
from rag.settings import Settings

LEXICAL_TIE = 1e-3  # in BM25-only mode, how much a passage's own BM25 adds to its document's


class Mode(StrEnum):
    """How candidates are scored: the shipped score mix, reciprocal ranks, or one signal alone."""

    HYBRID = "hybrid"
    RRF = "rrf"
    DENSE = "dense"
    LEXICAL = "lexical"


def _ranks(values: np.ndarray) -> np.ndarray:
    order = np.argsort(-values, kind="stable")
    ranks = np.empty(len(values), dtype=np.float64)
    ranks[order] = np.arange(1, len(values) + 1)
    return ranks


def fuse(signals: Signals, settings: Settings, mode: Mode = Mode.HYBRID) -> np.ndarray:
    """One score per candidate. 'hybrid' mixes calibrated scores; 'rrf' fuses ranks; 'dense'/'lexical' keep one
    signal."""
    if mode == Mode.DENSE:
        return signals.dense.astype(np.float64)
    document = signals.doc_lexical if signals.doc_lexical is not None else np.zeros(len(signals.chunk_ids))
    if mode == Mode.LEXICAL:
        # BM25 as Lucene's BEIR runs rank: the whole document (title and text); the passage's own BM25 only
        # chooses among a document's passages.
        return document.astype(np.float64) + LEXICAL_TIE * signals.lexical.astype(np.float64)
    titles = signals.titles_searchable
    weights = (
        settings.dense_weight,
        settings.lexical_weight,
        settings.title_weight if titles else 0.0,
        settings.title_lexical_weight if titles else 0.0,
        settings.exact_weight,
        settings.doc_lexical_weight,
    )
    columns = (signals.dense, signals.lexical, signals.title, signals.title_lexical, signals.exact, document)
    if mode == Mode.RRF:
        k = settings.rrf_k
        fused = np.zeros(len(signals.chunk_ids))
        for w, c in zip(weights, columns):
            if w:
                fused += w / (k + _ranks(c)) * (c > 0)
        return fused
    score = np.zeros(len(signals.chunk_ids))
    for weight, column, lexical in zip(weights, columns, (False, True, False, True, False, True)):
        if not weight or not len(column):
            continue
        if lexical:
            top = float(column.max())
            column = column / top if top > 0 else column
        score = score + weight * column
    return score


def rank(
    index: LoadedIndex, signals: Signals, query: str, settings: Settings, mode: Mode = Mode.HYBRID, safety: bool = False
) -> list[Hit]:
    """Candidates best first: the fused score, the safety lift (for a safety question), then phrase evidence
    on the best of them (the score mix only)."""
    scores = fuse(signals, settings, mode)
    if safety and len(scores):
        scores = scores + safety_boosts(index, signals.chunk_ids, query, settings.safety_boost)
    if mode == Mode.HYBRID:
        scores = scores + phrase_lift(
            index, signals.chunk_ids, scores, query, settings.phrase_weight, settings.phrase_depth
        )
    order = np.lexsort((signals.chunk_ids, -scores))
    return [
        Hit(int(signals.chunk_ids[i]), float(scores[i]), float(signals.dense[i]), float(signals.closeness[i]))
        for i in order
        if mode != Mode.LEXICAL or scores[i] > 0
    ]
