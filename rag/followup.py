"""Resolve elliptical follow-ups ("and its side effects?") to the conversation's topic, without an LLM."""

from __future__ import annotations

import re

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
    take taking get really thing things anything something""".split()
)


def content_words(text: str) -> list[str]:
    """Lower-cased words that carry meaning; hyphenated words also count by their parts."""
    words: list[str] = []
    for word in _WORD.findall(text):
        word = word.lower()
        parts = [word] + (word.split("-") if "-" in word else [])
        words.extend(p for p in parts if len(p) > 1 and p not in STOPWORDS)
    return words


def is_elliptical(question: str) -> bool:
    """Short or pronoun-led questions lean on what came before."""
    return len(content_words(question)) <= 3 or bool(_ANAPHORA.search(question))


def resolve_followup(question: str, history: list[tuple[str, str]]) -> str:
    """The text to retrieve with: the question, plus the last user turn's topic when the question is elliptical."""
    if not history or not is_elliptical(question):
        return question
    previous = [content for role, content in history if role == "user" and content.strip()]
    if not previous:
        return question
    topic = previous[-1]
    if len(content_words(topic)) <= 2 and len(previous) > 1:
        topic = previous[-2] + " " + topic
    return f"{question} {topic}"
