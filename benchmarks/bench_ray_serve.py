"""Serving a sharded build: one process (`rag serve`) vs Ray Serve (`rag serve --ray`), and a shard replica killed.

Usage: .venv/bin/python -m benchmarks.bench_ray_serve [COUNT]   (default 2,000 liveqa-med documents, 4 shards)

One sharded build of the first COUNT liveqa-med documents (vectors from the eval embedding cache when present),
served twice on this machine: by `rag serve` in a child process, and on a local Ray cluster of two one-CPU nodes
on 127.0.0.2 as two shard groups × two replicas plus one front (replicas reserve no CPU: the two cores are
shared). Each is asked liveqa-med's questions one at a time over HTTP (the same questions, the same order); then,
on Ray, two clients keep asking while one replica of shard group 0 is SIGKILLed, and the failed requests are
counted until Serve has replaced it and after.
"""

from __future__ import annotations

import os
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path

from benchmarks.common import ROOT, percentiles, save, start_server, timed, wait_until
from rag.embedding import Embedder
from rag.evaluate import corpus_documents, load_dataset
from rag.index import build_index, current_folder
from rag.settings import Settings
from tests.servers import free_port, pids_running

LIVEQA = ROOT.parent / "shared" / "benchmarks" / "liveqa-med"
SHARDS_0 = "ServeReplica:rag:shards-0"


def sequential(base: str, questions: list[str]) -> dict:
    import httpx

    samples, failed = [], 0
    with httpx.Client(base_url=base, timeout=60) as http:
        for question in questions[:5]:  # warm both paths alike
            http.post("/api/v1/query", json={"question": question})
        for question in questions:
            ms, response = timed(http.post, "/api/v1/query", json={"question": question})
            samples.append(ms)
            failed += response.status_code != 200
    return {**percentiles(samples), "requests": len(samples), "failed": failed}


def kill_a_replica(base: str, questions: list[str]) -> dict:
    """Two clients asking; one shard replica SIGKILLed; failures counted until Serve replaced it, and after."""
    import httpx
    from ray import serve

    log: list[tuple[float, bool]] = []
    stop = threading.Event()

    def client(offset: int) -> None:
        with httpx.Client(base_url=base, timeout=60) as http:
            i = offset
            while not stop.is_set():
                try:
                    ok = http.post("/api/v1/query", json={"question": questions[i % len(questions)]}).status_code == 200
                except httpx.HTTPError:
                    ok = False
                log.append((time.monotonic(), ok))
                i += 1

    def replaced(before: list[int]) -> bool:
        now = pids_running(SHARDS_0)
        running = serve.status().applications["rag"].deployments["shards-0"].replica_states.get("RUNNING", 0)
        return len(now) == 2 and bool(set(now) - set(before)) and running == 2

    threads = [threading.Thread(target=client, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    time.sleep(5)  # a steady state to kill into (a benchmark, not a test: the wait is part of what is measured)
    before = pids_running(SHARDS_0)
    os.kill(before[0], signal.SIGKILL)
    killed = time.monotonic()
    while not replaced(before) and time.monotonic() - killed < 300:
        time.sleep(0.1)
    up = time.monotonic()
    time.sleep(10)
    stop.set()
    for thread in threads:
        thread.join()
    during = [ok for at, ok in log if killed <= at < up]
    after = [ok for at, ok in log if at >= up]
    return {"seconds_to_replace": round(up - killed, 1), "requests_while_replacing": len(during),
            "failed_while_replacing": during.count(False), "requests_after": len(after),
            "failed_after": after.count(False)}


def main(count: int) -> None:
    from ray import serve

    from rag.api.ray_serve import deploy
    from rag.index.ray_build import two_node_cluster

    dataset = load_dataset(LIVEQA)
    documents = corpus_documents(dataset)[:count]
    questions = list(dataset.queries.values())
    work = Path(tempfile.mkdtemp(prefix="rag-bench-serve-"))
    cache = ROOT / "index" / "eval" / "embeddings.sqlite3"
    settings = Settings(index_dir=work / "index", index_shards=4, watch_seconds=0,
                        embedding_cache=cache if cache.exists() else work / "cache.sqlite3")
    result = build_index(settings, Embedder(settings), documents=documents)
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "RAG_INDEX_DIR": str(settings.index_dir), "RAG_INDEX_SHARDS": "4",
           "RAG_WATCH_SECONDS": "0", "RAG_EMBEDDING_CACHE": str(settings.embedding_cache)}
    process, base = start_server(env)
    try:
        import httpx

        wait_until(lambda: httpx.get(base + "/api/v1/health", timeout=2).status_code == 200, process)
        one_process = sequential(base, questions)
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=60)
    print({"one process": one_process}, flush=True)

    with two_node_cluster():
        try:
            started = time.perf_counter()
            folder = current_folder(settings.index_dir).resolve()
            url = deploy(settings.model_copy(update={"host": "127.0.0.2"}), folder, groups=2, replicas=2, cpus=0,
                         host="127.0.0.2", port=free_port("127.0.0.2")).rstrip("/")
            deploy_s = time.perf_counter() - started
            on_ray = sequential(url, questions)
            print({"ray serve": on_ray}, flush=True)
            failure = kill_a_replica(url, questions)
            print(failure, flush=True)
        finally:
            serve.shutdown()
    save("ray-serve", f".venv/bin/python -m benchmarks.bench_ray_serve {count}",
         {"documents": result.documents, "chunks": result.chunks, "shards": 4, "shard_groups": 2, "replicas": 2,
          "questions": len(questions), "one_process": one_process, "ray_serve": on_ray,
          "ratio_p50": round(on_ray["p50"] / one_process["p50"], 2), "deploy_s": round(deploy_s, 1),
          "replica_killed": failure})


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
