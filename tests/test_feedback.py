"""Feedback goes into a real SQLite file and survives a server restart."""

import httpx

from rag.api import create_app
from tests.servers import running


def test_feedback_row_survives_restart(settings, engine, tmp_path):
    local = settings.model_copy(update={"index_dir": settings.index_dir})
    row = {"question": "Does metformin help MS?", "rating": 1, "passage_ids": ["001_4e6ef7f32345a2ce:0-892"], "answer": "x [1]"}
    with running(create_app(local, engine)) as base:
        created = httpx.post(base + "/api/v1/feedback", json=row)
        assert created.status_code == 201
        row_id = created.json()["id"]
    assert (local.index_dir / "feedback.sqlite3").exists()
    with running(create_app(local, engine)) as base:
        rows = httpx.get(base + "/api/v1/feedback").json()["feedback"]
    found = next(r for r in rows if r["id"] == row_id)
    assert found["question"] == row["question"] and found["passage_ids"] == row["passage_ids"] and found["rating"] == 1


def test_bad_feedback_is_422(client):
    assert client.post("/api/v1/feedback", json={"question": "q", "rating": 5}).status_code == 422
    assert client.post("/api/v1/feedback", json={"question": "", "rating": 1}).status_code == 422


def test_stream_sends_passages_then_answer_then_done(client):
    with client.stream("POST", "/api/v1/query/stream", json={"question": "What is LDN originally approved for?"}) as response:
        assert response.status_code == 200
        body = "".join(response.iter_text())
    events = [line.split(":", 1)[1].strip() for line in body.splitlines() if line.startswith("event:")]
    assert events == ["passages", "answer", "done"]


def test_stream_rejects_bad_input_before_streaming(client):
    response = client.post("/api/v1/query/stream", json={"question": ""})
    assert response.status_code == 422 and "question" in response.json()["detail"]
