"""Hybrid retrieval over four signals: passage meaning (FAISS), passage words (BM25),
and the same two for the document's title (a question-like title is a strong match for
a user's question, the question-entailment lesson). Fused by a weighted score mix or
weighted reciprocal ranks, then de-duplicated and capped per document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from rag.caveats.citations import find_citations
from rag.caveats.rules import SAFETY_INTENT
from rag.terms import content_words, stem, stems
from rag.index import LoadedIndex
from rag.settings import Settings

_SAFETY_INTENT = re.compile(SAFETY_INTENT, re.IGNORECASE)


@dataclass
class Hit:
    chunk_id: int
    score: float
    dense: float  # cosine to the ranking vector (the adapted question)
    closeness: float  # cosine to the plain question vector: what the no-answer rule and the shown score read


@dataclass
class Signals:
    """Every candidate chunk of one query with its four signal values."""

    chunk_ids: np.ndarray
    dense: np.ndarray
    closeness: np.ndarray
    lexical: np.ndarray
    title: np.ndarray
    title_lexical: np.ndarray
    exact: np.ndarray
    titles_searchable: bool = True


def _top(scores: np.ndarray, k: int) -> np.ndarray:
    k = min(k, len(scores))
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    top = np.argpartition(-scores, k - 1)[:k]
    return top[np.argsort(-scores[top], kind="stable")]


def nearest(finder, vector: np.ndarray, k: int) -> np.ndarray:
    """Ids of the `k` nearest entries of a FAISS index, best first."""
    k = min(k, finder.ntotal)
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    _, ids = finder.search(vector.reshape(1, -1).astype(np.float32), k)
    return ids[0][ids[0] >= 0]


def gather(index: LoadedIndex, vector: np.ndarray, query: str, settings: Settings,
           plain: np.ndarray | None = None) -> Signals:
    """Candidates from each signal's top list; every candidate is scored on all four signals.

    `vector` ranks (the question through the adapter); `plain`, the model's own question vector, gives the
    closeness that the no-answer thresholds were calibrated on. Without it the two are the same."""
    candidates: list[np.ndarray] = [nearest(index.passage_finder, vector, settings.dense_candidates)]
    lexical_all = index.lexical.scores(query)
    lexical_top = _top(lexical_all, settings.lexical_candidates)
    candidates.append(lexical_top[lexical_all[lexical_top] > 0])
    exact_all = index.lexical.rare_term_coverage(" ".join(content_words(query)), settings.exact_max_share,
                                                 settings.exact_min_count)
    exact_top = _top(exact_all, settings.lexical_candidates)
    candidates.append(exact_top[exact_all[exact_top] > 0])
    if index.titles_searchable:  # otherwise the title signals are zero and cost nothing
        title_lexical_all = index.title_lexical.scores(query)
        for docs in (nearest(index.title_finder, vector, settings.title_candidates),
                     _top(title_lexical_all, settings.title_candidates)):
            candidates.extend(index.doc_chunks[doc] for doc in docs)
    chunk_ids = np.unique(np.concatenate(candidates)).astype(np.int64)
    docs = index.chunk_doc[chunk_ids]
    none = np.zeros(len(chunk_ids), dtype=np.float32)
    passages = index.vectors[chunk_ids]
    dense = passages @ vector
    return Signals(
        chunk_ids=chunk_ids,
        dense=dense,
        closeness=dense if plain is None else passages @ plain,
        lexical=lexical_all[chunk_ids],
        title=index.title_vectors[docs] @ vector if index.titles_searchable else none,
        title_lexical=title_lexical_all[docs] if index.titles_searchable else none,
        exact=np.maximum(exact_all[chunk_ids], citation_lift(index, chunk_ids, query)),
        titles_searchable=index.titles_searchable,
    )


def _key(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def citation_lift(index: LoadedIndex, chunk_ids: np.ndarray, query: str) -> np.ndarray:
    """1 for candidates that hold a study the question cites by name ("Smith et al. 2021", "Study B")."""
    out = np.zeros(len(chunk_ids), dtype=np.float32)
    keys = [_key(query[s:e]) for s, e, _ in find_citations(query)]
    if keys:
        for i, chunk_id in enumerate(chunk_ids):
            text = f" {_key(index.chunks[chunk_id].text)} "
            out[i] = float(any(f" {key} " in text for key in keys))
    return out


def _ranks(values: np.ndarray) -> np.ndarray:
    order = np.argsort(-values, kind="stable")
    ranks = np.empty(len(values), dtype=np.float64)
    ranks[order] = np.arange(1, len(values) + 1)
    return ranks


def fuse(signals: Signals, settings: Settings, mode: str = "hybrid") -> np.ndarray:
    """One score per candidate. 'hybrid' mixes calibrated scores; 'rrf' fuses ranks; 'dense'/'lexical' keep one signal."""
    if mode == "dense":
        return signals.dense.astype(np.float64)
    if mode == "lexical":
        return signals.lexical.astype(np.float64)
    titles = signals.titles_searchable
    weights = (settings.dense_weight, settings.lexical_weight,
               settings.title_weight if titles else 0.0, settings.title_lexical_weight if titles else 0.0,
               settings.exact_weight)
    columns = (signals.dense, signals.lexical, signals.title, signals.title_lexical, signals.exact)
    if mode == "rrf":
        k = settings.rrf_k
        return sum(w / (k + _ranks(c)) * (c > 0) for w, c in zip(weights, columns) if w)
    score = np.zeros(len(signals.chunk_ids))
    for weight, column, lexical in zip(weights, columns, (False, True, False, True, False)):
        if not weight or not len(column):
            continue
        if lexical:
            top = float(column.max())
            column = column / top if top > 0 else column
        score = score + weight * column
    return score


def safety_boosts(index: LoadedIndex, chunk_ids: np.ndarray, query: str, boost: float) -> np.ndarray:
    """`boost` for candidates whose safety warning is about something the question names."""
    out = np.zeros(len(chunk_ids))
    asked = stems(query)
    for i, chunk_id in enumerate(chunk_ids):
        if index.has_safety_warning[chunk_id]:
            quotes = " ".join(c.quote or "" for c in index.chunks[chunk_id].caveats if c.code == "safety_warning")
            if asked & stems(quotes):
                out[i] = boost
    return out


def rank(index: LoadedIndex, signals: Signals, settings: Settings, mode: str = "hybrid",
         safety_query: str | None = None) -> list[Hit]:
    scores = fuse(signals, settings, mode)
    if safety_query and len(scores) and len(index.has_safety_warning):
        scores = scores + safety_boosts(index, signals.chunk_ids, safety_query, settings.safety_boost)
    order = np.lexsort((signals.chunk_ids, -scores))
    return [
        Hit(int(signals.chunk_ids[i]), float(scores[i]), float(signals.dense[i]), float(signals.closeness[i]))
        for i in order
        if mode != "lexical" or scores[i] > 0
    ]


def diversify(index: LoadedIndex, hits: list[Hit], top_k: int, per_doc_cap: int, relevant_share: float = 0.6) -> list[Hit]:
    """Drop chunks mostly inside a better chunk of the same document, and cap each document.

    Hits over the cap are deferred, not dropped: they come back after the other documents'
    relevant hits (dense score within `relevant_share` of the best), so a cap never
    replaces a relevant passage with an unrelated one.
    """
    chosen: list[Hit] = []
    deferred: list[Hit] = []
    per_doc: dict[str, int] = {}
    best = max((h.dense for h in hits), default=0.0)
    for hit in hits:
        chunk = index.chunks[hit.chunk_id]
        if any(index.chunks[c.chunk_id].doc_id == chunk.doc_id and _overlap_share(index, c.chunk_id, hit.chunk_id) > 0.8
               for c in chosen + deferred):
            continue
        if per_doc.get(chunk.doc_id, 0) >= per_doc_cap:
            deferred.append(hit)
            continue
        if deferred and hit.dense < relevant_share * best:
            chosen.extend(deferred[: top_k - len(chosen)])
            deferred = []
            if len(chosen) >= top_k:
                break
        chosen.append(hit)
        per_doc[chunk.doc_id] = per_doc.get(chunk.doc_id, 0) + 1
        if len(chosen) >= top_k:
            break
    if len(chosen) < top_k:
        chosen.extend(deferred[: top_k - len(chosen)])
    return chosen[:top_k]


def _overlap_share(index: LoadedIndex, a: int, b: int) -> float:
    ca, cb = index.chunks[a], index.chunks[b]
    shared = max(0, min(ca.end, cb.end) - max(ca.start, cb.start))
    return shared / max(1, min(ca.end - ca.start, cb.end - cb.start))


def term_coverage(question: str, text: str) -> float:
    """Share of the question's content words (prefix-matched, so 'treated' meets 'treatment') found in the text."""
    words = set(content_words(question))
    if not words:
        return 0.0
    lowered = text.lower()
    found = sum(1 for w in words if stem(w) in lowered)
    return found / len(words)


def asks_about_safety(question: str) -> bool:
    return bool(_SAFETY_INTENT.search(question))


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


def feedback_vector(index: LoadedIndex, vector: np.ndarray, hits: list[Hit], settings: Settings) -> np.ndarray:
    """Pseudo-relevance feedback: the question moved towards its best passages (Rocchio), normalised.

    Learns the collection's own words for what was asked ("bone marrow" → the passage's
    "hematopoietic") without another model; off when `prf_weight` is 0.
    """
    top = [h.chunk_id for h in hits[: settings.prf_depth]]
    if not top:
        return vector
    moved = vector + settings.prf_weight * index.vectors[top].mean(axis=0)
    return (moved / np.linalg.norm(moved)).astype(np.float32)


def ranked_hits(index: LoadedIndex, vector: np.ndarray, query: str, settings: Settings, mode: str = "hybrid",
                signals: Signals | None = None, plain: np.ndarray | None = None) -> list[Hit]:
    """Every candidate, best first: fusion, the safety lift, and pseudo-relevance feedback when it is on.

    `signals` may be passed in when a caller (the evaluation) gathered them already for this vector.
    """
    safety_query = query if asks_about_safety(query) else None
    hits = rank(index, signals or gather(index, vector, query, settings, plain), settings, mode, safety_query=safety_query)
    if settings.prf_weight and mode != "lexical":
        vector = feedback_vector(index, vector, hits, settings)
        hits = rank(index, gather(index, vector, query, settings, plain), settings, mode, safety_query=safety_query)
    return hits


def search(index: LoadedIndex, vector: np.ndarray, query: str, settings: Settings, top_k: int,
           mode: str = "hybrid", plain: np.ndarray | None = None) -> list[Hit]:
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
