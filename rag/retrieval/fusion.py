"""One score per candidate: the weighted score mix (hybrid), reciprocal ranks (rrf), or one signal alone."""

from __future__ import annotations

from enum import StrEnum

import numpy as np

from rag.index import LoadedIndex
from rag.retrieval.hits import Hit, Signals
from rag.retrieval.phrases import phrase_lift
from rag.retrieval.safety import safety_boosts
from rag.retrieval.signals import SIGNALS, column, weight
from rag.settings import Settings

SIGNAL = {s.name: s for s in SIGNALS}
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
    """One score per candidate. 'hybrid' mixes the signals' scores (signals.SIGNALS: each weighted, BM25-like ones
    scaled to the best candidate); 'rrf' fuses their ranks; 'dense'/'lexical' keep one signal."""
    if mode == Mode.DENSE:
        return signals.dense.astype(np.float64)
    if mode == Mode.LEXICAL:
        document = column(signals, SIGNAL["doc_lexical"])
        # BM25 as Lucene's BEIR runs rank: the whole document (title and text); the passage's own BM25 only
        # chooses among a document's passages.
        return document.astype(np.float64) + LEXICAL_TIE * signals.lexical.astype(np.float64)
    mixed = [(w, column(signals, s), s.normalised) for s in SIGNALS
             if (w := weight(s, settings, signals.titles_searchable))]
    score = np.zeros(len(signals.chunk_ids))
    if mode == Mode.RRF:
        for w, values, _ in mixed:
            score += w / (settings.rrf_k + _ranks(values)) * (values > 0)
        return score
    for w, values, normalised in mixed:
        if not len(values):
            continue
        if normalised:
            top = float(values.max())
            values = values / top if top > 0 else values
        score = score + w * values
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
