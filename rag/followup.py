"""Resolve elliptical follow-ups ("and its side effects?") to the conversation's topic, without an LLM."""

from __future__ import annotations

import re
from collections.abc import Callable

_WORD = re.compile(r"[A-Za-z][A-Za-z0-9\-]+")
_ANAPHORA = re.compile(
    r"^\s*(?:and|also|but|so|what about|how about|and what about|same for)\b|\b(?:it|its|it's|they|them|their|this|that|these|those|the drug|the treatment|the therapy)\b",
    re.IGNORECASE,
)
STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before being below between both but by
    can could did do does doing down during each few for from further had has have having he her here hers him his how i if in
    into is it its itself just me more most my no nor not now of off on once only or other our out over own same she should so
    some such than that the their them then there these they this those through to too under until up very was we were what
    when where which while who whom why will with would you your yours also tell know much many way ways use used using
    take taking get really thing things anything something
    gets getting got stop stops stopping start starts worse better good bad work works working help helps helping
    find found finds cause causes make makes feel felt see saw say says said give gives given go goes going
    people person persons someone somebody anyone everyone""".split()
)


def content_words(text: str) -> list[str]:
    """Lower-cased words that carry meaning; hyphenated words also count by their parts."""
    words: list[str] = []
    for word in _WORD.findall(text):
        word = word.lower()
        parts = [word] + (word.split("-") if "-" in word else [])
        words.extend(p for p in parts if len(p) > 1 and p not in STOPWORDS)
    return words


def stem(word: str) -> str:
    """A crude prefix stem, enough to meet 'treated' with 'treatment' (bm25s stems for BM25 itself)."""
    return word[: max(4, len(word) - 2)]


def stems(text: str) -> set[str]:
    return {stem(w) for w in content_words(text)}


def is_elliptical(question: str) -> bool:
    """Short or pronoun-led questions lean on what came before."""
    return len(content_words(question)) <= 3 or bool(_ANAPHORA.search(question))


def topic_words(text: str, is_specific: Callable[[str], bool] | None = None) -> list[str]:
    """Words naming what a turn is about: content words, minus those common to most of the collection."""
    words = list(dict.fromkeys(content_words(text)))
    specific = [w for w in words if is_specific is None or is_specific(w)]
    return specific or words


def resolve_followup(question: str, history: list[tuple[str, str]],
                     is_specific: Callable[[str], bool] | None = None) -> str:
    """The text to retrieve with: the question, plus the topic of the latest user turn that has one.

    `is_specific` tells a topical word ("naltrexone") from one the whole collection shares ("MS").
    """
    if not history or not is_elliptical(question):
        return question
    own = set(content_words(question))
    for role, content in reversed(history):
        if role != "user" or not content.strip():
            continue
        topic = [w for w in topic_words(content, is_specific) if w not in own]
        if topic:
            return f"{question} {' '.join(topic)}"
    return question
