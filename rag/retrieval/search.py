"""The retrieval pipeline for one question: gather → fuse → (feedback) → diversify."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rag.answer.abbreviations import document_definitions, expand
from rag.index import LoadedIndex
from rag.retrieval.candidates import gather
from rag.retrieval.diversify import diversify
from rag.retrieval.fusion import Mode, rank
from rag.retrieval.hits import Hit, Signals
from rag.retrieval.prf import feedback_vector
from rag.retrieval.safety import asks_about_safety
from rag.retrieval.subject import documents_naming, subject_names
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


@dataclass(frozen=True)
class Searched:
    """The shown list, and the list ranked without regard to the treatment asked about: what the no-answer score
    was calibrated on (its best cosine is the collection's, not only the pages naming the treatment's)."""

    shown: list[Hit]
    unordered: list[Hit]


def search(
    index: LoadedIndex,
    vector: np.ndarray,
    query: str,
    settings: Settings,
    top_k: int,
    mode: Mode = Mode.HYBRID,
    plain: np.ndarray | None = None,
) -> list[Hit]:
    """The shown list: ranked, then de-duplicated and capped per document."""
    return diversify(index, ranked_hits(index, vector, query, settings, mode, plain=plain), top_k,
                     settings.per_doc_cap)


def search_about(index: LoadedIndex, vector: np.ndarray, query: str, settings: Settings, top_k: int,
                 plain: np.ndarray | None, asked: str) -> Searched:
    """`search`, with the documents that name the treatment asked about (`asked`, the person's own words) taken
    first and their passages over the cap brought back before other documents' (`subject_documents`)."""
    hits = ranked_hits(index, vector, query, settings, Mode.HYBRID, plain=plain)
    unordered = diversify(index, hits, top_k, settings.per_doc_cap)
    naming = subject_documents(index, hits, asked)
    if not naming:
        return Searched(unordered, unordered)
    doc_of = lambda hit: index.chunks[hit.chunk_id].doc_id
    first = [h for h in hits if doc_of(h) in naming] + [h for h in hits if doc_of(h) not in naming]
    return Searched(diversify(index, first, top_k, settings.per_doc_cap, about=naming), unordered)


SUBJECT_DEPTH = 50  # ranked passages read for which documents name the treatment asked about


def subject_documents(index: LoadedIndex, hits: list[Hit], asked: str) -> set[str] | None:
    """The documents that name the treatment the question asks about (`subject.subject_names`, over the documents'
    titles and their passages among the first SUBJECT_DEPTH hits), whose hits the shown list takes first and whose
    passages over the per-document cap come back before other documents': "Does LDN stop MS from getting worse?"
    then reads a fourth LDN passage before a metformin one, since a page that never names LDN cannot answer it.
    None when the question names no treatment, or when no document, or every one, names it."""
    names = subject_names(asked, index.lexical.document_share)
    if names is None:
        return None
    texts: dict[str, list[str]] = {}
    for hit in hits[:SUBJECT_DEPTH]:
        chunk = index.chunks[hit.chunk_id]
        defined = document_definitions(index, chunk.doc_id)
        texts.setdefault(chunk.doc_id, [index.documents[chunk.doc_id].title]).append(expand(chunk.text, defined))
    naming = documents_naming(names, texts)
    return naming if naming and len(naming) < len(texts) else None


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
