"""What any answer writer takes and gives, so another (e.g. a generative one) can replace the extractive one.

A writer gets the shown passages, best first, with their citation numbers, and must return text whose every
claim carries one of those numbers, plus which citations report a benefit and which none or harm (the
`sources_disagree` caveat is built from them). It may return empty text: the response then says no answer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol


@dataclass
class AnswerPassage:
    citation: int
    doc_id: str
    text: str
    warnings: list[str]  # quotes of its safety warnings
    similarity: float
    start: int = 0  # the passage's offset in its document's cleaned text
    abbreviations: tuple[tuple[str, str], ...] = ()  # what its document defines: (("LDN", "low-dose naltrexone"),)


@dataclass(frozen=True)
class Quote:
    """A unit quoted whole: `document.text[start:end] == text`."""

    text: str
    citation: int
    doc_id: str
    start: int
    end: int


@dataclass
class Answer:
    text: str
    citations: list[int]
    # Citations of on-topic passages that report a benefit, and of those that report none or harm.
    benefit: list[int] = field(default_factory=list)
    against: list[int] = field(default_factory=list)
    sentences: list[Quote] = field(default_factory=list)  # the answer's units, in the order of `text`
    safety: list[Quote] = field(default_factory=list)  # warnings about what was asked, shown apart
    opening: int = 0  # how many of `sentences` lead (the best units and what leads them); the rest read in order

    @property
    def sources_disagree(self) -> bool:
        return bool(self.benefit and self.against and set(self.benefit) != set(self.against))


class AnswerWriter(Protocol):
    def write(self, question: str, passages: list[AnswerPassage], shares_of: Callable[[list[str]], list[float]],
              collection_size: int) -> Answer:
        """An answer to `question` from `passages`; `shares_of` gives each word's share of passages holding it."""
        ...
