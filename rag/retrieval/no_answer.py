"""Is the question covered at all? Far in meaning and few shared words means no answer, unless a top passage
holds the very study the question cites, or the collection knows (nearly) every word the question uses."""

from __future__ import annotations

import numpy as np

from rag.index import LoadedIndex
from rag.retrieval.candidates import citation_lift
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


def known_share(index: LoadedIndex, question: str) -> float:
    """Share of the question's content words that some passage of the collection holds.

    "okra and blood sugar" asked of a nutrition collection uses words it knows, though its best passage may be
    far in meaning; asked of the MS pages, "okra" is a word they never use. Calibrated with the other features
    (benchmarks/calibrate_no_answer.py)."""
    words = list(dict.fromkeys(content_words(question)))
    if not words:
        return 0.0
    return sum(1 for word in words if index.lexical.document_share(word) > 0) / len(words)


def match_strength(index: LoadedIndex, query: str, hits: list[Hit]) -> tuple[float, float, bool]:
    """Best cosine among the hits, the best word coverage among the top five, and whether one of those five
    holds a study the question cites by name.

    The last is what a short question about a named study needs: "What did Study B find?" is far in meaning
    from the table row that answers it (cosine 0.21 on the seeds), yet the row is exactly what was asked for.
    """
    dense = max((h.closeness for h in hits), default=0.0)
    top = hits[:5]
    cover = max((term_coverage(query, index.chunks[h.chunk_id].text) for h in top), default=0.0)
    cited = bool(top) and bool(citation_lift(index, np.array([h.chunk_id for h in top]), query).any())
    return dense, cover, cited


def not_covered(dense, cover, dense_threshold: float, cover_threshold: float, far_share: float, cited=False,
                known=0.0, known_threshold: float = 2.0):
    """The no-answer rule: far in meaning and few shared words, or very far in meaning; never when a top
    passage holds the study the question cites, nor when at least `known_threshold` of the question's words are
    words the collection uses (`known`; the default threshold above 1 leaves this out).

    Works on floats and on numpy arrays alike (benchmarks/calibrate_no_answer.py sweeps it).
    """
    far = ((dense < dense_threshold) & (cover < cover_threshold)) | (dense < far_share * dense_threshold)
    return far & ~np.asarray(cited, dtype=bool) & (np.asarray(known) < known_threshold)
