"""Sentence-level detection: every sentence gets the codes whose cue lies in it, with each cue's span.

This is the one place text is read for caveats; passages, documents and `rag annotate` are all
built from these findings, so a reader can always be shown the sentence and the words behind a flag.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rag.caveats.codes import Code, Level
from rag.caveats.design import is_background, sentence_designs, sentence_level
from rag.caveats.hedges import HedgeLexicon, shipped
from rag.caveats.rules import RULES
from rag.chunking import split_sentences

# An exclusion cancels a cue it overlaps or that lies this close to it in the same sentence.
EXCLUDE_WINDOW = 30


@dataclass(frozen=True)
class Cue:
    """The words that triggered a code, as offsets into the analysed text."""

    code: Code
    start: int
    end: int


@dataclass(frozen=True)
class SentenceFinding:
    start: int
    end: int
    cues: tuple[Cue, ...] = ()
    designs: tuple[str, ...] = ()
    level: Level = Level.NONE_STATED
    background: bool = False
    design_spans: tuple[tuple[int, int], ...] = field(default=(), compare=False)

    @property
    def codes(self) -> list[Code]:
        return list(dict.fromkeys(cue.code for cue in self.cues))

    def has(self, code: Code) -> bool:
        return any(cue.code == code for cue in self.cues)


def _union(patterns: tuple[str, ...], flags: int) -> re.Pattern | None:
    return re.compile("|".join(f"(?:{p})" for p in patterns), flags) if patterns else None


_COMPILED = [
    (rule.code, _union(rule.patterns, re.MULTILINE | (0 if rule.case_sensitive else re.IGNORECASE)),
     _union(rule.exclude, re.MULTILINE | re.IGNORECASE))
    for rule in RULES
]
_HEDGE_EXCLUDE = next(exclude for code, _, exclude in _COMPILED if code == Code.SPECULATIVE_LANGUAGE)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Every sentence of the text; a heading, list item or table row is a sentence of its own."""
    spans: list[tuple[int, int]] = []
    position = 0
    for line in text.split("\n"):
        lead = len(line) - len(line.lstrip())
        if line.strip():
            spans.extend(split_sentences(line[lead:], position + lead))
        position += len(line) + 1
    return spans


def _excluded(exclude: re.Pattern | None, sentence: str, start: int, end: int) -> bool:
    if exclude is None:
        return False
    return any(e.start() - EXCLUDE_WINDOW < end and start < e.end() + EXCLUDE_WINDOW for e in exclude.finditer(sentence))


def _merge(cues: list[Cue]) -> list[Cue]:
    """One span per run of overlapping cues of the same code ("may" inside "may increase")."""
    merged: list[Cue] = []
    for cue in sorted(cues, key=lambda c: (c.code, c.start, -c.end)):
        last = merged[-1] if merged else None
        if last and last.code == cue.code and cue.start < last.end:
            merged[-1] = Cue(cue.code, last.start, max(last.end, cue.end))
        else:
            merged.append(cue)
    return sorted(merged, key=lambda c: (c.start, c.end, c.code))


def analyse_sentence(sentence: str, offset: int = 0, lexicon: HedgeLexicon | None = None) -> SentenceFinding:
    """Codes, cue spans and reported designs of one sentence (offsets shifted by `offset`).

    `lexicon` replaces the shipped hedge lexicon (cross-validation trains one per fold).
    """
    cues: list[Cue] = []
    for code, pattern, exclude in _COMPILED:
        for match in pattern.finditer(sentence):
            if not _excluded(exclude, sentence, match.start(), match.end()):
                cues.append(Cue(code, offset + match.start(), offset + match.end()))
    for start, end in (lexicon or shipped()).find(sentence):
        if not _excluded(_HEDGE_EXCLUDE, sentence, start, end):
            cues.append(Cue(Code.SPECULATIVE_LANGUAGE, offset + start, offset + end))
    cues = _merge(cues)
    found = sentence_designs(sentence)
    designs = tuple(name for name, *_ in found)
    return SentenceFinding(
        offset, offset + len(sentence), tuple(cues), designs, sentence_level(list(designs), sentence), is_background(sentence),
        tuple((offset + s, offset + e) for _, s, e in found),
    )


def analyse(text: str) -> list[SentenceFinding]:
    """Findings for every sentence of `text`, in order."""
    return [analyse_sentence(text[start:end], start) for start, end in sentence_spans(text)]
