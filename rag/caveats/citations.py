"""Cited studies, and whether a reader could find them: an author-year or "Study A" is traceable only
when its line also gives a journal, DOI, PMID, trial number or link."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

from rag.caveats.patterns import union
from rag.caveats.rules import (
    CITATION_PATTERNS,
    CITED_JOURNALS,
    IDENTIFIER_PATTERNS,
    JOURNAL_NAMES,
    NAMED_SOURCE_PATTERNS,
    TRACEABLE_PATTERNS,
    UNVERIFIABLE_CITATION,
    VAGUE_CITATION_PATTERNS,
)
from rag.types import Caveat, CitationCounts

_CITATIONS = [re.compile(p) for p in CITATION_PATTERNS]
_VAGUE = union(VAGUE_CITATION_PATTERNS, re.MULTILINE)
_TRACEABLE = [re.compile(p) for p in TRACEABLE_PATTERNS]
# One word boundary in front of them all: an alternation whose every branch opens with its own \b is tried at every
# character (ten times slower over a page).
_LINKS = re.compile(r"\b(?:" + "|".join(p.removeprefix(r"\b") for p in IDENTIFIER_PATTERNS) + ")")
_JOURNALS = re.compile(JOURNAL_NAMES)
_CITED_JOURNALS = re.compile(CITED_JOURNALS)
_NAMED_SOURCES = union(NAMED_SOURCE_PATTERNS, re.IGNORECASE)


def find_citations(text: str, vague: bool = True) -> list[tuple[int, int, bool]]:
    """Cited studies as (start, end, traceable); with `vague`, studies vouched for by name of kind alone ("some
    studies suggest"), traceable when the text names a journal, DOI, trial or link anywhere. The last few texts'
    are remembered: a document's sentences, its profile and its citation counts each ask."""
    return list(_citations(text, vague))


@lru_cache(maxsize=8)
def _citations(text: str, vague: bool) -> tuple[tuple[int, int, bool], ...]:
    citations: list[tuple[int, int, bool]] = []
    if vague:
        documented: bool | None = None
        for match in _VAGUE.finditer(text):
            if documented is None:
                documented = bool(_LINKS.search(text) or _NAMED_SOURCES.search(text) or _JOURNALS.search(text))
            citations.append((match.start(), match.end(), documented))
    # by the lines a citation spans (one may run over a line break): each is searched once, however many it holds
    traceable: dict[tuple[int, int], bool] = {}
    for pattern in _CITATIONS:
        line_start = scanned = 0  # matches come in order: look back only over what the last one did not
        for match in pattern.finditer(text):
            line_start = max(line_start, text.rfind("\n", scanned, match.start()) + 1)
            scanned = match.start()
            line_end = text.find("\n", match.end())
            lines = (line_start, line_end if line_end != -1 else len(text))
            if lines not in traceable:
                traceable[lines] = any(t.search(text, *lines) for t in _TRACEABLE)
            citations.append((match.start(), match.end(), traceable[lines]))
    return tuple(sorted(set(citations)))


def _normalised(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


# A question may name a study by its first author and year alone ("the Johnson 2022 study", "O'Brien's 2020
# trial"), a form too loose to count as a citation in a text ("March 2022"), but enough to find the study a passage
# cites in full.
_AUTHOR_YEAR = re.compile(r"\b([A-Z][A-Za-z'\-]{0,40}?)(?:'s)? \(?((?:19|20)\d{2})\)?")
# An author-year citation, normalised: its first author's words (all of them: "o brien", "smith jones") and year.
_FIRST_AUTHOR = re.compile(r"^([a-z][a-z ]*?)(?: et al| and [a-z]+(?: [a-z]+)?)? ((?:19|20)\d{2})[a-z]?$")


def _key(citation: str) -> str:
    """An author-year citation as its first author and year ("smith 2021" for "Smith et al. (2021)"); any other
    form ("study b", "a 2023 harvard study") normalised whole."""
    normalised = _normalised(citation)
    match = _FIRST_AUTHOR.match(normalised)
    return f"{match.group(1)} {match.group(2)}" if match else normalised


@lru_cache(maxsize=4096)
def cited_keys(question: str) -> tuple[str, ...]:
    """The studies a question cites by name, as keys that ignore case, punctuation and co-authors ("smith 2021",
    "study b"). Cached: retrieval, the no-answer rule and the writer each ask it of the same question."""
    spans = find_citations(question, vague=False)
    keys = [_key(question[s:e]) for s, e, _ in spans]
    keys += [f"{_normalised(m.group(1))} {m.group(2)}" for m in _AUTHOR_YEAR.finditer(question)
             if not any(s <= m.start() < e for s, e, _ in spans)]
    return tuple(dict.fromkeys(keys))


def holds_cited(text: str, keys: Sequence[str]) -> bool:
    """Whether a text names one of the cited studies: "Smith et al. (2021)" holds "smith 2021"."""
    if not keys:
        return False
    padded = f" {_normalised(text)} "
    # Each key's words must all be there before the text's citations are read.
    present = [key for key in keys if all(f" {w} " in padded for w in key.split())]
    if not present:
        return False
    # An author and year must be a citation in the text too ("In March 2022" is not one); other keys are phrases.
    found = {_key(text[s:e]) for s, e, _ in find_citations(text, vague=False)}
    return any(key in found or (not key[-4:].isdigit() and f" {key} " in padded) for key in present)


def unverifiable(text: str, spans: Sequence[tuple[int, int]] | None = None) -> list[Caveat]:
    """One caveat naming every untraceable citation in the text (or those of `spans`, offsets into `text`, as the
    sentence findings carry them), quoting the first."""
    untraceable = [(s, e) for s, e, ok in find_citations(text) if not ok] if spans is None else list(spans)
    if not untraceable:
        return []
    untraceable = _named_first(text, untraceable)
    s, e = untraceable[0]
    names = ", ".join(_once(text[a:b].strip() for a, b in untraceable))
    rule = UNVERIFIABLE_CITATION
    detail = f"Cites {names} without a journal, DOI, PMID, trial number or link, so a reader cannot look it up."
    return [Caveat(rule.code, rule.label, rule.severity, detail, text[s:e], s, e)]


def _named_first(text: str, spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """The citations a text names ("Study A", "Smith et al. 2021") before those it only vouches for ("some studies
    suggest"), each kind in text order: what a caveat quotes and lists first."""
    return sorted(spans, key=lambda span: _VAGUE.fullmatch(text, *span) is not None)


def _once(names: Iterable[str]) -> list[str]:
    """Each name once, as first written, however it is capitalised ("Some studies suggest", "some studies suggest")."""
    seen: dict[str, str] = {}
    for name in names:
        seen.setdefault(name.lower(), name)
    return list(seen.values())


def count_citations(text: str) -> CitationCounts:
    citations = find_citations(text)
    spans = _named_first(text, ((s, e) for s, e, ok in citations if not ok))
    untraceable = [text[s:e].strip() for s, e in spans]
    # A vague "studies show" is never a reference itself: documented, it points at the source the text names.
    traceable = sum(1 for start, end, ok in citations if ok and _VAGUE.fullmatch(text, start, end) is None)
    return CitationCounts(
        traceable=max(traceable, len(_LINKS.findall(text)), len(_NAMED_SOURCES.findall(text)),
                      len(_CITED_JOURNALS.findall(text))),
        untraceable=len(untraceable),
        untraceable_examples=_once(untraceable)[:10],
    )
