"""Abbreviations a document defines ("low-dose naltrexone (LDN)"), so that a sentence saying "LDN" holds the
words of a question asking about "low dose naltrexone", and the other way round.

A light form of Schwartz & Hearst (2003): an abbreviation in brackets whose letters are the initials of the
words just before it. Only what the document itself defines counts; nothing is guessed from a list.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rag.index import LoadedIndex

# Found by its brackets first (one cheap scan); the words before it are read only where an abbreviation is.
_BRACKETED = re.compile(r"\(([A-Z][A-Za-z0-9-]{1,9})\)")
_WORDS_BEFORE = re.compile(r"((?:[\w’'-]+\s+){0,8}[\w’'-]+)\s*$")
_PARTS = re.compile(r"[\s-]+")
_SKIP = frozenset({"of", "the", "and", "for", "in", "on", "to", "with", "a", "an"})


def _long_form(before: str, abbreviation: str) -> str | None:
    letters = re.sub(r"[^A-Za-z]", "", abbreviation)
    if abbreviation.endswith("s") and abbreviation[:-1].isupper():
        letters = letters[:-1]  # "OPCs": oligodendrocyte precursor cells
    letters = letters.lower()
    if len(letters) < 2:
        return None
    words = before.split()
    for take in range(1, len(words) + 1):
        chosen = words[-take:]
        parts = [p for p in _PARTS.split(" ".join(chosen).lower()) if p and p not in _SKIP]
        if len(parts) < len(letters):
            continue
        if "".join(p[0] for p in parts[-len(letters):]) == letters and len(parts) == len(letters):
            return " ".join(chosen)
        if len(parts) > len(letters):
            return None
    return None


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


@lru_cache(maxsize=1024)
def _matchers(defined: tuple[tuple[str, str], ...]) -> tuple[re.Pattern, dict[str, str], re.Pattern, dict[str, str]]:
    """One alternation for the short forms and one for the long forms of a document's definitions."""
    shorts = {short: long_form for short, long_form in defined}
    longs = {long_form.lower(): short for short, long_form in defined}
    by_length = lambda forms: sorted(forms, key=len, reverse=True)
    return (re.compile(r"\b(?:" + "|".join(map(re.escape, by_length(shorts))) + r")\b"), shorts,
            re.compile("|".join(map(re.escape, by_length(longs)))), longs)


def expand(text: str, defined: tuple[tuple[str, str], ...]) -> str:
    """`text` with the other form of each defined abbreviation it uses appended (for word matching only)."""
    if not defined:
        return text
    short_forms, shorts, long_forms, longs = _matchers(defined)
    extra = dict.fromkeys(
        [shorts[m] for m in short_forms.findall(text)] + [longs[m] for m in long_forms.findall(text.lower())]
    )
    return f"{text} {' '.join(extra)}" if extra else text
