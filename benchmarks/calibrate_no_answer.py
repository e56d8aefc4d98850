"""Choose the no-answer thresholds from data, not by eye.

Positives (the seeds answer them): seeds-dev's answerable questions plus benchmarks/data/answerable.jsonl.
Negatives (the seeds do not): seeds-dev's no-answer questions plus half A of liveqa-med's real consumer
questions (the split of benchmarks/tune_split.py), which ask about other conditions and drugs; a few may
touch the seeds' topics, and are listed for a person to judge. Held out and only reported: liveqa-med's
half B (should be flagged) and benchmarks/data/seed-questions.jsonl (should be answered). For every pair of thresholds on (best cosine, best word coverage), a question is
"not covered" when both are below their thresholds, or the cosine is below RAG_NO_ANSWER_FAR_SHARE (0.6) × its threshold. The rule
kept answers every positive and flags the most negatives; ties go to the larger margin. A question whose top
passages hold the study it cites by name is never flagged (rag/retrieval/no_answer.py), whatever the thresholds.

Usage: .venv/bin/python benchmarks/calibrate_no_answer.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import ROOT, save  # noqa: E402
from benchmarks.tune_split import half  # noqa: E402
from rag.engine import Engine  # noqa: E402
from rag.index import build_index  # noqa: E402
from rag.retrieval import match_strength, not_covered  # noqa: E402
from rag.schema import QueryRequest  # noqa: E402
from rag.settings import Settings  # noqa: E402

SHARED = ROOT.parent / "shared" / "benchmarks"


def features(engine: Engine, question: str) -> tuple[float, float, bool]:
    found = engine.retrieve(QueryRequest(question=question[:2000]))
    return match_strength(found.index, found.query, found.hits)


def main() -> None:
    settings = Settings()
    engine = Engine(settings)
    build_index(settings, engine.embedder)
    engine.reload()
    dev = [json.loads(l) for l in (SHARED / "seeds-dev" / "questions.jsonl").read_text().splitlines() if l.strip()]
    extra = [json.loads(l) for l in (ROOT / "benchmarks" / "data" / "answerable.jsonl").read_text().splitlines() if l.strip()]
    live = [json.loads(l) for l in (SHARED / "liveqa-med" / "queries.jsonl").read_text().splitlines() if l.strip()]
    ours = [json.loads(l) for l in (ROOT / "benchmarks" / "data" / "seed-questions.jsonl").read_text().splitlines() if l.strip()]
    positives = [r["question"] for r in dev if r.get("doc")] + [r["question"] for r in extra]
    negatives = [r["question"] for r in dev if not r.get("doc")] + [r["text"] for r in live if half(r["_id"]) == "A"]
    held_negatives = np.array([features(engine, r["text"]) for r in live if half(r["_id"]) == "B"])
    held_positives = np.array([features(engine, r["question"]) for r in ours])
    pos = np.array([features(engine, q) for q in positives])
    neg = np.array([features(engine, q) for q in negatives])

    def flagged(data, d, c):
        return not_covered(data[:, 0], data[:, 1], d, c, settings.no_answer_far_share, data[:, 2] > 0)

    best = None
    free = pos[pos[:, 2] == 0]  # positives that cite no study a top passage holds: the thresholds decide them
    for d in np.arange(0.20, 0.60, 0.01):
        for c in np.arange(0.0, 1.01, 0.02):
            if flagged(pos, d, c).any():
                continue
            caught = int(flagged(neg, d, c).sum())
            margin = float(min(free[:, 0].min() - settings.no_answer_far_share * d, np.max(np.c_[free[:, 0] - d, free[:, 1] - c], axis=1).min()))
            key = (caught, margin)
            if best is None or key > best[0]:
                best = (key, round(float(d), 2), round(float(c), 2))
    (caught, margin), d, c = best
    missed = [q.splitlines()[0][:100] for q, f in zip(negatives, flagged(neg, d, c)) if not f]
    held_out = {"liveqa_B_flagged": int(flagged(held_negatives, d, c).sum()), "liveqa_B": len(held_negatives),
                "seed_questions_answered": int((~flagged(held_positives, d, c)).sum()), "seed_questions": len(held_positives)}
    result = {
        "positives": len(positives), "negatives": len(negatives),
        "chosen": {"no_answer_dense_threshold": d, "no_answer_lexical_threshold": c},
        "negatives_flagged": caught, "positives_answered": len(positives), "margin": round(margin, 3),
        "negatives_not_flagged": missed, "held_out": held_out,
        "current_settings": {"no_answer_dense_threshold": settings.no_answer_dense_threshold,
                             "no_answer_lexical_threshold": settings.no_answer_lexical_threshold},
        "positive_min_cosine": round(float(pos[:, 0].min()), 3), "negative_max_cosine": round(float(neg[:, 0].max()), 3),
    }
    save("no-answer-calibration", ".venv/bin/python benchmarks/calibrate_no_answer.py", result)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
