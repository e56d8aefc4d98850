"""What the collection covers, for a first visit and a kind redirect: one topic per document and a few example
questions, from the documents themselves so any folder of documents gets its own.

A document with a real title is named by it. One without (its "title" is the start of its first sentence) is
named by its key terms: the words and word pairs that are frequent in it and rare in the others (tf-idf), so
"SLE · UC-MSCs" rather than "A promising treatment option for Systemic Lupus…".
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from bm25s.stopwords import STOPWORDS_EN

from rag.abbreviations import definitions
from rag.types import Document

MAX_TEXT_CHARS = 100_000  # key terms come from the start of each document: bounded work per document
KEY_TERMS = 3  # a plain word must recur three times, a pair or an acronym twice
MAX_EXAMPLES = 4
MAX_TOPICS = 12  # named on the first screen; the rest are in the Sources view
MAX_BACKGROUND = 2_000  # documents read for how common a word is: bounded work on a large collection
PAIR_BOOST = 1.5  # a word pair that recurs says more than either word
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-'][A-Za-z0-9]+)*|[^\sA-Za-z]")
_STOP = frozenset(STOPWORDS_EN) | {"also", "may", "can", "could", "would", "however", "including", "well", "one", "use",
                                    "used", "many", "much", "often", "like", "new", "make", "way", "help", "based"}


@dataclass(frozen=True)
class Topic:
    doc_id: str
    title: str
    title_given: bool
    label: str  # the title when the document gives one, else its key terms
    terms: tuple[str, ...]
    example: str


def _key(word: str) -> str:
    """Acronyms and mixed-case names ("MS", "UC-MSCs", "LDN") keep their case; other words are lower-cased."""
    return word if sum(c.isupper() for c in word) >= 2 else word.lower()


def _terms(text: str) -> list[str]:
    out: list[str] = []
    previous = None
    for word in _WORD.findall(text[:MAX_TEXT_CHARS]):
        if not word[0].isalpha() or word.lower() in _STOP:
            previous = None
            continue
        key = _key(word)
        if len(key) >= 3 or key.isupper():
            out.append(key)
        if previous:
            out.append(f"{previous} {key}")
        previous = key
    return out


def _stem(term: str) -> str:
    """Crude, on purpose: it only has to tell "depression" and "depressive", "gene" and "genes" apart from new words."""
    return term.lower().rstrip("s")[:6]


def _overlaps(term: str, chosen: list[str]) -> bool:
    """"UC-MSC therapy" after "UC-MSCs", or "genes" after "gene therapy", says nothing new."""
    words = {_stem(w) for w in term.split(" ")}
    return any(words & {_stem(w) for w in other.split(" ")} for other in chosen)


def key_terms(documents: list[Document], background: list[Document] | None = None) -> dict[str, tuple[str, ...]]:
    """Each document's most distinctive words and word pairs (seen at least twice), best first; how common a word
    is comes from `background` (default: the documents themselves), which holds them."""
    counts = {d.doc_id: Counter(_terms(d.text)) for d in documents}
    others = [d for d in (background or []) if d.doc_id not in counts]
    spread = Counter(term for c in [*counts.values(), *(Counter(_terms(d.text)) for d in others)] for term in c)
    n = len(documents) + len(others)
    out: dict[str, tuple[str, ...]] = {}
    for doc_id, counted in counts.items():
        words = sum(v for k, v in counted.items() if " " not in k) or 1
        score = {k: v / words * math.log((n + 1) / (spread[k] + 0.5)) * (PAIR_BOOST if " " in k else 1.0)
                 for k, v in counted.items() if v >= (2 if " " in k or k != k.lower() else 3)}
        chosen: list[str] = []
        for term in sorted(score, key=lambda k: (-score[k], k)):
            if not _overlaps(term, chosen):
                chosen.append(term)
            if len(chosen) == KEY_TERMS:
                break
        out[doc_id] = tuple(chosen)
    return out


def _example(document: Document, terms: tuple[str, ...]) -> str:
    title = document.title.strip()
    if document.title_given and title.endswith("?") and len(title) <= 120:
        return title
    if document.title_given and len(title) <= 80:
        return f"What does the evidence say about {title.rstrip('.:')}?"
    about = " and ".join(terms[:2]) if terms else title[:60]
    return f"What does the evidence say about {about}?"


def _label(document: Document, terms: tuple[str, ...]) -> str:
    """Two key terms, an abbreviation spelled out where the document defines it: "Systemic Lupus Erythematosus
    (SLE) · UC-MSCs"; a term the spelled-out form already holds ("naltrexone" after "Low-dose naltrexone (LDN)")
    is left out."""
    spelled = dict(definitions(document.text))
    shown: list[str] = []
    for term in terms[:2]:
        if any(term.lower() in label.lower() for label in shown):
            continue
        shown.append(f"{spelled[term]} ({term})" if term in spelled else term)
    return " · ".join(shown)


def topics(documents: list[Document], background: list[Document] | None = None) -> list[Topic]:
    terms = key_terms(documents, background)
    return [Topic(doc_id=d.doc_id, title=d.title, title_given=d.title_given,
                  label=d.title if d.title_given else _label(d, terms[d.doc_id]) or d.title,
                  terms=terms[d.doc_id], example=_example(d, terms[d.doc_id])) for d in documents]


def examples(found: list[Topic], configured: list[str]) -> list[str]:
    """The operator's own example questions when set (RAG_EXAMPLE_QUESTIONS), else one per document, the first few;
    questions that only repeat a title (already listed as a topic) come last."""
    if configured:
        return list(configured[:MAX_EXAMPLES])
    fresh = [t.example for t in found if t.example != t.label]
    return (fresh + [t.example for t in found if t.example == t.label])[:MAX_EXAMPLES]
