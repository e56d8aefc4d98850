"""Train the answer's sentence selector on answers-dev and report it cross-validated by question.

Usage: .venv/bin/python -m benchmarks.train_answer            # CV report + rag/answer/data/selector.json
       .venv/bin/python -m benchmarks.train_answer --no-write # the report only

Each question is asked through the real engine (index of the 250 answer sections, top 5 passages); every unit
of those passages that the writer would consider is a training row, labelled 1 when it matches one of the
experts' sentences (token Jaccard >= 0.6, the dataset's own matching rule). A logistic model is fitted on four
folds of questions and the fifth is answered with it (5 folds, by a hash of the question id), so every figure
reported is from questions the weights never saw. The shipped weights are then fitted on all 75 questions.

Systems in the table: today's writer (before this selector; measured at commit ab71cc7 and kept in
benchmarks/results/answers_dev_before.json), LEAD-3 of the top passage's document, the top passage alone,
the writer's candidates ranked by plain question cosine, and the learned selector (with and without the
cosine column, which is what the index's per-sentence vectors buy).
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass

import numpy as np
from sklearn.linear_model import LogisticRegression

from benchmarks import answers_data as A
from benchmarks.common import RESULTS, save
from rag.answer.candidates import passage_units
from rag.answer.extractive import choose, gather, question_weights
from rag.answer.features import COLUMN, EVIDENCE, NAMES, add_evidence
from rag.answer.selector import WEIGHTS, Selector
from rag.answer.writer import AnswerPassage
from rag.caveats.citations import cited_keys
from rag.caveats.codes import Severity
from rag.chunking import split_units
from rag.engine import Engine
from rag.index import build_index
from rag.schema import QueryRequest

KEEPS = [0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5]
# L2 strength, chosen by the same 5-fold CV over 0.01, 0.03, 0.1, 0.5, 2 (ROUGE-2 0.283, 0.287, 0.278, 0.262, 0.254).
C = 0.03


@dataclass
class Asked:
    item: A.Item
    weak: bool
    candidates: list
    labels: np.ndarray
    needs: frozenset
    top_passage: str
    top_document: str


def unit_label(text: str, gold_tokens: list[set[str]]) -> int:
    lines = [text] + ([line for line in text.split("\n") if line.strip()] if "\n" in text else [])
    return int(max(A.best_match(line, gold_tokens) for line in lines) >= A.MATCH)


def ask_all(engine: Engine) -> list[Asked]:
    index = engine.index
    out = []
    for item in A.items():
        request = QueryRequest(question=item.question[:2000].strip(), top_k=5)
        retrieval = engine.retrieve(request)
        passages = engine.passages(retrieval.index, retrieval.hits)
        answer_passages = [
            AnswerPassage(p.rank, p.source.doc_id, p.text,
                          [c.quote for c in p.caveats if c.severity == Severity.HIGH and c.quote], p.score,
                          p.source.start, hit.chunk_id)
            for p, hit in zip(passages, retrieval.hits)]
        weights = question_weights(retrieval.query, index.lexical.document_shares, len(index.chunks))
        candidates, needs, _ = gather(retrieval.query, answer_passages, weights, engine.settings,
                                      engine.embedder.encode_query(retrieval.query), engine.unit_vectors,
                                      cited_keys(retrieval.query))
        for candidate in candidates:
            add_evidence(candidate.row, candidate.text)
        gold_tokens = [A.tokens(g) for g in item.gold]
        labels = np.array([unit_label(c.text, gold_tokens) for c in candidates], dtype=int)
        top = passages[0] if passages else None
        out.append(Asked(item, retrieval.weak, candidates, labels, needs, top.text if top else "",
                         index.documents[top.source.doc_id].text if top else ""))
    return out


def fit(asked: list[Asked], drop: tuple[str, ...] = ()) -> Selector:
    rows = np.concatenate([np.stack([c.row for c in a.candidates]) for a in asked if a.candidates])
    labels = np.concatenate([a.labels for a in asked if a.candidates])
    used = [i for i, name in enumerate(NAMES) if name != "bias" and name not in drop]
    model = LogisticRegression(C=C, max_iter=2000)
    model.fit(rows[:, used], labels)
    weights = np.zeros(len(NAMES))
    weights[used] = model.coef_[0]
    weights[COLUMN["bias"]] = model.intercept_[0]
    return Selector(weights, 0.3, "answers-dev")


def answer(asked: Asked, selector: Selector, settings, keep: float) -> list[str]:
    if asked.weak or not asked.candidates:
        return []
    rows = np.stack([c.row for c in asked.candidates])
    probability = 1 / (1 + np.exp(-(rows @ selector.weights)))
    chosen, _ = choose(asked.candidates, probability, asked.needs, settings, keep)
    return [c.text for c in chosen]


def evaluate(asked: list[Asked], answers: dict[str, list[str]]) -> dict:
    return A.mean([A.score(answers[a.item.id], a.item.gold) for a in asked])


def cross_validated(asked: list[Asked], settings, drop: tuple[str, ...] = ()) -> tuple[dict[str, list[str]], list[float]]:
    """Every question answered by weights fitted without its fold; the keep threshold chosen on the training folds."""
    answers: dict[str, list[str]] = {}
    keeps = []
    for fold in A.folds([a.item.id for a in asked]):
        train = [a for a in asked if a.item.id not in fold]
        selector = fit(train, drop)
        keep = max(KEEPS, key=lambda k: evaluate(train, {a.item.id: answer(a, selector, settings, k) for a in train})["rouge2"])
        keeps.append(keep)
        for a in asked:
            if a.item.id in fold:
                answers[a.item.id] = answer(a, selector, settings, keep)
    return answers, keeps


def lead3(text: str) -> list[str]:
    units = [text[u.start:u.end] for u in split_units(text) if u.kind != "heading"]
    return units[:3]


def whole_passage(text: str) -> list[str]:
    return [text[u.start:u.end] for u in split_units(text)]


def by_cosine(asked: Asked, settings) -> list[str]:
    if asked.weak or not asked.candidates:
        return []
    order = sorted(asked.candidates, key=lambda c: -c.row[COLUMN["cos"]])
    return [c.text for c in order[: settings.answer_max_sentences]]


def main(write: bool) -> None:
    settings = A.settings()
    engine = Engine(settings)
    build_index(settings, engine.embedder, documents=A.documents())
    engine.reload()
    asked = ask_all(engine)
    ids = [a.item.id for a in asked]
    rows: dict[str, dict] = {}
    before = RESULTS / "answers_dev_before.json"
    if before.exists():
        rows["today's writer (before)"] = json.loads(before.read_text())["mean"]
    rows["LEAD-3 of the top document"] = evaluate(asked, {a.item.id: lead3(a.top_document) for a in asked})
    rows["the top passage alone"] = evaluate(asked, {a.item.id: whole_passage(a.top_passage) for a in asked})
    rows[f"question cosine, top {settings.answer_max_sentences}"] = evaluate(
        asked, {a.item.id: by_cosine(a, settings) for a in asked})
    without, _ = cross_validated(asked, settings, drop=("cos", "cos_gap"))
    rows["learned, without sentence cosine (CV)"] = evaluate(asked, without)
    learned, keeps = cross_validated(asked, settings)
    rows["learned selector (CV)"] = evaluate(asked, learned)
    for limit in (4, 6):
        shorter, _ = cross_validated(asked, settings.model_copy(update={"answer_max_sentences": limit}))
        rows[f"learned selector, at most {limit} units (CV)"] = evaluate(asked, shorter)
    for name, row in rows.items():
        print(f"{name:45s} " + "  ".join(f"{k} {v:.3f}" for k, v in row.items()))
    unanswered = sum(a.weak for a in asked)
    print(f"unanswered {unanswered}/{len(asked)}; keeps per fold {keeps}")
    final = fit(asked)
    keep = max(KEEPS, key=lambda k: evaluate(asked, {a.item.id: answer(a, final, settings, k) for a in asked})["rouge2"])
    final = Selector(final.weights, keep, f"answers-dev, {len(ids)} questions, {sum(len(a.candidates) for a in asked)} units")
    if write:
        WEIGHTS.parent.mkdir(parents=True, exist_ok=True)
        WEIGHTS.write_text(json.dumps(final.to_dict(), indent=1) + "\n")
        print(f"wrote {WEIGHTS}")
    save("answers_dev", "python -m benchmarks.train_answer", {
        "questions": len(asked), "unanswered": unanswered, "folds": 5, "keeps": keeps, "rows": rows,
        "positives": int(sum(a.labels.sum() for a in asked)), "units": int(sum(len(a.candidates) for a in asked)),
        "weights": final.to_dict()["weights"], "keep": keep})


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--no-write", action="store_true")
    main(not parser.parse_args().no_write)
