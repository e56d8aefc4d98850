"""What counts as a common English word, and the strings one typing slip from a word.

One test for every reader that must tell a name from an everyday word: the question's subject (a word the
collection lacks is a treatment's name unless it is common English), the answer (a question's rare word brings in
the passage that holds it only when it names something) and the misspelling readers. Two tests had drifted apart:
the answer's took "tiredness" and "pregnent" for names.
"""

from __future__ import annotations

from functools import lru_cache

from rag.index.lexical import terms
from rag.terms import english_words

MAX_TYPO_LETTERS = 30  # a longer "word" is no misspelt word: its edits would cost ~0.4 s and 200 MB at 2,000
ENGLISH_TYPO_MIN_LETTERS = 7  # shorter names are too often one letter from a common word ("crohn", "crown")
STEM_MIN_LETTERS = 4  # an ending is stripped only when this much of a word is left ("aches" → "ache")
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_SUFFIXES = ("s", "es", "ed", "d", "ing", "ness", "ly", "er", "ers", "ies", "ity", "ment", "ments", "ful", "less")


def edits(word: str) -> set[str]:
    """Every other string one edit from `word`: a letter dropped, swapped with its neighbour, changed or added."""
    if len(word) > MAX_TYPO_LETTERS:
        return set()
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return {*(a + b[1:] for a, b in splits if b), *(a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1),
            *(a + c + b[1:] for a, b in splits if b for c in _LETTERS),
            *(a + c + b for a, b in splits for c in _LETTERS)} - {word}


@lru_cache(maxsize=1)
def _english_stems() -> frozenset[str]:
    """The BM25 stems of the encoder's whole English words."""
    return frozenset(stem for word in english_words() for stem in terms(word))


def english_lexicon() -> None:
    """Read the common-English word list and its stems once, ahead of the first question that needs them."""
    _english_stems()


def is_english(word: str, typos: bool = True) -> bool:
    """Whether a lower-case word is common English: one of the encoder's whole words, one with a common ending
    ("tiredness", "aches"), sharing a BM25 stem with one, or (`typos`) one of them misspelt ("immediatly",
    "pregnent"). A word the collection holds is no typo: its reader passes `typos=False` ("statins" is not a
    misspelt "stations", nor "Crestor" "creator")."""
    english = english_words()
    if word in english or any(word.endswith(end) and word[: -len(end)] in english for end in _SUFFIXES
                              if len(word) - len(end) >= STEM_MIN_LETTERS):
        return True
    stemmed = terms(word)
    if stemmed and stemmed[0] in _english_stems():
        return True
    return typos and len(word) >= ENGLISH_TYPO_MIN_LETTERS and not english.isdisjoint(edits(word))
