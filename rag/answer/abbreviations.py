"""Abbreviations a document defines ("low-dose naltrexone (LDN)"), so that a sentence saying "LDN" holds the
words of a question asking about "low dose naltrexone", and the other way round.

A light form of Schwartz & Hearst (2003): an abbreviation in brackets whose letters are the initials of the
words just before it. Only what the document itself defines counts; nothing is guessed from a list.
"""

from __future__ import annotations

import re
from functools import lru_cache

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


@lru_cache(maxsize=4096)
def definitions(text: str) -> tuple[tuple[str, str], ...]:
    """(abbreviation, long form) pairs the text defines, each once."""
    found: dict[str, str] = {}
    for match in _BRACKETED.finditer(text):
        short = match.group(1)
        before = _WORDS_BEFORE.search(text, max(0, match.start() - 160), match.start())
        if short in found or before is None:
            continue
        long_form = _long_form(before.group(1), short)
        if long_form:
            found[short] = long_form
    return tuple(found.items())


def expand(text: str, defined: tuple[tuple[str, str], ...]) -> str:
    """`text` with the other form of each defined abbreviation it uses appended (for word matching only)."""
    if not defined:
        return text
    lower = text.lower()
    extra = [long_form for short, long_form in defined if re.search(rf"\b{re.escape(short)}\b", text)]
    extra += [short for short, long_form in defined if long_form.lower() in lower]
    return f"{text} {' '.join(extra)}" if extra else text
