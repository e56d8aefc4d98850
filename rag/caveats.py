"""The caveat engine: how far to trust each passage, each document and each answer.

Runs at index time for passages and documents (stored with them); only answer-level
caveats are computed per query. The rules themselves are data in `rag.cues`.
"""

from __future__ import annotations

import re
from dataclasses import replace

from rag.cues import (
    ANSWER_MIXED,
    CITATION_PATTERNS,
    INCOMPLETE_SOURCE,
    NO_REFERENCES,
    RESEARCH_CLAIM,
    RULES,
    SEVERITY_ORDER,
    SINGLE_SOURCE,
    TRACEABLE_PATTERNS,
    UNVERIFIABLE_CITATION,
    WEAK_MATCH,
    CueRule,
)
from rag.evidence import evidence_level, strongest
from rag.types import Caveat, Chunk, CitationCounts, Document

CAVEATS_VERSION = 6
DOCUMENT_CODES = ("ai_generated", "off_label", "promotional_tone")
INHERITED_CODES = ("ai_generated", "promotional_tone")

def _union(patterns: tuple[str, ...], flags: int) -> re.Pattern | None:
    return re.compile("|".join(f"(?:{p})" for p in patterns), flags) if patterns else None


_COMPILED = [
    (rule, _union(rule.patterns, re.MULTILINE | (0 if rule.case_sensitive else re.IGNORECASE)),
     _union(rule.exclude, re.MULTILINE | re.IGNORECASE))
    for rule in RULES
]
_CITATIONS = [re.compile(p) for p in CITATION_PATTERNS]
_TRACEABLE = [re.compile(p) for p in TRACEABLE_PATTERNS]
_RESEARCH = re.compile(RESEARCH_CLAIM, re.IGNORECASE)
_CLAUSE_BREAK = re.compile(r"[.!?;\n]")
_QUOTE_END = re.compile(r"[.!?;,\n]")
_MAX_QUOTE = 200


def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    left = max(text.rfind(c, 0, start) for c in ".!?\n") + 1
    match = _CLAUSE_BREAK.search(text, end)
    right = match.start() if match else len(text)
    return left, right


def _quote_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The clause around a cue: from the last break (. ! ? ; : newline) to the next (. ! ? ; , newline)."""
    left = max(text.rfind(c, 0, start) for c in ".!?;:\n") + 1
    match = _QUOTE_END.search(text, end)
    right = match.start() if match else len(text)
    if right - left > _MAX_QUOTE:
        left = max(left, start - 60)
        right = min(right, end + 80)
        left = text.find(" ", left, start) + 1 if text.find(" ", left, start) != -1 else left
        space = text.rfind(" ", end, right)
        right = space if space > end else right
    while left < start and text[left].isspace():
        left += 1
    while right > end and text[right - 1] in " \t,":
        right -= 1
    return left, right


def _make(rule: CueRule, text: str, start: int, end: int, offset: int) -> Caveat:
    q_start, q_end = _quote_bounds(text, start, end)
    return Caveat(rule.code, rule.label, rule.severity, rule.detail, text[q_start:q_end], offset + q_start, offset + q_end)


def _caveat(rule: CueRule, quote: str | None = None, start: int | None = None, end: int | None = None) -> Caveat:
    return Caveat(rule.code, rule.label, rule.severity, rule.detail, quote, start, end)


def find_cues(text: str, offset: int = 0) -> list[Caveat]:
    """Caveats a text earns by its own words, each with the quote (offsets shifted by `offset`)."""
    found: list[Caveat] = []
    for rule, pattern, exclude in _COMPILED:
        hits: list[tuple[int, int]] = []
        for match in pattern.finditer(text):
            if exclude is not None:
                s_left, s_right = _sentence_bounds(text, match.start(), match.end())
                if exclude.search(text[s_left:s_right]):
                    continue
            hits.append((match.start(), match.end()))
        if len(hits) >= rule.min_hits:
            first = min(hits)
            found.append(_make(rule, text, first[0], first[1], offset))
    found.extend(_unverifiable(text, offset))
    return found


def find_citations(text: str) -> list[tuple[int, int, bool]]:
    """Cited studies as (start, end, traceable); a citation is traceable when its line says where to find it."""
    citations: list[tuple[int, int, bool]] = []
    for pattern in _CITATIONS:
        for match in pattern.finditer(text):
            line_start = text.rfind("\n", 0, match.start()) + 1
            line_end = text.find("\n", match.end())
            line = text[line_start : line_end if line_end != -1 else len(text)]
            traceable = any(t.search(line) for t in _TRACEABLE)
            citations.append((match.start(), match.end(), traceable))
    return sorted(set(citations))


def _unverifiable(text: str, offset: int) -> list[Caveat]:
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
    links = len(re.findall(r"https?://\S+|\b10\.\d{4,9}/\S+|\bPMID:?\s*\d{5,9}\b|\bNCT\d{8}\b", text))
    untraceable = [text[s:e].strip() for s, e, ok in citations if not ok]
    traceable = sum(1 for *_, ok in citations if ok)
    return CitationCounts(
        traceable=max(traceable, links),
        untraceable=len(untraceable),
        untraceable_examples=list(dict.fromkeys(untraceable))[:10],
    )


def _is_truncated(text: str) -> tuple[int, int] | None:
    """Span of the last words when the document stops mid-sentence (a letter, no final punctuation)."""
    stripped = text.rstrip()
    last_line = stripped.rsplit("\n", 1)[-1].strip()
    if not last_line or not last_line[-1].isalpha() or len(last_line.split()) < 6:
        return None
    if re.match(r"https?://", last_line.split()[-1]):
        return None
    end = len(stripped)
    start = max(stripped.rfind(" ", 0, end - 40), stripped.rfind("\n", 0, end)) + 1
    return start, end


def profile_document(document: Document, found: list[Caveat] | None = None) -> Document:
    """Document-level caveats, citation counts and the strongest evidence the text reports.

    `found` are the caveats of the document's passages, when the caller has them: the document's
    own cues are theirs, so the text is not scanned twice.
    """
    text = document.text
    found = find_cues(text) if found is None else found
    own: dict[str, Caveat] = {}
    for caveat in sorted(found, key=lambda c: c.start if c.start is not None else -1):
        own.setdefault(caveat.code, caveat)
    caveats: list[Caveat] = [own[code] for code in DOCUMENT_CODES if code in own]
    promotional = {(c.start, c.end) for c in found if c.code == "promotional_tone"}
    if "promotional_tone" in own and len(promotional) < 2:  # one flourish is not a tone
        caveats = [c for c in caveats if c.code != "promotional_tone"]
    counts = count_citations(text)
    if counts.untraceable and "unverifiable_citation" in own:
        caveats.append(own["unverifiable_citation"])
    truncated = _is_truncated(text)
    if truncated:
        caveats.append(_caveat(INCOMPLETE_SOURCE, text[truncated[0] : truncated[1]], *truncated))
    if counts.traceable == 0 and not document.urls:
        caveats.append(_caveat(NO_REFERENCES))
    ai = "ai_generated" in own
    level = evidence_level(text, default="anecdote_or_opinion" if ai else "none_stated") if found is None else "none_stated"
    return replace(document, caveats=_sorted(caveats), citations=counts, evidence_level=level)


def annotate(document: Document, chunks: list[Chunk]) -> tuple[Document, list[Chunk]]:
    """Caveats for each chunk from its own text, the document's profile from those, then what chunks inherit."""
    own = [find_cues(chunk.text, offset=chunk.start) for chunk in chunks]
    document = profile_document(document, [c for caveats in own for c in caveats])
    doc_codes = {c.code: c for c in document.caveats}
    ai = "ai_generated" in doc_codes
    annotated: list[Chunk] = []
    for chunk, caveats in zip(chunks, own):
        codes = {c.code for c in caveats}
        for code in INHERITED_CODES:
            if code in doc_codes and code not in codes:
                caveats.append(doc_codes[code])
        truncated = doc_codes.get("incomplete_source")
        if truncated and truncated.start is not None and chunk.start <= truncated.start < chunk.end:
            caveats.append(truncated)
        if "no_references" in doc_codes and _RESEARCH.search(chunk.text):
            caveats.append(doc_codes["no_references"])
        level = evidence_level(chunk.text, default="anecdote_or_opinion" if ai else "none_stated")
        annotated.append(replace(chunk, caveats=_sorted(caveats), evidence_level=level))
    levels = [c.evidence_level for c in annotated] or ["anecdote_or_opinion" if ai else "none_stated"]
    return replace(document, evidence_level=strongest(levels)), annotated


def _sorted(caveats: list[Caveat]) -> list[Caveat]:
    return sorted(caveats, key=lambda c: (SEVERITY_ORDER.get(c.severity, 9), c.code))


def answer_caveats(passage_caveats: list[list[Caveat]], doc_ids: list[str], weak: bool) -> list[Caveat]:
    """Answer-level caveats: weak match, one source, mixed results, then the gravest passage caveats."""
    out: list[Caveat] = []
    if weak:
        out.append(_caveat(WEAK_MATCH))
    if not weak and doc_ids and len(set(doc_ids)) == 1:
        out.append(_caveat(SINGLE_SOURCE))
    all_codes = [c for caveats in passage_caveats for c in caveats]
    if any(c.code == "mixed_evidence" for c in all_codes):
        out.append(_caveat(ANSWER_MIXED))
    if not weak:
        # Lift the gravest severity present (high if any, else medium), so the one-line
        # "Before you rely on this" bar always names what matters most.
        present = [c for c in all_codes if c.code != "mixed_evidence" and SEVERITY_ORDER.get(c.severity, 9) <= 1]
        gravest = min((SEVERITY_ORDER[c.severity] for c in present), default=None)
        lifted: dict[str, Caveat] = {}
        for caveat in present:
            if SEVERITY_ORDER[caveat.severity] == gravest and caveat.code not in lifted:
                lifted[caveat.code] = caveat
        out.extend(lifted.values())
    return _sorted(out)
