"""Structured logs: `rag serve` writes one JSON line per request with the id it returns as x-request-id, and no
question text unless the operator opts in; `rag index` writes one JSON line per build."""

import json
import logging
import os
import subprocess
import sys

import httpx

from tests.conftest import ROOT
from tests.servers import free_port, running, wait_for

QUESTION = "Can low-dose naltrexone help with fatigue in multiple sclerosis?"


def json_lines(text: str) -> list[dict]:
    """Every line of a log that is a JSON object (rich's progress bar may share standard error)."""
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def test_rag_serve_logs_one_json_line_per_request_without_the_question(settings, built, tmp_path):
    port = free_port()
    log = tmp_path / "serve.log"
    env = {**os.environ, "RAG_INDEX_DIR": str(settings.index_dir), "RAG_DOCS_DIR": str(settings.docs_dir),
           "RAG_WATCH_SECONDS": "0"}
    env.pop("RAG_LOG_QUESTIONS", None)
    with open(log, "w") as stderr:
        server = subprocess.Popen([sys.executable, "-m", "rag.cli", "serve", "--port", str(port)],
                                  cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=stderr)
        try:
            base = f"http://127.0.0.1:{port}"
            wait_for(lambda: httpx.get(base + "/api/v1/health", timeout=2).status_code == 200, 120, "rag serve")
            mine = httpx.post(base + "/api/v1/query", json={"question": QUESTION}, headers={"x-request-id": "trace-42"},
                              timeout=60)
            theirs = httpx.post(base + "/api/v1/query", json={"question": QUESTION},
                                headers={"x-request-id": "a/b c;" * 20}, timeout=60)
            missing = httpx.get(base + "/api/v1/documents/nothing-here", timeout=30)
        finally:
            server.terminate()
            server.wait(timeout=30)
    assert mine.status_code == 200 and mine.headers["x-request-id"] == "trace-42"
    made = theirs.headers["x-request-id"]
    assert made != "a/b c;" * 20 and len(made) == 32  # an id that is not a plain token is replaced
    assert missing.status_code == 404 and missing.headers["x-request-id"]
    text = log.read_text()
    lines = json_lines(text)
    assert lines and all({"ts", "level", "logger", "message"} <= set(line) for line in lines)
    access = {line["request_id"]: line for line in lines if line["logger"] == "rag.access"}
    assert access["trace-42"]["route"] == "/api/v1/query" and access["trace-42"]["status"] == 200
    assert access["trace-42"]["method"] == "POST" and access["trace-42"]["ms"] > 0
    assert access["trace-42"]["no_answer"] is False and access["trace-42"]["passages"] >= 1
    assert made in access
    gone = access[missing.headers["x-request-id"]]
    assert gone["route"] == "/api/v1/documents/{doc_id}" and gone["status"] == 404
    assert "question" not in access["trace-42"]
    assert "naltrexone" not in text.lower()  # the question is nowhere in the log
    assert any(line["logger"].startswith("uvicorn") for line in lines)  # the server's own lines are JSON too


def test_the_question_is_logged_only_when_the_operator_opts_in(settings, engine, caplog):
    from rag.api import create_app

    local = settings.model_copy(update={"log_questions": True, "watch_seconds": 0, "annotate_workers": 1})
    with caplog.at_level(logging.INFO, logger="rag.access"), running(create_app(local, engine), local) as base:
        reply = httpx.post(base + "/api/v1/query", json={"question": QUESTION}, timeout=60)
    line = next(r for r in caplog.records if getattr(r, "request_id", None) == reply.headers["x-request-id"])
    assert line.question == QUESTION and line.route == "/api/v1/query"


def test_rag_index_logs_a_json_line_per_build(docs_copy, tmp_path):
    env = {**os.environ, "RAG_INDEX_DIR": str(tmp_path / "index"), "RAG_DOCS_DIR": str(docs_copy)}
    done = subprocess.run([sys.executable, "-m", "rag.cli", "index"], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    built = [line for line in json_lines(done.stderr) if line.get("event") == "index_build"]
    assert len(built) == 1, done.stderr[-2000:]
    assert built[0]["outcome"] == "ok" and built[0]["documents"] == 5 and built[0]["passages"] >= 5
    assert built[0]["seconds"] > 0 and built[0]["logger"] == "rag.index"
    assert "indexed 5 documents" in done.stdout  # the person at the terminal still gets the sentence

    failed = subprocess.run([sys.executable, "-m", "rag.cli", "index", "--docs", str(tmp_path / "missing")], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=120)
    assert failed.returncode != 0
    refused = [line for line in json_lines(failed.stderr) if line.get("event") == "index_build"]
    assert len(refused) == 1 and refused[0]["outcome"] == "failed" and refused[0]["level"] == "error"
    assert "does not exist" in refused[0]["reason"]
