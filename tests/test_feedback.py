"""Feedback goes into a real SQLite file and survives a server restart."""

import httpx

from rag.api import create_app
from tests.servers import running

TOKEN = "operator-token"


def test_feedback_row_survives_restart(settings, engine, tmp_path):
    local = settings.model_copy(update={"index_dir": settings.index_dir, "admin_token": TOKEN})
    row = {
        "question": "Does metformin help MS?",
        "rating": 1,
        "passage_ids": ["001_4e6ef7f32345a2ce:0-892"],
        "answer": "x [1]",
    }
    with running(create_app(local, engine)) as base:
        created = httpx.post(base + "/api/v1/feedback", json=row)
        assert created.status_code == 201
        row_id = created.json()["id"]
    assert (local.index_dir / "private" / "feedback.sqlite3").exists()
    with running(create_app(local, engine)) as base:
        assert httpx.get(base + "/api/v1/feedback").status_code == 401
        rows = httpx.get(base + "/api/v1/feedback", headers={"x-admin-token": TOKEN}).json()["feedback"]
    found = next(r for r in rows if r["id"] == row_id)
    assert found["question"] == row["question"] and found["passage_ids"] == row["passage_ids"] and found["rating"] == 1


def test_bad_feedback_is_422(client):
    assert client.post("/api/v1/feedback", json={"question": "q", "rating": 5}).status_code == 422
    assert client.post("/api/v1/feedback", json={"question": "", "rating": 1}).status_code == 422


def test_stream_sends_passages_then_answer_then_done(client):
    with client.stream(
        "POST", "/api/v1/query/stream", json={"question": "What is LDN originally approved for?"}
    ) as response:
        assert response.status_code == 200
        body = "".join(response.iter_text())
    events = [line.split(":", 1)[1].strip() for line in body.splitlines() if line.startswith("event:")]
    assert events == ["passages", "answer", "done"]


def test_stream_rejects_bad_input_before_streaming(client):
    response = client.post("/api/v1/query/stream", json={"question": ""})
    assert response.status_code == 422 and "question" in response.json()["detail"]


def test_post_returns_the_row_it_wrote(client):
    created = client.post("/api/v1/feedback", json={"question": "Is LDN safe?", "rating": -1, "comment": "unclear"})
    assert created.status_code == 201
    body = created.json()
    assert (
        body["question"] == "Is LDN safe?" and body["rating"] == -1 and body["comment"] == "unclear" and body["id"] >= 1
    )


def test_reading_feedback_needs_the_token_and_pages(settings, engine, tmp_path):
    from fastapi.testclient import TestClient

    from rag.api import create_app

    local = settings.model_copy(update={"index_dir": tmp_path, "admin_token": TOKEN, "feedback_per_minute": 1000})
    with TestClient(create_app(local, engine), base_url="http://localhost") as client:
        assert client.get("/api/v1/feedback").status_code == 401
        assert client.get("/api/v1/feedback", headers={"x-admin-token": "nope"}).status_code == 401
        ids = [client.post("/api/v1/feedback", json={"question": f"q{i}", "rating": 1}).json()["id"] for i in range(7)]
        auth = {"x-admin-token": TOKEN}
        first = client.get("/api/v1/feedback", params={"limit": 3}, headers=auth).json()
        assert [r["id"] for r in first["feedback"]] == ids[::-1][:3]
        second = client.get(
            "/api/v1/feedback", params={"limit": 3, "before": first["next_before"]}, headers=auth
        ).json()
        assert [r["id"] for r in second["feedback"]] == ids[::-1][3:6]
        newer = client.get("/api/v1/feedback", params={"after": ids[4]}, headers=auth).json()
        assert [r["id"] for r in newer["feedback"]] == ids[5:]
        assert client.get("/api/v1/feedback", params={"limit": 0}, headers=auth).status_code == 422
    without = settings.model_copy(update={"index_dir": tmp_path, "admin_token": None})
    with TestClient(create_app(without, engine), base_url="http://localhost") as client:
        assert client.get("/api/v1/feedback").status_code == 403


def test_feedback_writes_are_rate_limited_and_capped(settings, engine, tmp_path):
    from fastapi.testclient import TestClient

    from rag.api import create_app

    local = settings.model_copy(update={"index_dir": tmp_path / "a", "feedback_per_minute": 3})
    with TestClient(create_app(local, engine), base_url="http://localhost") as client:
        codes = [client.post("/api/v1/feedback", json={"question": "q", "rating": 1}).status_code for _ in range(5)]
        assert codes == [201, 201, 201, 429, 429]
    capped = settings.model_copy(update={"index_dir": tmp_path / "b", "feedback_max_bytes": 1})
    with TestClient(create_app(capped, engine), base_url="http://localhost") as client:
        first = client.post("/api/v1/feedback", json={"question": "q", "rating": 1})
        response = client.post("/api/v1/feedback", json={"question": "q", "rating": 1})
        assert response.status_code == 507 and "full" in response.json()["detail"]
        assert first.status_code in (201, 507)


def test_feedback_export_writes_csv_and_jsonl(settings, engine, tmp_path):
    import csv
    import io
    import json

    from fastapi.testclient import TestClient

    from rag.api import create_app
    from tests.test_cli import run

    local = settings.model_copy(update={"index_dir": tmp_path})
    with TestClient(create_app(local, engine), base_url="http://localhost") as client:
        for question in ("Does LDN help?", 'A "quoted", question'):
            client.post("/api/v1/feedback", json={"question": question, "rating": 1, "passage_ids": ["003:0-10"]})
    lines = run("feedback", "export", "--index", str(tmp_path)).stdout.splitlines()
    assert [json.loads(line)["question"] for line in lines] == ["Does LDN help?", 'A "quoted", question']
    table = list(
        csv.DictReader(io.StringIO(run("feedback", "export", "--format", "csv", "--index", str(tmp_path)).stdout))
    )
    assert table[1]["question"] == 'A "quoted", question' and json.loads(table[0]["passage_ids"]) == ["003:0-10"]
    assert run("feedback", "export", "--format", "xml", "--index", str(tmp_path)).returncode == 2


def test_a_changed_mind_changes_the_row_instead_of_adding_one(settings, engine, tmp_path):
    from fastapi.testclient import TestClient

    local = settings.model_copy(update={"index_dir": tmp_path, "admin_token": TOKEN, "feedback_per_minute": 1000})
    with TestClient(create_app(local, engine), base_url="http://localhost") as client:
        first = client.post("/api/v1/feedback", json={"question": "Is LDN safe?", "rating": 1}).json()
        changed = client.post(
            "/api/v1/feedback", json={"question": "Is LDN safe?", "rating": -1, "replaces": first["id"]}
        )
        assert changed.status_code == 201 and changed.json()["id"] == first["id"]
        # Another question's id is not this one's to change: a new row.
        other = client.post(
            "/api/v1/feedback", json={"question": "Other?", "rating": 1, "replaces": first["id"]}
        ).json()
        assert other["id"] != first["id"]
        rows = client.get("/api/v1/feedback", headers={"x-admin-token": TOKEN}).json()["feedback"]
    assert [(r["question"], r["rating"]) for r in rows] == [("Other?", 1), ("Is LDN safe?", -1)]
