"""Index lifecycle under use: hot swap while serving, guarded reload, kill -9 mid-build, damaged builds."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading

import httpx
import pytest

from rag.api import create_app
from rag.engine import Engine
from rag.index import IndexUnavailable, build_index, current_folder, load_index
from tests.conftest import ROOT
from tests.servers import running, wait_for


def _local(settings, docs, index, **extra):
    return settings.model_copy(update={"docs_dir": docs, "index_dir": index, **extra})


def test_rebuild_is_swapped_in_while_serving_without_failed_requests(settings, embedder, docs_copy, tmp_path):
    local = _local(settings, docs_copy, tmp_path / "idx", watch_seconds=0.3)
    build_index(local, embedder)
    failures: list[str] = []
    answered = [0]
    done = threading.Event()
    with running(create_app(local, Engine(local, embedder))) as base:
        def hammer() -> None:
            with httpx.Client(base_url=base, timeout=30) as client:
                while not done.is_set():
                    response = client.post("/api/v1/query", json={"question": "Does metformin help MS?"})
                    if response.status_code != 200:
                        failures.append(f"{response.status_code} {response.text[:200]}")
                    answered[0] += 1
        workers = [threading.Thread(target=hammer) for _ in range(4)]
        for worker in workers:
            worker.start()
        before = httpx.get(base + "/api/v1/health").json()
        (docs_copy / "006_vitamin_d.md").write_text(
            "# Vitamin D and MS\n\nIn a prospective cohort of 1,200 people, low vitamin D levels were linked to more "
            "relapses.\n")
        build_index(local, embedder)
        wait_for(lambda: httpx.get(base + "/api/v1/health").json()["documents"] != before["documents"], 20,
                 "the watcher to swap in the new build")
        settled = answered[0] + 20  # 20 more answers from the new index
        wait_for(lambda: answered[0] >= settled, 20, "20 answers from the new index")
        done.set()
        for worker in workers:
            worker.join()
        after = httpx.get(base + "/api/v1/health").json()
        found = httpx.post(base + "/api/v1/query", json={"question": "vitamin D relapses cohort"}).json()
    assert failures == []
    assert after["documents"] == before["documents"] + 1
    assert found["passages"][0]["source"]["doc_id"] == "006_vitamin_d"


def test_admin_reload_needs_the_configured_token(settings, engine, tmp_path):
    local = settings.model_copy(update={"admin_token": "s3cret", "watch_seconds": 0})
    with running(create_app(local, engine)) as base:
        assert httpx.post(base + "/api/v1/admin/reload").status_code == 401
        assert httpx.post(base + "/api/v1/admin/reload", headers={"x-admin-token": "wrong"}).status_code == 401
        ok = httpx.post(base + "/api/v1/admin/reload", headers={"x-admin-token": "s3cret"})
        assert ok.status_code == 200 and ok.json()["status"] == "reloaded"


def test_damaged_new_build_leaves_the_old_one_serving(settings, embedder, docs_copy, tmp_path):
    local = _local(settings, docs_copy, tmp_path / "idx")
    build_index(local, embedder)
    engine = Engine(local, embedder)
    old = engine.index.folder
    (docs_copy / "007_new.txt").write_text("Omega-3 supplements were studied in a small pilot study of 20 patients "
                                           "with MS.")
    new = build_index(local, embedder).folder
    (new / "vectors.npy").write_bytes((new / "vectors.npy").read_bytes()[:500])
    with pytest.raises(IndexUnavailable, match="damaged"):
        engine.reload_if_changed()
    assert engine.index.folder == old
    assert engine.reload_if_changed() is False  # the damaged build is not retried every poll


def _many_documents(folder, count: int) -> None:
    rng = random.Random(7)
    seeds = [p.read_text() for p in sorted(folder.glob("*.txt"))]
    for i in range(count):
        paragraphs = rng.choice(seeds).split("\n")
        rng.shuffle(paragraphs)
        (folder / f"bulk_{i:03d}.txt").write_text(f"Bulk document {i}\n\n" + "\n".join(paragraphs))


def test_kill_9_during_index_leaves_previous_index_and_next_build_succeeds(settings, embedder, docs_copy, tmp_path):
    local = _local(settings, docs_copy, tmp_path / "idx")
    first = build_index(local, embedder)
    _many_documents(docs_copy, 40)
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    command = [sys.executable, "-m", "rag.cli", "index", "--docs", str(docs_copy), "--index", str(local.index_dir)]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    cache = local.index_dir / "embeddings.sqlite3"
    start_rows = sqlite3.connect(cache).execute("SELECT COUNT(*) FROM vectors").fetchone()[0]
    wait_for(lambda: sqlite3.connect(cache).execute("SELECT COUNT(*) FROM vectors").fetchone()[0] > start_rows,
             120, "the build to be mid-way through embedding", interval=0.2)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    survivor = load_index(local)
    assert survivor.folder == first.folder and len(survivor.documents) == 5
    rebuilt = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "indexed 45 documents" in rebuilt.stdout
    index = load_index(local)
    assert len(index.documents) == 45 and current_folder(local.index_dir).resolve() != first.folder
    assert not list((local.index_dir / "builds").glob("tmp-*"))
