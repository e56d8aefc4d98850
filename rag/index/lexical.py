"""BM25 over chunk text through bm25s, saved pickle-free beside the vectors.

A shard of a sharded build is scored with the whole collection's term statistics (`TermStats`), so its BM25
scores are the unsharded build's to the last bit; `ShardedLexical` puts the shards back together for a query.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import bm25s
import numpy as np
from bm25s.scoring import (
    _build_idf_array,
    _build_scores_and_indices_for_matrix,
    _calculate_doc_freqs,
    _select_idf_scorer,
)
from bm25s.stopwords import STOPWORDS_EN

from rag.index.term_stats import TermStats
from rag.terms import STEMMER as _STEMMER

logging.getLogger("bm25s").setLevel(logging.ERROR)
_SPLIT = re.compile(r"(?u)\b\w\w+\b").findall  # bm25s' default token pattern
_STOPWORDS = frozenset(STOPWORDS_EN)


DOC_LEXICAL = "bm25_doc"  # the build's folder of whole-document BM25
DOC_LEXICAL_CHARS = 200_000  # a document's BM25 reads its title and this much of its text: bounded per document


def document_texts(documents) -> list[str]:
    """What whole-document BM25 indexes: the title a document gives, then its text, as Lucene's BEIR runs index
    title and body together. Passages are ranked by their own words; this finds the documents about the question
    even where no single passage holds all its words (SciFact dev BM25 0.705 → 0.740, docs/benchmarks.md)."""
    return [(d.title + "\n" if d.title_given else "") + d.text[:DOC_LEXICAL_CHARS] for d in documents]


def tokenize(texts: list[str]):
    return bm25s.tokenize(texts, stopwords="en", stemmer=_STEMMER, show_progress=False)


def terms(text: str) -> list[str]:
    """bm25s' own tokens for one text (its pattern, stopwords and stemmer), without its per-call set-up.

    `bm25s.tokenize` builds a vocabulary and progress bars for every call: 0.6 ms a question, called
    several times per question. tests/test_lexical.py holds the two to the same output.
    """
    return _STEMMER.stemWords([w for w in _SPLIT(text.lower()) if w not in _STOPWORDS])


class _CollectionBM25(bm25s.BM25):
    """bm25s' own scoring, given the collection's document frequencies and mean length instead of this shard's.

    `build_index_from_ids` is bm25s' documented hook for building the index another way; everything but
    the two statistics is its code path (Lucene BM25, k1 1.5, b 0.75)."""

    def __init__(self, stats: TermStats, term_of: dict[int, str]) -> None:
        super().__init__()
        if self.method in self.methods_requiring_nonoccurrence:
            raise ValueError(f"collection statistics are not wired for {self.method}")
        self.stats, self.term_of = stats, term_of

    def build_index_from_ids(self, unique_token_ids, corpus_token_ids, show_progress=True, leave_progress=False):
        self.nonoccurrence_array = None  # as bm25s sets it for Lucene BM25
        local_df = _calculate_doc_freqs(corpus_token_ids, unique_token_ids, show_progress=False)
        collection_df = {t: self.stats.df.get(self.term_of.get(t, ""), 0) for t in unique_token_ids}
        idf = _build_idf_array(collection_df, self.stats.num_docs, _select_idf_scorer(self.idf_method), self.dtype)
        scores, rows, cols = _build_scores_and_indices_for_matrix(
            corpus_token_ids, idf, self.stats.avg_doc_len, local_df, self.k1, self.b, self.delta, None,
            method=self.method, dtype=self.dtype, int_dtype=self.int_dtype, show_progress=False)
        data, indices, indptr = self._np_csc(scores, rows, cols, (len(corpus_token_ids), len(unique_token_ids)))
        return {"data": data.astype(self.dtype), "indices": indices, "indptr": indptr,
                "num_docs": len(corpus_token_ids)}


class LexicalIndex:
    """A thin wrapper so the rest of the engine never touches bm25s' token ids."""

    def __init__(self, retriever: bm25s.BM25 | None, size: int, stats: TermStats | None = None) -> None:
        self.retriever = retriever  # None when no entry has a single indexable word
        self.size = size
        self.stats = stats  # the whole collection's, for a shard; None: this index is the collection

    @classmethod
    def build(cls, texts: list[str], stats: TermStats | None = None) -> LexicalIndex:
        """BM25 over `texts`; with `stats`, weighted by the collection they are a shard of."""
        tokens = tokenize(texts or [""])
        if not tokens.vocab:
            return cls(None, len(texts), stats)
        retriever = bm25s.BM25() if stats is None else _CollectionBM25(stats, {i: t for t, i in tokens.vocab.items()})
        retriever.index(tokens, show_progress=False)
        return cls(retriever, len(texts), stats)

    def save(self, folder: Path) -> None:
        if self.retriever is None:
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "empty.json").write_text(json.dumps({"size": self.size}))
        else:
            self.retriever.save(str(folder))

    @classmethod
    def load(cls, folder: Path, size: int, stats: TermStats | None = None) -> LexicalIndex:
        if (folder / "empty.json").exists():
            return cls(None, size, stats)
        return cls(bm25s.BM25.load(str(folder), load_corpus=False), size, stats)

    @property
    def collection_size(self) -> int:
        return self.stats.num_docs if self.stats else self.size

    def _df(self, term: str) -> int:
        """How many entries of the collection hold `term` (a stemmed token)."""
        if self.stats is not None:
            return self.stats.df.get(term, 0)
        if self.retriever is None or (token := self.retriever.vocab_dict.get(term)) is None:
            return 0
        indptr = self.retriever.scores["indptr"]
        return int(indptr[token + 1] - indptr[token])

    def _postings(self, term: str) -> np.ndarray:
        """This index's entries that hold `term`."""
        if self.retriever is None or (token := self.retriever.vocab_dict.get(term)) is None:
            return np.zeros(0, dtype=np.int64)
        indptr = self.retriever.scores["indptr"]
        return self.retriever.scores["indices"][indptr[token] : indptr[token + 1]]

    def query_terms(self, query: str) -> list[str]:
        if self.retriever is None:
            return []
        vocab = self.retriever.vocab_dict
        return [t for t in terms(query) if t in vocab]

    def document_shares(self, words: list[str]) -> list[float]:
        """`document_share` of many words with one tokenizer call (the answer weighs every question word)."""
        out = []
        for word in words:
            stemmed = terms(word)
            out.append(self.document_share_of_term(stemmed[0]) if stemmed else 0.0)
        return out

    def document_share_of_term(self, term: str) -> float:
        size = self.collection_size
        return self._df(term) / size if size else 0.0

    def document_share(self, word: str) -> float:
        """Share of entries containing the word (its first known stem); 0 for unknown words."""
        known = [t for t in terms(word) if self._df(t)]
        return self.document_share_of_term(known[0]) if known else 0.0

    def rare_term_coverage(self, query: str, max_share: float, min_count: int = 2) -> np.ndarray:
        """For every entry, the share of the query's IDF weight carried by the rare query terms it contains.

        A term is rare when at most `max_share` of entries hold it (or at most `min_count`, so that a small
        collection has rare terms at all): a name, a drug, a year, a trial id.
        BM25 already counts such terms, but mixed with every common word; this signal lets an exact
        match on a rare term lift a passage on its own ("Smith et al. 2021", "clemastine").
        Counts and weights are the collection's, so a shard's values are the whole build's.
        """
        out = np.zeros(self.size, dtype=np.float32)
        size = self.collection_size
        if (self.retriever is None and self.stats is None) or size == 0:
            return out
        total = 0.0
        for term in dict.fromkeys(terms(query)):
            df = self._df(term)
            if df == 0:
                continue
            idf = float(np.log(1 + size / df))
            total += idf
            if df <= max(min_count, max_share * size):
                out[self._postings(term)] += idf
        return out / total if total else out

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every entry (zeros when no query term is known)."""
        known = self.query_terms(query)
        if not known or self.size == 0:
            return np.zeros(self.size, dtype=np.float32)
        # bm25s' eager scores summed per entry; np.bincount does in one pass what bm25s' numpy path
        # (np.add.at, without numba) takes ~10× longer for.
        assert self.retriever is not None  # query_terms found a known term
        matrix, vocab = self.retriever.scores, self.retriever.vocab_dict
        indptr = matrix["indptr"]
        spans = [(indptr[vocab[t]], indptr[vocab[t] + 1]) for t in known]
        rows = np.concatenate([matrix["indices"][a:b] for a, b in spans])
        weights = np.concatenate([matrix["data"][a:b] for a, b in spans])
        return np.bincount(rows, weights=weights, minlength=self.size)[: self.size].astype(np.float32)


class ShardedLexical:
    """The shards' BM25 indexes read as one: each shard's scores in its place, the collection's statistics shared."""

    def __init__(self, shards: list[LexicalIndex], stats: TermStats) -> None:
        self.shards, self.stats = shards, stats
        self.size = sum(shard.size for shard in shards)
        self._collection = LexicalIndex(None, self.size, stats)  # answers shares from the statistics alone

    def scores(self, query: str) -> np.ndarray:
        return np.concatenate([s.scores(query) for s in self.shards]) if self.shards else np.zeros(0, np.float32)

    def rare_term_coverage(self, query: str, max_share: float, min_count: int = 2) -> np.ndarray:
        parts = [s.rare_term_coverage(query, max_share, min_count) for s in self.shards]
        return np.concatenate(parts) if parts else np.zeros(0, np.float32)

    def document_shares(self, words: list[str]) -> list[float]:
        return self._collection.document_shares(words)

    def document_share(self, word: str) -> float:
        return self._collection.document_share(word)

    def document_share_of_term(self, term: str) -> float:
        return self._collection.document_share_of_term(term)
