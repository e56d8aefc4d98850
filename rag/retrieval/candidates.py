"""Candidates from each signal's top list (FAISS, BM25, exact rare terms, titles), each scored on every signal."""

from __future__ import annotations

import numpy as np

from rag.caveats.citations import cited_keys, holds_cited
from rag.index import LoadedIndex
from rag.index.passages import PassageQuery, top_k
from rag.retrieval.hits import Signals
from rag.settings import Settings


def nearest(finder, vector: np.ndarray, k: int) -> np.ndarray:
    """Ids of the `k` nearest entries of a FAISS index, best first."""
    k = min(k, finder.ntotal)
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    _, ids = finder.search(vector.reshape(1, -1).astype(np.float32), k)
    return ids[0][ids[0] >= 0]


def gather(index: LoadedIndex, vector: np.ndarray, query: str, settings: Settings,
           plain: np.ndarray | None = None, documents: bool | None = None) -> Signals:
    """Candidates from each signal's top list; every candidate is scored on every signal.

    `vector` ranks (the question through the adapter); `plain`, the model's own question vector, gives the
    closeness that the no-answer model was calibrated on. Without it the two are the same.
    `documents` asks for whole-document BM25 (by default only when its fusion weight is set; BM25-only ranking and
    the evaluation ask for it). The title signals are searched here (documents stay whole); the passages they bring in
    are scored, with each passage signal's own top lists, by the index's passage sets (`rag/index/passages.py`), in this
    process or on shard replicas."""
    brought: list[np.ndarray] = [np.zeros(0, dtype=np.int64)]
    if documents is None:  # whole-document BM25 costs a pass over every document: only where it counts
        documents = settings.doc_lexical_weight > 0
    doc_lexical_all = index.doc_lexical.scores(query) if documents and index.doc_lexical is not None else None
    if doc_lexical_all is not None and doc_lexical_all.any():  # the documents BM25 finds bring their passages
        brought.extend(index.doc_chunks[doc] for doc in top_k(doc_lexical_all, settings.title_candidates))
    if index.titles_searchable:  # otherwise the title signals are zero and cost nothing
        title_lexical_all = index.title_lexical.scores(query)
        for docs in (
            nearest(index.title_finder, vector, settings.title_candidates),
            top_k(title_lexical_all, settings.title_candidates),
        ):
            brought.extend(index.doc_chunks[doc] for doc in docs)
    assert index.passages is not None  # set when the index is loaded
    found = index.passages.search(
        PassageQuery(
            vector=vector,
            plain=vector if plain is None else plain,
            text=query,
            dense_k=settings.dense_candidates,
            lexical_k=settings.lexical_candidates,
            exact_max_share=settings.exact_max_share,
            exact_min_count=settings.exact_min_count,
            extra=np.unique(np.concatenate(brought)).astype(np.int64),
            build=index.folder.name,
        )
    )
    chunk_ids = found.ids
    docs = index.chunk_doc[chunk_ids]
    none = np.zeros(len(chunk_ids), dtype=np.float32)
    return Signals(
        chunk_ids=chunk_ids,
        dense=found.dense,
        closeness=found.closeness,
        lexical=found.lexical,
        title=index.title_vectors[docs] @ vector if index.titles_searchable else none,
        title_lexical=title_lexical_all[docs] if index.titles_searchable else none,
        exact=np.maximum(found.exact, citation_lift(index, chunk_ids, query)),
        titles_searchable=index.titles_searchable,
        doc_lexical=doc_lexical_all[docs] if doc_lexical_all is not None else None,
    )


def citation_lift(index: LoadedIndex, chunk_ids: np.ndarray, query: str) -> np.ndarray:
    """1 for candidates that hold a study the question cites by name ("Smith et al. 2021", "Study B")."""
    keys = cited_keys(query)
    return np.array(
        [holds_cited(index.chunks[c].text, keys) for c in chunk_ids] if keys else np.zeros(len(chunk_ids)),
        dtype=np.float32,
    )
