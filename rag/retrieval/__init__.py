"""Hybrid retrieval over the signals in `signals.SIGNALS`: passage meaning (FAISS), passage words (BM25), the
same two for the document's title (a question-like title is a strong match for a user's question, the
question-entailment lesson), the question's rare terms in the passage, and whole-document BM25. Fused by a weighted
score mix or weighted reciprocal ranks, then de-duplicated and capped per document.
"""

from rag.retrieval.candidates import gather, nearest
from rag.retrieval.diversify import diversify
from rag.retrieval.fusion import Mode, fuse, rank
from rag.retrieval.hits import Hit, Signals
from rag.retrieval.no_answer import known_share, match_strength, refused, term_coverage
from rag.retrieval.safety import asks_about_safety
from rag.retrieval.search import rank_documents, ranked_hits, search

__all__ = [
    "Hit",
    "Mode",
    "Signals",
    "asks_about_safety",
    "diversify",
    "fuse",
    "gather",
    "known_share",
    "match_strength",
    "nearest",
    "rank",
    "rank_documents",
    "ranked_hits",
    "refused",
    "search",
    "term_coverage",
]
