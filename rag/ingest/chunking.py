"""Sentence-aware chunking with token budgets; lists and tables stay with their heading.

A chunk is always a contiguous span of the cleaned text, so `text[start:end] == chunk.text`.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass

from rag.types import Chunk, Document

TokenCounter = Callable[[str], int]

# A "sentence" longer than this has no end in sight (a run-on list, a pasted table, an attack): it is cut at a
# space. Real sentences in the seeds, PubMed and the caveat sets stay under it.
MAX_SENTENCE_CHARS = 1500
_ABBREVIATIONS = ("et al.", "e.g.", "i.e.", "vs.", "Dr.", "Mr.", "Mrs.", "Ms.", "Fig.", "No.", "approx.", "etc.")
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])")
_BULLET = re.compile(r"^\s*(?:[•·▪◦\-*–]|\d{1,2}[.)])\s+")


# A span with no sentence break is cut within this fraction (1/16) of the longest piece that fits.
NEAR_ENOUGH = 16
# Pieces this short (and ASCII) are counted by their length, an upper bound of both token counts.
BOUND_BY_LENGTH = 12
# First slice _hard_split tries, doubled while it fits: small, so text of one-character tokens is cheap to cut.
HARD_SPLIT_WINDOW = 256


@dataclass
class Unit:
    """A sentence, or a whole line when it is a heading or list/table row."""

    start: int
    end: int
    kind: str  # "sentence" | "heading" | "item"
    glue_next: bool = False


def split_sentences(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """Sentence spans of one line; abbreviations such as 'et al.' do not end a sentence.

    A sentence that runs past MAX_SENTENCE_CHARS with no end is cut at a space, so every later pass over
    one sentence (caveat rules, designs, hedges) costs at most a bounded amount per character.
    """
    spans: list[tuple[int, int]] = []
    begin = 0
    for match in _SENTENCE_END.finditer(text):
        cut = match.start() + 1
        if text.endswith(_ABBREVIATIONS, begin, cut):
            continue
        end = match.end()
        _add_capped(spans, text, begin, end, offset)
        begin = end
    _add_capped(spans, text, begin, len(text), offset)
    return spans


def _add_capped(spans: list[tuple[int, int]], text: str, begin: int, end: int, offset: int) -> None:
    """Add text[begin:end] without trailing space, in pieces of at most MAX_SENTENCE_CHARS cut at spaces."""
    while True:
        while end > begin and text[end - 1].isspace():
            end -= 1
        if end - begin <= MAX_SENTENCE_CHARS:
            if end > begin:
                spans.append((offset + begin, offset + end))
            return
        limit = begin + MAX_SENTENCE_CHARS
        space = text.rfind(" ", begin + MAX_SENTENCE_CHARS // 2, limit)
        cut = space if space != -1 else limit
        piece_end = cut
        while piece_end > begin and text[piece_end - 1].isspace():
            piece_end -= 1
        spans.append((offset + begin, offset + piece_end))
        begin = cut
        while begin < end and text[begin].isspace():
            begin += 1


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
    following_lines: list[str | None] = [None] * len(lines)  # the next non-blank line after each, found in one pass
    for index in range(len(lines) - 2, -1, -1):
        after = lines[index + 1][1].strip()
        following_lines[index] = after or following_lines[index + 1]
    units: list[Unit] = []
    for index, (start, raw) in enumerate(lines):
        line = raw.strip()
        if not line:
            continue
        lead = len(raw) - len(raw.lstrip())
        following = following_lines[index]
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


def _largest_fitting(cursor: int, lo: int, hi: int, hi_over: float, overrun: Callable[[int, int], float]) -> int:
    """An end in [lo, hi) whose span from `cursor` fits, within 1/NEAR_ENOUGH of the largest, where `lo` fits
    and `hi` overruns by `hi_over`.

    Guesses where the count crosses the budget (token counts grow about linearly with length), alternating with
    halving so an uneven text still converges: two or three tokenizer calls instead of a bisection's ten.
    """
    halve = False
    while hi - lo > max(1, (hi - cursor) // NEAR_ENOUGH):
        guess = (lo + hi) // 2 if halve else cursor + int((hi - cursor) / hi_over)
        guess = min(max(guess, lo + 1), hi - 1)
        halve = not halve
        over = overrun(cursor, guess)
        if over <= 1:
            lo = guess
        else:
            hi, hi_over = guess, over
    return lo


def _hard_split(text: str, start: int, end: int, overrun: Callable[[int, int], float]) -> list[tuple[int, int]]:
    """Split a span with no usable sentence breaks at word, then character, boundaries.

    `overrun(s, e)` is how far text[s:e] goes over its token budgets (at most 1 when it fits). Each call reads a
    bounded slice: a window doubled while it fits, not the rest of a 200,000-character line (which was quadratic).
    """
    pieces: list[tuple[int, int]] = []
    cursor = start
    while cursor < end:
        window, fitting = HARD_SPLIT_WINDOW, cursor + 1  # text[cursor:fitting] fits (or is one character)
        while True:
            high = min(end, cursor + window)
            over = overrun(cursor, high)
            if over > 1 or high == end:
                break
            fitting, window = high, window * 2
        if over <= 1:
            pieces.append((cursor, end))
            break
        cut = _largest_fitting(cursor, fitting, high, over, overrun)
        space = text.rfind(" ", cursor + 1, cut)
        if space > cursor:  # whole words: a prefix of the pieces that fit, so it fits too
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
        probed: dict[tuple[int, int], tuple[int, int]] = {}  # a hard split's last fitting probe is usually its piece

        def counts_of(start: int, end: int) -> tuple[int, int]:
            if (start, end) not in probed:
                probed[start, end] = self._counts(text[start:end])
            return probed[start, end]

        def overrun(start: int, end: int) -> float:
            plain, model = counts_of(start, end)
            return max(plain / self.max_tokens, model / self.model_window)

        units: list[Unit] = []
        # each unit is tokenised once: its counts settle whether it fits and feed the sums
        counts: list[tuple[int, int]] = []
        for unit in split_units(text):
            plain, model = self._counts(text[unit.start : unit.end])
            if plain <= self.max_tokens and model <= self.model_window:
                units.append(unit)
                counts.append((plain, model))
            else:
                for s, e in _hard_split(text, unit.start, unit.end, overrun):
                    units.append(Unit(s, e, unit.kind, glue_next=unit.glue_next))
                    counts.append(counts_of(s, e))
                probed.clear()
        fits = self._span_checker(text, units, counts)
        spans: list[tuple[int, int, str | None]] = []
        current: list[Unit] = []
        heading: str | None = None
        current_heading: str | None = None

        def flush(keep_overlap: bool) -> list[Unit]:
            nonlocal current
            if not current:
                return []
            spans.append((current[0].start, current[-1].end, current_heading))
            tail = (
                [u for u in current[-self.overlap :] if u.kind == "sentence"] if keep_overlap and self.overlap else []
            )
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

    def _counts(self, piece: str) -> tuple[int, int]:
        """cl100k tokens and model word pieces (special tokens included; 0 without a model counter).

        A short ASCII piece is not tokenised: each token or word piece covers a byte at least, so its length
        bounds both counts, and a bound only ever makes a span's estimate more careful. 100,000 tiny sentences
        cost two tokenizer calls each before.
        """
        if len(piece) <= BOUND_BY_LENGTH and piece.isascii():
            return len(piece), len(piece) + 2 if self.count_model_tokens else 0
        return self.count_tokens(piece), self.count_model_tokens(piece) if self.count_model_tokens else 0

    def _span_checker(self, text: str, units: list[Unit], counts: list[tuple[int, int]]) -> Callable[[int, int], bool]:
        """fits(start, end) for spans of whole units: per-unit token counts, summed, settle clear cases;
        only spans near a budget are tokenised again. Same answers as `fits_text`, far fewer tokenizer calls."""
        starts = {u.start: i for i, u in enumerate(units)}
        ends = {u.end: i for i, u in enumerate(units)}
        plain = [0]
        model = [0]
        for unit_plain, unit_model in counts:
            plain.append(plain[-1] + unit_plain)
            model.append(model[-1] + (unit_model - 2 if self.count_model_tokens else 0))
        # What joining costs: the whitespace between two units is at most a token a byte (a space merges into the
        # next word; a run of em spaces is two tokens each), and a seam with none costs at most one.
        seams = [0]
        for before, after in itertools.pairwise(units):
            seams.append(seams[-1] + max(1, len(text[before.end : after.start].encode())))
        margin = 0.85
        # The longest span from each first unit that was tokenised and fits, with its exact counts: a longer span
        # from the same unit is bounded by them plus the added units' sums, so packing a chunk near its budget
        # tokenises a few spans, not one per added unit (a text of 100,000 tiny sentences took seconds).
        anchors: dict[int, tuple[int, int, int]] = {}

        def fits(start: int, end: int) -> bool:
            a, b = starts.get(start), ends.get(end)
            if a is None or b is None or a > b:
                return self.fits_text(text[start:end])
            plain_estimate = plain[b + 1] - plain[a] + seams[b] - seams[a]
            model_estimate = model[b + 1] - model[a] + 2
            if plain_estimate <= margin * self.max_tokens and (
                self.count_model_tokens is None or model_estimate <= margin * self.model_window
            ):
                return True
            anchor = anchors.get(a)
            if anchor is not None and anchor[0] <= b:
                known, known_plain, known_model = anchor
                if (
                    known_plain + plain[b + 1] - plain[known + 1] + seams[b] - seams[known] <= self.max_tokens
                    and known_model + model[b + 1] - model[known + 1] <= self.model_window
                ):
                    return True
            span_plain, span_model = self._counts(text[start:end])
            if span_plain > self.max_tokens or span_model > self.model_window:
                return False
            if anchor is None or anchor[0] < b:
                anchors[a] = (b, span_plain, span_model)
            return True

        return fits

    def chunk_document(self, document: Document) -> list[Chunk]:
        return [
            Chunk(doc_id=document.doc_id, start=s, end=e, text=document.text[s:e], heading=h)
            for s, e, h in self.chunk_text(document.text)
        ]
