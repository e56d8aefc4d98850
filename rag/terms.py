"""Words that carry meaning in a question or passage, the crude stem that matches their forms, and the Snowball
stemmer BM25 indexes by.

Shared by follow-up resolution, retrieval (rare terms, coverage) and the answer (topic coverage); BM25 has its
own tokenizer (bm25s' pattern and stopwords, with this module's `STEMMER`, in `rag/index/lexical.py`).
"""

from __future__ import annotations

import json
import re
from functools import lru_cache

import Stemmer

_WORD = re.compile(r"[A-Za-z][A-Za-z0-9\-]+")
STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before being below between both but
    by can could did do does doing down during each few for from further had has have having he her here hers him his
    how i if in into is it its itself just me more most my no nor not now of off on once only or other our out over own
    same she should so some such than that the their them then there these they this those through to too under until up
    very was we were what when where which while who whom why will with would you your yours also tell know much many
    way ways use used using take taking get really thing things anything something gets getting got stop stops stopping
    start starts worse better good bad work works working help helps helping find found finds cause causes make makes
    feel felt see saw say says said give gives given go goes going people person persons someone somebody anyone
    everyone still yet already ever even almost quite rather actually simply usually currently""".split()
)


def content_words(text: str) -> list[str]:
    """Lower-cased words that carry meaning; hyphenated words also count by their parts."""
    words: list[str] = []
    for word in map(str.lower, _WORD.findall(text)):  # lower each match: lower-casing the text first turns "İ" into two
        if "-" in word:
            words.extend(p for p in [word, *word.split("-")] if len(p) > 1 and p not in STOPWORDS)
        elif word not in STOPWORDS:  # the pattern matches two characters at least
            words.append(word)
    return words


def stem(word: str) -> str:
    """A crude prefix stem, enough to meet 'treated' with 'treatment' (bm25s stems for BM25 itself)."""
    return word[: max(4, len(word) - 2)]


# The Snowball (Porter 2) English stemmer, one per process: BM25 indexes by it (`index.lexical`), the answer meets a
# question word's other forms through it.
STEMMER = Stemmer.Stemmer("english")


@lru_cache(maxsize=65536)
def snowball(word: str) -> str:
    """A word's Snowball stem: "dosing" → "dose", "rejection" → "reject"."""
    return STEMMER.stemWord(word)


def stems(text: str) -> set[str]:
    return {stem(w) for w in content_words(text)}


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """The whole words of the encoder's WordPiece vocabulary (~21,000 common English words, lower-case): a word
    English knows ("meditation", "dairy") is not a misspelling of its neighbour ("medication", "daily")."""
    from rag.offline import model_path

    vocab = json.loads((model_path() / "tokenizer.json").read_text(encoding="utf-8"))["model"]["vocab"]
    return frozenset(token for token in vocab if token.isalpha() and token.isascii())
