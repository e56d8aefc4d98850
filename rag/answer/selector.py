"""The learned sentence selector: a logistic model over `features.NAMES`, trained on experts' answer sentences.

benchmarks/train_answer.py fits it on answers-dev (cross-validated by question) and writes
rag/answer/data/selector.json: one weight per named feature, and the probability a unit needs to join an answer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from rag.answer.features import BASE, COLUMN, EVIDENCE, NAMES, NEEDS

WEIGHTS = Path(__file__).parent / "data" / "selector.json"


@dataclass(frozen=True)
class Selector:
    weights: np.ndarray  # one per features.NAMES
    keep: float  # a unit joins the answer when its probability is at least this (the first one always does)
    trained_on: str = ""

    @classmethod
    def from_dict(cls, data: dict) -> Selector:
        weights = np.zeros(len(NAMES))
        for name, value in data["weights"].items():
            if name in COLUMN:  # a feature dropped since training weighs nothing
                weights[COLUMN[name]] = float(value)
        return cls(weights, float(data["keep"]), str(data.get("trained_on", "")))

    def to_dict(self) -> dict:
        return {"trained_on": self.trained_on, "keep": self.keep,
                "weights": {name: round(float(w), 5) for name, w in zip(NAMES, self.weights)}}

    @property
    def first_stage(self) -> np.ndarray:
        """The weights of the cheap columns only (the caveat engine's columns zeroed)."""
        out = self.weights.copy()
        out[[COLUMN[n] for n in EVIDENCE]] = 0.0
        return out

    def logits(self, rows: np.ndarray) -> np.ndarray:
        return rows @ self.weights


@lru_cache(maxsize=1)
def default_selector() -> Selector:
    """The shipped weights; a hand-set fallback (rare words and passage rank only) if the file is missing."""
    if WEIGHTS.exists():
        return Selector.from_dict(json.loads(WEIGHTS.read_text()))
    fallback = {"bias": -3.0, "cover": 2.0, "focus": 2.0, "inv_rank": 1.0}
    return Selector.from_dict({"weights": fallback, "keep": 0.3, "trained_on": "fallback"})


__all__ = ["BASE", "EVIDENCE", "NAMES", "NEEDS", "Selector", "default_selector"]
