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

from rag.index.lexical import terms
from rag.terms import STOPWORDS, content_words

_AUX = r"(?:can|could|does|do|did|will|would|might|may|should|is|are)"
# A yes-no question opens its clause: "Are the doctors not clear about this…" mid-sentence is not one.
_OPENS = r"(?:^|[.?!;:\n]\s*)(?:(?:and|but|so|also|ok|okay|well|hi|hello|please)[,\s]+)?"
_EFFECT = (r"(?:help|helps|work|works|treat|treats|cure|cures|improve|improves|reduce|reduces|prevent|prevents|slow|"
           r"slows|stop|stops|reverse|reverses|ease|eases|relieve|relieves|benefit|benefits|fight|fights|lower|"
           r"lowers|boost|boosts|heal|heals|manage|replace|be used|be taken|be a (?:treatment|cure|option))")
_VERDICT = (r"(?:good|safe|effective|helpful|useful|worth|beneficial|dangerous|risky|"
            r"a (?:good |safe )?(?:treatment|cure|option))")
_ADVERB = r"(?:(?:really|actually|also|still|even|ever|any|truly|generally)\s+)?"
_SLOT = r"(?P<subject>[A-Za-z0-9][\w\-' ]{0,48}?)"
# Where a question's grammar puts what it is about (matched case-insensitively).
PATTERNS = (
    re.compile(rf"{_OPENS}{_AUX}\s+{_SLOT}\s+{_ADVERB}{_EFFECT}\b", re.IGNORECASE),
    re.compile(rf"{_OPENS}(?:is|are)\s+{_SLOT}\s+{_ADVERB}{_VERDICT}\b", re.IGNORECASE),
    re.compile(rf"\b(?:should|can|could|do|must)\s+(?:i|we|you|people|patients)\s+(?:take|try|use|start|add)\s+"
               rf"{_SLOT}(?=\s+(?:for|to|with|if|when|instead|while|alongside)\b|\s*[?.!,]|\s*$)", re.IGNORECASE),
    # "What about gurmar, jamun and bitter melon?": the whole list is the subject.
    re.compile(r"^\s*(?:and\s+|but\s+|so\s+)?what about\s+(?P<subject>[A-Za-z0-9][\w\-', ]{0,80}?)"
               r"(?=\s+(?:for|to|with|in)\b|\s*[?.!]|\s*$)", re.IGNORECASE),
)
# A subject is a short noun phrase: its determiners go, joining words may stay, any other function word means
# the slot ran over a clause ("there a weaning process when you") and nothing is read.
_LEADING = frozenset("a an the my your his her their our this these those some any".split())
_JOINING = frozenset("of and or from at with in".split())
MAX_SUBJECT_WORDS = 6
_QUALIFIER = re.compile(r"[a-z]|\d{1,3}[a-z]?")  # the "D" of "vitamin D", the "3" of "omega 3"
# Words that name who or what in general, never a treatment: "Can my doctor help?", "Is the drug safe?"
_GENERIC = frozenset(
    """my your our their his her the this that these those it they he she we you i one medication medications drug
    drugs medicine medicines treatment treatments therapy therapies pill pills supplement supplements doctor doctors
    pharmacist anyone anything""".split()
)


def _noun_phrase(slot: str) -> str | None:
    """The slot as a noun phrase without its determiners, or None when it is not one."""
    words = re.findall(r"[\w\-']+", slot.lower())
    while words and words[0] in _LEADING:
        words.pop(0)
    if not words or len(words) > MAX_SUBJECT_WORDS:
        return None
    if any(w in STOPWORDS and w not in _JOINING for w in words):
        return None
    return " ".join(words)


def asked_subjects(question: str) -> list[str]:
    """The noun phrases in the question's subject slots, in order ("vitamin d" in "Can vitamin D help MS?")."""
    found = []
    for pattern in PATTERNS:
        for match in pattern.finditer(question):
            subject = _noun_phrase(match.group("subject"))
            if subject and subject not in found:
                found.append(subject)
    return found


def _names(subject: str) -> list[str | re.Pattern]:
    """What names the subject, one entry per word: the word's BM25 stem ("dosing" meets "doses"), or the word with
    its short qualifier when it has one ("vitamin D" is not "vitamin B12", "omega 3" not "omega-6")."""
    tokens = re.findall(r"[a-z0-9]+", subject.lower())
    names: list[str | re.Pattern] = []
    for i, word in enumerate(tokens):
        if len(word) < 3 or word in _GENERIC or word not in content_words(word):
            continue
        after = tokens[i + 1] if i + 1 < len(tokens) else ""
        if _QUALIFIER.fullmatch(after):
            names.append(re.compile(rf"\b{word}[\s\-]?{after}\b"))
        else:
            names += terms(word)[:1] or [word]
    return names


def unnamed_subject(question: str, texts: list[str]) -> str | None:
    """The first subject that none of `texts` (the passages that would answer) names by any of its words, or None.

    A subject made only of general words ("the drug", "it") names nothing to look for and is never unnamed."""
    subjects = asked_subjects(question)
    if not subjects:
        return None
    lowered = [t.lower() for t in texts]
    stems = {term for t in texts for term in terms(t)}
    for subject in subjects:
        names = _names(subject)
        if names and not any(n in stems if isinstance(n, str) else any(n.search(t) for t in lowered) for n in names):
            return subject
    return None
