"""Resolve elliptical follow-ups ("and its side effects?") to the conversation's topic, without an LLM."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from rag.answer.cues import ASKS
from rag.retrieval.subject import ASPECT, about_subjects, asked_subjects
from rag.terms import content_words

_ANAPHORA = re.compile(
    r"^\s*(?:and|also|but|so|what about|how about|and what about|same "
    r"for)\b|\b(?:it|its|it's|they|them|their|this|that|these|those|the drug|the treatment|the therapy)\b",
    re.IGNORECASE,
)
# What a short question asks about a topic ("side effects?", "dose?", "treatment?"), as opposed to a topic of its own.
_ASKS_ONLY = re.compile("|".join(f"(?:{pattern})" for pattern in ASKS.values()), re.IGNORECASE)



def is_elliptical(question: str, is_specific: Callable[[str], bool] | None = None) -> bool:
    """Pronoun-led questions lean on what came before, and so do short ones that name no topic of their own.

    "side effects?" and "dosage?" name only an aspect; "Is metformin safe?" and "How is a broken wrist treated?"
    name a topic (a word few passages hold, or none), so the earlier turn's topic must not be added to them."""
    if _ANAPHORA.search(question):
        return True
    if len(content_words(question)) > 3:
        return False
    own = content_words(_ASKS_ONLY.sub(" ", question))
    return not any(is_specific is None or is_specific(word) for word in own)


def topic_words(text: str, is_specific: Callable[[str], bool] | None = None) -> list[str]:
    """Words naming what a turn is about: content words, minus those common to most of the collection."""
    words = list(dict.fromkeys(content_words(text)))
    specific = [w for w in words if is_specific is None or is_specific(w)]
    return specific or words


def resolve_followup(question: str, history: Sequence[tuple[str, str]],
                     is_specific: Callable[[str], bool] | None = None,
                     names_topic: Callable[[str], bool] | None = None,
                     another: Callable[[str, list[str]], bool] | None = None) -> str:
    """The text to retrieve with: the question, plus the topic of the latest user turn that has one.

    `is_specific` tells a topical word ("naltrexone") from one the whole collection shares ("MS");
    `names_topic`, looser, tells whether a short question's own word makes it a new question. `another(subject,
    words)` says whether the collection speaks of `subject` as a treatment apart from the one `words` name: "What
    about stem cells?" after "Can LDN help MS fatigue?" then searches stem cells with fatigue and without LDN, while
    "What about the cost?" (the LDN page speaks of its cost) and "What about depression?" (a condition) still
    search LDN.
    """
    if not history or not is_elliptical(question, names_topic or is_specific):
        return question
    own = set(content_words(question))
    for role, content in reversed(history):
        if role != "user" or not content.strip():
            continue
        earlier = subject_words(content, is_specific)
        if earlier and another and _names_another_topic(question, content, earlier, another):
            rest = [w for w in topic_words(content, is_specific) if w not in own and w not in earlier]
            return f"{question} {' '.join(rest)}" if rest else question
        topic = [w for w in earlier or topic_words(content, is_specific) if w not in own]
        if topic:
            return f"{question} {' '.join(topic)}"
    return question


def _names_another_topic(question: str, earlier_turn: str, earlier_words: list[str],
                         another: Callable[[str, list[str]], bool]) -> bool:
    """A bare "What about X?" whose X is another treatment than the earlier turn's subject: not an aspect ("side
    effects", "the dose"), not a general word, not a word of the earlier turn, and one the collection speaks of as a
    treatment apart from the earlier one (`another`)."""
    subjects = about_subjects(question)
    if not subjects:
        return False
    words = [w for subject in subjects for w in content_words(subject)]
    earlier_own = set(content_words(earlier_turn))
    if (not words or any(ASPECT.search(subject) for subject in subjects) or set(words) & earlier_own
            or set(content_words(question)) - set(words)):
        return False  # "What about metformin for weight loss?" asks its own question: it is no bare "what about"
    return another(" ".join(subjects), earlier_words)


def subject_words(text: str, is_specific: Callable[[str], bool] | None = None) -> list[str]:
    """The specific words of what a turn asks about, where its grammar says ("naltrexone" in "Can low dose
    naltrexone help MS fatigue?"): "Is it safe?" after it asks about naltrexone, not about fatigue."""
    words = [w for subject in asked_subjects(text) for w in content_words(subject)]
    return [w for w in dict.fromkeys(words) if is_specific is None or is_specific(w)]
