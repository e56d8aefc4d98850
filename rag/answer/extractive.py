"""The extractive answer: whole units (sentences, a list with its lead-in, a table row) quoted from the top
passages, each with its citation, chosen by how well each one answers *this* question.

How a unit is chosen is learned (`selector`, trained on experts' answer sentences): its own closeness in meaning
to the question, the question's rare words it holds, whether it is the kind of sentence the question asks for,
where it sits, and what the caveat engine reads in it. What stays rule, because it is what the product
promises rather than a matter of degree:
- it stays on topic: a unit must come from a passage that holds the question's specific words, or hold them
  itself (so a question about MS is not answered from the lupus page);
- what is never an answer is dropped (`candidates.Drop`), and a table row only answers a question for a figure;
- warnings about what was asked go apart (`Answer.safety`) and lead the answer only when safety was asked;
- one source may not fill the answer while another on-topic source has something to give.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Callable, Sequence
from functools import lru_cache

import numpy as np

from rag.abbreviations import expand
from rag.answer.blocks import reading_order
from rag.answer.candidates import Drop, Kind, Unit, passage_units, row_label
from rag.answer.cues import STUDY_LABEL, Need
from rag.answer.features import (
    NAMES,
    Candidate,
    add_evidence,
    base_features,
    question_needs,
    refers_back,
    unit_gives,
)
from rag.answer.selector import Selector, default_selector
from rag.answer.writer import Answer, AnswerPassage, Quote
from rag.caveats.citations import cited_keys, holds_cited
from rag.caveats.stance import Stance
from rag.english import is_english
from rag.settings import AnswerSettings
from rag.terms import content_words, snowball, stem

# Candidates read by the caveat engine (0.6 ms each, cold): the best overall… (5 before; 3 gives the same
# cross-validated answers-dev and seed figures, benchmarks/train_answer.py, for 0.8 ms less a liveqa-med question)
READ_BEST = 3
READ_PER_PASSAGE = 1  # …and the best of each passage (for sources_disagree)
_NUMBER = re.compile(r"\b\d")  # a figure ("78%", "2021", "12 mg"), not a name with a digit in it ("B12")
_STUDY_LABEL = re.compile(STUDY_LABEL)
# A question word this rare (at most 5 % of the passages hold it: IDF log(1 + 1/0.05)) names what a table row is
# about wherever the row holds it: "metformin b12" is answered by the "Side Effects … vitamin B12 deficiency" row,
# while "side effects", which many passages name, must be in a row's label ("Monitoring … side effects" is not).
RARE_WORD_WEIGHT = math.log(1 + 1 / 0.05)
POINTED_WORDS = 6
MAX_QUESTION_CHARS = 2000  # a question's words read for its rare name (a long message costs bounded time)
MIN_KEY_LETTERS = 4


def question_weights(
    question: str, shares_of: Callable[[list[str]], list[float]], collection_size: int
) -> dict[str, float]:
    """IDF of each content word of the question, keyed by its stem (`word_key`); a word the collection lacks
    weighs 0."""
    weights: dict[str, float] = {}
    words = list(dict.fromkeys(content_words(question)))
    for word, share in zip(words, shares_of(words)):
        if share > 0:
            key = word_key(word)
            weights[key] = max(weights.get(key, 0.0), math.log(1 + 1 / max(share, 1 / max(collection_size, 1))))
    return weights


@lru_cache(maxsize=65536)
def word_key(word: str) -> str:
    """A question word's key, matched as a prefix of a text's words and their stems: its Snowball stem where that is
    no longer than a crude prefix ("rejection" → "reject" meets "rejected"; "dosing" → "dose" meets "dose" and, through
    the text's stem, "dosing"), else the crude prefix ("treatme" meets "treatments"); never under four letters ("age"
    of "aging" would meet "agents")."""
    crude, stemmed = stem(word), snowball(word)
    return stemmed if MIN_KEY_LETTERS <= len(stemmed) <= len(crude) else crude


@lru_cache(maxsize=16384)
def _sorted_words(text: str) -> tuple[str, ...]:
    """A text's content words and their Snowball stems, sorted for prefix search."""
    words = set(content_words(text))
    return tuple(sorted(words | {snowball(w) for w in words}))


def _has_prefix(words: tuple[str, ...], prefix: str) -> bool:
    i = bisect.bisect_left(words, prefix)
    return i < len(words) and words[i].startswith(prefix)


def _words_held(weights: dict[str, float], text: str) -> int:
    words = _sorted_words(text)
    return sum(1 for s, w in weights.items() if w > 0 and _has_prefix(words, s))


_QUALIFIED = re.compile(r"\b([A-Za-z]{3,})[\s-]+(?:[A-Za-z]\d{0,3}|\d{1,3})\b(?![\w-])")


def rare_word(question: str, weights: dict[str, float]) -> str | None:
    """The key of the question's rarest word when it is rare in the collection (`RARE_WORD_WEIGHT`) and the question
    does not qualify it: "vitamin D" asks about no vitamin B12, so "vitamin" names no row that mentions B12."""
    if not weights:
        return None
    rarest = max(weights, key=weights.__getitem__)
    if weights[rarest] < RARE_WORD_WEIGHT:
        return None
    qualified = {word_key(m.group(1).lower()) for m in _QUALIFIED.finditer(question)}
    return None if rarest in qualified else rarest


def _row_answers(text: str, weights: dict[str, float], words: str,
                 abbreviations: tuple[tuple[str, str], ...], needs: frozenset[Need] = frozenset(),
                 rare: str | None = None) -> bool:
    """A row that holds two of the question's words, and (unless it holds figures or is labelled only by its study)
    whose label names what was asked: one of those words, the kind of thing the question asks for (a "Side
    Effects" row answers "Can metformin cause a vitamin deficiency?"), or the row holds the question's `rare_word`."""
    if _words_held(weights, words) < 2:
        return False
    label = row_label(text)
    return bool(_NUMBER.search(text) or _STUDY_LABEL.fullmatch(label)
                or _words_held(weights, expand(label, abbreviations)) >= 1 or unit_gives(label) & needs
                or (rare is not None and _words_held({rare: 1.0}, text) == 1))


def coverage(weights: dict[str, float], text: str) -> float:
    """Share of the question's weight found in `text`, a stem matching any word it begins ("transplant…")."""
    total = sum(weights.values())
    if not total:
        return 0.0
    words = _sorted_words(text)
    return sum(w for s, w in weights.items() if _has_prefix(words, s)) / total


def focus_cover(weights: dict[str, float], texts: list[str]) -> list[float]:
    """Each text's coverage of the question's words weighted by how few of the texts hold them."""
    if not texts:
        return []
    words = [_sorted_words(t) for t in texts]
    focus = {s: w * (1 - sum(_has_prefix(ws, s) for ws in words) / len(texts)) for s, w in weights.items()}
    total = sum(focus.values())
    if not total:
        return [0.0] * len(texts)
    return [sum(w for s, w in focus.items() if _has_prefix(ws, s)) / total for ws in words]


def _warns(unit: Unit, quotes: list[str]) -> bool:
    """The unit is a warning: it holds a warning's quote (a quote is the clause around its cue, so often short), or
    is part of one; a list is one only when a warning is most of it (a list with one warning among its answers
    is an answer)."""
    text = unit.text
    if unit.kind is Kind.LIST:
        return any(quote and (text in quote or (quote in text and 2 * len(quote) >= len(text))) for quote in quotes)
    return any(quote and (quote in text or text in quote) for quote in quotes)


def _key(text: str) -> str:
    return re.sub(r"\W+", " ", text.lower()).strip()


def gather(
    question: str, passages: list[AnswerPassage], weights: dict[str, float], settings: AnswerSettings,
    cited: Sequence[str] | None = None,
) -> tuple[list[Candidate], frozenset[Need], float]:
    """Every on-topic unit of the passages close to the best match, with its first-stage features.

    Returns the candidates, what the question asks for, and the topic floor.
    """
    best_similarity = max((p.similarity for p in passages), default=0.0)
    # The top three always count (exact rare-term evidence may have put them there); the next two when close in
    # meaning: a fourth passage far from the question is where another treatment's page comes in.
    near = [
        p
        for i, p in enumerate(passages[:settings.answer_read_passages])
        if i < 3 or p.similarity >= settings.answer_min_share * best_similarity
    ]
    shown = passages[:settings.answer_read_passages]
    rare = rare_word(question, weights)
    name = rare is not None and _names_something(question, rare)
    # ... and so does the first passage to hold the question's rare word when none nearer does: "LDN microglia"
    # is answered by the one sentence on microglia, in a long passage whose meaning is mostly elsewhere.
    if rare is not None and not any(_words_held({rare: 1.0}, expand(p.text, p.abbreviations)) for p in near):
        holder = next((p for p in shown if _holds_rare(weights, rare, name, expand(p.text, p.abbreviations))), None)
        if holder is not None:
            near.append(holder)
    near_citations = {p.citation for p in near}
    passage_cover = {p.citation: coverage(weights, expand(p.text, p.abbreviations)) for p in shown}
    floor = settings.answer_topic_share * max((passage_cover[p.citation] for p in near), default=0.0)
    # A document is on topic when its shown passages together hold the question's words: a passage that names the
    # treatment another way ("LDN" for "low dose naltrexone") still answers from an on-topic document.
    doc_cover = {
        doc: coverage(weights, " ".join(expand(p.text, p.abbreviations) for p in near if p.doc_id == doc))
        for doc in {p.doc_id for p in near}
    }
    on_topic_docs = {doc for doc, value in doc_cover.items() if value >= floor and value > 0}
    needs = question_needs(question)
    keys = cited or []
    units: list[Unit] = []
    expanded: list[str] = []
    covers: list[float] = []
    meta: list[tuple[AnswerPassage, int, bool, bool]] = []
    for rank, passage in enumerate(shown):
        # A passage shown but far from the question gives only its warnings, and only if its document is on topic:
        # a warning about what was asked is shown wherever it sits.
        warnings_only = passage.citation not in near_citations
        if warnings_only and not (passage.warnings and passage.doc_id in on_topic_docs):
            continue
        all_units = passage_units(passage.text)
        for unit in all_units:
            if unit.drop is not None and not (unit.drop is Drop.EXCLAMATION and _warns(unit, passage.warnings)):
                continue  # (an exclaimed warning, "Never take it with opioids!", still goes to the safety callout)
            # "LDN" holds "low dose naltrexone" where its page says so; a row holds its table's caption and header
            words = expand(f"{unit.text} {unit.context}" if unit.context else unit.text, passage.abbreviations)
            cover = coverage(weights, words)
            # A table row has no sentence to carry it: it answers a question for a figure, about the study it names,
            # or one it matches on more than one word ("vitamin" alone does not make a vitamin D question's answer).
            # A row of words alone (a label and its gloss) must also hold one of them in its label: a "Monitoring"
            # row that mentions side effects is not about them. Rows with figures, and rows labelled only by their
            # study ("Study A"), keep the older rule: applied to figures too, it cost answers-dev recall 0.017
            # through lines that hold a sentence and its list.
            # A dose question is answered by a row that gives a dose, not by a survey's "Reduced Fatigue 78%".
            if unit.kind is Kind.ROW and not (
                Need.FIGURE in needs or (Need.DOSE in needs and Need.DOSE in unit_gives(unit.text))
                or holds_cited(unit.text, keys) or _row_answers(unit.text, weights, words, passage.abbreviations,
                                                                needs, rare)
            ):
                continue
            topical = max(cover, passage_cover[passage.citation])
            if (topical < floor or topical == 0) and passage.doc_id not in on_topic_docs:
                continue
            warns = _warns(unit, passage.warnings)
            if warns and cover == 0 and (warnings_only or passage_cover[passage.citation] < floor):
                # A warning naming nothing asked, in a passage far from the question or not holding its words
                # either, is about something else ("It cannot be taken with opioids" in a close passage is not).
                continue
            if warnings_only and not warns:
                continue
            units.append(unit)
            expanded.append(words)
            covers.append(cover)
            meta.append((passage, rank, warns, not warnings_only and passage_cover[passage.citation] >= floor))
    needs |= _asked_by_rare_word(weights, expanded, [m[2] for m in meta], rare)
    rows = np.zeros((len(units), len(NAMES)), dtype=np.float64)
    base_features(
        covers,
        focus_cover(weights, expanded),
        rows,
        units,
        [m[1] for m in meta],
        [passage_cover[m[0].citation] for m in meta],
        [m[0].similarity for m in meta],
        [m[0].start for m in meta],
        [m[2] for m in meta],
        needs,
    )
    pointed = rare if _pointed(weights, rare) else None
    candidates = [
        Candidate(unit, passage.citation, passage.doc_id, passage.start, rank, warns, cover, rows[i], topical,
                  pointed is not None and _holds_rare(weights, pointed, name, expanded[i]))
        for i, (unit, (passage, rank, warns, topical), cover) in enumerate(zip(units, meta, covers))
    ]
    return candidates, needs, floor


def _pointed(weights: dict[str, float], rare: str | None) -> bool:
    """Whether a question points at its rare word: it has one, and at most `POINTED_WORDS` content words (a long
    message's rarest word may be in passing)."""
    return rare is not None and len(weights) <= POINTED_WORDS


def _holds_rare(weights: dict[str, float], rare: str, name: bool, text: str) -> bool:
    """Whether a text holds the question's rare word as the question means it: a name ("microglia") anywhere; a
    common word rare in a small collection only beside another of the question's words ("growth" in "Do UC-MSCs
    release growth factors?" with "released by UC-MSCs"; not "first" in the metformin page's "our first thought",
    for "What was naltrexone first approved for?")."""
    if _words_held({rare: 1.0}, text) != 1:
        return False
    return name or _words_held({key: w for key, w in weights.items() if key != rare}, text) >= 1


def _names_something(question: str, rare: str) -> bool:
    """Whether the question's rare word is a name rather than a common English word that happens to be rare in a
    small collection; "microglia", "fingolimod", "B12" are names."""
    return any(word_key(word) == rare and not (word.isalpha() and is_english(word.lower(), typos=False))
               for word in re.findall(r"[A-Za-z][A-Za-z0-9-]*", question[:MAX_QUESTION_CHARS]))


def _asked_by_rare_word(weights: dict[str, float], texts: list[str], warns: list[bool],
                        rare: str | None) -> frozenset[Need]:
    """A search-box question ("metformin b12", "LDN opioids") asks about safety when its rarest word, rare in the
    collection, is held only by warnings: what the warning says is what was asked, so it leads the answer. Only a
    short question (`POINTED_WORDS` content words at most): a long message's rarest word may be in passing."""
    if rare is None or not _pointed(weights, rare):
        return frozenset()
    holders = [w for text, w in zip(texts, warns) if _words_held({rare: 1.0}, text)]
    return frozenset({Need.SAFETY}) if holders and all(holders) else frozenset()


def _quote(candidate: Candidate) -> Quote:
    return Quote(
        candidate.text,
        candidate.citation,
        candidate.doc_id,
        candidate.passage_start + candidate.unit.start,
        candidate.passage_start + candidate.unit.end,
    )


def score_candidates(
    candidates: list[Candidate], selector: Selector, cited: Sequence[str] | None = None
) -> tuple[np.ndarray, set[int], set[int]]:
    """Each candidate's logit of answering; the caveat engine reads only the first stage's best.

    Returns the logits and the citations whose on-topic passages report a benefit, and none or harm.
    """
    if not candidates:
        return np.zeros(0), set(), set()
    rows = np.stack([c.row for c in candidates])
    read = read_by_caveats(candidates, rows @ selector.first_stage)
    benefit: set[int] = set()
    against: set[int] = set()
    for i in read:
        stance = add_evidence(candidates[i].row, candidates[i].text)
        rows[i] = candidates[i].row
        if stance is not None and candidates[i].topical:  # a far or off-topic passage takes no side
            (benefit if stance == Stance.BENEFIT else against).add(candidates[i].citation)
    return selector.logits(rows) + cited_lift(candidates, cited), benefit, against


def read_by_caveats(candidates: list[Candidate], cheap: np.ndarray) -> set[int]:
    """The candidates the caveat engine reads: the first stage's best overall, and the best of each passage."""
    order = np.argsort(-cheap, kind="stable")
    read = set(order[:READ_BEST].tolist())
    per_passage: dict[int, int] = {}
    for i in order.tolist():
        per_passage[candidates[i].citation] = per_passage.get(candidates[i].citation, 0) + 1
        if per_passage[candidates[i].citation] <= READ_PER_PASSAGE:
            read.add(i)
    return read


def cited_lift(candidates: list[Candidate], cited: Sequence[str] | None) -> np.ndarray:
    """+2 to the logit of a unit naming the study the question cites: it is what was asked about."""
    keys = cited or []
    return np.array([2.0 if keys and holds_cited(c.text, keys) else 0.0 for c in candidates])


def choose(
    candidates: list[Candidate], logits: np.ndarray, needs: frozenset[Need], settings: AnswerSettings,
    passage_weights: np.ndarray,
) -> tuple[list[Candidate], list[Candidate], int]:
    """(answer, safety, opening): the warnings about what was asked apart, and the answer: its best units one by one
    (`answer_lead` of them, with what leads them; `opening` counts them), then on through the passages most likely
    to hold the answer, each in its own order.

    A question about safety is answered by its warnings first; one about side effects (and not safety,
    `features.question_needs`) by the units that name side effects, warnings or not ("Can metformin cause a vitamin
    deficiency?" by the row that names it; "What side effects does LDN have?" by its common complaints, not by its
    opioid contraindication, which is shown apart); any other keeps the warnings out of the answer.
    """
    order = sorted(range(len(candidates)), key=lambda i: -logits[i])
    about_side_effects = Need.SIDE_EFFECTS in needs
    about_safety = Need.SAFETY in needs
    safety: list[Candidate] = []
    seen_safety: set[str] = set()
    for candidate in (candidates[i] for i in order if candidates[i].warns):
        if _key(candidate.text) not in seen_safety and len(safety) < settings.answer_max_safety:
            seen_safety.add(_key(candidate.text))
            safety.append(candidate)
    answers = [candidates[i] for i in order if not candidates[i].warns]
    # A safety question's warnings lead (then, if it asks for them too, the side effects); a side-effects question's
    # side effects lead, warned of or not (a contraindication, "cannot be taken with opioids", stays in the
    # callout); any other question's best units do.
    side_effects = ([candidates[i] for i in order if Need.SIDE_EFFECTS in unit_gives(candidates[i].text)]
                    if about_side_effects else [])
    if about_safety and safety:
        lead = safety + side_effects[: settings.answer_lead]
    elif about_side_effects and side_effects:
        lead = side_effects[: max(settings.answer_lead, 1)]
    else:
        # A short question pointed at a rare word ("LDN microglia", "fingolimod bdnf") hears from the best unit that
        # holds it next to the best unit: nothing else may speak to what it points at.
        lead = answers[:1] + [c for c in answers if c.pointed][:1] + answers[1: settings.answer_lead]
    limit = settings.answer_max_sentences
    asked_warnings = safety if about_safety or about_side_effects else []
    cap = max(1, limit - 1) if len({c.doc_id for c in answers + asked_warnings}) > 1 else limit
    chosen: list[Candidate] = []
    seen: set[str] = set()
    per_doc: dict[str, int] = {}

    # "This enzyme plays a crucial role…" chosen first said nothing of which enzyme: the units before it in its
    # passage that it points back through (candidates, and no warnings) are quoted first, when all of them fit.
    before = {(c.citation, c.unit.order): c for c in candidates if not c.warns}

    def put(candidate: Candidate) -> None:
        seen.add(_key(candidate.text))
        per_doc[candidate.doc_id] = per_doc.get(candidate.doc_id, 0) + 1
        chosen.append(candidate)

    def take(candidate: Candidate) -> None:
        if len(chosen) >= limit or _key(candidate.text) in seen or per_doc.get(candidate.doc_id, 0) >= cap:
            return
        chain: list[Candidate] = []
        pointing = candidate
        while refers_back(pointing.text) and len(chain) < limit:
            previous = before.get((pointing.citation, pointing.unit.order - 1))
            if previous is None or _key(previous.text) in seen:
                break
            chain.append(previous)
            pointing = previous
        if (len(chosen) + len(chain) + 1 <= limit
                and per_doc.get(candidate.doc_id, 0) + len(chain) + 1 <= cap):
            for previous in reversed(chain):
                put(previous)
        put(candidate)

    for candidate in lead:
        take(candidate)
    opening = len(chosen)
    for i in reading_order(candidates, logits, passage_weights):
        if len(chosen) >= limit:
            break
        take(candidates[i])
    if not chosen and safety:
        chosen = safety[:limit]  # the warnings are all the passages say on this: they are the answer
        opening = len(chosen)
    return chosen, safety, opening


def compose_answer(
    question: str,
    passages: list[AnswerPassage],
    weights: dict[str, float],
    settings: AnswerSettings,
    cited: Sequence[str] | None = None,
    selector: Selector | None = None,
) -> Answer:
    """The answer to `question` from `passages` (best first); empty when nothing on topic answers it."""
    if not weights:
        return Answer("", [])
    selector = selector or default_selector()
    candidates, needs, _ = gather(question, passages, weights, settings, cited)
    logits, benefit, against = score_candidates(candidates, selector, cited)
    chosen, safety, opening = choose(candidates, logits, needs, settings, selector.passage_weights)
    text = " ".join(f"{c.text} [{c.citation}]" for c in chosen)
    return Answer(
        text,
        sorted({c.citation for c in chosen}),
        sorted(benefit),
        sorted(against),
        [_quote(c) for c in chosen],
        [_quote(c) for c in safety],
        opening,
    )


class ExtractiveWriter:
    """The `AnswerWriter` we ship: whole sentences of the passages, never a word of its own."""

    def __init__(self, settings: AnswerSettings, selector: Selector | None = None) -> None:
        self.settings = settings
        self.selector = selector

    def write(
        self,
        question: str,
        passages: list[AnswerPassage],
        shares_of: Callable[[list[str]], list[float]],
        collection_size: int,
    ) -> Answer:
        from rag.retrieval.subject import respelt  # (retrieval reads the answer's cues: imported when used)

        # A misspelt word weighs as the passages spell it ("metformn side efects"); what is asked is read as typed.
        spelt = respelt(question, [p.text for p in passages], lambda words: [s > 0 for s in shares_of(words)])
        return compose_answer(
            question,
            passages,
            question_weights(spelt, shares_of, collection_size),
            self.settings,
            cited_keys(question),
            self.selector,
        )
