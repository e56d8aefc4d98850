"""Abbreviations a document defines ("low-dose naltrexone (LDN)"), so that a sentence saying "LDN" holds the
words of a question asking about "low dose naltrexone", and the other way round.

Schwartz & Hearst (2003): an abbreviation in brackets whose letters, read right to left, are found in order in the
words just before it, its first letter opening a word ("umbilical cord-derived mesenchymal stem cells (UC-MSCs)").
Only what the document itself defines counts; nothing is guessed from a list.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from rag.terms import STOPWORDS

if TYPE_CHECKING:
    from rag.index import LoadedIndex

# Found by its brackets first (one cheap scan); the words before it are read only where an abbreviation is.
_BRACKETED = re.compile(r"\(([A-Z][A-Za-z0-9-]{1,9})\)")
_WORDS_BEFORE = re.compile(r"((?:[\w’'-]+\s+){0,8}[\w’'-]+)\s*$")
_PARTS = re.compile(r"[\s-]+")
_SKIP = frozenset({"of", "the", "and", "for", "in", "on", "to", "with", "a", "an"})


def _long_form(before: str, abbreviation: str) -> str | None:
    """Schwartz & Hearst's best long form: each letter or digit of the abbreviation, read right to left, is found
    in the words before it, and its first letter starts a word. "umbilical cord-derived mesenchymal stem cells
    (UC-MSCs)" and "Low-dose naltrexone (LDN)" are found; "Patients (n=20)" is not (no letters to match).
    At most min(|A| + 5, 2|A|) words are read, as in the paper."""
    short = abbreviation[:-1] if abbreviation.endswith("s") and abbreviation[:-1].isupper() else abbreviation
    chars = [c.lower() for c in short if c.isalnum()]
    if len(chars) < 2 or not short[0].isalpha():
        return None
    words = before.split()
    window = " ".join(words[-min(len(chars) + 5, 2 * len(chars)):])
    text = window.lower()
    s, position = len(chars) - 1, len(text) - 1
    while s >= 0:
        c = chars[s]
        # The abbreviation's first character must open a word; the others may sit anywhere in one.
        while position >= 0 and (text[position] != c or (s == 0 and position > 0 and text[position - 1].isalnum())):
            position -= 1
        if position < 0:
            return None
        position -= 1
        s -= 1
    start = text.rfind(" ", 0, position + 1) + 1
    long_form = window[start:]
    parts = [p for p in _PARTS.split(long_form.lower()) if p and p not in _SKIP]
    # A long form is words, more of them than the abbreviation's letters would need for one each at most twice.
    # ("the growth of regulatory T cells (Tregs)": a long form does not open with a function word.)
    if (len(parts) < 2 or len(parts) > 2 * len(chars) or len(long_form) <= len(abbreviation)
            or long_form.split()[0].lower() in _SKIP):
        return None
    return long_form


# Bounds for a hostile document: where definitions are looked for, and how many are kept.
SCAN_CHARS = 200_000
MAX_DEFINITIONS = 64


def definitions(text: str) -> tuple[tuple[str, str], ...]:
    """(abbreviation, long form) pairs the text defines, each once: the first MAX_DEFINITIONS within its first
    SCAN_CHARS characters (a page defines a term where it first uses it)."""
    found: dict[str, str] = {}
    text = text[:SCAN_CHARS]
    for match in _BRACKETED.finditer(text):
        if len(found) >= MAX_DEFINITIONS:
            break
        short = match.group(1)
        before = _WORDS_BEFORE.search(text, max(0, match.start() - 160), match.start())
        if short in found or before is None:
            continue
        long_form = _long_form(before.group(1), short)
        if long_form:
            found[short] = long_form
    return tuple(found.items())


def document_definitions(index: LoadedIndex, doc_id: str) -> tuple[tuple[str, str], ...]:
    """The abbreviations a document defines, read once per loaded index (dropped with it on a swap)."""
    cache = index.derived.setdefault("abbreviations", {})
    found = cache.get(doc_id)
    if found is None:
        found = cache[doc_id] = definitions(index.documents[doc_id].text)
    return found


# A short form is spelled out for the whole collection when one long form holds this share of its definitions
# ("MS" as multiple sclerosis on every page but one that means mass spectrometry still reads as the first).
COLLECTION_AGREEMENT = 2 / 3


def collection_definitions(index: LoadedIndex) -> tuple[tuple[str, str], ...]:
    """The abbreviations the collection's documents define, each with the long form most of them give: what a
    question's "OPCs" or "MSCs" means here. Read once per loaded index, from every document (as the build did)."""
    found = index.derived.get("collection_abbreviations")
    if found is None:
        votes: dict[str, dict[str, int]] = {}
        spelling: dict[str, str] = {}
        for doc_id in index.documents:
            for short, long_form in document_definitions(index, doc_id):
                key = long_form.lower()
                spelling.setdefault(key, long_form)
                votes.setdefault(short, {})
                votes[short][key] = votes[short].get(key, 0) + 1
        chosen = []
        for short, forms in votes.items():
            best, count = max(forms.items(), key=lambda item: item[1])
            if count >= COLLECTION_AGREEMENT * sum(forms.values()):
                chosen.append((short, spelling[best]))
        found = index.derived["collection_abbreviations"] = tuple(sorted(chosen))
    return found


QUESTION_MIN_LETTERS = 3
QUESTION_READ_CHARS = 4000
_CAPITALISED = re.compile(r"\b[A-Z]{2,}\b")
_WORD = re.compile(r"\b[A-Za-z]{2,}\b")


def question_for_encoder(index: LoadedIndex, question: str, topic_share: float) -> str:
    """What the encoder reads of a question: each abbreviation the collection defines read as its long form, the
    abbreviation kept in brackets ("what are OPCs?" stays far from every passage otherwise, and the no-answer rule
    refused it). In place, not appended as on a passage: a short question's last words weigh much in its vector.

    Left as typed: one of two letters, which has too many senses for one collection to settle ("ER" is an
    emergency room on most pages and "extended release" in the question; "MR" a product's name); an abbreviation in
    `topic_share` of the passages or more (what the collection is about: its long
    form tells no passage from another, and "multiple sclerosis" in "Has clemastine shown any results in MS?"
    pulled it towards every MS page and away from the one on clemastine); one that is a function word ("IS", "TO",
    "OR" in a message typed in capitals); and every capitalised word of a message mostly in capitals, where capitals
    mark no abbreviation (three words or more: "OPC" or "LDN BDNF" alone are abbreviations). Only the first
    QUESTION_READ_CHARS are read (the encoder reads less than that)."""
    head, tail = question[:QUESTION_READ_CHARS], question[QUESTION_READ_CHARS:]
    capitals, words = len(_CAPITALISED.findall(head)), len(_WORD.findall(head))
    if words >= 3 and capitals * 2 > words:
        return question
    forms, longest = _question_forms(index, topic_share)
    if not forms:
        return question
    lowered = head.lower()

    def read(match: re.Match) -> str:
        # the longest run of hyphenated parts that is a short form, left to right ("TDP-43-induced": "TDP-43"); no
        # run longer than the longest short form is tried, so "A-b-b-…" costs linear time
        parts, out, i = match.group().split("-"), [], 0
        while i < len(parts):
            j = next((j for j in range(min(len(parts), i + longest), i, -1) if "-".join(parts[i:j]) in forms), i + 1)
            short = "-".join(parts[i:j])
            long_form = forms.get(short)
            out.append(short if long_form is None or long_form.lower() in lowered else f"{long_form} ({short})")
            i = j
        return "-".join(out)

    return _ABBREVIATION_LIKE.sub(read, head) + tail


# A word with a capital letter in it, hyphenated parts and all ("OPCs", "UC-MSC", "HB-EGF"): looked up whole, then
# part by part, in one dictionary (an alternation of a large collection's 1,300 short forms cost ~9 ms a question).
_ABBREVIATION_LIKE = re.compile(r"\b[A-Za-z0-9]*[A-Z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*\b")


def _question_forms(index: LoadedIndex, topic_share: float) -> tuple[dict[str, str], int]:
    """The short forms a question's abbreviations are read by (`question_for_encoder`), each in either number, with
    their long forms, and the most hyphenated parts one has; derived once per loaded index."""
    key = f"question_abbreviations {topic_share}"
    found = index.derived.get(key)
    if found is None:
        kept = tuple((short, long_form) for short, long_form in collection_definitions(index)
                     if sum(c.isalpha() for c in short.rstrip("s")) >= QUESTION_MIN_LETTERS
                     and short.lower() not in STOPWORDS
                     and index.lexical.document_share(short.lower()) < topic_share)
        forms = _numbers(kept)
        found = index.derived[key] = (forms, 1 + max((short.count("-") for short in forms), default=0))
    return found


def _numbers(defined: tuple[tuple[str, str], ...]) -> dict[str, str]:
    """Each short form in either number ("UC-MSC" and "UC-MSCs", "OPC" and "OPCs"), with its long form."""
    shorts = {}
    for short, long_form in defined:
        singular = short[:-1] if short.endswith("s") and short[:-1].isupper() else short
        shorts.update({singular: long_form, singular + "s": long_form})
    return shorts


@lru_cache(maxsize=1024)
def _matchers(defined: tuple[tuple[str, str], ...]) -> tuple[re.Pattern, dict[str, str], re.Pattern, dict[str, str]]:
    """One alternation for the short forms and one for the long forms of a document's definitions."""
    shorts = _numbers(defined)
    longs = {long_form.lower(): short for short, long_form in defined}
    by_length = lambda forms: sorted(forms, key=len, reverse=True)
    return (re.compile(r"\b(?:" + "|".join(map(re.escape, by_length(shorts))) + r")\b"), shorts,
            re.compile("|".join(map(re.escape, by_length(longs)))), longs)


def spelled_out(text: str, defined: tuple[tuple[str, str], ...]) -> str:
    """`text` with the long form of each defined abbreviation it uses appended, once: what the encoder reads of a
    passage. A model that never met "UC-MSC" cannot know it is umbilical cord stem cells, and the passage that only
    says "UC-MSC therapy in SLE" would stay far from "Can stem cells from umbilical cord treat lupus?"."""
    if not defined:
        return text
    short_forms, shorts, _, _ = _matchers(defined)
    extra = [long_form for long_form in dict.fromkeys(shorts[m] for m in short_forms.findall(text))
             if long_form.lower() not in text.lower()]
    return f"{text} ({'; '.join(extra)})" if extra else text


@lru_cache(maxsize=4096)
def expand(text: str, defined: tuple[tuple[str, str], ...]) -> str:
    """`text` with the other form of each defined abbreviation it uses appended (for word matching only); cached, as
    the same passages are read again by every question that finds them."""
    if not defined:
        return text
    short_forms, shorts, long_forms, longs = _matchers(defined)
    extra = dict.fromkeys(
        [shorts[m] for m in short_forms.findall(text)] + [longs[m] for m in long_forms.findall(text.lower())]
    )
    return f"{text} {' '.join(extra)}" if extra else text
