"""Hedge cues learned from data: a cue lexicon with one word of context either side.

Trained on sentences whose speculation cues people marked (BioScope, CoNLL-2010 task 1): for each
cue (a lower-cased 1–3-word sequence; not stemmed, which would make "likely" into "like" and
"indication" into "indicate") we count how often an occurrence was marked as a cue, overall and
with the word before or after it. At run time an occurrence counts as a hedge when its estimated
probability of being a cue reaches a threshold, so "may increase" is a hedge and "or" between two
nouns is not. Every hit is a span of the sentence, so a reader sees the words that triggered it.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

LEXICON_PATH = Path(__file__).with_name("data") / "hedge_cues.json"
MAX_CUE_WORDS = 3
_WORD = re.compile(r"[A-Za-z]+(?:['’-][A-Za-z]+)*")
# Capitalised "May" next to a day or year is the month, not a hedge.
_MONTH = re.compile(r"\bMay\s+\d|\d\s+May\b|\b(?:in|of|since|until|from|by|early|late|mid-?)\s+May\b")
# "Coffee drinkers were less likely to die": a comparison of rates is a finding, not a hedge (BioScope's abstracts
# never say it, so the lexicon cannot have learned it).
_COMPARED = frozenset({"more", "less", "equally", "as"})
# "Suggest" as advice, not inference: a person suggests something to do ("my GP suggested I try magnesium", "my
# pharmacist suggested taking it at night"); findings suggest that something is so.
_SUGGEST = frozenset({"suggest", "suggests", "suggested", "suggesting"})
# ("suggest we/they/you…" is inference as often: "the data suggest they are involved"; so is a gerund after findings,
# "the data suggest starting treatment earlier improves survival", so a gerund counts only after an adviser)
_ADVISED = frozenset({"i", "me"})
_ADVISERS = frozenset({"doctor", "doctors", "gp", "nurse", "pharmacist", "physician", "psychiatrist", "neurologist",
                       "consultant", "specialist", "therapist", "dermatologist", "rheumatologist", "friend", "friends",
                       "someone", "somebody", "mum", "mom", "dad", "wife", "husband", "partner", "sister", "brother",
                       "coach", "trainer", "naturopath", "dietitian", "midwife"})


def words(text: str) -> list[tuple[int, int, str]]:
    """(start, end, form) of every word, lower-cased."""
    return [(m.start(), m.end(), m.group().lower().replace("’", "'")) for m in _WORD.finditer(text)]


def cue_key(cue: str) -> tuple[str, ...]:
    return tuple(stem for *_, stem in words(cue))


@dataclass(frozen=True)
class HedgeLexicon:
    """Counts per feature: ("k", cue), ("n", cue, next word) and ("p", cue, previous word)."""

    cues: frozenset[tuple[str, ...]]
    marked: dict[tuple, int]
    seen: dict[tuple, int]
    threshold: float = 0.5
    min_context: int = 5
    smoothing: float = 2.0  # a cue marked once in one sighting stays below the threshold

    def _occurrences(self, stems: list[str]) -> Iterable[tuple[int, int, tuple[str, ...]]]:
        """Longest known cue at each position, left to right."""
        for i in range(len(stems)):
            for n in range(MAX_CUE_WORDS, 0, -1):
                key = tuple(stems[i : i + n])
                if len(key) == n and key in self.cues:
                    yield i, n, key
                    break

    @staticmethod
    def _features(stems: list[str], i: int, n: int, key: tuple[str, ...]) -> tuple[tuple, tuple, tuple]:
        after = stems[i + n] if i + n < len(stems) else "</s>"
        before = stems[i - 1] if i > 0 else "<s>"
        return ("k", key), ("n", key, after), ("p", key, before)

    def probability(self, stems: list[str], i: int, n: int, key: tuple[str, ...]) -> float:
        """P(cue) from the cue's own rate, refined by each context seen often enough (shrunk towards it)."""
        own, *contexts = self._features(stems, i, n, key)
        base = self.marked.get(own, 0) / (self.seen.get(own, 0) + self.smoothing)
        refined = [
            (self.marked.get(f, 0) + 2 * base) / (self.seen[f] + 2)
            for f in contexts
            if self.seen.get(f, 0) >= self.min_context
        ]
        return sum(refined) / len(refined) if refined else base

    def find(self, text: str) -> list[tuple[int, int]]:
        """Character spans of the hedge cues in one sentence."""
        tokens = words(text)
        stems = [stem for *_, stem in tokens]
        spans = []
        for i, n, key in self._occurrences(stems):
            start, end = tokens[i][0], tokens[i + n - 1][1]
            if key == ("may",) and _MONTH.search(text[max(0, start - 12) : end + 6]):
                continue
            if key == ("likely",) and i > 0 and stems[i - 1] in _COMPARED:
                continue
            if n == 1 and key[0] in _SUGGEST and ((i + 1 < len(stems) and stems[i + 1] in _ADVISED)
                                                  or (i > 0 and stems[i - 1] in _ADVISERS)):
                continue
            if self.probability(stems, i, n, key) >= self.threshold:
                spans.append((start, end))
        return spans

    def to_json(self) -> dict:
        return {
            "threshold": self.threshold,
            "min_context": self.min_context,
            "cues": sorted(" ".join(k) for k in self.cues),
            "counts": [
                [[*list(f[0:1]), " ".join(f[1]), *list(f[2:])], self.marked.get(f, 0), n]
                for f, n in sorted(self.seen.items(), key=str)
            ],
        }

    @classmethod
    def from_json(cls, data: dict) -> HedgeLexicon:
        marked: dict[tuple, int] = {}
        seen: dict[tuple, int] = {}
        for feature, pos, total in data["counts"]:
            key = (feature[0], tuple(feature[1].split()), *feature[2:])
            marked[key], seen[key] = pos, total
        return cls(
            frozenset(tuple(c.split()) for c in data["cues"]), marked, seen, data["threshold"], data["min_context"]
        )


def learn(sentences: Iterable[tuple[str, list[str]]], threshold: float = 0.5, min_context: int = 5) -> HedgeLexicon:
    """Learn a lexicon from (sentence, marked cue strings) pairs; a gapped cue ("either or") keys on its first word."""
    prepared = []
    cues: set[tuple[str, ...]] = set()
    for text, marked_cues in sentences:
        stems = [stem for *_, stem in words(text)]
        keys = set()
        for cue in marked_cues:
            key = cue_key(cue)
            if not key:
                continue
            n = len(key)
            contiguous = any(tuple(stems[i : i + n]) == key for i in range(len(stems) - n + 1))
            keys.add(key if contiguous and n <= MAX_CUE_WORDS else key[:1])
        cues |= keys
        prepared.append((stems, keys))
    draft = HedgeLexicon(frozenset(cues), {}, {}, threshold, min_context)
    marked: Counter = Counter()
    seen: Counter = Counter()
    for stems, keys in prepared:
        for i, n, key in draft._occurrences(stems):
            for feature in draft._features(stems, i, n, key):
                seen[feature] += 1
                marked[feature] += key in keys
    # A context seen fewer than `min_context` times is never consulted: drop it.
    kept = {f: n for f, n in seen.items() if f[0] == "k" or n >= min_context}
    return HedgeLexicon(frozenset(cues), {f: marked[f] for f in kept}, kept, threshold, min_context)


@lru_cache(maxsize=1)
def shipped() -> HedgeLexicon:
    """The lexicon learned from all of BioScope's abstracts (benchmarks/train_hedges.py writes it)."""
    return HedgeLexicon.from_json(json.loads(LEXICON_PATH.read_text(encoding="utf-8")))
