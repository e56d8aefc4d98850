"""Regression tests for findings of the adversarial review (issue 11) fixed so far."""

import os

import pytest
from fastapi.testclient import TestClient

from rag.api import create_app
from rag.ingest import ingest_folder


def test_links_out_of_the_documents_folder_are_skipped_and_named(docs_copy, settings):
    os.symlink("/etc/passwd", docs_copy / "passwd.txt")
    os.symlink("/proc/self/status", docs_copy / "status.txt")
    (docs_copy / "inside").mkdir()
    (docs_copy / "inside" / "note.txt").write_text("Metformin notes kept in a subfolder for the link test.\n")
    os.symlink(docs_copy / "inside" / "note.txt", docs_copy / "linked_note.txt")
    report = ingest_folder(docs_copy, settings)
    ids = {d.doc_id for d in report.documents}
    assert "passwd" not in ids and "status" not in ids
    assert "linked_note" in ids  # a link that stays inside the folder is read
    assert any("passwd.txt: a link to a file outside the documents folder" in w for w in report.warnings)
    assert any("status.txt" in w for w in report.warnings)


def test_document_paths_are_relative_to_the_documents_folder(docs_copy, settings, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    paths = {d.path for d in ingest_folder(docs_copy, settings).documents}
    assert all(p.startswith("docs/") and not os.path.isabs(p) for p in paths)


@pytest.fixture
def admin_client(settings, engine):
    local = settings.model_copy(update={"admin_token": "sécret-token"})
    with TestClient(create_app(local, engine), base_url="http://localhost") as client:
        yield client


def test_non_ascii_admin_token_is_compared_not_crashed(admin_client):
    assert admin_client.post("/api/v1/admin/reload", headers={"x-admin-token": "wrong"}).status_code == 401
    response = admin_client.post("/api/v1/admin/reload", headers={"x-admin-token": "sécret-token".encode()})
    assert response.status_code in (200, 401)  # header bytes arrive as latin-1 text; compared, never a 500
    assert admin_client.post("/api/v1/admin/reload", headers={"x-admin-token": "é".encode()}).status_code == 401


@pytest.mark.parametrize("payload, field", [
    ({"question": "q", "rating": 1.0}, "rating"),
    ({"question": "q", "rating": True}, "rating"),
    ({"question": "q", "rating": 1, "passage_ids": ["x" * 10_000]}, "passage_ids"),
], ids=["float-rating", "bool-rating", "huge-passage-id"])
def test_feedback_fields_are_strict(client, payload, field):
    response = client.post("/api/v1/feedback", json=payload)
    assert response.status_code == 422 and field in response.json()["detail"]


def test_lone_surrogates_are_refused_everywhere(client):
    for route, body, field in (
        ("/api/v1/feedback", b'{"question": "q", "rating": 1, "passage_ids": ["\\ud800"]}', "passage_ids"),
        ("/api/v1/feedback", b'{"question": "bad \\ud800", "rating": 1}', "question"),
        ("/api/v1/query", b'{"question": "bad \\ud800"}', "surrogate"),
        ("/api/v1/annotate", b'{"text": "bad \\ud800"}', "surrogate"),
    ):
        response = client.post(route, content=body, headers={"content-type": "application/json"})
        assert response.status_code == 422, route
        assert field in response.json()["detail"], route
    assert client.get("/api/v1/feedback").status_code in (401, 403)  # private, but never a 500


def test_unknown_host_headers_are_refused_and_nothing_redirects_by_host(client):
    assert client.get("/api/v1/health", headers={"host": "attacker.example"}).status_code == 400
    assert client.get("/api/v1/health", headers={"host": "localhost:8000"}).status_code == 200
    response = client.get("/api/v1/health/", headers={"host": "localhost"}, follow_redirects=False)
    assert response.status_code == 404 and "location" not in response.headers


def test_head_works_where_get_does(client):
    response = client.head("/api/v1/health")
    assert response.status_code == 200 and response.content == b""
    assert client.head("/").status_code == 200


def test_a_500_still_carries_the_security_headers(settings, engine):
    broken = create_app(settings, engine)

    @broken.get("/boom")
    def boom():
        raise RuntimeError("injected fault")

    with TestClient(broken, base_url="http://localhost", raise_server_exceptions=False) as client:
        response = client.get("/boom")
    assert response.status_code == 500
    assert "content-security-policy" in response.headers and response.headers["x-content-type-options"] == "nosniff"


def test_oversized_bodies_get_413_before_they_are_read(client):
    big = b'{"question": "' + b"a" * 600_000 + b'"}'
    response = client.post("/api/v1/query", content=big, headers={"content-type": "application/json"})
    assert response.status_code == 413 and "limit" in response.json()["detail"]

    def chunks():  # no Content-Length: counted as it streams
        yield b'{"question": "'
        for _ in range(40):
            yield b"a" * 10_000
        yield b'"}'

    response = client.post("/api/v1/query", content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert client.post("/api/v1/annotate", json={"text": "Coffee may help. " * 10_000}).status_code == 200
    assert client.get("/api/v1/health").status_code == 200


def test_unknown_long_doc_id_is_not_echoed_whole(client):
    response = client.get("/api/v1/documents/" + "x" * 10_000)
    assert response.status_code == 404 and len(response.json()["detail"]) < 200


@pytest.mark.parametrize(
    "damage", [b"\xff\xfe not utf-8", b"[]", b'{"files": 3}'], ids=["bad-utf8", "list", "bad-shape"]
)
def test_a_damaged_manifest_is_one_clear_line_and_rag_index_repairs_it(tmp_path, damage):
    from tests.conftest import SEEDS
    from tests.test_cli import run

    index = str(tmp_path / "idx")
    assert run("index", "--docs", str(SEEDS), "--index", index).returncode == 0
    manifest = (tmp_path / "idx" / "current").resolve() / "manifest.json"
    manifest.write_bytes(damage)
    for args in (("index", "--check"), ("ask", "Does metformin help MS?")):
        result = run(*args, "--docs", str(SEEDS), "--index", index)
        assert result.returncode != 0 and "Traceback" not in result.stderr, result.stderr
        assert "run `rag index`" in result.stderr
    repaired = run("index", "--docs", str(SEEDS), "--index", index)
    assert repaired.returncode == 0, repaired.stderr
    assert run("index", "--check", "--docs", str(SEEDS), "--index", index).returncode == 0


def _mount_tmpfs(path, size: str) -> bool:
    import subprocess

    path.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True)
    return done.returncode == 0


def test_disk_full_build_fails_in_one_line_and_leaves_no_staging(tmp_path, settings, embedder, built, engine):
    import subprocess

    from rag.index import IndexUnavailable, build_index

    small = tmp_path / "small"
    if not _mount_tmpfs(small, "150k"):
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        local = settings.model_copy(
            update={"index_dir": small / "idx", "embedding_cache": settings.index_dir / "embeddings.sqlite3"}
        )
        for _ in range(2):
            with pytest.raises(IndexUnavailable, match="the disk is full"):
                build_index(local, embedder)
            assert not list((small / "idx" / "builds").glob("tmp-*"))
        assert engine.query(
            __import__("rag.results", fromlist=["Question"]).Question("metformin MS")
        ).passages
    finally:
        subprocess.run(["umount", str(small)], capture_output=True)


def test_no_absolute_machine_path_in_responses(client, tmp_path, settings, engine):
    from rag.redaction import without_machine_paths

    health = client.get("/api/v1/health").json()
    assert health["index_folder"].startswith("builds/") and not health["index_folder"].startswith("/")
    assert all(not d["path"].startswith("/") for d in client.get("/api/v1/documents").json()["documents"])
    assert without_machine_paths("no index in /tmp/x/idx — run `rag index`") == "no index in …/idx — run `rag index`"


def test_idle_and_slow_connections_are_cut_off(settings, engine):
    import socket
    import time

    import httpx

    from tests.servers import running

    local = settings.model_copy(update={"header_timeout_seconds": 1.0, "keep_alive_seconds": 1.0, "watch_seconds": 0})

    def closed_within(port: int, payload: bytes, seconds: float) -> bool:
        with socket.create_connection(("127.0.0.1", port)) as sock:
            if payload:
                sock.sendall(payload)
            sock.settimeout(seconds)
            started = time.monotonic()
            try:
                while sock.recv(4096):
                    pass
            except TimeoutError:
                return False
            return time.monotonic() - started < seconds

    with running(create_app(local, engine), local) as base:
        port = int(base.rsplit(":", 1)[1])
        assert closed_within(port, b"", 5)  # connects and says nothing
        assert closed_within(port, b"GET /api/v1/health HTTP/1.1\r\nHost: local", 5)  # half a request, then silence
        assert httpx.get(base + "/api/v1/health").status_code == 200  # real requests still served


def test_stream_reports_a_failure_as_an_error_event(settings, engine, monkeypatch):
    broken = create_app(settings, engine)

    def fail(*args, **kwargs):
        raise RuntimeError("injected fault after the 200")

    with TestClient(broken, base_url="http://localhost") as client:
        monkeypatch.setattr(engine, "finish", fail)
        with client.stream("POST", "/api/v1/query/stream", json={"question": "Does LDN help fatigue?"}) as response:
            assert response.status_code == 200
            body = "".join(response.iter_text())
    events = [line.split(":", 1)[1].strip() for line in body.splitlines() if line.startswith("event:")]
    assert events == ["passages", "error"] and "internal error" in body
