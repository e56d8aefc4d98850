"""Sentence-level detection: every sentence gets the codes whose cue lies in it, with each cue's span.

This is the one place text is read for caveats; passages, documents and `rag annotate` are all
built from these findings, so a reader can always be shown the sentence and the words behind a flag.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_right
from dataclasses import dataclass, field, replace

from rag.caveats.citations import find_citations
from rag.caveats.codes import LEVEL_CODES, STUDY_DESIGN_LEVELS, Code, Level
from rag.caveats.design import (
    BACKGROUND,
    COMPILED_DESIGNS,
    is_background,
    not_done,
    sentence_designs,
    sentence_level,
)
from rag.caveats.hedges import HedgeLexicon, shipped
from rag.caveats.patterns import union
from rag.caveats.rules import EXCLUDE_WINDOW, RULES
from rag.caveats.spans import SpanSet
from rag.ingest.chunking import split_sentences

# Sentences up to this long are first asked whether anything could match at all: for short ones the thirty
# searches' own overhead dominates; for long ones the one big pattern costs as much as the searches it saves.
PREFILTER_MAX_CHARS = 300


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
    return union(patterns, flags) if patterns else None


_COMPILED = [
    (rule.code, _union(rule.patterns, re.MULTILINE | (0 if rule.case_sensitive else re.IGNORECASE)),
     _union(rule.exclude, re.MULTILINE | re.IGNORECASE))
    for rule in RULES
]
_HEDGE_EXCLUDE = next(exclude for code, _, exclude in _COMPILED if code == Code.SPECULATIVE_LANGUAGE)
_PRECEDED = {rule.code: re.compile(f"(?:{'|'.join(rule.preceded_by)})\\s*$", re.IGNORECASE)
             for rule in RULES if rule.preceded_by}
_PRECEDING_CHARS = 40
# A hedge that is how a harm is worded: a modal just before the harm, in the same clause ("as this may cause serious
# side effects"); "It may help; side effects include nausea" hedges the help.
_MODAL = re.compile(r"(?:may|might|can|could)\b", re.IGNORECASE)
_CLAUSE_BREAK = re.compile(r"[;:,.()]")
# The codes a study design earns, dropped where the design is only planned or not yet done.
_DESIGN_CODES = frozenset(LEVEL_CODES[level] for level in STUDY_DESIGN_LEVELS)


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


def _scoped(pattern: re.Pattern) -> str:
    """A compiled pattern as an alternative of a larger one, its own flags kept."""
    flags = "".join(letter for flag, letter in ((re.IGNORECASE, "i"), (re.MULTILINE, "m")) if pattern.flags & flag)
    return f"(?{flags}:{pattern.pattern})" if flags else f"(?:{pattern.pattern})"


@functools.cache
def _anything() -> re.Pattern:
    """One pattern that matches wherever any sentence-level finding could start: every rule's and design's cue,
    a background mention, or the first word of a shipped hedge cue. A sentence it does not match has no
    finding at all, so it skips the thirty searches below (100,000 tiny sentences took seconds without this).
    tests/test_caveats_linear.py checks that it never changes a finding on the seeds and the caveat sets.
    """
    hedge_words = sorted({key[0] for key in shipped().cues}, key=len, reverse=True)
    hedges = (
        r"(?i:(?<![A-Za-z])(?:" + "|".join(re.escape(w).replace("'", "['’]") for w in hedge_words) + r")(?![A-Za-z]))"
    )
    parts = [_scoped(pattern) for _, pattern, _ in _COMPILED if pattern is not None]
    parts += [_scoped(pattern) for pattern in COMPILED_DESIGNS.values()]
    parts += [_scoped(BACKGROUND), hedges]
    return re.compile("|".join(parts))


@functools.lru_cache(maxsize=4096)
def _could_match(sentence: str) -> bool:
    """The prefilter, remembered: a text of one short sentence repeated 66,000 times asks once."""
    return _anything().search(sentence) is not None


def straight(text: str) -> str:
    """The text with straight apostrophes ("I’ve", "don’t" as "I've", "don't"), as every cue is read: one character
    for one, so offsets are unchanged."""
    return text.replace("’", "'")


def analyse_sentence(sentence: str, offset: int = 0, lexicon: HedgeLexicon | None = None) -> SentenceFinding:
    """Codes, cue spans and reported designs of one sentence (offsets shifted by `offset`).

    `lexicon` replaces the shipped hedge lexicon (cross-validation trains one per fold).
    """
    sentence = straight(sentence)
    if lexicon is None and len(sentence) <= PREFILTER_MAX_CHARS and not _could_match(sentence):
        return SentenceFinding(offset, offset + len(sentence))
    question = sentence.rstrip().endswith("?")
    cues: list[Cue] = []
    excluded: dict[Code, SpanSet] = {}  # each rule's exclusions, found once and only where a cue needs them
    for code, pattern, exclude in _COMPILED:
        if pattern is None or (question and code == Code.ANECDOTAL):  # "What if my side effects have gone?"
            continue
        preceded = _PRECEDED.get(code)
        for match in pattern.finditer(sentence):
            spans = excluded.get(code) or excluded.setdefault(code, SpanSet(exclude, sentence))
            if spans.near(match.start(), match.end(), EXCLUDE_WINDOW) or (
                    preceded and preceded.search(sentence, max(0, match.start() - _PRECEDING_CHARS), match.start())):
                continue
            cues.append(Cue(code, offset + match.start(), offset + match.end()))
    hedges = (lexicon or shipped()).find(sentence)
    if hedges:
        spans = excluded.get(Code.SPECULATIVE_LANGUAGE) or SpanSet(_HEDGE_EXCLUDE, sentence)
        cues.extend(
            Cue(Code.SPECULATIVE_LANGUAGE, offset + start, offset + end)
            for start, end in hedges
            if not spans.near(start, end, EXCLUDE_WINDOW)
        )
    # A warning's "may" is how harms are worded ("as this may cause serious side effects"), not a claim held back.
    harms = [(cue.start - offset, cue.end - offset) for cue in cues if cue.code == Code.SAFETY_WARNING]
    if harms:
        cues = [cue for cue in cues
                if cue.code != Code.SPECULATIVE_LANGUAGE or not _words_a_harm(sentence, cue.start - offset, harms)]
    planned = not_done(sentence)
    if planned:  # "has not yet been tested in animals", "plans to start studies in rats": no design, no caveat
        cues = [cue for cue in cues if cue.code not in _DESIGN_CODES
                or not any(lo <= cue.start - offset < hi for lo, hi in planned)]
    found = sentence_designs(sentence, planned)
    if question:
        found = [item for item in found if item[0] != "anecdote"]  # a leaflet's FAQ tells no one's story
    designs = tuple(name for name, *_ in found)
    level = sentence_level(list(designs), sentence)
    background = is_background(sentence)
    return SentenceFinding(
        offset,
        offset + len(sentence),
        tuple(_merge(cues)),
        designs,
        level,
        background,
        tuple((offset + s, offset + e) for _, s, e in found),
    )


def _words_a_harm(sentence: str, hedge: int, harms: list[tuple[int, int]]) -> bool:
    """Whether the hedge at `hedge` is a modal that words a harm: one starting at most EXCLUDE_WINDOW characters after
    it, in the same clause, or one whose words hold it ("this medicine may make you drowsy")."""
    return _MODAL.match(sentence, hedge) is not None and any(
        start <= hedge < end
        or (0 <= start - hedge <= EXCLUDE_WINDOW and not _CLAUSE_BREAK.search(sentence, hedge, start))
        for start, end in harms)


def analyse(text: str) -> list[SentenceFinding]:
    """Findings for every sentence of `text`, in order."""
    return _with_citations(text, [analyse_sentence(text[start:end], start) for start, end in sentence_spans(text)])


def _with_citations(text: str, findings: list[SentenceFinding]) -> list[SentenceFinding]:
    """Each untraceable citation ("A Harvard study", "Miller et al., 2019") as a cue of the sentence it starts in.
    Citations are found over the whole text (one may run over a line break), so they join the sentences here."""
    untraceable = [(start, end) for start, end, traceable in find_citations(text) if not traceable]
    if not untraceable:
        return findings
    starts = [finding.start for finding in findings]
    added: dict[int, list[Cue]] = {}
    for start, end in untraceable:
        index = bisect_right(starts, start) - 1
        if index >= 0 and start < findings[index].end:
            added.setdefault(index, []).append(Cue(Code.UNVERIFIABLE_CITATION, start, min(end, findings[index].end)))
    for index, cues in added.items():
        finding = findings[index]
        findings[index] = replace(finding, cues=tuple(sorted(finding.cues + tuple(cues), key=lambda c: c.start)))
    return findings
