"""Phrase evidence: the question's adjacent word pairs found adjacent in a passage.

BM25 and the rare-term signal count words one by one, so "Is LDN a disease modifying drug?" scores the passage
that says "LDN is not a Disease-Modifying Therapy" no higher than any passage naming a disease and LDN
somewhere. A pair of words that stand together in the question and in the passage ("disease modifying",
"blood sugar", "stem cell transplantation") is evidence that the passage speaks about the same thing, the proximity idea
of sequential-dependence retrieval models. Pairs are taken over bm25s' tokens (stopwords out, Snowball stems),
so "disease-modifying therapy" meets "disease modifying drugs", and each pair weighs the IDF of its two words.
Pair keys are Python string hashes: they are compared only within one process, where they are stable.

It re-scores only the best `phrase_depth` candidates: the lift is at most `phrase_weight`, and tokenizing
every candidate would cost more than the model's encode on this machine.
"""

from __future__ import annotations

import itertools
import math
from functools import lru_cache

import numpy as np

from rag.index import LoadedIndex
from rag.index.lexical import terms


def word_pairs(text: str) -> list[tuple[str, str]]:
    """Adjacent (stemmed, stopword-free) token pairs of a text, in order, without repeats."""
    tokens = terms(text)
    return list(dict.fromkeys(itertools.pairwise(tokens)))


@lru_cache(maxsize=32768)
def _pair_keys(text: str) -> np.ndarray:
    """A passage's word pairs as sorted 64-bit keys (about 1 KB a passage, so the cache stays small)."""
    return np.unique(np.fromiter((hash(p) for p in word_pairs(text)), dtype=np.int64))


def phrase_evidence(index: LoadedIndex, chunk_ids: np.ndarray, query: str) -> np.ndarray:
    """For each passage, the share of the question's pair weight (IDF of both words) it holds as pairs."""
    out = np.zeros(len(chunk_ids), dtype=np.float64)
    pairs = word_pairs(query)
    if not pairs or not len(chunk_ids):
        return out
    share = index.lexical.document_share_of_term
    idf = {t: (math.log(1 + 1 / s) if (s := share(t)) > 0 else 0.0) for pair in pairs for t in pair}
    weights = np.array([idf[a] + idf[b] for a, b in pairs])
    if not weights.sum():
        return out
    keys = np.array([hash(p) for p in pairs], dtype=np.int64)
    for i, chunk_id in enumerate(chunk_ids):
        held = _pair_keys(index.chunks[chunk_id].text)
        out[i] = weights[np.isin(keys, held, assume_unique=True)].sum()
    return out / weights.sum()


def phrase_lift(
    index: LoadedIndex, chunk_ids: np.ndarray, scores: np.ndarray, query: str, weight: float, depth: int
) -> np.ndarray:
    """`weight` × phrase evidence for the `depth` best-scored candidates, zero for the rest."""
    out = np.zeros(len(chunk_ids))
    if not weight or not len(chunk_ids):
        return out
    best = np.lexsort((chunk_ids, -scores))[:depth]
    out[best] = weight * phrase_evidence(index, chunk_ids[best], query)
    return out
