"""Resolve elliptical follow-ups ("and its side effects?") to the conversation's topic, without an LLM."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from rag.answer.cues import ASKS
from rag.retrieval.subject import asked_subjects
from rag.terms import STOPWORDS, content_words

_ANAPHORA = re.compile(
    r"^\s*(?:and|also|but|so|what about|how about|and what about|same "
    r"for)\b|\b(?:it|its|it's|they|them|their|this|that|these|those|the drug|the treatment|the therapy)\b",
    re.IGNORECASE,
)


# What a question asks about a topic ("side effects", "dose", "safe", "help"), as opposed to the topic itself.
_ASPECT = re.compile("|".join(f"(?:{pattern})" for pattern in ASKS.values()), re.IGNORECASE)


def is_elliptical(question: str, is_specific: Callable[[str], bool] | None = None) -> bool:
    """Pronoun-led questions lean on what came before, and so do short ones that name no topic of their own.

    "side effects?" and "dosage?" name only an aspect; "Is metformin safe?" and "How is a broken wrist treated?"
    name a topic (a word few passages hold, or none), so the earlier turn's topic must not be added to them."""
    if _ANAPHORA.search(question):
        return True
    if len(content_words(question)) > 3:
        return False
    own = content_words(_ASPECT.sub(" ", question))
    return not any(is_specific is None or is_specific(word) for word in own)


def topic_words(text: str, is_specific: Callable[[str], bool] | None = None) -> list[str]:
    """Words naming what a turn is about: content words, minus those common to most of the collection."""
    words = list(dict.fromkeys(content_words(text)))
    specific = [w for w in words if is_specific is None or is_specific(w)]
    return specific or words


def resolve_followup(question: str, history: Sequence[tuple[str, str]],
                     is_specific: Callable[[str], bool] | None = None,
                     names_topic: Callable[[str], bool] | None = None,
                     apart: Callable[[str, list[str]], bool] | None = None) -> str:
    """The text to retrieve with: the question, plus the topic of the latest user turn that has one.

    `is_specific` tells a topical word ("naltrexone") from one the whole collection shares ("MS");
    `names_topic`, looser, tells whether a short question's own word makes it a new question. `apart(subject,
    words)` says whether the passages that name `subject` leave all of `words` unnamed: "What about stem cells?"
    after a naltrexone question then asks the earlier question of stem cells, while "What about the cost?" (its
    passages name naltrexone) still asks about naltrexone.
    """
    if not history or not is_elliptical(question, names_topic or is_specific):
        return question
    own = set(content_words(question))
    for role, content in reversed(history):
        if role != "user" or not content.strip():
            continue
        earlier = subject_words(content, is_specific)
        swapped = _swap_subject(question, content, earlier, apart) if earlier and apart else None
        if swapped:
            return swapped
        topic = [w for w in earlier or topic_words(content, is_specific) if w not in own]
        if topic:
            return f"{question} {' '.join(topic)}"
    return question


def _swap_subject(question: str, earlier_turn: str, earlier_words: list[str],
                  apart: Callable[[str, list[str]], bool]) -> str | None:
    """The earlier question asked of the follow-up's own subject, when that subject is a topic of its own (its
    passages never name the earlier one); None when the follow-up has no subject or shares the earlier topic."""
    subjects = [s for s in asked_subjects(question) if s.split()[0] not in STOPWORDS]
    if not subjects or not apart(" ".join(subjects), earlier_words):
        return None
    if set(content_words(question)) - {w for s in subjects for w in content_words(s)}:
        return question  # "What about metformin for weight loss?" asks its own question of the new subject
    new = " and ".join(subjects)
    for old in asked_subjects(earlier_turn):
        found = re.search(rf"\b{re.escape(old)}\b", earlier_turn, re.IGNORECASE)
        if found:
            return earlier_turn[: found.start()] + new + earlier_turn[found.end():]
    return question


def subject_words(text: str, is_specific: Callable[[str], bool] | None = None) -> list[str]:
    """The specific words of what a turn asks about, where its grammar says ("naltrexone" in "Can low dose
    naltrexone help MS fatigue?"): "Is it safe?" after it asks about naltrexone, not about fatigue."""
    words = [w for subject in asked_subjects(text) for w in content_words(subject)]
    return [w for w in dict.fromkeys(words) if is_specific is None or is_specific(w)]
