"""Our own questions over the seeds (benchmarks/data/seed-questions.jsonl): top-1 document, phrase in the top 3,
and whether the answer's lead sentence comes from the expected document.

The questions were written by reading the seeds and asking what a layperson would ask (lay words: "bone
marrow transplant", "blood sugar pill", "poop transplant"; table rows; named studies; safety), each with the
document and an exact phrase that answers it, before looking at what retrieval returned. They are a
development set: numbers on them are not held-out figures.

Usage: .venv/bin/python -m benchmarks.seed_questions
"""

from __future__ import annotations

import json
import re

from benchmarks.common import ROOT, save

QUESTIONS = ROOT / "benchmarks" / "data" / "seed-questions.jsonl"
SEEDS_DEV = ROOT.parent / "shared" / "benchmarks" / "seeds-dev" / "questions.jsonl"
SEEDS_DEV_ANSWERS = ROOT / "benchmarks" / "data" / "seeds-dev-answers.jsonl"
_TOKEN = re.compile(r"\w+")


def all_questions() -> list[dict]:
    """Every seed question, with the sentence that answers it where one does: ours, and seeds-dev's with our
    reading of its answer (benchmarks/data/seeds-dev-answers.jsonl)."""
    ours = [json.loads(line) for line in QUESTIONS.read_text().splitlines() if line.strip()]
    theirs = []
    if SEEDS_DEV.exists():
        answers = {r["id"]: r["answer"] for r in map(json.loads, SEEDS_DEV_ANSWERS.read_text().splitlines())}
        theirs = [{**q, "answer": answers.get(q["id"])} for q in map(json.loads, SEEDS_DEV.read_text().splitlines())]
    return ours + theirs


def answerable() -> list[dict]:
    return [q for q in all_questions() if q.get("answer")]


def answers_it(sentence: str, expected: str) -> bool:
    """An answer sentence answers when it holds the expected sentence, is a good part of it (a list item of a
    quoted list), or shares most of its words (token Jaccard >= 0.6, the answers-dev rule)."""
    a, b = " ".join(_TOKEN.findall(sentence.lower())), " ".join(_TOKEN.findall(expected.lower()))
    if b in a or (len(a) >= 0.5 * len(b) and a in b):
        return True
    x, y = set(a.split()), set(b.split())
    return bool(x and y) and len(x & y) / len(x | y) >= 0.6


def answer_position(sentences: list[str], expected: str) -> int | None:
    """1-based position of the first answer sentence that answers, None when none does."""
    return next((i + 1 for i, s in enumerate(sentences) if answers_it(s, expected)), None)


def score(engine, questions: list[dict] | None = None) -> dict:
    from rag.results import Question

    questions = questions or [json.loads(line) for line in QUESTIONS.read_text().splitlines() if line.strip()]
    rows = []
    for q in questions:
        response = engine.query(Question(q["question"], top_k=10))
        passages = response.passages
        lead = None
        if response.answer and response.answer.citations:
            first = int(response.answer.text.split("[", 1)[1].split("]", 1)[0])
            lead = next(p.source.doc_id for p in passages if p.rank == first)
        rows.append({
            "id": q["id"], "kind": q["kind"], "question": q["question"],
            "top1": bool(passages) and passages[0].source.doc_id == q["doc"],
            "phrase_top3": any(q["phrase"] in p.text for p in passages[:3]),
            "phrase_rank": next((p.rank for p in passages if q["phrase"] in p.text), None),
            "lead_from_doc": lead == q["doc"], "no_answer": response.no_answer,
            "answer": response.answer.text if response.answer else None,
        })
    n = len(rows)
    summary = {"questions": n, "top1": round(sum(r["top1"] for r in rows) / n, 3),
               "phrase_top3": round(sum(r["phrase_top3"] for r in rows) / n, 3),
               "lead_from_doc": round(sum(r["lead_from_doc"] for r in rows) / n, 3),
               "no_answer": sum(r["no_answer"] for r in rows)}
    return {"summary": summary, "rows": rows}


def main() -> None:
    from rag.engine import Engine
    from rag.settings import Settings

    engine = Engine.over_current_build(Settings())
    result = score(engine)
    save("seed-questions", ".venv/bin/python -m benchmarks.seed_questions", result)
    for row in result["rows"]:
        if not (row["top1"] and row["phrase_top3"] and row["lead_from_doc"]):
            print(f"  {row['id']} top1={row['top1']} phrase_rank={row['phrase_rank']} lead={row['lead_from_doc']}  "
                  f"{row['question']}")
    print(json.dumps(result["summary"]))


if __name__ == "__main__":
    main()
