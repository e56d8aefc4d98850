"""The extractive answer: whole sentences taken from the top passages, each with its citation number."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.chunking import split_sentences
from rag.followup import content_words

_BULLET = re.compile(r"^\s*(?:[•·▪◦\-*–]|\d{1,2}[.)]|Q\d+:|A:)\s*")


@dataclass
class AnswerSentence:
    text: str
    citation: int
    score: float


def _stem(word: str) -> str:
    return word[: max(4, len(word) - 2)]


def candidate_sentences(passage_text: str) -> list[str]:
    """Complete sentences of a passage: no headings, no questions, none cut mid-way."""
    out: list[str] = []
    offset = 0
    for line in passage_text.split("\n"):
        for start, end in split_sentences(line, 0):
            sentence = _BULLET.sub("", line[start:end]).strip()
            if len(sentence.split()) < 6 or sentence.endswith("?") or not re.search(r"[.!)”\"]$", sentence):
                continue
            if not sentence[0].isupper() and not sentence[0].isdigit():
                continue
            out.append(sentence)
        offset += len(line) + 1
    return out


def compose_answer(query: str, passages: list[tuple[int, str, list[str]]], settings) -> tuple[str, list[int]]:
    """Pick 2–4 sentences, most relevant first; `passages` are (citation, text, warning quotes) in rank order.

    A sentence that carries a safety warning on the question's topic is lifted: a reader asking whether
    they can take something must see the contraindication first.
    """
    terms = {_stem(w) for w in content_words(query)}
    if not terms:
        return "", []
    scored: list[AnswerSentence] = []
    for position, (citation, text, warnings) in enumerate(passages[:5]):
        for sentence in candidate_sentences(text):
            words = {_stem(w) for w in content_words(sentence)}
            overlap = len(terms & words)
            if overlap == 0:
                continue
            score = overlap / len(terms) + 0.15 / (position + 1) + min(len(words), 25) / 500
            if any(quote and quote in sentence for quote in warnings):
                score += 0.5
            scored.append(AnswerSentence(sentence, citation, score))
    scored.sort(key=lambda s: -s.score)
    chosen: list[AnswerSentence] = []
    seen: set[str] = set()
    for candidate in scored:
        key = re.sub(r"\W+", " ", candidate.text.lower()).strip()
        if key in seen:
            continue
        seen.add(key)
        chosen.append(candidate)
        if len(chosen) >= settings.answer_max_sentences:
            break
    text = " ".join(f"{s.text} [{s.citation}]" for s in chosen)
    return text, sorted({s.citation for s in chosen})
