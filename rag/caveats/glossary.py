"""What the glossary (GET /api/v1/vocabulary) says about each caveat code beyond its label and detail: a few
example cues drawn from the rule's own patterns, and where the code is judged (words of the text, a whole
document, or an answer).

Examples are not typed a second time: each is the plainest string one of the rule's patterns matches (first
alternative, optional parts left out), kept only when the engine itself flags it with that code, so a changed
pattern changes its examples and an example can never drift from what the engine does.
"""

from __future__ import annotations

import functools
import re._parser as sre_parse
from enum import StrEnum
from re._constants import (
    ASSERT,
    ASSERT_NOT,
    AT,
    BRANCH,
    CATEGORY,
    CATEGORY_DIGIT,
    CATEGORY_SPACE,
    CATEGORY_WORD,
    IN,
    LITERAL,
    MAX_REPEAT,
    MIN_REPEAT,
    NEGATE,
    RANGE,
    SUBPATTERN,
)

from rag.caveats.codes import Code

MAX_EXAMPLES = 3


class Scope(StrEnum):
    """Where a code is judged."""

    TEXT = "text"
    DOCUMENT = "document"
    ANSWER = "answer"


SCOPE_DETAILS = {
    Scope.TEXT: "Given for words in the text itself; the example shows the kind of words.",
    Scope.DOCUMENT: "Given to a whole document, for what it lacks or how it ends, not for any one sentence.",
    Scope.ANSWER: "Given to an answer, for how the passages behind it fit together and fit the question.",
}

_SCOPE_OF = {Code.NO_REFERENCES: Scope.DOCUMENT, Code.INCOMPLETE_SOURCE: Scope.DOCUMENT,
             Code.SINGLE_SOURCE: Scope.ANSWER, Code.WEAK_MATCH: Scope.ANSWER, Code.SOURCES_DISAGREE: Scope.ANSWER,
             Code.NOT_MENTIONED: Scope.ANSWER}


def scope(code: Code) -> Scope:
    return _SCOPE_OF.get(code, Scope.TEXT)


class _Unusable(Exception):
    """The pattern part has no plain example (a negated class, a back-reference, …)."""


_CATEGORY_CHAR = {CATEGORY_WORD: "a", CATEGORY_DIGIT: "1", CATEGORY_SPACE: " "}


def _char(items) -> str:
    op, value = items[0]
    if op == NEGATE:
        raise _Unusable
    if op == LITERAL:
        return chr(value)
    if op == RANGE:
        return chr(value[0])
    if op == CATEGORY and value in _CATEGORY_CHAR:
        return _CATEGORY_CHAR[value]
    raise _Unusable


def _open_word(body) -> bool:
    """Whether a repeated part is a class of letters ("\\w", "[a-z]"), not of spaces."""
    items = list(body)
    if len(items) != 1:
        return False
    op, value = items[0]
    if op == CATEGORY:
        return value != CATEGORY_SPACE
    return op == IN and value != [(CATEGORY, CATEGORY_SPACE)]


def _plainest(parsed, repeated: bool = False) -> str:
    """The plainest string the parsed pattern matches. A character class under a repeat ("\\w*", "\\d{2}") would
    make up letters ("Aa et al. (1100)") and an optional one would cut a word short ("contraindicat"), so such a
    pattern gives no example."""
    out = []
    for op, value in parsed:
        if op == LITERAL:
            out.append(chr(value))
        elif op == IN:
            if repeated:
                raise _Unusable
            out.append(_char(value))
        elif op == CATEGORY:
            raise _Unusable
        elif op == BRANCH:
            out.append(_plainest(value[1][0], repeated))
        elif op == SUBPATTERN:
            out.append(_plainest(value[-1], repeated))
        elif op in (MAX_REPEAT, MIN_REPEAT):
            low, _, body = value
            if not low and _open_word(body):
                raise _Unusable  # "anecdot\w*": leaving it out cuts a word short
            if low:
                out.append(_plainest(body, True) * low)
        elif op in (AT, ASSERT, ASSERT_NOT):
            continue  # anchors and look-arounds match no text of their own
        else:
            raise _Unusable
    return "".join(out)


def plainest(pattern: str) -> str | None:
    """The plainest example of a pattern, or None when it has none."""
    try:
        text = _plainest(sre_parse.parse(pattern)).strip()
    except _Unusable:
        return None
    return text or None


def _flags(code: Code, text: str) -> bool:
    """Whether the engine flags `text`, read as one sentence, with `code`."""
    if code == Code.UNVERIFIABLE_CITATION:
        from rag.caveats.citations import find_citations

        return any(not traceable for *_, traceable in find_citations(text))
    from rag.caveats.sentences import analyse_sentence

    return analyse_sentence(text).has(code)


def _patterns(code: Code) -> tuple[str, ...]:
    from rag.caveats.rules import CITATION_PATTERNS, RULES

    if code == Code.UNVERIFIABLE_CITATION:
        return CITATION_PATTERNS
    return next((rule.patterns for rule in RULES if rule.code == code), ())


@functools.cache
def examples(code: Code) -> tuple[str, ...]:
    """Up to MAX_EXAMPLES short cues the engine flags with `code`, from the rule's own patterns, in their order."""
    found: list[str] = []
    for pattern in _patterns(code):
        text = plainest(pattern)
        if text and text.lower() not in {f.lower() for f in found} and _flags(code, text):
            found.append(text)
        if len(found) == MAX_EXAMPLES:
            break
    return tuple(found)

