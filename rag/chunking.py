"""Sentence-aware chunking with token budgets; lists and tables stay with their heading.

A chunk is always a contiguous span of the cleaned text, so `text[start:end] == chunk.text`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from rag.types import Chunk, Document

TokenCounter = Callable[[str], int]

_ABBREVIATIONS = ("et al.", "e.g.", "i.e.", "vs.", "Dr.", "Mr.", "Mrs.", "Ms.", "Fig.", "No.", "approx.", "etc.")
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])")
_BULLET = re.compile(r"^\s*(?:[•·▪◦\-*–]|\d{1,2}[.)])\s+")


@dataclass
class Unit:
    """A sentence, or a whole line when it is a heading or list/table row."""

    start: int
    end: int
    kind: str  # "sentence" | "heading" | "item"
    glue_next: bool = False


def split_sentences(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """Sentence spans of one line; abbreviations such as 'et al.' do not end a sentence."""
    spans: list[tuple[int, int]] = []
    begin = 0
    for match in _SENTENCE_END.finditer(text):
        cut = match.start() + 1
        head = text[begin:cut]
        if any(head.endswith(abbr) for abbr in _ABBREVIATIONS):
            continue
        end = match.end()
        stripped_end = begin + len(text[begin:end].rstrip())
        if stripped_end > begin:
            spans.append((offset + begin, offset + stripped_end))
        begin = end
    tail = text[begin:].rstrip()
    if tail:
        spans.append((offset + begin, offset + begin + len(tail)))
    return spans


def _is_heading(line: str, next_line: str | None) -> bool:
    words = line.split()
    if not words or len(words) > 12 or len(line) > 100 or next_line is None:
        return False
    if line.rstrip().endswith(":"):
        return True
    return not re.search(r"[.!?;,]$", line.rstrip()) and not _BULLET.match(line)


def split_units(text: str) -> list[Unit]:
    """Lines and sentences with their kind; glue marks units that must share a chunk."""
    lines: list[tuple[int, str]] = []
    position = 0
    for raw in text.split("\n"):
        lines.append((position, raw))
        position += len(raw) + 1
    paragraph_style = sum(1 for _, raw in lines if not raw.strip()) >= 2
    units: list[Unit] = []
    for index, (start, raw) in enumerate(lines):
        line = raw.strip()
        if not line:
            continue
        lead = len(raw) - len(raw.lstrip())
        following = next((l.strip() for _, l in lines[index + 1 :] if l.strip()), None)
        next_raw = lines[index + 1][1] if index + 1 < len(lines) else ""
        same_block = paragraph_style and bool(next_raw.strip())
        if _is_heading(line, following):
            units.append(Unit(start + lead, start + lead + len(line), "heading", glue_next=True))
            continue
        if _BULLET.match(raw) or same_block or (units and units[-1].kind == "item" and units[-1].glue_next):
            kind = "item"
        else:
            kind = "sentence"
        if kind == "item":
            next_is_item = bool(_BULLET.match(next_raw)) or same_block
            units.append(Unit(start + lead, start + lead + len(line), "item", glue_next=next_is_item))
        else:
            for s, e in split_sentences(raw[lead:], start + lead):
                units.append(Unit(s, e, "sentence"))
            if line.endswith(":") and units:
                units[-1].glue_next = True
    return units


def _groups(units: list[Unit]) -> list[list[Unit]]:
    groups: list[list[Unit]] = []
    current: list[Unit] = []
    for unit in units:
        current.append(unit)
        if not unit.glue_next:
            groups.append(current)
            current = []
    if current:
        groups.append(current)
    return groups


def _hard_split(text: str, start: int, end: int, fits: Callable[[int, int], bool]) -> list[tuple[int, int]]:
    """Split a span with no usable sentence breaks at word, then character, boundaries."""
    pieces: list[tuple[int, int]] = []
    cursor = start
    while cursor < end:
        if fits(cursor, end):
            pieces.append((cursor, end))
            break
        low, high = cursor + 1, end
        while low < high:  # largest prefix that fits
            mid = (low + high + 1) // 2
            if fits(cursor, mid):
                low = mid
            else:
                high = mid - 1
        cut = low
        space = text.rfind(" ", cursor + 1, cut)
        if space > cursor and fits(cursor, space):
            cut = space
        piece_end = cursor + len(text[cursor:cut].rstrip())
        if piece_end > cursor:
            pieces.append((cursor, piece_end))
        cursor = cut
        while cursor < end and text[cursor].isspace():
            cursor += 1
    return pieces


class Chunker:
    """Pack units into chunks under two budgets: cl100k tokens and the embedder's window."""

    def __init__(
        self,
        count_tokens: TokenCounter,
        max_tokens: int,
        min_tokens: int,
        overlap_sentences: int,
        count_model_tokens: TokenCounter | None = None,
        model_window: int = 256,
    ) -> None:
        self.count_tokens = count_tokens
        self.count_model_tokens = count_model_tokens
        self.max_tokens = max_tokens
        self.min_tokens = min_tokens
        self.overlap = overlap_sentences
        self.model_window = model_window

    def fits_text(self, span: str) -> bool:
        if self.count_tokens(span) > self.max_tokens:
            return False
        return self.count_model_tokens is None or self.count_model_tokens(span) <= self.model_window

    def chunk_text(self, text: str) -> list[tuple[int, int, str | None]]:
        """Spans (start, end, heading) covering every non-blank character of `text`."""
        exact = lambda s, e: self.fits_text(text[s:e])  # noqa: E731
        units: list[Unit] = []
        for unit in split_units(text):
            if exact(unit.start, unit.end):
                units.append(unit)
            else:
                pieces = _hard_split(text, unit.start, unit.end, exact)
                for s, e in pieces:
                    units.append(Unit(s, e, unit.kind, glue_next=unit.glue_next))
        fits = self._span_checker(text, units)
        spans: list[tuple[int, int, str | None]] = []
        current: list[Unit] = []
        heading: str | None = None
        current_heading: str | None = None

        def flush(keep_overlap: bool) -> list[Unit]:
            nonlocal current
            if not current:
                return []
            spans.append((current[0].start, current[-1].end, current_heading))
            tail = [u for u in current[-self.overlap :] if u.kind == "sentence"] if keep_overlap and self.overlap else []
            current = []
            return tail

        for group in _groups(units):
            if group[0].kind == "heading":
                heading = text[group[0].start : group[0].end].rstrip(":")
                if current and self.count_tokens(text[current[0].start : current[-1].end]) >= self.min_tokens:
                    flush(keep_overlap=False)
            # a glued group (heading + list, a table) moves as one; one too big for a chunk goes unit by unit
            pieces = [group] if fits(group[0].start, group[-1].end) else [[unit] for unit in group]
            for members in pieces:
                if current and not fits(current[0].start, members[-1].end):
                    carried = flush(keep_overlap=True)
                    if carried and fits(carried[0].start, members[-1].end):
                        current = carried
                if not current:
                    current_heading = heading
                current.extend(members)
        flush(keep_overlap=False)
        return spans

    def _span_checker(self, text: str, units: list[Unit]) -> Callable[[int, int], bool]:
        """fits(start, end) for spans of whole units: per-unit token counts, summed, settle clear cases;
        only spans near a budget are tokenised again. Same answers as `fits_text`, far fewer tokenizer calls."""
        starts = {u.start: i for i, u in enumerate(units)}
        ends = {u.end: i for i, u in enumerate(units)}
        plain = [0]
        model = [0]
        for unit in units:
            piece = text[unit.start : unit.end]
            plain.append(plain[-1] + self.count_tokens(piece))
            pieces = self.count_model_tokens(piece) - 2 if self.count_model_tokens else 0
            model.append(model[-1] + pieces)
        margin = 0.85

        def fits(start: int, end: int) -> bool:
            a, b = starts.get(start), ends.get(end)
            if a is not None and b is not None and a <= b:
                # joining units adds at most a token or two per seam (whitespace merges)
                plain_estimate = plain[b + 1] - plain[a] + (b - a)
                model_estimate = model[b + 1] - model[a] + 2
                if plain_estimate <= margin * self.max_tokens and (
                    self.count_model_tokens is None or model_estimate <= margin * self.model_window
                ):
                    return True
            return self.fits_text(text[start:end])

        return fits

    def chunk_document(self, document: Document) -> list[Chunk]:
        return [
            Chunk(doc_id=document.doc_id, start=s, end=e, text=document.text[s:e], heading=h)
            for s, e, h in self.chunk_text(document.text)
        ]
