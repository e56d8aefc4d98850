"""Hostile clients against a real server (issue 23): bounded annotate work, admin routes decided from the
headers, throttled token guessing, a body deadline, private feedback, and a cache that shrinks."""

from __future__ import annotations

import socket
import stat
import threading

import httpx
import pytest
from servers import running, wait_for

from rag.settings import Settings

TOKEN = "s3cret-admin"
WORST = "may help possibly side effects randomized mice Smith et al. 2020 no difference " * 2_500  # 200,000 chars


@pytest.fixture
def app_and_settings(settings, engine, tmp_path):
    from rag.api import create_app

    local = settings.model_copy(update={"index_dir": settings.index_dir, "admin_token": TOKEN, "annotate_workers": 1,
                                        "annotate_queue": 0, "admin_failures_per_minute": 3,
                                        "body_timeout_seconds": 1.0, "watch_seconds": 0})
    return create_app(local, engine), local


def _raw(base: str, head: bytes, body: bytes = b"", wait: float = 20.0) -> bytes:
    """Send a request by hand (headers, then part of a body, then nothing) and read what comes back."""
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=wait) as sock:
        sock.sendall(head + body)
        received = b""
        try:
            while chunk := sock.recv(65536):
                received += chunk
        except TimeoutError:
            pass
    return received


def _annotate_in_background(base: str) -> tuple[threading.Thread, dict]:
    """POST the 200,000-character worst text from a thread; its response lands in the dict as "response"."""
    first: dict = {}
    worker = threading.Thread(target=lambda: first.setdefault(
        "response", httpx.post(base + "/api/v1/annotate", json={"text": WORST}, timeout=120)))
    worker.start()
    return worker, first


def test_annotate_beyond_its_workers_and_queue_gets_429_and_health_still_answers(app_and_settings):
    app, local = app_and_settings
    with running(app, local) as base:
        worker, first = _annotate_in_background(base)
        pool = app.state.annotate_pool
        wait_for(lambda: pool._admitted == 1, 30, "the first text to be admitted")
        refused = httpx.post(base + "/api/v1/annotate", json={"text": "It may help."}, timeout=30)
        health = httpx.get(base + "/api/v1/health", timeout=30)
        worker.join(120)
        assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
        assert "RAG_ANNOTATE_QUEUE" in refused.json()["detail"]
        assert health.status_code == 200
        assert first["response"].status_code == 200 and len(first["response"].json()["sentences"]) > 100
        again = httpx.post(base + "/api/v1/annotate", json={"text": "It may help."}, timeout=60)
        assert again.status_code == 200 and again.json()["sentences"][0]["codes"] == ["speculative_language"]


def test_upload_without_the_token_is_refused_before_its_body_is_read(app_and_settings):
    app, local = app_and_settings
    with running(app, local) as base:
        head = (b"POST /api/v1/documents HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                b"Content-Type: multipart/form-data; boundary=x\r\nContent-Length: 20000000\r\n\r\n")
        answer = _raw(base, head, b"--x\r\n", wait=15)
        # 401, not the 408 a server reading the promised 20 MB would give at its 1 s body deadline
        assert answer.startswith(b"HTTP/1.1 401"), answer[:200]
        assert b"x-admin-token" in answer and b"connection: close" in answer.lower()


def test_a_body_that_stops_arriving_gets_408(app_and_settings):
    app, local = app_and_settings
    with running(app, local) as base:
        head = (b"POST /api/v1/query HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                b"Content-Length: 1000\r\n\r\n")
        answer = _raw(base, head, b'{"question": "metf', wait=20)
        assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
        assert b"not received within 1 s" in answer
        assert httpx.get(base + "/api/v1/health").status_code == 200


def test_wrong_tokens_are_throttled_and_overlong_ones_refused(app_and_settings):
    app, local = app_and_settings
    with running(app, local) as base:
        assert httpx.get(base + "/api/v1/feedback", headers={"x-admin-token": TOKEN + "x" * 300}).status_code == 401
        assert httpx.get(base + "/api/v1/feedback", headers={"x-admin-token": "wrong"}).status_code == 401
        assert httpx.get(base + "/api/v1/feedback", headers={"x-admin-token": "wrong again"}).status_code == 401
        # three wrong in a minute: now even the right token waits, and says for how long
        blocked = httpx.get(base + "/api/v1/feedback", headers={"x-admin-token": TOKEN})
        assert blocked.status_code == 429 and 1 <= int(blocked.headers["retry-after"]) <= 61
        assert httpx.post(base + "/api/v1/admin/reload", headers={"x-admin-token": TOKEN}).status_code == 429


def test_feedback_is_private_on_disk_and_never_cached(settings, engine, tmp_path):
    from rag.api import create_app

    index_dir = tmp_path / "index"
    index_dir.mkdir()
    (index_dir / "feedback.sqlite3").write_bytes(b"")  # a database left at the old place is moved in
    local = settings.model_copy(update={"index_dir": index_dir, "admin_token": TOKEN, "watch_seconds": 0})
    row = {"question": "Is LDN safe with opioids?", "rating": -1, "passage_ids": []}
    with running(create_app(local, engine), local) as base:
        assert httpx.post(base + "/api/v1/feedback", json=row).status_code == 201
        listed = httpx.get(base + "/api/v1/feedback", headers={"x-admin-token": TOKEN})
        assert listed.status_code == 200 and listed.headers["cache-control"] == "no-store"
    folder = index_dir / "private"
    assert not (index_dir / "feedback.sqlite3").exists()
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for path in folder.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name


def test_the_embedding_cache_shrinks_after_documents_are_removed(embedder, tmp_path):
    import sqlite3

    from rag.index import build_index

    docs = tmp_path / "docs"
    docs.mkdir()
    for name in ("a", "b", "c"):
        sentences = (f"Sentence {i} of document {name} says metformin may help people with multiple sclerosis."
                     for i in range(60))
        (docs / f"{name}.txt").write_text(f"Document {name}.\n\n" + " ".join(sentences))
    local = Settings(docs_dir=docs, index_dir=tmp_path / "index", embedding_cache_builds=1)
    build_index(local, embedder)
    cache = local.index_dir / "embeddings.sqlite3"

    def rows() -> int:
        with sqlite3.connect(cache) as connection:
            return connection.execute("SELECT COUNT(*) FROM vectors").fetchone()[0]

    def size() -> int:
        return sum(path.stat().st_size for path in cache.parent.glob(cache.name + "*"))

    before_rows, before_bytes = rows(), size()
    (docs / "b.txt").unlink()
    (docs / "c.txt").unlink()
    build_index(local, embedder)
    assert rows() < before_rows / 2
    assert size() < before_bytes


def test_a_killed_annotate_worker_gives_503_and_the_next_text_a_fresh_one(app_and_settings):
    import os
    import signal

    app, local = app_and_settings
    with running(app, local) as base:
        worker, first = _annotate_in_background(base)
        pool = app.state.annotate_pool
        # the text is in the pool (a worker killed before or while it reads the text breaks the pool either way)
        wait_for(
            lambda: pool._admitted == 1 and pool._executor is not None and pool._executor._processes,
            30,
            "the text handed to a worker process",
        )
        for pid in list(pool._executor._processes):
            os.kill(pid, signal.SIGKILL)
        worker.join(120)
        assert first["response"].status_code == 503 and "retry-after" in first["response"].headers
        again = httpx.post(base + "/api/v1/annotate", json={"text": "It may help."}, timeout=60)
        assert again.status_code == 200


def test_a_worker_killed_between_texts_is_replaced_for_the_next_text(app_and_settings):
    """A pool broken while idle made every later text a 500 until restart; now the next text starts a fresh one."""
    import os
    import signal

    app, local = app_and_settings
    with running(app, local) as base:
        assert httpx.post(base + "/api/v1/annotate", json={"text": "It may help."}, timeout=60).status_code == 200
        broken = app.state.annotate_pool._executor
        for pid in list(broken._processes):
            os.kill(pid, signal.SIGKILL)
        wait_for(lambda: broken._broken, 30, "the pool to notice its dead worker")
        again = httpx.post(base + "/api/v1/annotate", json={"text": "It may help."}, timeout=60)
        assert again.status_code == 200 and again.json()["sentences"][0]["codes"] == ["speculative_language"]
        assert app.state.annotate_pool._executor is not broken


def test_a_text_over_its_cpu_budget_gets_422_and_the_worker_checks_the_next(app_and_settings):
    from rag.api import create_app

    app, local = app_and_settings
    local = local.model_copy(update={"annotate_cpu_seconds": 0.05})
    app = create_app(local, app.state.engine)
    with running(app, local) as base:
        costly = httpx.post(base + "/api/v1/annotate", json={"text": WORST}, timeout=120)
        assert costly.status_code == 422, costly.text
        assert "RAG_ANNOTATE_CPU_SECONDS" in str(costly.json()) and "text" in str(costly.json())
        quick = httpx.post(base + "/api/v1/annotate", json={"text": "It may help."}, timeout=60)
        assert quick.status_code == 200 and quick.json()["sentences"][0]["codes"] == ["speculative_language"]


def test_a_cache_that_cannot_be_pruned_never_fails_a_build_already_swapped_in(embedder, tmp_path, monkeypatch):
    """The disk fails under the cache after the new index went live: a warning, not a failed build (fault injected
    at SQLite's edge, since a real I/O error cannot be timed to land between the swap and the prune)."""
    import sqlite3

    from rag.embedding.cache import EmbeddingCache
    from rag.index import build_index

    def failing(self, keep_generations):
        raise sqlite3.OperationalError("disk I/O error")

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("Metformin may help people with multiple sclerosis, one small trial found.")
    monkeypatch.setattr(EmbeddingCache, "prune", failing)
    result = build_index(Settings(docs_dir=docs, index_dir=tmp_path / "index"), embedder)
    assert result.documents == 1 and (tmp_path / "index" / "current").exists()
    assert any("embedding cache not pruned (OperationalError: disk I/O error)" in w for w in result.warnings)


@pytest.mark.parametrize(
    "request_line",
    [
        b"POST /api/v1/documents%0A",
        b"DELETE /api/v1/documents/about_ldn%0A",
        b"GET /api/v1/feedback%0A",
        b"POST /api/v1/admin/reload%00",
    ],
)
def test_a_control_character_in_the_path_never_slips_past_the_admin_gate(app_and_settings, request_line):
    """Routes end in `$`, which matches before a final newline: "/api/v1/documents%0A" reached the upload route
    while the gate's exact match saw a path that was not an admin route."""
    app, local = app_and_settings
    with running(app, local) as base:
        reply = _raw(
            base, request_line + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        )
        status = reply.split(b"\r\n", 1)[0]
        assert status.startswith(b"HTTP/1.1 400"), reply[:300]
        assert b"control character" in reply
        assert httpx.get(base + "/api/v1/health", timeout=30).status_code == 200


def test_an_admin_token_longer_than_the_server_compares_is_refused_at_start():
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="RAG_ADMIN_TOKEN_MAX_BYTES"):
        Settings(admin_token="x" * 300)
    assert Settings(admin_token="x" * 300, admin_token_max_bytes=300).admin_token == "x" * 300
