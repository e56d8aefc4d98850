"""Load run: 16 concurrent clients for 30 s, with a rebuild + hot swap in the middle; zero failures expected.

Usage: .venv/bin/python -m benchmarks.load_swap [clients=16] [seconds=30]
Serves a copy of the seeds from a temporary folder (loopback only), adds a document half-way, runs
`rag index` in a second process, and lets the server's index watcher swap the new build in. Samples
the server's resident memory once a second.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from benchmarks.common import ROOT, Clients, percentiles, save, start_server, stop_server, wait_until

QUESTIONS = ["Does metformin help MS?", "Can I take LDN with opioids?", "How are UC-MSCs sourced?",
             "What challenges face gene therapy for depression?", "What do OPCs do in remyelination?",
             "vitamin D relapses cohort", "what about side effects?"]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS"):
            return int(line.split()[1]) / 1024
    return 0.0


def main(clients: int, seconds: float) -> None:
    work = Path(tempfile.mkdtemp(prefix="rag-load-"))
    docs, index = work / "docs", work / "index"
    shutil.copytree(ROOT / "seeds", docs)
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "RAG_DOCS_DIR": str(docs), "RAG_INDEX_DIR": str(index),
           "RAG_WATCH_SECONDS": "1", "RAG_QUERY_CACHE_SIZE": "0"}
    subprocess.run([sys.executable, "-m", "rag.cli", "index"], cwd=ROOT, env=env, check=True, capture_output=True)
    server, base = start_server(env)
    try:
        wait_until(lambda: httpx.get(base + "/api/v1/health", timeout=2).status_code == 200, server)
        before = httpx.get(base + "/api/v1/health").json()
        memory: list[tuple[float, float]] = []
        start = time.perf_counter()
        stop = start + seconds
        load = Clients(base, QUESTIONS, clients, stop).start()
        rebuild = {}
        while time.perf_counter() < stop:
            elapsed = time.perf_counter() - start
            memory.append((round(elapsed, 1), round(rss_mb(server.pid), 1)))
            if not rebuild and elapsed > seconds / 3:
                (docs / "010_vitamin_d.md").write_text("# Vitamin D and MS\n\nIn a prospective cohort of 1,200 people, "
                                                       "low vitamin D levels were linked to more relapses.\n")
                began = time.perf_counter()
                subprocess.run(
                    [sys.executable, "-m", "rag.cli", "index"], cwd=ROOT, env=env, check=True, capture_output=True
                )
                rebuild = {"at_s": round(elapsed, 1), "rebuild_s": round(time.perf_counter() - began, 1)}
            time.sleep(1)
        load.join()
        samples, failures = load.samples, load.failures
        after = httpx.get(base + "/api/v1/health").json()
        result = {
            "clients": clients,
            "seconds": seconds,
            "requests": len(samples),
            "failures": len(failures),
            "failure_examples": failures[:5],
            "latency_ms": percentiles(samples),
            "requests_per_s": round(len(samples) / seconds, 1),
            "rebuild": rebuild,
            "documents_before": before["documents"],
            "documents_after": after["documents"],
            "rss_mb_first_last_max": [memory[0][1], memory[-1][1], max(m for _, m in memory)],
            "rss_mb_timeline": memory,
        }
        save("load-swap", f".venv/bin/python -m benchmarks.load_swap {clients} {int(seconds)}", result)
        print(json.dumps({k: v for k, v in result.items() if k != "rss_mb_timeline"}, indent=2))
    finally:
        stop_server(server, work)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 16, float(sys.argv[2]) if len(sys.argv) > 2 else 30)
