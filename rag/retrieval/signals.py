"""The fused signals as data: one row per signal, read by fusion (`fuse`) and by the evaluation's report.

A new signal is a new row here (and its column in `Signals`), not a new positional slot in three tuples.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rag.retrieval.hits import Signals
from rag.settings import Settings


@dataclass(frozen=True)
class Signal:
    name: str  # its column in `Signals`
    weight: str  # the Settings field (RAG_*) that weighs it in the mix
    label: str  # how reports name it
    normalised: bool  # BM25-like: divided by the best candidate's value before mixing (cosines are already 0–1)
    title_level: bool  # scores the document's title: counts only where every document has a title of its own


SIGNALS: tuple[Signal, ...] = (
    Signal("dense", "dense_weight", "dense", normalised=False, title_level=False),
    Signal("lexical", "lexical_weight", "bm25", normalised=True, title_level=False),
    Signal("title", "title_weight", "title", normalised=False, title_level=True),
    Signal("title_lexical", "title_lexical_weight", "title_bm25", normalised=True, title_level=True),
    Signal("exact", "exact_weight", "exact", normalised=False, title_level=False),
    Signal("doc_lexical", "doc_lexical_weight", "doc_bm25", normalised=True, title_level=False),
)


def weight(signal: Signal, settings: Settings, titles_searchable: bool = True) -> float:
    """The signal's weight in the mix; 0 for a title signal when titles are stand-ins."""
    if signal.title_level and not titles_searchable:
        return 0.0
    return float(getattr(settings, signal.weight))


def column(signals: Signals, signal: Signal) -> np.ndarray:
    """The signal's values for every candidate (zeros for one this build does not have)."""
    values = getattr(signals, signal.name)
    return values if values is not None else np.zeros(len(signals.chunk_ids))


def weights(settings: Settings) -> dict[str, float]:
    """Every signal's weight by its report label (the evaluation records them beside its figures)."""
    return {s.label: weight(s, settings) for s in SIGNALS}
