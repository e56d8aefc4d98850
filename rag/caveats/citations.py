"""Cited studies, and whether a reader could find them: an author-year or "Study A" is traceable only
when its line also gives a journal, DOI, PMID, trial number or link."""

from __future__ import annotations

import re

from rag.caveats.rules import CITATION_PATTERNS, TRACEABLE_PATTERNS, UNVERIFIABLE_CITATION
from rag.types import Caveat, CitationCounts

_CITATIONS = [re.compile(p) for p in CITATION_PATTERNS]
_TRACEABLE = [re.compile(p) for p in TRACEABLE_PATTERNS]
_LINKS = re.compile(r"https?://\S+|\b10\.\d{4,9}/\S+|\bPMID:?\s*\d{5,9}\b|\bNCT\d{8}\b")


def find_citations(text: str) -> list[tuple[int, int, bool]]:
    """Cited studies as (start, end, traceable)."""
    citations: list[tuple[int, int, bool]] = []
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
    return sorted(set(citations))


def _normalised(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def cited_keys(question: str) -> list[str]:
    """The studies a question cites by name, as keys that ignore case and punctuation ("smith et al 2021")."""
    return [_normalised(question[s:e]) for s, e, _ in find_citations(question)]


def holds_cited(text: str, keys: list[str]) -> bool:
    """Whether a text names one of the cited studies ("Smith et al. (2021)" holds "smith et al 2021")."""
    if not keys:
        return False
    padded = f" {_normalised(text)} "
    return any(f" {key} " in padded for key in keys)


def unverifiable(text: str, offset: int = 0) -> list[Caveat]:
    """One caveat naming every untraceable citation in the text, quoting the first."""
    untraceable = [(s, e) for s, e, ok in find_citations(text) if not ok]
    if not untraceable:
        return []
    s, e = untraceable[0]
    names = ", ".join(dict.fromkeys(text[a:b].strip() for a, b in untraceable))
    rule = UNVERIFIABLE_CITATION
    detail = f"Cites {names} without a journal, DOI, PMID, trial number or link, so a reader cannot look it up."
    return [Caveat(rule.code, rule.label, rule.severity, detail, text[s:e], offset + s, offset + e)]


def count_citations(text: str) -> CitationCounts:
    citations = find_citations(text)
    untraceable = [text[s:e].strip() for s, e, ok in citations if not ok]
    traceable = sum(1 for *_, ok in citations if ok)
    return CitationCounts(
        traceable=max(traceable, len(_LINKS.findall(text))),
        untraceable=len(untraceable),
        untraceable_examples=list(dict.fromkeys(untraceable))[:10],
    )
