"""What the selector knows about each candidate unit: how close it is to the question in meaning and in rare
words, whether it is the kind of sentence the question asks for, where it sits, and (for the best few) what the
caveat engine reads in it. One named feature per column, so the learned weights file says what each weight is.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from rag.answer.candidates import Kind, Unit
from rag.answer.cues import ASKS, GIVES, ON_MEDICATION, Need
from rag.caveats.codes import Code
from rag.caveats.sentences import analyse_sentence
from rag.caveats.stance import Stance, sentence_stance

_ASKS = {need: re.compile(pattern, re.IGNORECASE) for need, pattern in ASKS.items()}
_GIVES = {
    need: re.compile(pattern, re.IGNORECASE if need is not Need.DEFINITION else 0) for need, pattern in GIVES.items()
}
_ON_MEDICATION = re.compile(ON_MEDICATION, re.IGNORECASE)
_DANGLING = re.compile(r"^(?:This|These|That|Those|It|They|Such|Here|However|Moreover|Additionally|Also)\b")
# A unit that names its subject only by pointing back ("This enzyme plays a crucial role…", "In MS, these cells are
# damaged…", "When used for MS…, it is prescribed at a fraction of that amount"): quoted after the unit it points to.
# Not: "such as", "that said", "those who/with/taking…" (people named by what follows), "it is important to…",
# "it seems" (a phrase, not a pointer).
_REFERS_BACK = re.compile(
    r"^(?:[^,.;:!?]{1,90},\s+)?(?:this|these|that|those|it|they|such)\b"
    r"(?!\s+(?:as|said)\b)(?<!those)(?<!it)"
    r"|^(?:[^,.;:!?]{1,90},\s+)?those\b(?!\s+(?:who|with|taking|on|in|of|whose|that)\b)"
    r"|^(?:[^,.;:!?]{1,90},\s+)?it\b(?!\s+(?:seems|appears|is\s+(?:important|worth|possible|essential|crucial|"
    r"clear|unclear|likely|unlikely|necessary|vital|known|thought|believed|recommended|advisable)))",
    re.IGNORECASE)


def refers_back(text: str) -> bool:
    return bool(_REFERS_BACK.match(text))

# The first stage: cheap, read for every candidate.
BASE = [
    "bias",
    "cover",
    "cover_gap",
    "focus",
    "focus_gap",
    "passage_cover",
    "passage_sim_gap",
    "inv_rank",
    "first_in_passage",
    "inv_order",
    "doc_lead",
    "log_words",
    "list",
    "row",
    "dangling",
    "warns",
]
NEEDS = [f"gives:{n.value}" for n in Need] + [f"match:{n.value}" for n in Need]
# The second stage: the caveat engine's reading (0.4 ms a sentence when cold), for the best candidates only.
EVIDENCE = ["reports", "promotional", "hedged_only"]
NAMES = BASE + NEEDS + EVIDENCE
COLUMN = {name: i for i, name in enumerate(NAMES)}
EVIDENCE_COLUMNS = [COLUMN[name] for name in EVIDENCE]
_FIGURE = re.compile(r"\d+(?:\.\d+)?\s?%|\b\d+\s+(?:patients|participants|people|adults|children|women|men)\b")


def question_needs(question: str) -> frozenset[Need]:
    """What the question asks for. The words one ask is made of do not make another: "How does it work?" asks how,
    not whether it works; "What side effects does it have?" asks for side effects, and is a safety question only
    when it also asks about safety in other words ("Is it safe, and what are its side effects?") or says what the
    person already takes ("I take oxycodone. What side effects could LDN cause?")."""
    found = {need: match for need, pattern in _ASKS.items() if (match := pattern.search(question))}
    needs = set(found)
    mechanism = found.get(Need.MECHANISM)
    if mechanism and Need.OUTCOME in needs:
        rest = question[: mechanism.start()] + " " + question[mechanism.end():]
        if not _ASKS[Need.OUTCOME].search(rest):
            needs.discard(Need.OUTCOME)
    if Need.SIDE_EFFECTS in needs and Need.SAFETY in needs:
        rest = _ASKS[Need.SIDE_EFFECTS].sub(" ", question)
        if not (_ASKS[Need.SAFETY].search(rest) or _ON_MEDICATION.search(question)):
            needs.discard(Need.SAFETY)
    return frozenset(needs)


@lru_cache(maxsize=32768)
def unit_gives(text: str) -> frozenset[Need]:
    return frozenset(need for need, pattern in _GIVES.items() if pattern.search(text))


@lru_cache(maxsize=32768)
def evidence_reading(text: str) -> tuple[tuple[float, float, float], Stance | None]:
    """(reports a finding, promotional, only hedges) and the sentence's stance; cached, passages are fixed text."""
    finding = analyse_sentence(text)
    stance = sentence_stance(text, finding)
    reports = stance is not None or bool(finding.designs) or bool(_FIGURE.search(text))
    promotional = finding.has(Code.PROMOTIONAL_TONE)
    hedged = finding.has(Code.SPECULATIVE_LANGUAGE) and not reports
    return (float(reports), float(promotional), float(hedged)), stance


@dataclass
class Candidate:
    unit: Unit
    citation: int
    doc_id: str
    passage_start: int  # the passage's offset in its document
    rank: int  # 0-based rank of its passage
    warns: bool  # holds a high-severity warning quote of its passage
    cover: float
    row: np.ndarray  # the feature vector
    topical: bool = True  # from a passage close to the question that holds its words (may speak for a side)
    pointed: bool = False  # holds the rare word a short question points at ("LDN microglia": "microglia")

    @property
    def text(self) -> str:
        return self.unit.text


def base_features(
    covers: list[float],
    focus: list[float],
    rows: np.ndarray,
    units: list[Unit],
    ranks: list[int],
    passage_covers: list[float],
    passage_sims: list[float],
    passage_starts: list[int],
    warns: list[bool],
    needs: frozenset[Need],
) -> None:
    """Fill the first-stage columns of `rows` (one row per candidate), in place.

    `focus` is the share of the question's *distinguishing* words a unit holds: words most candidates share
    (the treatment everything is about) tell nothing about which sentence answers ("side effects" does)."""
    best_cover = max(covers, default=0.0)
    best_focus = max(focus, default=0.0)
    best_sim = max(passage_sims, default=0.0)
    for i, unit in enumerate(units):
        row = rows[i]
        row[COLUMN["bias"]] = 1.0
        row[COLUMN["cover"]] = covers[i]
        row[COLUMN["cover_gap"]] = covers[i] - best_cover
        row[COLUMN["focus"]] = focus[i]
        row[COLUMN["focus_gap"]] = focus[i] - best_focus
        row[COLUMN["passage_cover"]] = passage_covers[i]
        row[COLUMN["passage_sim_gap"]] = passage_sims[i] - best_sim
        row[COLUMN["inv_rank"]] = 1.0 / (ranks[i] + 1)
        row[COLUMN["first_in_passage"]] = float(unit.order == 0)
        row[COLUMN["inv_order"]] = 1.0 / (unit.order + 1)
        row[COLUMN["doc_lead"]] = float(passage_starts[i] == 0 and unit.start < 300)
        row[COLUMN["log_words"]] = math.log(1 + min(len(unit.text.split()), 80)) / math.log(81)
        row[COLUMN["list"]] = float(unit.kind is Kind.LIST)
        row[COLUMN["row"]] = float(unit.kind is Kind.ROW)
        row[COLUMN["dangling"]] = float(bool(_DANGLING.match(unit.text)))
        row[COLUMN["warns"]] = float(warns[i])
        gives = unit_gives(unit.text)
        for need in gives:
            row[COLUMN[f"gives:{need.value}"]] = 1.0
            if need in needs:
                row[COLUMN[f"match:{need.value}"]] = 1.0


def add_evidence(row: np.ndarray, text: str) -> Stance | None:
    values, stance = evidence_reading(text)
    for name, value in zip(EVIDENCE, values):
        row[COLUMN[name]] = value
    return stance
