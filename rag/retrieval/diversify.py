"""The shown list: no near-duplicate passages, and no document filling every slot (unless its passages are the
only ones naming the treatment asked about)."""

from __future__ import annotations

from rag.index import LoadedIndex
from rag.retrieval.hits import Hit


def diversify(
    index: LoadedIndex, hits: list[Hit], top_k: int, per_doc_cap: int, relevant_share: float = 0.6,
    prefer: set[int] | None = None,
) -> list[Hit]:
    """Drop chunks mostly inside a better chunk of the same document, and cap each document.

    Hits over the cap are deferred, not dropped: they come back after the other documents'
    relevant hits (dense score within `relevant_share` of the best), so a cap never
    replaces a relevant passage with an unrelated one. Passages in `prefer` (chunk ids: those that
    name the treatment asked about, which the caller puts first) come back before any passage
    outside it: there the cap gives way.
    """
    chosen: list[Hit] = []
    deferred: list[Hit] = []
    per_doc: dict[str, int] = {}
    best = max((h.dense for h in hits), default=0.0)
    for hit in hits:
        chunk = index.chunks[hit.chunk_id]
        if any(
            index.chunks[c.chunk_id].doc_id == chunk.doc_id and _overlap_share(index, c.chunk_id, hit.chunk_id) > 0.8
            for c in chosen + deferred
        ):
            continue
        if per_doc.get(chunk.doc_id, 0) >= per_doc_cap:
            deferred.append(hit)
            continue
        if deferred and (hit.dense < relevant_share * best or (prefer is not None and hit.chunk_id not in prefer)):
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
