"""`rag eval` on a tiny BEIR fixture, and our metric wiring checked against pytrec_eval directly."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import pytrec_eval

from rag.evaluate import EvalError, load_dataset, score_run
from tests.conftest import ROOT

FIXTURE = Path(__file__).parent / "fixtures" / "beir-mini"


def test_rag_eval_prints_all_modes_as_json(tmp_path):
    result = subprocess.run([sys.executable, "-m", "rag.cli", "eval", str(FIXTURE), "--index", str(tmp_path), "--json"],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert set(report["results"]) == {"dense", "bm25", "rrf", "hybrid"}
    for metrics in report["results"].values():
        assert {"nDCG@10", "MAP@10", "MRR@10", "Recall@10", "Recall@100", "P@10", "judged@10"} <= set(metrics)
    assert report["results"]["hybrid"]["MRR@10"] >= 0.75
    again = subprocess.run([sys.executable, "-m", "rag.cli", "eval", str(FIXTURE), "--index", str(tmp_path), "--json"],
                           cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert json.loads(again.stdout)["embedded"] == 0


def test_scores_match_pytrec_eval_reference():
    qrels = {"q1": {"a": 2, "b": 0, "c": 1}, "q2": {"x": 1, "y": 3}}
    run = {"q1": {"b": 3.0, "a": 2.0, "z": 1.0, "c": 0.5}, "q2": {"z": 2.0, "y": 1.0}}
    ours = score_run(run, qrels)
    evaluator = pytrec_eval.RelevanceEvaluator(qrels, {"ndcg_cut.10", "recip_rank", "P.10", "recall.10"})
    reference = evaluator.evaluate(run)
    mean = lambda key: sum(q[key] for q in reference.values()) / len(reference)
    assert ours["nDCG@10"] == pytest.approx(mean("ndcg_cut_10"), abs=1e-4)
    assert ours["MRR@10"] == pytest.approx(mean("recip_rank"), abs=1e-4)
    assert ours["P@10"] == pytest.approx(mean("P_10"), abs=1e-4)
    assert ours["Recall@10"] == pytest.approx(mean("recall_10"), abs=1e-4)
    assert ours["judged@10"] == pytest.approx((3 / 4 + 1 / 2) / 2, abs=1e-4)  # share of what was returned
    assert ours["judged_only_MRR@10"] == pytest.approx((1 / 2 + 1 / 1) / 2, abs=1e-4)


def _eval_json(dataset: Path, index: Path) -> dict:
    result = subprocess.run([sys.executable, "-m", "rag.cli", "eval", str(dataset), "--index", str(index), "--json"],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_a_query_no_passage_holds_scores_zero_and_never_crashes(tmp_path):
    """NFCorpus-style one-word queries ("okra", "Zoloft") get no BM25 hit, so BM25's ranking for them is empty:
    `rag eval` scored that with ir_measures' Judged@10 and died of ZeroDivisionError. Now the query counts, as 0."""
    extended = tmp_path / "beir-mini-okra"
    shutil.copytree(FIXTURE, extended)
    with (extended / "queries.jsonl").open("a") as queries:
        queries.write(json.dumps({"_id": "q5", "text": "okra"}) + "\n")
    with (extended / "qrels" / "test.tsv").open("a") as qrels:
        qrels.write("q5\td6\t1\n")
    with_okra = _eval_json(extended, tmp_path / "index")
    without = _eval_json(FIXTURE, tmp_path / "index")  # the same corpus: every vector comes from the cache
    assert with_okra["queries"] == without["queries"] + 1 == 5
    judged = without["queries"] / with_okra["queries"]
    for name, value in without["results"]["bm25"].items():  # the other four rank as before; okra adds a zero
        assert with_okra["results"]["bm25"][name] == pytest.approx(value * judged, abs=1e-4), name
    assert all("Recall@100" in metrics for metrics in with_okra["results"].values())


def test_empty_and_missing_rankings_score_zero():
    qrels = {"q1": {"a": 1}, "q2": {"b": 1}}
    half = score_run({"q1": {"a": 1.0}, "q2": {}}, qrels)
    assert half == score_run({"q1": {"a": 1.0}}, qrels)
    assert half["nDCG@10"] == half["judged@10"] == half["Recall@100"] == pytest.approx(0.5)
    assert set(score_run({"q1": {}, "q2": {}}, qrels).values()) == {0.0}


def test_broken_dataset_folder_is_a_clear_error(tmp_path):
    with pytest.raises(EvalError, match=r"corpus.jsonl is missing"):
        load_dataset(tmp_path)
    (tmp_path / "corpus.jsonl").write_text("{not json\n")
    with pytest.raises(EvalError, match="not JSON"):
        load_dataset(tmp_path)
    result = subprocess.run([sys.executable, "-m", "rag.cli", "eval", str(tmp_path), "--index", str(tmp_path / "i")],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 2 and "not JSON" in result.stderr
