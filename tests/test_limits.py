"""The request limits are the running settings' (RAG_MAX_*), not their defaults: each one set low is enforced by
the API (a real HTTP server), served to the page through /api/v1/vocabulary, and enforced by the CLI."""

import json
import os
import subprocess
import sys

import httpx
import pytest

from tests.conftest import ROOT
from tests.servers import running

FORMATS = (".txt", ".md", ".pdf")  # what this server reads (RAG_EXTENSIONS): the page offers just these
LOW = {"max_question_chars": 40, "max_top_k": 3, "max_history_turns": 2, "max_annotate_chars": 60}


@pytest.fixture(scope="module")
def base(settings, engine):
    from rag.api import create_app

    local = settings.model_copy(update={**LOW, "watch_seconds": 0, "annotate_workers": 1,
                                        "extensions": FORMATS})
    with running(create_app(local, engine), local) as url:
        yield url


def _fields(response: httpx.Response) -> dict[str, str]:
    assert response.status_code == 422, response.text
    return {e["field"]: e["message"] for e in response.json()["errors"]}


@pytest.mark.parametrize("route", ["/api/v1/query", "/api/v1/query/stream"])
def test_question_top_k_and_history_are_held_to_the_running_limits(base, route):
    over = {"question": "Can low-dose naltrexone help with fatigue in multiple sclerosis?", "top_k": 4,
            "history": [{"role": "user", "content": "LDN?"}] * 3}
    fields = _fields(httpx.post(base + route, json=over, timeout=60))
    assert set(fields) == {"question", "top_k", "history"}
    assert "at most 40 characters" in fields["question"] and "RAG_MAX_QUESTION_CHARS" in fields["question"]
    assert "at most 3" in fields["top_k"] and "RAG_MAX_TOP_K" in fields["top_k"]
    assert "at most 2 turns" in fields["history"]
    within = {"question": "Is LDN safe with opioids?", "top_k": 3, "history": [{"role": "user", "content": "LDN?"}] * 2}
    assert httpx.post(base + route, json=within, timeout=60).status_code == 200


def test_annotate_is_held_to_the_running_limit(base):
    fields = _fields(httpx.post(base + "/api/v1/annotate", json={"text": "It may help. " * 5}, timeout=60))
    assert "at most 60 characters" in fields["text"] and "RAG_MAX_ANNOTATE_CHARS" in fields["text"]
    assert httpx.post(base + "/api/v1/annotate", json={"text": "It may help."}, timeout=60).status_code == 200


def test_the_vocabulary_serves_the_running_limits(base):
    assert httpx.get(base + "/api/v1/vocabulary", timeout=30).json()["limits"] == LOW


def test_the_vocabulary_serves_the_accepted_formats(client, settings):
    """One list of file types (RAG_EXTENSIONS, where a reader exists) for ingestion, uploads and the page."""
    from rag.ingest import READERS, accepted

    assert client.get("/api/v1/vocabulary").json()["formats"] == list(settings.extensions) == list(accepted(settings))
    assert set(accepted(settings)) <= set(READERS)
    assert accepted(settings.model_copy(update={"extensions": (".pdf", ".odt")})) == (".pdf",)


def test_the_cli_is_held_to_the_limits_from_the_environment(tmp_path):
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "RAG_MAX_TOP_K": "3", "RAG_MAX_QUESTION_CHARS": "10",
           "RAG_MAX_ANNOTATE_CHARS": "5", "RAG_INDEX_DIR": str(tmp_path / "none")}
    rag = [sys.executable, "-m", "rag.cli"]
    asked = subprocess.run([*rag, "ask", "Is LDN safe with opioids?", "--top-k", "4"], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=120)
    assert asked.returncode == 2
    assert "RAG_MAX_TOP_K" in asked.stderr and "RAG_MAX_QUESTION_CHARS" in asked.stderr
    checked = subprocess.run(
        [*rag, "annotate"],
        cwd=ROOT,
        env=env,
        input=json.dumps({"id": "a", "text": "It may help."}),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert checked.returncode == 1 and "RAG_MAX_ANNOTATE_CHARS" in json.loads(checked.stdout)["error"]
