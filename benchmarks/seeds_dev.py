"""seeds-dev: top-1 document, no-answer flags and expected caveats for every question over the seeds.

Usage: .venv/bin/python -m benchmarks.seeds_dev
"""

from __future__ import annotations

import json

from benchmarks.common import ROOT, save
from rag.engine import Engine
from rag.results import Question
from rag.settings import Settings


def main() -> None:
    rows = [
        json.loads(line)
        for line in (ROOT.parent / "shared/benchmarks/seeds-dev/questions.jsonl").read_text().splitlines()
        if line.strip()
    ]
    engine = Engine.over_current_build(Settings())
    results = []
    for row in rows:
        response = engine.query(Question(row["question"], top_k=10))
        top = response.passages[0].source.doc_id if response.passages else None
        holder = next((p for p in response.passages if row.get("phrase") and row["phrase"] in p.text), None)
        codes = sorted({c.code for c in (holder.caveats if holder else response.caveats)})
        results.append(
            {
                "id": row["id"],
                "question": row["question"],
                "expected_doc": row["doc"],
                "top_doc": top,
                "top1_correct": (top == row["doc"]) if row["doc"] else None,
                "no_answer": response.no_answer,
                "expected_no_answer": bool(row.get("no_answer")),
                "best_similarity": max((p.score for p in response.passages), default=0.0),
                "expected_caveats": row["caveats"],
                "caveats": codes,
                "caveats_ok": set(row["caveats"]) <= set(codes),
            }
        )
    answerable = [r for r in results if r["expected_doc"]]
    summary = {
        "answerable": len(answerable),
        "top1_correct": sum(r["top1_correct"] for r in answerable),
        "answerable_flagged_no_answer": sum(r["no_answer"] for r in answerable),
        "no_answer_questions": sum(r["expected_no_answer"] for r in results),
        "no_answer_flagged": sum(r["no_answer"] for r in results if r["expected_no_answer"]),
        "caveats_ok": sum(r["caveats_ok"] for r in results),
    }
    save("seeds-dev", ".venv/bin/python -m benchmarks.seeds_dev", {"summary": summary, "questions": results})
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
