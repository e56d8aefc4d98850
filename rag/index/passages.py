"""The passage side of one question's candidates, from one set of passages (a whole build or one shard), and the
merge of several sets' lists into the whole build's.

A set names, for each passage signal, its own top k (dense by its finder's score, BM25, exact rare terms), and
scores every passage it names, plus those the caller asks about (the passages the title signals bring in), on
every signal. A signal's global top k lies inside the union of the sets' top k, so merging each signal's lists
and taking the union gives exactly the candidates one index would have gathered: ties are broken by passage id
everywhere (`top_k`), which makes the merge exact rather than nearly so. This is what lets shards be searched
in other processes (Ray Serve replicas) with one round trip and answers identical to one process.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Protocol

import faiss
import numpy as np

from rag.terms import content_words


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Positions of the `k` highest scores, best first; equal scores in position order (deterministic at the edge)."""
    k = min(k, len(scores))
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    kth = scores[np.argpartition(-scores, k - 1)[k - 1]]
    above = np.flatnonzero(scores > kth)
    chosen = np.concatenate([above, np.flatnonzero(scores == kth)[: k - len(above)]])
    return chosen[np.lexsort((chosen, -scores[chosen]))]


@dataclass(frozen=True)
class PassageQuery:
    """What every passage set needs to name and score its candidates for one question."""

    vector: np.ndarray  # ranks (the question through the adapter)
    plain: np.ndarray  # the model's own question vector: closeness, which the no-answer rule reads
    text: str
    dense_k: int
    lexical_k: int
    exact_max_share: float
    exact_min_count: int
    extra: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # global ids to score as well
    build: str = ""  # the build the caller answers from; a set holding another build refuses


@dataclass
class PassageLists:
    """Passages named by one or more sets (global ids), each signal's top-list membership, and every value."""

    ids: np.ndarray
    finder: np.ndarray  # the finder's score, which orders the dense list (its candidates are rescored exactly)
    in_dense: np.ndarray
    in_lexical: np.ndarray
    in_exact: np.ndarray
    dense: np.ndarray
    closeness: np.ndarray
    lexical: np.ndarray
    exact: np.ndarray

    @classmethod
    def empty(cls) -> PassageLists:
        return cls(**{f.name: np.zeros(0, np.int64 if f.name == "ids" else bool if f.name.startswith("in_")
                                       else np.float32) for f in fields(cls)})

    def take(self, rows: np.ndarray) -> PassageLists:
        return PassageLists(*(getattr(self, name)[rows] for name in self.__dataclass_fields__))


# Each passage signal's top list, as data: (the score that orders it, its membership flags, the PassageQuery field
# giving its length). A set names its own top k of each; `merge` keeps the whole build's top k of each.
TOP_LISTS = (("finder", "in_dense", "dense_k"), ("lexical", "in_lexical", "lexical_k"),
             ("exact", "in_exact", "lexical_k"))


def _select(ids: np.ndarray, scores: np.ndarray, member: np.ndarray, k: int) -> np.ndarray:
    """Rows of the `k` best members by (score, then lower passage id)."""
    rows = np.flatnonzero(member)
    order = np.lexsort((ids[rows], -scores[rows]))
    return rows[order[:k]]


def merge(parts: list[PassageLists], query: PassageQuery) -> PassageLists:
    """The whole build's candidates from the sets' lists: each signal's global top k, their union, the extras."""
    parts = [p for p in parts if len(p.ids)]
    if not parts:
        return PassageLists.empty()
    if len(parts) == 1:  # a set names at most k a signal, in id order: its lists are already merged
        return parts[0]
    every = PassageLists(
        *(np.concatenate([getattr(p, name) for p in parts]) for name in PassageLists.__dataclass_fields__)
    )
    keep = np.isin(every.ids, query.extra)
    for scores, member, size in TOP_LISTS:
        flags = np.zeros(len(every.ids), dtype=bool)
        flags[_select(every.ids, getattr(every, scores), getattr(every, member), getattr(query, size))] = True
        setattr(every, member, flags)
        keep |= flags
    rows = np.flatnonzero(keep)
    return every.take(rows[np.argsort(every.ids[rows], kind="stable")])


class PassageSearch(Protocol):
    """Where a query's passage candidates come from: sets in this process, or shard replicas elsewhere."""

    def search(self, query: PassageQuery) -> PassageLists: ...


class LocalPassages:
    """One set of passages in this process: a finder, BM25 (scored with the collection's statistics) and the
    exact vectors (in memory or memory-mapped). `first` is the global id of its first passage.

    With `rerank`, the finder names that many candidates and the dense list is the best of them on the exact
    vectors: PQ codes are too coarse to order a dense neighbourhood themselves (benchmarks/NOTES.md)."""

    def __init__(self, finder: faiss.Index, lexical, vectors, first: int = 0, rerank: int = 0) -> None:
        self.finder, self.lexical, self.vectors, self.first, self.rerank = finder, lexical, vectors, first, rerank
        self.size = finder.ntotal

    def _dense_list(self, vector: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """The dense list's local ids and the scores that order it."""
        depth = min(max(k, self.rerank), self.size)
        if k <= 0 or depth <= 0:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        found, ids = self.finder.search(vector.reshape(1, -1).astype(np.float32), depth)
        keep = ids[0] >= 0
        ids, found = ids[0][keep].astype(np.int64), found[0][keep].astype(np.float32)
        if self.rerank:  # in id order: the mapped rows are read in file order, and ties go to the lower id
            ids = np.sort(ids)
            found = (self.vectors[ids] @ vector).astype(np.float32)
            best = top_k(found, k)
            return ids[best], found[best]
        if self.finder.metric_type != faiss.METRIC_INNER_PRODUCT:
            found = -found  # distances: smaller is closer
        return ids, found

    def search(self, query: PassageQuery) -> PassageLists:
        dense_ids, dense_found = self._dense_list(query.vector, min(query.dense_k, self.size))
        lexical_all = self.lexical.scores(query.text)
        lexical_top = top_k(lexical_all, query.lexical_k)
        lexical_top = lexical_top[lexical_all[lexical_top] > 0]
        exact_all = self.lexical.rare_term_coverage(
            " ".join(content_words(query.text)), query.exact_max_share, query.exact_min_count
        )
        exact_top = top_k(exact_all, query.lexical_k)
        exact_top = exact_top[exact_all[exact_top] > 0]
        extra = query.extra[(query.extra >= self.first) & (query.extra < self.first + self.size)] - self.first
        local = np.unique(np.concatenate([dense_ids, lexical_top, exact_top, extra]).astype(np.int64))
        finder = np.full(len(local), -np.inf, dtype=np.float32)
        finder[np.searchsorted(local, dense_ids)] = dense_found
        rows = self.vectors[local]
        dense = rows @ query.vector
        return PassageLists(
            ids=local + self.first,
            finder=finder,
            in_dense=np.isin(local, dense_ids),
            in_lexical=np.isin(local, lexical_top),
            in_exact=np.isin(local, exact_top),
            dense=dense.astype(np.float32),
            closeness=(rows @ query.plain).astype(np.float32),
            lexical=lexical_all[local].astype(np.float32),
            exact=exact_all[local].astype(np.float32),
        )


class PassageSets:
    """Passage sets searched in this process (one for a one-file build, one per shard) and merged."""

    def __init__(self, parts: list[LocalPassages]) -> None:
        self.parts = parts

    def search(self, query: PassageQuery) -> PassageLists:
        return merge([part.search(query) for part in self.parts], query)
