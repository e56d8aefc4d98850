"""What a question asks about, and whether the passages that would answer it name it at all.

People ask about a treatment they read about: "Can vitamin D help MS?", "Does omega 3 work for fatigue?". When
none of the best passages names that treatment, none of them answers the question, however close the rest of it
("help MS") comes to pages about other treatments. The learned no-answer score (`no_answer.py`) also reads the
share of all the question's words the collection knows; but a lay word in the outcome ("does it make you poop?")
must not count like a missing subject. So the subject is read from where the question's grammar puts it: the slot
before "help", "work", "treat", "safe", after "should I take", or after "what about". A word of it with a short
qualifier must appear with that qualifier: "vitamin B12" does not name "vitamin D".
"""

from __future__ import annotations

import re

from rag.terms import content_words, stem

_AUX = r"(?:can|could|does|do|did|will|would|might|may|should|is|are)"
_EFFECT = (r"(?:help|helps|work|works|treat|treats|cure|cures|improve|improves|reduce|reduces|prevent|prevents|slow|"
           r"slows|stop|stops|reverse|reverses|ease|eases|relieve|relieves|benefit|benefits|fight|fights|lower|"
           r"lowers|boost|boosts|heal|heals|manage|replace|be used|be taken|be a (?:treatment|cure|option))")
_VERDICT = (r"(?:good|safe|effective|helpful|useful|worth|beneficial|dangerous|risky|"
            r"a (?:good |safe )?(?:treatment|cure|option))")
_SLOT = r"(?P<subject>[A-Za-z0-9][\w\-' ]{0,48}?)"
# Where a question's grammar puts what it is about (matched case-insensitively, anywhere in the question).
PATTERNS = (
    re.compile(rf"\b{_AUX}\s+{_SLOT}\s+(?:really\s+|actually\s+|also\s+)?{_EFFECT}\b", re.IGNORECASE),
    re.compile(rf"\b(?:is|are)\s+{_SLOT}\s+(?:really\s+|actually\s+|also\s+)?{_VERDICT}\b", re.IGNORECASE),
    re.compile(rf"\b(?:should|can|could|do|must)\s+(?:i|we|you|people|patients)\s+(?:take|try|use|start|add)\s+"
               rf"{_SLOT}(?=\s+(?:for|to|with|if|when|instead|while|alongside)\b|\s*[?.!,]|\s*$)", re.IGNORECASE),
    # "What about gurmar, jamun and bitter melon?": the whole list is the subject.
    re.compile(r"^\s*(?:and\s+|but\s+|so\s+)?what about\s+(?P<subject>[A-Za-z0-9][\w\-', ]{0,80}?)"
               r"(?=\s+(?:for|to|with|in)\b|\s*[?.!]|\s*$)", re.IGNORECASE),
)
_QUALIFIER = re.compile(r"[a-z]|\d{1,3}[a-z]?")  # the "D" of "vitamin D", the "3" of "omega 3"
# Words that name who or what in general, never a treatment: "Can my doctor help?", "Is the drug safe?"
_GENERIC = frozenset(
    """my your our their his her the this that these those it they he she we you i one medication medications drug
    drugs medicine medicines treatment treatments therapy therapies pill pills supplement supplements doctor doctors
    pharmacist anyone anything""".split()
)


def asked_subjects(question: str) -> list[str]:
    """The phrases in the question's subject slot, in order ("vitamin d" in "Can vitamin D help MS?")."""
    found = []
    for pattern in PATTERNS:
        for match in pattern.finditer(question):
            subject = match.group("subject").strip(" '-")
            if subject and subject.lower() not in found:
                found.append(subject.lower())
    return found


def _name_patterns(subject: str) -> list[re.Pattern]:
    """One pattern per word that names the subject: the word's stem, or the word with its short qualifier when it
    has one ("vitamin D" is not "vitamin B12", "omega 3" not "omega-6")."""
    tokens = re.findall(r"[a-z0-9]+", subject.lower())
    patterns = []
    for i, word in enumerate(tokens):
        if len(word) < 3 or word in _GENERIC or word not in content_words(word):
            continue
        after = tokens[i + 1] if i + 1 < len(tokens) else ""
        if _QUALIFIER.fullmatch(after):
            patterns.append(re.compile(rf"\b{word}[\s\-]?{after}\b"))
        else:
            patterns.append(re.compile(rf"\b{re.escape(stem(word))}"))
    return patterns


def unnamed_subject(question: str, texts: list[str]) -> str | None:
    """The first subject that none of `texts` (the passages that would answer) names by any of its words, or None.

    A subject made only of general words ("the drug", "it") names nothing to look for and is never unnamed."""
    lowered = [t.lower() for t in texts]
    for subject in asked_subjects(question):
        patterns = _name_patterns(subject)
        if patterns and not any(p.search(t) for p in patterns for t in lowered):
            return subject
    return None
