"""BM25 over chunk text through bm25s, saved pickle-free beside the vectors."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import re

import bm25s
import numpy as np
import Stemmer
from bm25s.stopwords import STOPWORDS_EN

logging.getLogger("bm25s").setLevel(logging.ERROR)
_STEMMER = Stemmer.Stemmer("english")
_SPLIT = re.compile(r"(?u)\b\w\w+\b").findall  # bm25s' default token pattern
_STOPWORDS = frozenset(STOPWORDS_EN)


def tokenize(texts: list[str]):
    return bm25s.tokenize(texts, stopwords="en", stemmer=_STEMMER, show_progress=False)


def terms(text: str) -> list[str]:
    """bm25s' own tokens for one text (its pattern, stopwords and stemmer), without its per-call set-up.

    `bm25s.tokenize` builds a vocabulary and progress bars for every call: 0.6 ms a question, called
    several times per question. tests/test_lexical.py holds the two to the same output.
    """
    return _STEMMER.stemWords([w for w in _SPLIT(text.lower()) if w not in _STOPWORDS])


class LexicalIndex:
    """A thin wrapper so the rest of the engine never touches bm25s' token ids."""

    def __init__(self, retriever: bm25s.BM25 | None, size: int) -> None:
        self.retriever = retriever  # None when no entry has a single indexable word
        self.size = size

    @classmethod
    def build(cls, texts: list[str]) -> LexicalIndex:
        tokens = tokenize(texts or [""])
        if not tokens.vocab:
            return cls(None, len(texts))
        retriever = bm25s.BM25()
        retriever.index(tokens, show_progress=False)
        return cls(retriever, len(texts))

    def save(self, folder: Path) -> None:
        if self.retriever is None:
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "empty.json").write_text(json.dumps({"size": self.size}))
        else:
            self.retriever.save(str(folder))

    @classmethod
    def load(cls, folder: Path, size: int) -> LexicalIndex:
        if (folder / "empty.json").exists():
            return cls(None, size)
        return cls(bm25s.BM25.load(str(folder), load_corpus=False), size)

    def query_terms(self, query: str) -> list[str]:
        if self.retriever is None:
            return []
        vocab = self.retriever.vocab_dict
        return [t for t in terms(query) if t in vocab]

    def document_shares(self, words: list[str]) -> list[float]:
        """`document_share` of many words with one tokenizer call (the answer weighs every question word)."""
        if self.retriever is None or self.size == 0 or not words:
            return [0.0] * len(words)
        vocab, indptr = self.retriever.vocab_dict, self.retriever.scores["indptr"]
        out = []
        for word in words:
            stemmed = terms(word)
            token = vocab.get(stemmed[0]) if stemmed else None
            out.append(0.0 if token is None else float(indptr[token + 1] - indptr[token]) / self.size)
        return out

    def document_share(self, word: str) -> float:
        """Share of entries containing the word (after stemming); 0 for unknown words."""
        terms = self.query_terms(word)
        if not terms or self.size == 0:
            return 0.0
        indptr = self.retriever.scores["indptr"]
        token = self.retriever.vocab_dict[terms[0]]
        return float(indptr[token + 1] - indptr[token]) / self.size

    def rare_term_coverage(self, query: str, max_share: float, min_count: int = 2) -> np.ndarray:
        """For every entry, the share of the query's IDF weight carried by the rare query terms it contains.

        A term is rare when at most `max_share` of entries hold it (or at most `min_count`, so that a small
        collection has rare terms at all): a name, a drug, a year, a trial id.
        BM25 already counts such terms, but mixed with every common word; this signal lets an exact
        match on a rare term lift a passage on its own ("Smith et al. 2021", "clemastine").
        """
        out = np.zeros(self.size, dtype=np.float32)
        if self.retriever is None or self.size == 0:
            return out
        indptr, indices = self.retriever.scores["indptr"], self.retriever.scores["indices"]
        vocab = self.retriever.vocab_dict
        total = 0.0
        for term in dict.fromkeys(self.query_terms(query)):
            token = vocab[term]
            df = int(indptr[token + 1] - indptr[token])
            if df == 0:
                continue
            idf = float(np.log(1 + self.size / df))
            total += idf
            if df <= max(min_count, max_share * self.size):
                out[indices[indptr[token] : indptr[token + 1]]] += idf
        return out / total if total else out

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every entry (zeros when no query term is known)."""
        known = self.query_terms(query)
        if not known or self.size == 0:
            return np.zeros(self.size, dtype=np.float32)
        # bm25s' eager scores summed per entry; np.bincount does in one pass what bm25s' numpy path
        # (np.add.at, without numba) takes ~10× longer for.
        matrix, vocab = self.retriever.scores, self.retriever.vocab_dict
        indptr = matrix["indptr"]
        spans = [(indptr[vocab[t]], indptr[vocab[t] + 1]) for t in known]
        rows = np.concatenate([matrix["indices"][a:b] for a, b in spans])
        weights = np.concatenate([matrix["data"][a:b] for a, b in spans])
        return np.bincount(rows, weights=weights, minlength=self.size)[: self.size].astype(np.float32)
