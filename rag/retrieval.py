"""Hybrid retrieval: FAISS dense + BM25, fused by weighted reciprocal rank, de-duplicated and capped per document."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rag.followup import content_words
from rag.index import LoadedIndex
from rag.settings import Settings


@dataclass
class Hit:
    chunk_id: int
    score: float
    dense: float
    lexical: float
    dense_rank: int | None
    lexical_rank: int | None


def dense_search(index: LoadedIndex, vector: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    k = min(k, index.faiss_index.ntotal)
    if k <= 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    scores, ids = index.faiss_index.search(vector.reshape(1, -1).astype(np.float32), k)
    keep = ids[0] >= 0
    return ids[0][keep], scores[0][keep]


def fuse(dense: tuple[np.ndarray, np.ndarray], lexical: tuple[np.ndarray, np.ndarray], settings: Settings,
         mode: str = "hybrid") -> list[Hit]:
    """Weighted reciprocal-rank fusion; `mode` 'dense' or 'lexical' keeps one ranking for comparisons."""
    hits: dict[int, Hit] = {}
    for rank, (cid, score) in enumerate(zip(*dense)):
        hits[int(cid)] = Hit(int(cid), 0.0, float(score), 0.0, rank, None)
    for rank, (cid, score) in enumerate(zip(*lexical)):
        hit = hits.setdefault(int(cid), Hit(int(cid), 0.0, 0.0, 0.0, None, None))
        hit.lexical, hit.lexical_rank = float(score), rank
    k = settings.rrf_k
    for hit in hits.values():
        d = settings.dense_weight / (k + hit.dense_rank + 1) if hit.dense_rank is not None else 0.0
        lex = settings.lexical_weight / (k + hit.lexical_rank + 1) if hit.lexical_rank is not None else 0.0
        hit.score = {"dense": d, "lexical": lex}.get(mode, d + lex)
    ranked = [h for h in hits.values() if h.score > 0]
    return sorted(ranked, key=lambda h: (-h.score, h.chunk_id))


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
    found = sum(1 for w in words if w[: max(4, len(w) - 2)] in lowered)
    return found / len(words)


def search(index: LoadedIndex, vector: np.ndarray, query: str, settings: Settings, top_k: int,
           mode: str = "hybrid") -> list[Hit]:
    dense = dense_search(index, vector, settings.dense_candidates)
    lexical = index.lexical.search(query, settings.lexical_candidates) if mode != "dense" else (np.zeros(0), np.zeros(0))
    if mode == "lexical":
        dense = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))
    hits = fuse(dense, lexical, settings, mode)
    for hit in hits:
        if hit.dense_rank is None:
            hit.dense = float(index.vectors[hit.chunk_id] @ vector)
    return diversify(index, hits, top_k, settings.per_doc_cap)
