"""The units an answer may quote: every sentence of a passage, a list with its lead-in as one unit, table rows.

Each unit is an exact span of the passage, so its document offsets are the passage's start plus its own and
the page can mark exactly what a citation stands for. What is never an answer (a heading, a question, text
addressed to a chatbot's user, a call to action) is marked here, with the reason, and dropped by the writer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from rag.answer.cues import ADDRESSED_TO_USER, CALL_TO_ACTION, CELL_START, LABEL_PREFIX, REPLY_ONLY, TABLE_HEADER
from rag.ingest.chunking import split_sentences, split_units

_ADDRESSED = re.compile(ADDRESSED_TO_USER, re.IGNORECASE)
_ACTION = re.compile(CALL_TO_ACTION, re.IGNORECASE)
_LABEL = re.compile(LABEL_PREFIX)
_REPLY = re.compile(REPLY_ONLY, re.IGNORECASE)
_HEADER = re.compile(TABLE_HEADER)
_CELL_START = re.compile(CELL_START)
# Matched at a unit's start with .match(text, pos): no "^", which would only match at the string's start.
_BULLET = re.compile(r"(?:[•·▪◦\-*–]|\d{1,2}[.)])\s+")
_DIGIT = re.compile(r"\d")
# Longest list quoted whole; a longer one is a page's index or a pasted table, not an answer.
MAX_LIST_CHARS = 900
MIN_CELL_WORDS = 3  # lower-case words that make a line with no figure a table row, not a title


class Kind(StrEnum):
    SENTENCE = "sentence"
    LIST = "list"  # a lead-in sentence ending in ":" with the items that follow it, or a run of items
    ROW = "row"  # a table row or fragment: a line with figures but no sentence of its own


class Drop(StrEnum):
    """Why a unit is never an answer."""

    HEADING = "heading"
    QUESTION = "question"
    ADDRESSED = "addressed_to_user"
    ACTION = "call_to_action"
    FRAGMENT = "fragment"
    EXCLAMATION = "exclamation"  # "Yes, you read that correctly!": it speaks to the reader (kept if a warning)


@dataclass(frozen=True)
class Unit:
    text: str
    start: int  # offsets in the passage: passage[start:end] == text
    end: int
    kind: Kind
    order: int  # position among the passage's units
    drop: Drop | None = None
    # A table row's table: the sentence that introduces it ("a recent survey of those using metformin found the
    # following:") and its header. A row is read with them ("Improved Mood 65%" is about metformin); "" otherwise.
    context: str = ""


# A link in brackets after a sentence's end: where the page says it read it, not part of what it says.
_SOURCE_LINK = re.compile(r"(?<=[.!?])\s*\((?:https?://|www\.)[^\s()]+\)\s*$")


def _trim(passage: str, start: int, end: int) -> tuple[int, int]:
    """Drop a bullet and a leading label ("Side Effects: LDN is…"): the sentence after it is what is quoted. And a
    bracketed link after it ("…improved quality of life. (https://multiplesclerosis.net/treatment)"): the answer
    cites the passage, and a bare address read aloud in the middle of an answer is noise."""
    bullet = _BULLET.match(passage, start, end)
    if bullet:
        start = bullet.end()
    label = _LABEL.match(passage, start, end)
    if label and end - label.end() > 20:
        start = label.end()
    link = _SOURCE_LINK.search(passage, start, end)
    if link:
        end = link.start()
    return start, end


def _judge(text: str, kind: Kind) -> Drop | None:
    if _ADDRESSED.search(text):
        return Drop.ADDRESSED
    if _ACTION.search(text):
        return Drop.ACTION
    if text.rstrip().endswith("?"):
        return Drop.QUESTION
    if kind is Kind.SENTENCE and text.rstrip().endswith("!"):
        return Drop.EXCLAMATION  # none of 8 in the seeds' candidates was an answer, and answers-dev has none
    if kind is not Kind.LIST and _REPLY.fullmatch(text.strip()):
        return Drop.FRAGMENT
    if kind is not Kind.SENTENCE:
        return None
    words = len(text.split())
    ends = bool(re.search(r"[.!)”\"]$", text.rstrip()))
    # "Avoid smoking." is a sentence; "aken." (the end of a cut one) and "Low Dose" are not.
    if words < 2 or (words < 4 and not ends) or not (text[0].isupper() or text[0].isdigit() or text[0] in "\"“(["):
        return Drop.FRAGMENT
    if words <= 8 and not ends:
        return Drop.HEADING  # "Decrease in the Use of Immunosuppressive Drugs": a title set as a list item
    return None


def _is_header(text: str) -> bool:
    """A short line of capitalised words and no sentence of its own heads the lines below it as a table (a line
    in capitals is a section's title)."""
    return bool(_HEADER.fullmatch(text.strip())) and not text.isupper()


def _cells(line: str) -> bool:
    """A line of cells rather than a title: it holds a figure ("Reduced Fatigue 78%"), or a cell's plain words
    ("Long-Term Use Generally well-tolerated in the long term…"); a run of titles ("Metformin Use in MS") has
    neither."""
    return bool(_DIGIT.search(line)) or sum(1 for word in line.split() if word[:1].islower()) >= MIN_CELL_WORDS


def _table_rows(passage: str, raw: list, first: int) -> int:
    """How many of the raw units from `first` on are the rows of a table whose header is the unit before: lines
    in a block (no blank line between), unbulleted, each opening with a capitalised word and none ending in a comma
    or a colon (a paragraph wrapped under a heading is not a table). A row is an item (it ends as a sentence does)
    or a line `split_units` took for a heading ("Long-Term Use Generally well-tolerated…": cells, no sentence end):
    a heading is followed by a blank line or its text, not by another line under a header."""
    count = 0
    previous_end = raw[first - 1].end
    for unit in raw[first:]:
        text = passage[unit.start : unit.end]
        if (unit.kind not in ("item", "heading") or "\n\n" in passage[previous_end : unit.start]
                or "\n" not in passage[previous_end : unit.start] or _BULLET.match(text)
                or not text[:1].isupper() or text.rstrip().endswith((",", ":")) or "\n" in text.strip()
                or (unit.kind == "heading" and not _cells(text))):
            break
        count += 1
        previous_end = unit.end
    return count


def row_label(text: str) -> str:
    """A flattened table row's first cell: its leading capitalised words, less the one that opens the next cell
    ("Dosage Adjustments Ensures effectiveness…" → "Dosage Adjustments"; "Reduced Fatigue 78%" → "Reduced
    Fatigue"; "Side Effects: nausea…" → "Side Effects"). A row is about its label: the rest of it may name
    anything in passing. A row that opens in lower case has no label ("")."""
    words: list[str] = []
    for match in re.finditer(r"\S+", text):
        word = match.group(0)
        if word.endswith(":") and _CELL_START.fullmatch(word[:-1]):
            words.append(word[:-1])  # "Side Effects: …": the colon closes the label
            break
        if not _CELL_START.fullmatch(word.strip(",;()")):
            if word[:1].islower() and len(words) > 1:
                words.pop()  # the capitalised word before a lower-case one opens the next cell's sentence
            break
        words.append(word)
    return " ".join(words)


def _line_around(passage: str, start: int, end: int, step: int) -> str:
    """The line before (step -1) or after (step 1) the one holding passage[start:end], stripped."""
    if step < 0:
        cut = passage.rfind("\n", 0, start)
        return "" if cut < 0 else passage[passage.rfind("\n", 0, cut) + 1:cut].strip()
    cut = passage.find("\n", end)
    if cut < 0:
        return ""
    following = passage.find("\n", cut + 1)
    return passage[cut + 1:len(passage) if following < 0 else following].strip()


def _in_table(passage: str, start: int, end: int) -> bool:
    """A line with figures is a table row when a neighbouring line is one too (no sentence end of its own);
    alone between sentences ("At a 1.5 mg to 4.5 mg dose (Low Dose)") it is a heading."""
    return any(line and len(line) < 300 and not re.search(r"[.!?:;]$", line)
               for line in (_line_around(passage, start, end, -1), _line_around(passage, start, end, 1)))


_TERMINAL = re.compile(r"[.!?:;,)”\"]$")
MAX_TITLE_WORDS = 8
MIN_PROSE_WORDS = 8  # "- Diarrhea." under "- Nausea and Vomiting" is a list's item, not a section's prose


def _titled_item(passage: str, raw: list, k: int) -> bool:
    """A bullet that is a section's title ("- Tissue Regeneration and Repair") over a bullet that is prose: some
    pages bullet their headings and paragraphs alike, and a run of them is no list. Two to eight words, every long
    one capitalised, no closing mark, and the next item is a sentence of prose ("- Nausea and Vomiting" over
    "- Diarrhea." stays an item)."""
    s, e = _trim(passage, raw[k].start, raw[k].end)
    words = passage[s:e].split()
    if not 2 <= len(words) <= MAX_TITLE_WORDS or _TERMINAL.search(words[-1]):
        return False
    if not all(w[0].isupper() for w in words if len(w) >= 4) or not words[0][0].isupper():
        return False
    after = raw[k + 1] if k + 1 < len(raw) else None
    if after is None or after.kind != "item":
        return False
    prose = passage[after.start:after.end]
    return bool(re.search(r"[.!?]$", prose)) and len(prose.split()) >= MIN_PROSE_WORDS


def _prose_items(passage: str, raw: list, i: int, j: int) -> bool:
    """A run of bullets each a paragraph of its own (one holds two sentences or more): read as sentences."""
    return any(len(split_sentences(passage[u.start:u.end], u.start)) >= 2 for u in raw[i:j])


@lru_cache(maxsize=8192)
def passage_units(passage: str) -> tuple[Unit, ...]:
    """Answer units of a passage, in order; the writer reads `drop` and `kind`, never re-splits."""
    raw = split_units(passage)
    out: list[Unit] = []
    i = 0
    while i < len(raw):
        unit = raw[i]
        line_start = passage.rfind("\n", 0, unit.start) + 1
        line_end = passage.find("\n", unit.end)
        whole_line = (
            passage[line_start : len(passage) if line_end == -1 else line_end].strip() == passage[unit.start : unit.end]
        )
        opens_list = (
            passage[unit.start : unit.end].rstrip().endswith(":") and i + 1 < len(raw) and raw[i + 1].kind == "item"
        )
        if unit.kind == "heading" and not opens_list and _is_header(passage[unit.start : unit.end]):
            rows = _table_rows(passage, raw, i + 1)
            if rows >= 2:
                # A header over two or more lines: a table flattened to text. Each line is a row, quoted whole (its
                # label is its first cell, not a prefix to trim), and read with the table's caption and header.
                header = passage[unit.start : unit.end]
                caption = out[-1].text if out and out[-1].text.rstrip().endswith(":") else ""
                out.append(Unit(header, unit.start, unit.end, Kind.SENTENCE, len(out), Drop.HEADING))
                for item in raw[i + 1 : i + 1 + rows]:
                    text = passage[item.start : item.end].rstrip()
                    end = item.start + len(text)
                    out.append(Unit(text, item.start, end, Kind.ROW, len(out), _judge(text, Kind.ROW),
                                    f"{caption} {header}".strip()))
                i += 1 + rows
                continue
        if unit.kind == "heading" and not opens_list:
            text = passage[unit.start : unit.end]
            if _DIGIT.search(text) and not text.rstrip().endswith(":") and _in_table(passage, unit.start, unit.end):
                # "Smith et al. (2021) 200 MS patients 20% reduction…": a table row with figures, not a heading.
                out.append(Unit(text, unit.start, unit.end, Kind.ROW, len(out), _judge(text, Kind.ROW)))
            else:
                out.append(Unit(text, unit.start, unit.end, Kind.SENTENCE, len(out), Drop.HEADING))
            i += 1
            continue
        if unit.kind == "item" and _titled_item(passage, raw, i):
            s, e = _trim(passage, unit.start, unit.end)
            out.append(Unit(passage[s:e], s, e, Kind.SENTENCE, len(out), Drop.HEADING))
            i += 1
            continue
        lead_in = opens_list or (unit.kind == "sentence" and passage[unit.start : unit.end].rstrip().endswith(":"))
        if unit.kind == "item" or (lead_in and i + 1 < len(raw) and raw[i + 1].kind == "item"):
            j = i + 1 if lead_in else i
            while j < len(raw) and raw[j].kind == "item" and not (j > i and _titled_item(passage, raw, j)):
                j += 1
            start, end = _trim(passage, unit.start, unit.end) if not lead_in else (unit.start, unit.end)
            end = raw[j - 1].end
            if j - i >= 2 and end - start <= MAX_LIST_CHARS and (lead_in or not _prose_items(passage, raw, i, j)):
                text = passage[start:end]
                first_start, first_end = _trim(passage, start, passage.find("\n", start) if "\n" in text else end)
                out.append(
                    Unit(text, start, end, Kind.LIST, len(out), _judge(passage[first_start:first_end], Kind.LIST))
                )
                i = j
                continue
            # One item alone, or a list too long to quote whole: the sentences of its items count on their own (a
            # lead-in left with no item after it, its list opening on a bulleted title, says nothing by itself).
            for k, item in enumerate(raw[i:j]):
                s, e = _trim(passage, item.start, item.end)
                alone = lead_in and k == 0 and j == i + 1
                for begin, finish in split_sentences(passage[s:e], s):
                    text = passage[begin:finish].strip()
                    if not text:
                        continue
                    begin = passage.index(text, begin)
                    out.append(Unit(text, begin, begin + len(text), Kind.SENTENCE, len(out),
                                    Drop.FRAGMENT if alone else _judge(text, Kind.SENTENCE)))
            i = j
            continue
        s, e = _trim(passage, unit.start, unit.end)
        text = passage[s:e]
        if lead_in:
            drop: Drop | None = Drop.FRAGMENT  # a lead-in whose list is not in this passage says nothing by itself
        elif whole_line and _DIGIT.search(text) and not re.search(r"[.!)”\"]$", text):
            table = _in_table(passage, unit.start, unit.end)
            out.append(
                Unit(
                    text,
                    s,
                    e,
                    Kind.ROW if table else Kind.SENTENCE,
                    len(out),
                    _judge(text, Kind.ROW) if table else Drop.HEADING,
                )
            )
            i += 1
            continue
        else:
            drop = _judge(text, Kind.SENTENCE)
        out.append(Unit(text, s, e, Kind.SENTENCE, len(out), drop))
        i += 1
    return tuple(out)
