"""Other people's questions about the seeds, never trained on: how often the answer's first two sentences hold a
sentence that answers, and whether questions the seeds cannot answer are refused.

`benchmarks/data/other-questions.jsonl` holds two sets, each written from the documents before any of its
questions was asked:
- "session" (f01–f24): 24 questions written at the start of a session, in lay words, short and long;
- "helper" (g01–g46): 40 questions written by a helper who read only the five seed documents (lay words, typos,
  search-box keywords, long messages with personal context), and 6 about treatments the seeds never discuss;
- "helper2" (h01–h46): the same brief given to another helper in a later session (2026-12-07), asked of the
  engine only after the set was written and committed, and read only after its figures were recorded;
- "helper3" (i01–i35): a third helper (2026-12-07, evening) wrote 30 answerable questions (search-box keywords,
  typos, long messages, comparisons, one follow-up: "after" holds its earlier turn) and 5 the seeds cannot answer,
  with their answering sentences, before asking any; it asked them at 22a8b7d (top 5 passages, as the page does)
  and reported its judgement, and this session then fixed what it found;
- "helper4" (j01–j35): a fourth helper (2026-12-07, night) wrote 30 answerable questions (caregivers, non-native
  English, negations, "how long", statements, bare keywords) and 5 near misses the seeds cannot answer, before
  asking any; it asked them at c535696 and reported its judgement (first-two 20/30, 3 wrongly refused, 4 of 5
  unanswerable refused);
- "helper5" (k01–k35): a fifth helper (2026-12-07, night) wrote 30 answerable questions (yes/no on a detail, how far
  to trust a page, British spellings, one-word queries, symptoms described) and 5 near misses, before asking any;
  it asked them at ebaea88 (first-two 24/30, none refused; 1 of 5 near misses refused, 2 answered with
  `not_mentioned`, 2 without).
Each answerable question names its document (the first three characters of the file name) and one to three
sentences copied from it, any of which answers. Neither set trains the answer selector or the no-answer rule
(benchmarks/train_answer.py and calibrate_no_answer.py read benchmarks/data/seed-questions.jsonl and seeds-dev);
the session's figures moved after fixes made from what they showed, which its note lists.

Usage: .venv/bin/python -m benchmarks.other_questions
"""

from __future__ import annotations

import json
from collections import defaultdict

from benchmarks.common import ROOT, save
from benchmarks.seed_questions import answer_position

QUESTIONS = ROOT / "benchmarks" / "data" / "other-questions.jsonl"


def questions() -> list[dict]:
    return [json.loads(line) for line in QUESTIONS.read_text().splitlines() if line.strip()]


def score(engine) -> dict:
    from rag.results import Question

    rows = []
    for q in questions():
        # "after": the earlier turns of a follow-up ("what are the side effects?" after a question about LDN)
        result = engine.query(Question(q["question"], top_k=10, history=tuple(("user", a) for a in q.get("after", []))))
        said = [s.text for s in result.answer.sentences] if result.answer else []
        positions = [p for p in (answer_position(said, a) for a in q["answers"]) if p]
        rows.append({
            "id": q["id"], "by": q["by"], "question": q["question"], "answerable": bool(q["doc"]),
            "refused": not said,
            "position": min(positions, default=None),
            "top_document": bool(q["doc"]) and bool(result.passages)
            and result.passages[0].source.doc_id.startswith(q["doc"]),
            "not_mentioned": [c.detail for c in result.caveats if c.code == "not_mentioned"],
        })
    summary: dict[str, dict] = defaultdict(dict)
    for by in dict.fromkeys(r["by"] for r in rows):
        mine = [r for r in rows if r["by"] == by and r["answerable"]]
        unanswerable = [r for r in rows if r["by"] == by and not r["answerable"]]
        summary[by] = {
            "answerable": len(mine),
            "first_two": sum((r["position"] or 99) <= 2 for r in mine),
            "anywhere": sum(r["position"] is not None for r in mine),
            "top_document": sum(r["top_document"] for r in mine),
            "wrongly_refused": sum(r["refused"] for r in mine),
            "unanswerable": len(unanswerable),
            "refused": sum(r["refused"] for r in unanswerable),
            # answered but flagged: what the question names, none of the answer's passages mention
            "answerable_not_mentioned": sum(bool(r["not_mentioned"]) for r in mine if not r["refused"]),
            "unanswerable_answered_not_mentioned": sum(bool(r["not_mentioned"]) for r in unanswerable
                                                       if not r["refused"]),
        }
    return {"summary": dict(summary), "rows": rows}


def main() -> None:
    from rag.engine import Engine
    from rag.settings import Settings

    settings = Settings().model_copy(update={"docs_dir": ROOT / "seeds",
                                             "index_dir": ROOT / "index" / "eval" / "seeds-answers"})
    result = score(Engine.over_current_build(settings))
    save("other-questions", ".venv/bin/python -m benchmarks.other_questions", result)
    for row in result["rows"]:
        if (row["answerable"] and (row["position"] or 99) > 2) or (not row["answerable"] and not row["refused"]):
            print(f"  {row['id']} position={row['position']} refused={row['refused']}  {row['question'][:90]}")
    print(json.dumps(result["summary"]))


if __name__ == "__main__":
    main()
