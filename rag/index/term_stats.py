"""Collection-wide term statistics: what BM25 needs so that a shard scores its passages as the whole build would.

BM25 weighs a term by how many passages hold it (its document frequency) and normalises by the average
passage length; both are properties of the whole collection, not of one shard. Each shard's counts are taken
apart (on a Ray worker or here), summed with `merge`, and every shard's scores are then computed with the sum.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np


@dataclass
class TermStats:
    num_docs: int = 0
    total_length: int = 0  # tokens over all passages, so the mean length is exact at any scale
    df: dict[str, int] = field(default_factory=dict)

    @classmethod
    def count(cls, token_lists: Iterable[list[str]]) -> TermStats:
        df: Counter[str] = Counter()
        num_docs = total = 0
        for tokens in token_lists:
            num_docs += 1
            total += len(tokens)
            df.update(set(tokens))
        return cls(num_docs, total, dict(df))

    @classmethod
    def merge(cls, parts: Iterable[TermStats]) -> TermStats:
        df: Counter[str] = Counter()
        num_docs = total = 0
        for part in parts:
            num_docs += part.num_docs
            total += part.total_length
            df.update(part.df)
        return cls(num_docs, total, dict(df))

    @property
    def avg_doc_len(self) -> np.float64:
        # bm25s takes the numpy mean of integer lengths: the same value as one exact integer sum divided once, and
        # a numpy float64 rather than a Python float, which under numpy 2's promotion rules keeps its scores in
        # float64 arithmetic (a Python float would round them to float32 a step earlier).
        return np.float64(self.total_length / self.num_docs if self.num_docs else 0.0)

    def save(self, path: Path) -> None:
        path.write_text(json.dumps({"num_docs": self.num_docs, "total_length": self.total_length,
                                    "df": dict(sorted(self.df.items()))}, ensure_ascii=False))

    @classmethod
    def load(cls, path: Path) -> TermStats:
        raw = json.loads(path.read_text())
        return cls(int(raw["num_docs"]), int(raw["total_length"]), {str(k): int(v) for k, v in raw["df"].items()})
