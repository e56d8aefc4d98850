"""`rag eval` on a tiny BEIR fixture, and our metric wiring checked against pytrec_eval directly."""

import json
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
        assert {"nDCG@10", "MAP@10", "MRR@10", "Recall@10", "P@10", "judged@10"} <= set(metrics)
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
    mean = lambda key: sum(q[key] for q in reference.values()) / len(reference)  # noqa: E731
    assert ours["nDCG@10"] == pytest.approx(mean("ndcg_cut_10"), abs=1e-4)
    assert ours["MRR@10"] == pytest.approx(mean("recip_rank"), abs=1e-4)
    assert ours["P@10"] == pytest.approx(mean("P_10"), abs=1e-4)
    assert ours["Recall@10"] == pytest.approx(mean("recall_10"), abs=1e-4)
    assert ours["judged@10"] == pytest.approx((3 / 4 + 1 / 2) / 2, abs=1e-4)  # share of what was returned
    assert ours["judged_only_MRR@10"] == pytest.approx((1 / 2 + 1 / 1) / 2, abs=1e-4)


def test_broken_dataset_folder_is_a_clear_error(tmp_path):
    with pytest.raises(EvalError, match="corpus.jsonl is missing"):
        load_dataset(tmp_path)
    (tmp_path / "corpus.jsonl").write_text("{not json\n")
    with pytest.raises(EvalError, match="not JSON"):
        load_dataset(tmp_path)
    result = subprocess.run([sys.executable, "-m", "rag.cli", "eval", str(tmp_path), "--index", str(tmp_path / "i")],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 2 and "not JSON" in result.stderr
