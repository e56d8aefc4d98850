"""The `rag` command driven as a user would, in subprocesses."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEEDS

RAG = [sys.executable, "-m", "rag.cli"]


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    return subprocess.run([*RAG, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def test_index_then_ask_then_check(tmp_path):
    index = str(tmp_path / "idx")
    built = run("index", "--docs", str(SEEDS), "--index", index)
    assert built.returncode == 0, built.stderr
    assert "indexed 5 documents" in built.stdout and "chunks" in built.stdout
    asked = run(
        "ask",
        "Can I take low-dose naltrexone with opioid painkillers?",
        "--docs",
        str(SEEDS),
        "--index",
        index,
        "--json",
    )
    assert asked.returncode == 0, asked.stderr
    body = json.loads(asked.stdout)
    assert body["passages"][0]["source"]["doc_id"].startswith("003")
    assert body["answer"]["safety"] and body["answer"]["sentences"] and body["answer"]["evidence"]
    text = run("ask", "Does metformin help multiple sclerosis?", "--docs", str(SEEDS), "--index", index)
    assert text.returncode == 0 and "001_4e6ef7f32345a2ce" in text.stdout and "chars" in text.stdout
    # The safety callout comes first, framed apart from the answer, with whom to ask.
    safe = run(
        "ask", "Is it safe to take naltrexone if I'm on oxycodone for pain?", "--docs", str(SEEDS), "--index", index
    )
    out = " ".join(safe.stdout.replace("│", " ").split())  # the callout's frame and line wraps aside
    assert safe.returncode == 0 and "Safety" in out and "pharmacist or doctor" in out
    assert out.index("Safety") < out.index("Answer:") and "opioid" in out[: out.index("Answer:")]
    assert "Evidence:" in out
    check = run("index", "--check", "--docs", str(SEEDS), "--index", index)
    assert check.returncode == 0, check.stderr


def test_ask_without_index_says_what_to_run(tmp_path):
    result = run("ask", "metformin", "--index", str(tmp_path / "none"))
    assert result.returncode != 0 and "rag index" in result.stderr


def test_ask_rejects_empty_question(tmp_path):
    result = run("ask", "   ", "--index", str(tmp_path / "none"))
    assert result.returncode == 2 and "question" in result.stderr


def test_index_of_missing_folder_fails_clearly(tmp_path):
    result = run("index", "--docs", str(tmp_path / "nope"), "--index", str(tmp_path / "idx"))
    assert result.returncode != 0 and "does not exist" in result.stderr


def test_sharded_index_from_the_cli_never_imports_ray(tmp_path):
    """`--shards` without `--ray` is today's single-process build: Ray is never imported, installed or not."""
    index = str(tmp_path / "idx")
    script = (
        f"import sys\nfrom rag.cli import app\napp(['index', '--docs', {str(SEEDS)!r}, '--index', {index!r}, "
        "'--shards', '3'], standalone_mode=False)\nassert not [m for m in sys.modules if m == 'ray' or "
        "m.startswith('ray.')], 'ray was imported'\n"
    )
    built = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr
    assert "indexed 5 documents" in built.stdout
    manifest = json.loads((Path(index) / "current" / "manifest.json").read_text())
    assert manifest["faiss"] == "sharded" and len(manifest["shards"]) == 3
    asked = run("ask", "Does metformin help multiple sclerosis?", "--docs", str(SEEDS), "--index", index, "--json")
    assert asked.returncode == 0, asked.stderr
    assert json.loads(asked.stdout)["passages"][0]["source"]["doc_id"].startswith("001")
    check = run("index", "--check", "--docs", str(SEEDS), "--index", index)  # current settings: 1 shard
    assert check.returncode == 0, check.stderr


def test_serve_on_ray_refuses_a_one_file_build_before_joining_any_cluster(settings, built):
    """`rag serve --ray` serves shards; a one-file build is refused in one line, and no cluster is contacted
    (the address given has nothing listening)."""
    pytest.importorskip("ray")
    served = run("serve", "--ray", "127.0.0.2:9", "--docs", str(SEEDS), "--index", str(settings.index_dir))
    assert served.returncode == 1
    assert "one file" in served.stderr and "rag index --shards N" in served.stderr
    assert "Traceback" not in served.stderr


def test_annotate_keeps_json_lines_whose_strings_hold_unicode_line_breaks(tmp_path):
    """A JSON string may hold U+2028, U+2029 and U+0085 as they are (PubMed abstracts do): JSON Lines end at "\\n"
    only, so each such line is one record; "\\r\\n" endings are read too. The answers escape those characters,
    so a reader that splits at them (as `str.splitlines` does) still reads one answer a line."""
    breaks = {"ls": "\u2028", "ps": "\u2029", "nel": "\u0085"}
    records = [
        json.dumps(
            {"id": key, "text": f"Coffee may lower the risk of dementia.{mark}A new study suggests so."},
            ensure_ascii=False,
        )
        for key, mark in breaks.items()
    ]
    assert all(mark in record for mark, record in zip(breaks.values(), records))  # written raw, not escaped
    path = tmp_path / "texts.jsonl"
    path.write_bytes((records[0] + "\r\n" + records[1] + "\n" + records[2] + "\r\n").encode("utf-8"))
    result = run("annotate", str(path))
    assert result.returncode == 0, result.stderr
    assert not any(mark in result.stdout for mark in breaks.values())
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [item["id"] for item in out] == list(breaks)
    assert not any("error" in item for item in out)


def test_ray_bind_takes_an_address_and_is_checked_before_any_cluster_starts(tmp_path):
    result = run(
        "index", "--ray", "local", "--ray-bind", "my-laptop", "--docs", str(SEEDS), "--index", str(tmp_path / "idx")
    )
    assert result.returncode == 2 and "not an IP address" in result.stderr
    assert not (tmp_path / "idx").exists()
