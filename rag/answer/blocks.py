"""Which passage holds the answer: experts quote answers as contiguous blocks, so after its best sentences an
answer reads on through the passage most likely to hold that block, in the passage's own order.

On answers-dev a unit next to an expert's sentence is one itself 72 % of the time (7 % next to any other), and
passages hold almost all of an answer or none of it. Ranking sentences one by one cannot see that; ranking
passages by what their units share can. The ranker is a softmax over one question's passages, fitted by
benchmarks/train_answer.py beside the sentence selector and kept in the same weights file.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from rag.answer.features import COLUMN, NEEDS, Candidate

NAMES = [
    "inv_rank",
    "passage_sim_gap",
    "passage_cover",
    "focus_max",
    "focus_mean",
    "cover_max",
    "cover_mean",
    "match_max",
    "match_mean",
    "doc_lead",
    "logit_max",
    "logit_mean",
    "log_units",
]
_MATCH = [COLUMN[name] for name in NEEDS if name.startswith("match:")]


def passage_rows(
    candidates: Sequence[Candidate], logits: np.ndarray
) -> tuple[list[int], dict[int, list[int]], np.ndarray]:
    """The citations of the passages that give an answer unit (not a warning), each one's candidate indices in
    reading order, and one row of `NAMES` per passage."""
    members: dict[int, list[int]] = {}
    for i, candidate in enumerate(candidates):
        if not candidate.warns:
            members.setdefault(candidate.citation, []).append(i)
    citations = sorted(members)
    rows = np.zeros((len(citations), len(NAMES)))
    if not citations:
        return citations, members, rows
    matrix = np.stack([c.row for c in candidates])
    for k, citation in enumerate(citations):
        index = sorted(members[citation], key=lambda i: candidates[i].unit.order)
        members[citation] = index
        unit_rows = matrix[index]
        unit_logits = logits[index]
        focus, cover = unit_rows[:, COLUMN["focus"]], unit_rows[:, COLUMN["cover"]]
        matches = unit_rows[:, _MATCH]
        first = unit_rows[0]
        rows[k] = (
            first[COLUMN["inv_rank"]],
            first[COLUMN["passage_sim_gap"]],
            first[COLUMN["passage_cover"]],
            focus.max(),
            focus.mean(),
            cover.max(),
            cover.mean(),
            matches.max(),
            matches.sum() / len(index),
            unit_rows[:, COLUMN["doc_lead"]].max(),
            unit_logits.max(),
            unit_logits.mean(),
            math.log(len(index)),
        )
    return citations, members, rows


def reading_order(candidates: Sequence[Candidate], logits: np.ndarray, weights: np.ndarray) -> list[int]:
    """Every answer unit's index: the passages best first by `weights` (one per `NAMES`), each in its own order.

    With no weights (an old weights file) the passages keep their retrieval rank."""
    citations, members, rows = passage_rows(candidates, logits)
    if not citations:
        return []
    scores = rows @ weights
    order = sorted(range(len(citations)), key=lambda k: (-scores[k], candidates[members[citations[k]][0]].rank))
    return [i for k in order for i in members[citations[k]]]
