"""`rag serve --ray` (rag/api/ray_serve.py) on the real local Ray cluster (conftest's `ray_cluster`): a sharded
seeds build in two shard groups of two replicas each behind one front, reached over Serve's HTTP proxy."""

from __future__ import annotations

import json
import os
import signal
import threading
import time

import httpx
import pytest

from tests.browser import ARGS, CHROMIUM, ask, require_chromium
from tests.servers import free_port, pids_running, wait_for

pytestmark = pytest.mark.ray
ISSUE_QUESTIONS = ["Can a bone marrow stem cell transplant help MS?",
                   "What did Smith et al. 2021 find about metformin in MS?"]
SHARDS_0 = "ServeReplica:rag:shards-0"


@pytest.fixture(scope="module")
def served(ray_cluster, settings, embedder, built, tmp_path_factory):
    from ray import serve

    from rag.api.ray_serve import deploy
    from rag.index import build_index, current_folder

    sharded = settings.model_copy(update={"index_dir": tmp_path_factory.mktemp("served"), "index_shards": 3,
                                          "embedding_cache": settings.index_dir / "embeddings.sqlite3",
                                          "host": "127.0.0.2"})
    build_index(sharded, embedder)
    try:
        url = deploy(sharded, current_folder(sharded.index_dir).resolve(), groups=2, replicas=2, cpus=0,
                     host="127.0.0.2", port=free_port("127.0.0.2"))
        yield url.rstrip("/")
    finally:
        serve.shutdown()


def _without_timings(answer: dict) -> dict:
    return {k: v for k, v in answer.items() if k != "timings_ms"}


def test_the_json_api_on_ray_serve_answers_exactly_as_one_process(served, engine, seeds_dev):
    from rag.api.schema import QueryResponse
    from rag.results import Question

    health = httpx.get(served + "/api/v1/health", timeout=30).json()
    assert (health["documents"], health["chunks"]) == (len(engine.index.documents), len(engine.index.chunks))
    with httpx.Client(timeout=60) as client:
        for question in [row["question"] for row in seeds_dev] + ISSUE_QUESTIONS:
            body = {"question": question, "top_k": 5}
            response = client.post(served + "/api/v1/query", json=body)
            assert response.status_code == 200, response.text
            expected = QueryResponse.of(engine.query(Question(question, top_k=5))).model_dump(mode="json")
            assert _without_timings(response.json()) == _without_timings(expected), question
        events = []
        with client.stream("POST", served + "/api/v1/query/stream", json={"question": ISSUE_QUESTIONS[1]}) as stream:
            events = [line.split(":", 1)[1].strip() for line in stream.iter_lines() if line.startswith("event:")]
        assert events == ["passages", "answer", "done"]
        bad = client.post(served + "/api/v1/query", json={"question": "   ", "top_k": 5})
        assert bad.status_code == 422 and "question" in bad.text


def test_the_web_chat_on_ray_serve_answers_with_sources_and_caveats(served):
    require_chromium()
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(served + "/")
            answer = ask(page, "Can I take low-dose naltrexone with opioid painkillers?")
            assert answer.get_by_test_id("citation").count() >= 1
            assert answer.get_by_test_id("passage").count() >= 1
            assert answer.get_by_test_id("caveat").count() >= 1
            assert errors == []
        finally:
            browser.close()


def _replacement_running(before: list[int]) -> bool:
    from ray import serve

    now = pids_running(SHARDS_0)
    states = serve.status().applications["rag"].deployments["shards-0"].replica_states
    return len(now) == 2 and bool(set(now) - set(before)) and states.get("RUNNING", 0) == 2


def test_a_shard_replica_killed_while_serving_costs_no_request_once_replaced(served):
    before = pids_running(SHARDS_0)
    assert len(before) == 2
    results: list[tuple[float, bool]] = []
    stop = threading.Event()

    def client() -> None:
        with httpx.Client(timeout=60) as http:
            while not stop.is_set():
                try:
                    ok = http.post(served + "/api/v1/query", json={"question": "Does metformin help MS?",
                                                                    "top_k": 3}).status_code == 200
                except httpx.HTTPError:
                    ok = False
                results.append((time.monotonic(), ok))

    thread = threading.Thread(target=client)
    thread.start()
    try:
        wait_for(lambda: len(results) >= 5, 60, "answers before the kill")
        os.kill(before[0], signal.SIGKILL)
        killed_at = time.monotonic()
        wait_for(lambda: _replacement_running(before), 180, "Serve to replace the killed shard replica")
        replaced_at, count = time.monotonic(), len(results)
        wait_for(lambda: len(results) >= count + 20, 120, "20 answers after the replacement")
    finally:
        stop.set()
        thread.join(timeout=60)
    between = [ok for at, ok in results if killed_at <= at < replaced_at]
    after = [ok for at, ok in results if at >= replaced_at]
    assert after and all(after)
    print(json.dumps({"requests_while_replacing": len(between), "failed_while_replacing": between.count(False),
                      "seconds_to_replace": round(replaced_at - killed_at, 1), "after": len(after)}))
