"""Is the question covered at all? Far in meaning and few shared words means no answer."""

from __future__ import annotations

from rag.index import LoadedIndex
from rag.retrieval.hits import Hit
from rag.terms import content_words, stem


def term_coverage(question: str, text: str) -> float:
    """Share of the question's content words (prefix-matched, so 'treated' meets 'treatment') found in the text."""
    words = set(content_words(question))
    if not words:
        return 0.0
    lowered = text.lower()
    found = sum(1 for w in words if stem(w) in lowered)
    return found / len(words)


def match_strength(index: LoadedIndex, query: str, hits: list[Hit]) -> tuple[float, float]:
    """Best cosine among the hits, and the best word coverage among the top five."""
    dense = max((h.closeness for h in hits), default=0.0)
    cover = max((term_coverage(query, index.chunks[h.chunk_id].text) for h in hits[:5]), default=0.0)
    return dense, cover


def not_covered(dense, cover, dense_threshold: float, cover_threshold: float, far_share: float):
    """The no-answer rule: far in meaning and few shared words, or very far in meaning.

    Works on floats and on numpy arrays alike (benchmarks/calibrate_no_answer.py sweeps it).
    """
    return ((dense < dense_threshold) & (cover < cover_threshold)) | (dense < far_share * dense_threshold)
