"""The extractive answer: whole sentences taken from the top passages, each with its citation number."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.chunking import split_sentences
from rag.followup import stems

_BULLET = re.compile(r"^\s*(?:[•·▪◦\-*–]|\d{1,2}[.)]|Q\d+:|A:)\s*")


@dataclass
class AnswerSentence:
    text: str
    citation: int
    score: float


def candidate_sentences(passage_text: str) -> list[str]:
    """Complete sentences of a passage: no headings, no questions, none cut mid-way.

    A whole table row with figures ("Lee et al. (2023) 100 patients …") counts too: it is complete
    though it has no full stop.
    """
    out: list[str] = []
    for line in passage_text.split("\n"):
        spans = split_sentences(line, 0)
        for start, end in spans:
            sentence = _BULLET.sub("", line[start:end]).strip()
            whole_row = len(spans) == 1 and bool(re.search(r"\d", sentence))
            if len(sentence.split()) < 6 or sentence.endswith("?"):
                continue
            if not re.search(r"[.!)”\"]$", sentence) and not whole_row:
                continue
            if not sentence[0].isupper() and not sentence[0].isdigit():
                continue
            out.append(sentence)
    return out


_DANGLING = re.compile(r"^(?:This|These|That|Those|It|They|Such|Here|However|Moreover|Additionally)\b")


def compose_answer(query: str, passages: list[tuple[int, str, list[str], float]], settings) -> tuple[str, list[int]]:
    """Pick 2–4 sentences, most relevant first, from passages close to the best match.

    `passages` are (citation, text, warning quotes, similarity) in rank order. Sentences that
    lean on what came before ("This could …") lose their meaning when quoted alone and rank lower.

    A sentence that carries a safety warning on the question's topic is lifted: a reader asking whether
    they can take something must see the contraindication first.
    """
    terms = stems(query)
    if not terms:
        return "", []
    scored: list[AnswerSentence] = []
    best = max((p[3] for p in passages), default=0.0)
    for position, (citation, text, warnings, similarity) in enumerate(passages[:5]):
        if similarity < settings.answer_min_share * best:
            continue
        for sentence in candidate_sentences(text):
            words = stems(sentence)
            overlap = len(terms & words)
            if overlap == 0:
                continue
            score = overlap / len(terms) + 0.15 / (position + 1) + min(len(words), 25) / 500
            if any(quote and quote in sentence for quote in warnings):
                score += 1.0
            if _DANGLING.match(sentence):
                score -= 0.3
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
