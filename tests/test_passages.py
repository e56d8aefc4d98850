"""Merging passage sets (rag/index/passages.py): per-set top lists merge into exactly the whole set's top lists,
ties included, however the passages are cut into sets."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from rag.index.passages import PassageLists, PassageQuery, merge, top_k


def _lists(first: int, finder: np.ndarray, lexical: np.ndarray, exact: np.ndarray, k: int,
           extra: np.ndarray) -> PassageLists:
    """What one set of passages [first, first + n) names: each signal's top k (positive for the word signals)."""
    tops = [top_k(finder, k), *(t[s[t] > 0] for s in (lexical, exact) for t in [top_k(s, k)])]
    mine = extra[(extra >= first) & (extra < first + len(finder))] - first
    local = np.unique(np.concatenate([*tops, mine]).astype(np.int64))
    return PassageLists(ids=local + first, finder=finder[local], in_dense=np.isin(local, tops[0]),
                        in_lexical=np.isin(local, tops[1]), in_exact=np.isin(local, tops[2]), dense=finder[local],
                        closeness=finder[local], lexical=lexical[local], exact=exact[local])


scores = st.lists(st.integers(0, 4), min_size=1, max_size=300)  # few distinct values: ties everywhere


@settings(max_examples=200, deadline=None)
@given(finder=scores, lexical=scores, exact=scores, k=st.integers(1, 40),
       cuts=st.lists(st.integers(1, 299), max_size=5), extra=st.lists(st.integers(0, 299), max_size=6))
def test_sets_merge_into_exactly_the_whole_builds_candidates(finder, lexical, exact, k, cuts, extra):
    n = min(len(finder), len(lexical), len(exact))
    arrays = [np.asarray(a[:n], dtype=np.float32) for a in (finder, lexical, exact)]
    extra_ids = np.unique(np.asarray([e for e in extra if e < n], dtype=np.int64))
    query = PassageQuery(vector=np.zeros(1, np.float32), plain=np.zeros(1, np.float32), text="", dense_k=k,
                         lexical_k=k, exact_max_share=0.0, exact_min_count=0, extra=extra_ids)
    whole = merge([_lists(0, *arrays, k, extra_ids)], query)
    bounds = [0, *sorted({c for c in cuts if c < n}), n]
    parts = [_lists(a, *(x[a:b] for x in arrays), k, extra_ids) for a, b in itertools.pairwise(bounds)]
    merged = merge(parts, query)
    for name in PassageLists.__dataclass_fields__:
        assert np.array_equal(getattr(merged, name), getattr(whole, name)), name
    # and the whole is each signal's top k by (score, then lower id), plus the extras
    assert set(whole.ids[whole.in_dense]) == set(top_k(arrays[0], k))
    assert set(whole.ids) >= set(extra_ids)


def test_top_k_is_best_first_with_ties_in_position_order():
    """The definition the merge relies on; np.argpartition alone picks among ties at the edge as it likes."""
    rng = np.random.default_rng(0)
    for n, k in ((5, 2), (200, 20), (1000, 50), (1000, 1000)):
        scores = rng.integers(0, 3, n).astype(np.float32)
        assert list(top_k(scores, k)) == list(np.lexsort((np.arange(n), -scores))[:k])
    assert list(top_k(np.zeros(0, dtype=np.float32), 3)) == []
