"""The learned answer selector: a logistic model over `features.NAMES` that says which units answer the question
best (they open the answer), and a ranker over `blocks.NAMES` that says which passage holds the rest of it.

benchmarks/train_answer.py fits both on experts' answers (cross-validated by question) and writes
rag/answer/data/selector.json: one weight per named feature of each.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from rag.answer import blocks
from rag.answer.features import BASE, EVIDENCE, EVIDENCE_COLUMNS, NAMES, NEEDS

WEIGHTS = Path(__file__).parent / "data" / "selector.json"


@dataclass(frozen=True)
class Selector:
    weights: np.ndarray  # one per features.NAMES
    passage_weights: np.ndarray  # one per blocks.NAMES; all zero keeps the passages in retrieval order
    trained_on: str = ""

    @classmethod
    def from_dict(cls, data: dict) -> Selector:
        return cls(_named(data["weights"], NAMES), _named(data.get("passage_weights", {}), blocks.NAMES),
                   str(data.get("trained_on", "")))

    def to_dict(self) -> dict:
        return {"trained_on": self.trained_on,
                "weights": {name: round(float(w), 5) for name, w in zip(NAMES, self.weights)},
                "passage_weights": {name: round(float(w), 5) for name, w in zip(blocks.NAMES, self.passage_weights)}}

    @property
    def first_stage(self) -> np.ndarray:
        """The weights of the cheap columns only (the caveat engine's columns zeroed)."""
        out = self.weights.copy()
        out[EVIDENCE_COLUMNS] = 0.0
        return out

    def logits(self, rows: np.ndarray) -> np.ndarray:
        return rows @ self.weights


def _named(values: dict[str, float], names: list[str]) -> np.ndarray:
    """A weight per name, in `names`' order; a feature dropped since training weighs nothing."""
    column = {name: i for i, name in enumerate(names)}
    out = np.zeros(len(names))
    for name, value in values.items():
        if name in column:
            out[column[name]] = float(value)
    return out


@lru_cache(maxsize=1)
def default_selector() -> Selector:
    """The shipped weights; a hand-set fallback (rare words and passage rank only) if the file is missing."""
    if WEIGHTS.exists():
        return Selector.from_dict(json.loads(WEIGHTS.read_text()))
    fallback = {"bias": -3.0, "cover": 2.0, "focus": 2.0, "inv_rank": 1.0}
    return Selector.from_dict({"weights": fallback, "trained_on": "fallback"})


__all__ = ["BASE", "EVIDENCE", "NAMES", "NEEDS", "Selector", "default_selector"]
