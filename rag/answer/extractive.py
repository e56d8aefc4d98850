"""The extractive answer: whole sentences taken from the top passages, each with its citation number.

Three rules keep it honest. It stays on the question's topic: a sentence must share the question's
specific words (weighted by how rare they are in the collection) or come from a passage that does, so a
question about MS is not answered from the lupus page. It reports rather than sells: sentences that
report a finding rank above promotional or purely hedged ones (the caveat engine tells which is which).
And one source may not fill it when another relevant source has something to say.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from rag.answer.writer import Answer, AnswerPassage
from rag.caveats import Code
from rag.caveats.citations import cited_keys, holds_cited
from rag.caveats.sentences import analyse_sentence
from rag.caveats.stance import Stance, sentence_stance
from rag.chunking import split_sentences
from rag.terms import content_words, stem

_BULLET = re.compile(r"^\s*(?:[•·▪◦\-*–]|\d{1,2}[.)]|Q\d+:|A:)\s*")
_DANGLING = re.compile(r"^(?:This|These|That|Those|It|They|Such|Here|However|Moreover|Additionally)\b")
_FIGURE = re.compile(r"\d+(?:\.\d+)?\s?%|\b\d+\s+(?:patients|participants|people|adults|children|women|men)\b")
POSITION_BONUS = 0.15
SAFETY_LIFT = 1.0
CITED_LIFT = 0.5  # a sentence naming the study the question cites ("What did Study B find?")
DANGLING_PENALTY = 0.3
PROMOTIONAL_PENALTY = 0.3
HEDGE_PENALTY = 0.2
FINDING_BONUS = 0.15
READ_BEST = 8  # candidates read by the caveat engine: the best overall…
READ_PER_PASSAGE = 2  # …and the best of each passage (for sources_disagree)


@dataclass
class _Sentence:
    text: str
    citation: int
    doc_id: str
    score: float


@lru_cache(maxsize=8192)
def candidate_sentences(passage_text: str) -> tuple[str, ...]:
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
    return tuple(out)


def question_weights(question: str, shares_of: Callable[[list[str]], list[float]], collection_size: int) -> dict[str, float]:
    """IDF of each content word of the question, keyed by its stem; a word the collection lacks weighs 0."""
    weights: dict[str, float] = {}
    words = list(dict.fromkeys(content_words(question)))
    for word, share in zip(words, shares_of(words)):
        if share > 0:
            weights[stem(word)] = max(weights.get(stem(word), 0.0), math.log(1 + 1 / max(share, 1 / max(collection_size, 1))))
    return weights


@lru_cache(maxsize=32768)
def _sorted_words(text: str) -> tuple[str, ...]:
    return tuple(sorted(set(content_words(text))))


def _has_prefix(words: tuple[str, ...], prefix: str) -> bool:
    i = bisect.bisect_left(words, prefix)
    return i < len(words) and words[i].startswith(prefix)


def coverage(weights: dict[str, float], text: str) -> float:
    """Share of the question's weight found in `text`, a stem matching any word it begins ("transplant…")."""
    total = sum(weights.values())
    if not total:
        return 0.0
    words = _sorted_words(text)
    return sum(w for s, w in weights.items() if _has_prefix(words, s)) / total


@lru_cache(maxsize=32768)
def _evidence_adjustment(sentence: str) -> tuple[float, Stance | None]:
    """Cached: passages are fixed text, so each sentence is read once per process."""
    finding = analyse_sentence(sentence)
    stance = sentence_stance(sentence, finding)
    reports = stance is not None or bool(finding.designs) or bool(_FIGURE.search(sentence))
    adjust = FINDING_BONUS if reports else 0.0
    if finding.has(Code.PROMOTIONAL_TONE):
        adjust -= PROMOTIONAL_PENALTY
    elif finding.has(Code.SPECULATIVE_LANGUAGE) and not reports:
        adjust -= HEDGE_PENALTY
    return adjust, stance


def compose_answer(passages: list[AnswerPassage], weights: dict[str, float], settings,
                   cited: list[str] | None = None) -> Answer:
    """Pick 2–4 sentences, most relevant first, from on-topic passages close to the best match.

    A sentence that carries a safety warning on the question's topic is lifted: a reader asking whether
    they can take something must see the contraindication first. So is one naming a study the question
    cites (`cited`, keys from `rag.caveats.citations.cited_keys`): it is what was asked about.
    """
    if not weights:
        return Answer("", [])
    best_similarity = max((p.similarity for p in passages), default=0.0)
    # The top three always count (exact rare-term evidence may have put them there); the next two when close in meaning.
    near = [p for i, p in enumerate(passages[:5]) if i < 3 or p.similarity >= settings.answer_min_share * best_similarity]
    passage_cover = {p.citation: coverage(weights, p.text) for p in near}
    best_cover = max(passage_cover.values(), default=0.0)
    floor = settings.answer_topic_share * best_cover
    # First a cheap score from topic coverage and position; only the best candidates are then read by the
    # caveat engine (0.4 ms a sentence when its cache is cold, as it mostly is on a large collection).
    base: list[tuple[float, int, AnswerPassage, str, bool]] = []
    for position, passage in enumerate(near):
        for sentence in candidate_sentences(passage.text):
            cover = coverage(weights, sentence)
            warns = any(quote and quote in sentence for quote in passage.warnings)
            # A safety warning that names something asked about is never off topic.
            if cover == 0 or (max(cover, passage_cover[passage.citation]) < floor and not warns):
                continue
            score = cover + POSITION_BONUS / (position + 1) + min(len(sentence.split()), 25) / 500
            if warns:
                score += SAFETY_LIFT
            if holds_cited(sentence, cited or []):
                score += CITED_LIFT
            if _DANGLING.match(sentence):
                score -= DANGLING_PENALTY
            base.append((score, position, passage, sentence, warns))
    base.sort(key=lambda item: -item[0])
    read = set(range(min(READ_BEST, len(base))))
    per_passage: dict[int, int] = {}
    for i, (_, _, passage, _, _) in enumerate(base):
        per_passage[passage.citation] = per_passage.get(passage.citation, 0) + 1
        if per_passage[passage.citation] <= READ_PER_PASSAGE:
            read.add(i)
    scored: list[_Sentence] = []
    benefit: set[int] = set()
    against: set[int] = set()
    for i, (score, _, passage, sentence, _) in enumerate(base):
        if i in read:
            adjust, stance = _evidence_adjustment(sentence)
            score += adjust
            if passage_cover[passage.citation] >= floor and stance is not None:
                (benefit if stance == Stance.BENEFIT else against).add(passage.citation)
        scored.append(_Sentence(sentence, passage.citation, passage.doc_id, score))
    scored.sort(key=lambda s: -s.score)
    # One source may not fill the answer while another on-topic source has a sentence to give.
    cap = settings.answer_max_sentences - 1 if len({s.doc_id for s in scored}) > 1 else settings.answer_max_sentences
    chosen: list[_Sentence] = []
    seen: set[str] = set()
    per_doc: dict[str, int] = {}
    for candidate in scored:
        key = re.sub(r"\W+", " ", candidate.text.lower()).strip()
        if key in seen or per_doc.get(candidate.doc_id, 0) >= cap:
            continue
        seen.add(key)
        per_doc[candidate.doc_id] = per_doc.get(candidate.doc_id, 0) + 1
        chosen.append(candidate)
        if len(chosen) >= settings.answer_max_sentences:
            break
    text = " ".join(f"{s.text} [{s.citation}]" for s in chosen)
    return Answer(text, sorted({s.citation for s in chosen}), sorted(benefit), sorted(against))


class ExtractiveWriter:
    """The `AnswerWriter` we ship: whole sentences of the passages, never a word of its own."""

    def __init__(self, settings) -> None:
        self.settings = settings

    def write(self, question: str, passages: list[AnswerPassage], shares_of: Callable[[list[str]], list[float]],
              collection_size: int) -> Answer:
        return compose_answer(passages, question_weights(question, shares_of, collection_size), self.settings,
                              cited_keys(question))
