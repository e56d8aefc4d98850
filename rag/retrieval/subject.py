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

import math
import re
from collections.abc import Callable, Iterator, Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, TypeVar

import numpy as np

from rag.abbreviations import document_definitions, expand
from rag.answer.cues import ASKS, Need
from rag.english import edits, is_english
from rag.index.lexical import terms
from rag.terms import STOPWORDS, content_words, english_words

if TYPE_CHECKING:
    from rag.index import LoadedIndex

_AUX = r"(?:can|could|does|do|did|will|would|might|may|should|is|are|has|have|had)"
# A yes-no question opens its clause: "Are the doctors not clear about this…" mid-sentence is not one.
_OPENS = r"(?:^|[.?!;:\n]\s*)(?:(?:and|but|so|also|ok|okay|well|hi|hello|please)[,\s]+)?"
_EFFECT = (r"(?:help|helps|work|works|treat|treats|cure|cures|improve|improves|reduce|reduces|prevent|prevents|slow|"
           r"slows|stop|stops|reverse|reverses|ease|eases|relieve|relieves|benefit|benefits|fight|fights|lower|"
           r"lowers|boost|boosts|heal|heals|manage|replace|be used|be taken|be a (?:treatment|cure|option)|"
           # "Has clemastine shown any results?", "Does LDN make you feel better?", "How does metformin affect…?"
           r"show|shows|shown|showed|make|makes|affect|affects|protect|protects|repair|repairs|"
           # "Can Plaquenil damage your eyes?": the harm a treatment might do. Not "cause", "raise" or "increase",
           # whose subject is as often a cause ("Does smoking increase the risk of MS?"), nor "interact", whose
           # treatment is as often the second ("Can painkillers interact with LDN?").
           r"damage|damages|harm|harms|hurt|hurts)")
_VERDICT = (r"(?:good|safe|effective|helpful|useful|worth|beneficial|dangerous|risky|"
            r"a (?:good |safe )?(?:treatment|cure|option))")
_ADVERB = r"(?:(?:really|actually|also|still|even|ever|any|truly|generally)\s+)?"
_SLOT = r"(?P<subject>[A-Za-z0-9][\w\-' ]{0,48}?)"
# Where a question's grammar puts what it is about (matched case-insensitively).
PATTERNS = (
    re.compile(rf"{_OPENS}(?:(?:how|why|when)\s+)?{_AUX}\s+{_SLOT}\s+{_ADVERB}{_EFFECT}\b", re.IGNORECASE),
    re.compile(rf"{_OPENS}(?:is|are)\s+{_SLOT}\s+{_ADVERB}{_VERDICT}\b", re.IGNORECASE),
    # "Is stem cell transplantation used for lupus?": what a treatment is used, given or approved for (a yes-no
    # question; "How are stem cells used for lupus?" asks how, and a follow-up reads its topic words instead)
    re.compile(rf"{_OPENS}(?:is|are|was|were)\s+{_SLOT}\s+{_ADVERB}(?:used|prescribed|recommended|approved|given|"
               rf"offered)\b", re.IGNORECASE),
    # "Has research shown clemastine works in MS?", "Is there evidence that biotin helps?": the subject of the
    # clause that the research is said to show.
    re.compile(rf"{_OPENS}(?:{_AUX}|is there|are there)\s+(?:[\w-]+\s+){{0,3}}?(?:show|shown|showed|prove|proven|"
               rf"proved|find|found|evidence|proof)\s+(?:that\s+)?{_SLOT}\s+{_ADVERB}{_EFFECT}\b", re.IGNORECASE),
    re.compile(rf"\b(?:should|can|could|do|must)\s+(?:i|we|you|people|patients)\s+(?:take|try|use|start|add)\s+"
               rf"{_SLOT}(?=\s+(?:for|to|with|if|when|instead|while|alongside)\b|\s*[?.!,]|\s*$)", re.IGNORECASE),
    # "What is still being studied about stem cell treatment for SLE?", "What is known about LDN?": what research
    # knows or studies about is the subject ("Tell me about MS fatigue" names a topic, not a treatment).
    re.compile(rf"\b(?:known|studied|researched|research|evidence)\s+about\s+"
               rf"{_SLOT}(?=\s+(?:for|in|to|with)\b|\s*[?.!,]|\s*$)", re.IGNORECASE),
    # "What does a stem cell transplant do for MS?", "What would gene therapy actually do to my genes?": what it does.
    # (not "What can my husband do to help?", "What do nurses do…": who does something, not what a treatment does)
    re.compile(rf"{_OPENS}what\s+(?:does|did|would|will|might)\s+{_SLOT}\s+{_ADVERB}do\s+(?:for|to)\b",
               re.IGNORECASE),
    # "What dose of metformin should I take?", "What are the side effects of LDN?", "risks of gene therapy for
    # depression": what an aspect is asked of is the subject ("the risk of MS" is a disease's: risks, in the plural).
    re.compile(rf"\b(?:dose|doses|dosage|dosing|side[- ]effects?|risks|dangers|benefits|interactions)"
               rf"\s+(?:of|from|with)\s+{_SLOT}(?=\s+(?:should|do|does|did|is|are|was|were|can|could|would|will|"
               rf"for|in|to|with|if|when|on)\b|\s*[?.!,]|\s*$)", re.IGNORECASE),
    # "What about gurmar, jamun and bitter melon?": the whole list is the subject. (Last: `about_subjects` reads it.)
    re.compile(r"^\s*(?:and\s+|but\s+|so\s+)?(?:what|how) about\s+(?P<subject>[A-Za-z0-9][\w\-', ]{0,80}?)"
               r"(?=\s+(?:for|to|with|in)\b|\s*[?.!]|\s*$)", re.IGNORECASE),
)
# A subject is a short noun phrase: its determiners go, joining words may stay, any other function word means
# the slot ran over a clause ("there a weaning process when you") and nothing is read.
_LEADING = frozenset("a an the my your his her their our this these those some any".split())
_JOINING = frozenset("of and or from at with in".split())
# A class of treatments, not one: "the usual immune suppressing drugs", "standard treatments", "other medicines".
_CLASS = frozenset("usual standard conventional current traditional existing other regular typical".split())
MAX_SUBJECT_WORDS = 6
# A name's short qualifier: the "D" of "vitamin D", the "B12" of "vitamin B12" (or "B-12"), the "3" of "omega 3".
_QUALIFIER = re.compile(r"(?P<letter>[a-z]?)(?P<digits>\d{0,3})")
# What a question asks about a treatment ("side effects", "the dose", "risks"), as opposed to a treatment: every kind of
# question but "which treatment" and "what is", whose words ("gene therapy") name treatments.
ASPECT = re.compile("|".join(f"(?:{pattern})" for need, pattern in ASKS.items()
                             if need not in (Need.TREATMENT, Need.DEFINITION)), re.IGNORECASE)
MAX_CHARS = 2000  # a question is read up to here (a history turn may be ten times longer)
# Words that name who or what in general, never a treatment: "Can my doctor help?", "Is the drug safe?", "Have
# scientists shown…?"; the forms a treatment comes in ("a diabetes tablet", "stem cell injections") and its
# strength ("high dose biotin"), which say how, not which: a page on low-dose naltrexone does not name high-dose
# biotin, nor a page on tablets every tablet.
_GENERIC = frozenset(
    """my your our their his her the this that these those it they he she we you i one medication medications drug
    drugs medicine medicines treatment treatments therapy therapies pill pills supplement supplements doctor doctors
    pharmacist anyone anything new other natural alternative best same different tablet tablets capsule capsules
    injection injections infusion infusions shot shots jab jabs cream creams spray sprays drops dose doses dosage
    remedy remedies product products high low ultra strength mg study studies research trial trials scientist
    scientists researcher researchers expert experts evidence data husband wife partner family families member
    members caregiver caregivers carer carers nurse nurses neurologist neurologists parent parents kid kids child
    children friend friends people person patient patients""".split()
)


def _noun_phrase(slot: str) -> str | None:
    """The slot as a noun phrase without its determiners, or None when it is not one."""
    words = re.findall(r"[\w\-']+", slot.lower())
    while words and words[0] in _LEADING:
        words.pop(0)
    if not words or len(words) > MAX_SUBJECT_WORDS:
        return None
    if any(w in STOPWORDS and w not in _JOINING for w in words) or words[0] in _CLASS:
        return None
    return " ".join(words)


def _clauses(text: str) -> str:
    """The text's first MAX_CHARS characters, one line per line and one space per run of spaces: the patterns'
    clause openings then read at most one whitespace character, so a run of blank lines costs linear time."""
    lines = (" ".join(line.split()) for line in text[:MAX_CHARS].splitlines())
    return "\n".join(line for line in lines if line)


def asked_subjects(question: str) -> list[str]:
    """The noun phrases in the question's subject slots, in order ("vitamin d" in "Can vitamin D help MS?")."""
    return list(_subjects(question[:MAX_CHARS]))  # only this much is read: the cache's keys stay small


@lru_cache(maxsize=1024)
def _subjects(question: str) -> tuple[str, ...]:
    """Read once per question: follow-ups, retrieval's order and the no-answer rule all ask."""
    found: list[str] = []
    text = _PARENTHESES.sub("", _clauses(question))  # "a stem cell transplant (aHSCT)": the aside is no slot's end
    for pattern in PATTERNS:
        for match in pattern.finditer(text):
            subject = _noun_phrase(match.group("subject"))
            if subject and subject not in found:
                found.append(subject)
    return tuple(found)


_PARENTHESES = re.compile(r"\s*\([^()\n]{1,30}\)")
KEYWORD_MAX_WORDS = 5  # "metformin dose?", "ldn insomnia", "fingolimod bdnf": a search-box query, no sentence


@lru_cache(maxsize=1024)
def keyword_names(question: str) -> str | None:
    """A search-box query's names: in a query of a few words and no grammar (no function word but "and", "or",
    "vs"), the words that are neither common English nor what is asked about ("metformin" in "metformin dose?",
    "fingolimod bdnf" in "fingolimod bdnf"). A common word ("tiredness", "fecal") is left out: the passages may put
    it otherwise.

    Read for which pages answer (`subject_names(..., keywords=True)`), never for refusing: NFCorpus's topic titles
    are such queries, and refusing those whose name no top passage holds wrongly refused 11 % of its dev set."""
    text = _clauses(question)
    words = re.findall(r"[a-z0-9][a-z0-9\-']*", text.lower())
    if not words or len(words) > KEYWORD_MAX_WORDS or "\n" in text.strip():
        return None
    if any(w in STOPWORDS and w not in {"and", "or", "vs"} for w in words):
        return None
    names = [w for w in words if w not in STOPWORDS and w not in _GENERIC and not ASPECT.search(w)
             and not all(part.isalpha() and is_english(part) for part in w.split("-") if part)]
    return " ".join(names) or None


def about_subjects(question: str) -> list[str]:
    """What a bare "What about X?" or "How about X?" names, if X is more than general words ("it", "the drug") and
    does not open with a function word ("in pregnancy")."""
    match = PATTERNS[-1].search(_clauses(question))
    subject = _noun_phrase(match.group("subject")) if match else None
    if not subject or subject.split()[0] in STOPWORDS or not _names(subject):
        return []
    return [subject]


def _qualified(word: str, qualifier: str) -> re.Pattern:
    """A word with its qualifier, in the forms passages write it: "vitamin D" meets "vitamin D3" and "Vitamin-D"
    but not "vitamin B12"; "omega 3" meets "omega-3s"; "vitamin B12" meets "vitamin B-12"."""
    parts = _QUALIFIER.fullmatch(qualifier)
    letter, digits = (parts.group("letter"), parts.group("digits")) if parts else ("", "")
    tail = rf"-?{digits}" if digits else r"(?:-?\d{1,2})?"
    return re.compile(rf"\b{re.escape(word)}[\s\-]?{letter}{tail}s?\b")


def _word_names(subject: str, shortest: int = 3) -> list[tuple[str, str | re.Pattern]]:
    """What names the subject, one entry per word with the word: the word's BM25 stem ("dosing" meets "doses"), or
    the word with its short qualifier when it has one ("vitamin D" is not "vitamin B12", "omega 3" not "omega-6")."""
    tokens = re.findall(r"[a-z0-9]+", subject.lower())
    names: list[tuple[str, str | re.Pattern]] = []
    for i, word in enumerate(tokens):
        if len(word) < shortest or word in _GENERIC or word not in content_words(word):
            continue
        after = tokens[i + 1] if i + 1 < len(tokens) else ""
        if len(after) == 1 and after.isalpha() and i + 2 < len(tokens) and tokens[i + 2].isdigit():
            after += tokens[i + 2]  # "B-12" is read as "b", "12"
        if after and len(after) <= 4 and _QUALIFIER.fullmatch(after):
            names.append((word, _qualified(word, after)))
        else:
            names.append((word, (terms(word)[:1] or [word])[0]))
    return names


def _names(subject: str) -> list[str | re.Pattern]:
    return [name for _, name in _word_names(subject)]


def _named_subjects(question: str) -> list[tuple[str, list[str | re.Pattern]]]:
    """The question's subjects with what names each; a subject of general words only ("the drug") is left out."""
    return [(subject, names) for subject in asked_subjects(question) if (names := _names(subject))]


@lru_cache(maxsize=2048)  # ~13 MB at most: ~6.5 KB of stems a passage
def _stems(text: str) -> frozenset[str]:
    """A passage's BM25 stems, once per passage text (every question reads its top passages again)."""
    return frozenset(terms(text))


def _holder(texts: list[str]) -> Callable[[str | re.Pattern], bool]:
    """Whether `texts` hold a name: a BM25 stem among theirs, or a word with its qualifier (a pattern)."""
    lowered = [t.lower() for t in texts]
    stems = frozenset().union(*(_stems(t) for t in texts))
    return lambda name: name in stems if isinstance(name, str) else any(name.search(t) for t in lowered)


def _named_in(named: list[tuple[str, list[str | re.Pattern]]], texts: list[str]) -> bool:
    """Whether `texts` name any word of any of the subjects."""
    holds = _holder(texts)
    return any(holds(n) for _, names in named for n in names)


TYPO_MIN_LETTERS = 5  # a word this long, one edit from a word of the passages, is that word misspelt


def _spelt_words(texts: list[str], english_targets: bool = False) -> set[str]:
    """The words of `texts` a misspelt word may stand for: not common English ("meditation" is not a misspelt
    "medication", nor "creatine" a misspelt "creating": a treatment's name is no common word, and a common word one
    letter from another is its neighbour, not its typo), unless `english_targets` ("depresion" is "depression")."""
    words = {word for text in texts for word in re.findall(r"[a-z]+", text.lower())}
    return words if english_targets else words - english_words()


def _misspelt_in(word: str, others: set[str]) -> bool:
    """Whether one of `others` is `word` spelt right: one edit away, `word` long enough to tell and itself no
    common English word."""
    return _may_be_misspelt(word) and not others.isdisjoint(edits(word))


def _may_be_misspelt(word: str) -> bool:
    """A lower-case word long enough to tell a typo by, and itself no common English word."""
    return len(word) >= TYPO_MIN_LETTERS and word not in english_words()


def keywords_held(question: str, texts: list[str]) -> bool:
    """Whether one of `texts` holds every name of a search-box query of two names or more ("fingolimod bdnf": the
    passage on BDNF that names fingolimod). Such a query is far in meaning from any passage (a cosine of 0.2), yet
    the passage that holds all its names is what was asked for, as a passage holding a cited study is. One name is
    not enough: NFCorpus titles asked of the seeds ("Coffee Caveats", "Diet & Hyperactivity") each have a word
    some seed passage holds."""
    names = keyword_names(question[:MAX_CHARS])
    wanted = [name for _, name in _word_names(names)] if names else []
    return len(wanted) >= 2 and any(all(_holder([text])(name) for name in wanted) for text in texts)


def unknown_words(question: str, known: Callable[[list[str]], list[bool]]) -> list[re.Match]:
    """The question's words that may be misspelt: no common English word, long enough to tell, and in no passage
    (`known`); at most MAX_NAMES_READ, read from a bounded number of words (a long message costs bounded time)."""
    unusual = [m for m in re.finditer(r"[A-Za-z]+", question[:MAX_CHARS]) if _may_be_misspelt(m.group().lower())]
    unusual = unusual[:MAX_NAMES_READ * 4]
    if not unusual:
        return []
    return [m for m, held in zip(unusual, known([m.group().lower() for m in unusual])) if not held][:MAX_NAMES_READ]


def respelt(question: str, texts: list[str], known: Callable[[list[str]], list[bool]]) -> str:
    """The question with each misspelt word spelt as `texts` (the passages that answer it) spell it: a word the
    collection does not hold (`known`: whether a word is in any passage), no common English word, one edit from
    a word of the texts ("metformn side efects" → "metformin side effects"; the first alphabetically when several
    are). For which words of the question the answer weighs: the encoder and BM25 read the question as typed.
    `known` answers for many words at once (one tokenizer call a question)."""
    return spelt_as(question, texts, unknown_words(question, known))


def spelt_as(question: str, texts: list[str], misspelt: list[re.Match]) -> str:
    """`respelt` for words already found misspelt (`unknown_words`): a caller that reads `texts` only when some are
    does not look them up twice."""
    spelt = _spelt_words(texts, english_targets=True) if misspelt else set()
    out, last = [], 0
    for match in misspelt:
        near = sorted(edits(match.group().lower()) & spelt)
        if near:
            out += [question[last:match.start()], near[0]]
            last = match.end()
    return "".join(out) + question[last:] if out else question


MENTION_MIN_LETTERS = 4  # "PCOS", "biotin"; shorter ones ("MS", "TMS") are too often an abbreviation a page spells out
MAX_NAMES_READ = 12  # names read per question


# Contractions typed without their apostrophe ("cant", "dont"): words, not names.
_CONTRACTIONS = frozenset("cant dont wont isnt arent doesnt didnt wasnt werent hasnt havent couldnt shouldnt wouldnt "
                          "ive youre theyre thats whats theres".split())


def _eponym(question: str, start: int, word: str) -> bool:
    """A capitalised name in the possessive that does not open a sentence, or that a "disease" or "syndrome"
    follows ("Parkinson's", "Crohn's disease", "Hashimoto's"): a disease named after a person, a name whatever the
    encoder's vocabulary holds (it knows "parkinson"). "Women's experience of LDN?" and "Today's view…" open their
    sentences with an everyday possessive."""
    if not (word[0].isupper() and word[-2:].lower() in {"'s", "’s"}):
        return False
    opens = re.search(r"(?:^|[.?!:;\n])\s*$", question[max(0, start - 20):start]) is not None
    return not opens or re.match(r"\s+(?:disease|syndrome|disorder)\b", question[start + len(word):],
                                 re.IGNORECASE) is not None


def unmentioned(question: str, texts: list[str], known: Callable[[str], bool] = lambda stem: False) -> list[str]:
    """The question's own names for things (words that are not common English: "biotin", "Crohn's", "PCOS",
    "Ocrevus") that no document of the collection holds (`known`: whether a BM25 stem is in any passage) and that
    are no misspelling of a word of `texts` (the answer's passages), as the question spells them.

    What an answer from the collection cannot speak to: "Is LDN any good for Crohn's disease?" answered from pages
    on MS never speaks of Crohn's. Common words are left alone ("tiredness" is answered by "fatigue"), and so is a
    word the collection uses somewhere (on a large collection, a name one answer leaves out is still there)."""
    out: list[str] = []
    names: dict[str, tuple[str, str]] = {}  # the question's names (as typed, lower-case) by their stem
    for match in re.finditer(r"[A-Za-z][A-Za-z'’]*[A-Za-z]", question[:MAX_CHARS]):
        word = match.group()
        if ASPECT.fullmatch(word):
            continue  # a word for what it asks ("What are the downsides of LDN?") is no name
        lower = re.sub(r"['’]s?$", "", word.lower())
        if len(lower) < MENTION_MIN_LETTERS or lower in STOPWORDS or lower in _CONTRACTIONS:
            continue
        stemmed = terms(lower)
        named = _eponym(question, match.start(), word) or not is_english(lower)
        if stemmed and stemmed[0] not in names and not known(stemmed[0]) and named:
            names[stemmed[0]] = (word, lower)
            if len(names) >= MAX_NAMES_READ:  # a long message costs bounded time
                break
    hyphenated = _hyphenated_names(question, known)
    if not names and not hyphenated:
        return out
    holds, spelt = _holder(texts), _spelt_words(texts, english_targets=True)
    for stem, (word, lower) in names.items():
        if not holds(stem) and not _misspelt_in(lower, spelt):
            out.append(word)
    if hyphenated:
        lowered = [text.lower() for text in texts]
        out += [word for word, pattern in hyphenated if not any(pattern.search(text) for text in lowered)]
    return out


# A name made of an abbreviation and its parts: "CAR-T", "IL-6", "TNF-alpha" (read whole: its parts are too short,
# or common words, to be names alone).
_HYPHENATED = re.compile(r"\b(?=[\w-]*[A-Z]{2})[A-Za-z0-9]+(?:-[A-Za-z0-9]+)+\b")


def _hyphenated_names(question: str, known: Callable[[str], bool]) -> list[tuple[str, re.Pattern]]:
    """The question's hyphenated names that no document of the collection holds (one of their stems unknown to it:
    a large collection that says "car" and "T cells" may say "CAR-T"), each with what finds it in a text ("CAR-T",
    "CAR T", "cart")."""
    out: list[tuple[str, re.Pattern]] = []
    for match in _HYPHENATED.finditer(question[:MAX_CHARS]):
        word, parts = match.group(), match.group().lower().split("-")
        stems = terms(word)
        if not stems or all(known(stem) for stem in stems) or any(word == seen for seen, _ in out):
            continue
        out.append((word, re.compile(r"\b" + r"[\s-]?".join(map(re.escape, parts)) + r"\b")))
        if len(out) >= MAX_NAMES_READ:
            break
    return out


def unnamed_subject(question: str, texts: list[str]) -> str | None:
    """The question's subject when none of `texts` (the passages that would answer) names any of its words, or None.

    A message that asks about several things is unnamed only when every one of them is ("Is coffee safe with
    metformin? Can metformin help MS?" is still about metformin). A subject made only of general words ("the
    drug", "it") names nothing to look for and never counts."""
    named = _named_subjects(question)
    if not named or _named_in(named, texts):
        return None
    # a word with a qualifier is named only with it ("vitamin D" is not a misspelt "vitamin B12")
    words = [word for subject, _ in named for word, name in _word_names(subject) if isinstance(name, str)]
    spelt = _spelt_words(texts) if words else set()
    if any(_misspelt_in(word, spelt) for word in words):
        return None  # "effextor" is Effexor
    return named[0][0]


# A treatment's words, each with its weight (how rare it is in the collection): a text names the treatment when it
# holds at least NAMED_SHARE of that weight. A third: "stem cells" names a stem cell transplant, "cells" alone does
# not name stem cells; erring low leaves a document in rather than out.
Named = list[tuple[str | re.Pattern, float]]
K = TypeVar("K")  # what a text belongs to: a document's id, a passage's number
NAMED_SHARE = 1 / 3


def subject_names(question: str, share: Callable[[str], float], keywords: bool = False) -> list[Named] | None:
    """What names each treatment the question asks about: its words the collection knows, each weighted by its
    rarity (log 1/share). None when it asks about none the collection knows; an aspect asked about ("side
    effects") is no treatment. With `keywords`, a search-box query's names count where its grammar names none."""
    found: list[Named] = []
    subjects = asked_subjects(question)
    if keywords and not subjects and (names := keyword_names(question[:MAX_CHARS])):
        subjects = [names]
    for subject in subjects:
        if ASPECT.search(subject):
            continue
        known = [(name, math.log(1 / share(word))) for word, name in _word_names(subject) if share(word) > 0]
        if known:
            found.append(known)
    return found or None


# The condition a short question asks about, at the end of its clause: "Can stem cells help MS?", "Does cell therapy
# work for lupus?", "Has clemastine shown any results in MS?". Several pages may name the treatment (stem cells for
# lupus, for depression, for MS); only a page that also names the condition answers.
_CONDITION = re.compile(  # what it acts on, or what it works / is good / shows results for ("take it for years" no)
    r"\b(?:(?:help|helps|treat|treats|cure|cures|reverse|reverses|improve|improves|benefit|benefits|fight|fights|ease|"
    r"eases|relieve|relieves|slow|slows|stop|stops|prevent|prevents)(?:\s+(?:with|in))?|(?:work|works|worked|good|"
    r"safe|effective|used|useful|helpful|option|treatment|therapy|cure|do|prescribed|recommended|approved|given|"
    r"offered|indicated)\s+(?:for|against)|used\s+to\s+treat|(?:results?|evidence)\s+(?:for|in))"
    r"\s+(?:(?:my|your|his|her|their|people with|patients with|those with|someone with|a|an|the)\s+)?"
    r"(?P<subject>[A-Za-z0-9][\w\-' ]{0,40}?)\s*(?:[?.!]|$)", re.IGNORECASE | re.MULTILINE)
MAX_CONDITION_CHARS = 200  # a condition is read from a short question only; a long message names many things


def _conditions(question: str) -> Iterator[tuple[str, str]]:
    """Each condition phrase a short question asks about: lower-case, and as the question words it."""
    if len(question) > MAX_CONDITION_CHARS:
        return
    for match in _CONDITION.finditer(_clauses(question)):
        phrase = _noun_phrase(match.group("subject"))
        if phrase and not ASPECT.search(phrase):
            yield phrase, " ".join(match.group("subject").split()[-len(phrase.split()):])


def condition_names(question: str, share: Callable[[str], float]) -> list[Named] | None:
    """What names the condition a short question asks about (its words the collection knows, weighted as
    `subject_names` weighs them; two-letter names like "MS" count), or None. An aspect ("side effects") or a word
    of the treatment asked about is no condition."""
    treatment = {word for subject in asked_subjects(question) for word, _ in _word_names(subject)}
    found: list[Named] = []
    for phrase, _ in _conditions(question):
        known = [(name, math.log(1 / share(word))) for word, name in _word_names(phrase, shortest=2)
                 if word not in treatment and share(word) > 0]
        if known and known not in found:
            found.append(known)
    return found or None


PAIRING_MAX_WORDS = 3  # a condition named to a reader as not spoken of: "lupus", "long COVID fatigue", not a clause


def condition_phrases(question: str) -> list[str]:
    """The condition phrases `condition_names` reads, as the question words them ("lupus" of "Does metformin help
    with lupus?"), of at most PAIRING_MAX_WORDS words: for telling a reader which pairing no document speaks of
    ("the immune system in MS" is a topic, and a page on LDN in MS speaks of it)."""
    return list(dict.fromkeys(typed for phrase, typed in _conditions(question)
                              if len(phrase.split()) <= PAIRING_MAX_WORDS))


def keys_naming(subjects: list[Named], texts_by_key: Mapping[K, list[str]]) -> set[K]:
    """The keys (documents, passages) whose texts hold at least NAMED_SHARE of the weight of one of the treatments'
    words: "naltrexone" names low dose naltrexone; a lupus page's "stem cells" names a stem cell transplant, as the
    MS page's "transplantation" does; a metformin page's "nerve cells" does not name stem cells."""
    out = set()
    for key, texts in texts_by_key.items():
        holds = _holder(texts)
        for named in subjects:
            held = sum(weight for name, weight in named if holds(name))
            if held > 0 and held >= NAMED_SHARE * sum(weight for _, weight in named):
                out.add(key)
                break
    return out


APART_READ = 5  # passages read for whether a follow-up's subject is a topic of its own
# How a page speaks of a treatment: it acts ("metformin may help", "UC-MSCs reduce"), it is taken or given
# ("treated with rituximab"), or it names a form of treatment ("stem cell therapies", "vitamin D supplements").
# A condition or an outcome ("depression", "relapses") is spoken of otherwise.
_ACTS = (r"(?:\s+\([^()\n]{1,20}\))?\s+(?:(?:may|can|could|might|will|would|also|does|do|did|appears? to|"
         r"seems? to)\s+)?(?:help|helps|helped|reduce|reduces|reduced|improve|improves|improved|treat|treats|treated|"
         r"lower|lowers|lowered|protect|protects|prevent|prevents|relieve|relieves|ease|eases|slow|slows|work|works|"
         r"benefit|benefits)\b")
_TAKEN = r"\b(?:taking|take|takes|took|treated with|treatment with|therapy with|given|receiving|received|prescribed)\s+"
_FORMS = (r"\s+(?:therapy|therapies|transplant\w*|supplement\w*|injections?|infusions?|pills?|tablets?|capsules?|"
          r"doses?|dosing|regimens?)\b")


def _treatment_pattern(subject: str) -> re.Pattern:
    """The subject's words in a treatment's place; its last word in either number ("stem cell therapies")."""
    tokens = re.findall(r"[a-z0-9]+", subject.lower())
    if tokens and len(tokens[-1]) > 3 and tokens[-1].endswith("s"):
        tokens[-1] = tokens[-1][:-1]
    name = r"\b" + r"[\s-]+".join(re.escape(w) for w in tokens) + r"s?\b"
    return re.compile(rf"{name}{_ACTS}|{_TAKEN}(?:\w+\s+)?{name}|{name}{_FORMS}", re.IGNORECASE)


def _best_passages(index: LoadedIndex, text: str) -> list[int]:
    """The passages BM25 ranks first for `text` (none where this index holds no passage BM25, as on a Ray front)."""
    scores = index.lexical.scores(text)
    if not len(scores) or float(scores.max()) <= 0:
        return []
    # Every passage scoring at least the APART_READ-th best, then the first APART_READ by score and position: ties
    # resolved as a stable sort would, without sorting every passage.
    floor = np.partition(scores, len(scores) - APART_READ)[len(scores) - APART_READ] if len(scores) > APART_READ else 0
    top = np.flatnonzero(scores >= floor)
    return [int(i) for i in sorted(top, key=lambda i: (-scores[i], i))[:APART_READ] if scores[i] > 0]


def _rarest_named(index: LoadedIndex, passages: list[int], words: list[str]) -> bool | None:
    """Whether any of `passages` names the rarest of `words` the collection knows, in either form of an abbreviation
    its document defines; None when the collection knows none of them."""
    share = index.lexical.document_share
    rarest = min((w for w in words if share(w) > 0), key=share, default=None)
    if rarest is None:
        return None
    wanted = set(terms(rarest))
    return any(wanted & _stems(expand(index.chunks[i].text, document_definitions(index, index.chunks[i].doc_id)))
               for i in passages)


def another_treatment(index: LoadedIndex, subject: str, earlier: list[str]) -> bool:
    """Whether `subject` ("stem cells", asked in a follow-up) is a treatment apart from the earlier one (`earlier`,
    the words of "low dose naltrexone"): its best passages speak of it as a treatment, never name the earlier one,
    and the earlier one's best passages never name it. The cost of naltrexone, sleep on the LDN page, or depression
    (a condition) are not; where passages cannot be read here (a Ray front), nothing is."""
    mine = _best_passages(index, subject)
    theirs = _best_passages(index, " ".join(earlier))
    if not mine or not theirs:
        return False
    pattern = _treatment_pattern(subject)
    if not any(pattern.search(index.chunks[i].text) for i in mine):
        return False
    return (_rarest_named(index, mine, earlier) is False
            and _rarest_named(index, theirs, content_words(subject)) is False)
