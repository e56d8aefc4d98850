"""BM25 over chunk text through bm25s, saved pickle-free beside the vectors."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import bm25s
import numpy as np
import Stemmer

logging.getLogger("bm25s").setLevel(logging.ERROR)
_STEMMER = Stemmer.Stemmer("english")


def tokenize(texts: list[str]):
    return bm25s.tokenize(texts, stopwords="en", stemmer=_STEMMER, show_progress=False)


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
        tokens = bm25s.tokenize([query], stopwords="en", stemmer=_STEMMER, show_progress=False, return_ids=False)
        vocab = self.retriever.vocab_dict
        return [t for t in tokens[0] if t in vocab]

    def document_shares(self, words: list[str]) -> list[float]:
        """`document_share` of many words with one tokenizer call (the answer weighs every question word)."""
        if self.retriever is None or self.size == 0 or not words:
            return [0.0] * len(words)
        tokens = bm25s.tokenize(words, stopwords="en", stemmer=_STEMMER, show_progress=False, return_ids=False)
        vocab, indptr = self.retriever.vocab_dict, self.retriever.scores["indptr"]
        out = []
        for terms in tokens:
            token = vocab.get(terms[0]) if terms else None
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
        return np.asarray(self.retriever.get_scores(known), dtype=np.float32)[: self.size]

    def search(self, query: str, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Chunk ids and BM25 scores, best first; empty when no query term is in the vocabulary."""
        k = min(k, self.size)
        if k <= 0 or self.retriever is None:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        tokens = bm25s.tokenize([query], stopwords="en", stemmer=_STEMMER, show_progress=False, return_ids=False)
        vocab = self.retriever.vocab_dict
        known = [t for t in tokens[0] if t in vocab]
        if not known:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        ids, scores = self.retriever.retrieve([known], k=k, show_progress=False, n_threads=1)
        keep = scores[0] > 0
        return ids[0][keep].astype(np.int64), scores[0][keep].astype(np.float32)
