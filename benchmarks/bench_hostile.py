"""Hostile texts through POST /api/v1/annotate (issue 23, H1): each worst input at the 200,000-character limit, one at
a time, then `GET /api/v1/health` latency while 8 of them are in flight at once.

Usage: .venv/bin/python -m benchmarks.bench_hostile [chars=200000] [parallel=8]
Serves the seeds from a temporary folder through `rag serve` in a child process (loopback only). The annotate
seconds are wall-clock per request, as a client sees them; the worker processes are started (and warmed) by one
small text first, as a running server's would be.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

from benchmarks.common import ROOT, percentiles, save, start_server, stop_server, wait_until


def _fill(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def worst_inputs(size: int) -> dict[str, str]:
    """The texts that made a pass quadratic before, and the shapes the issue names."""
    return {
        "repeated cue word ('may ')": _fill("may ", size),
        "every kind of cue, repeated": _fill("may help possibly side effects randomized mice Smith et al. 2020 no "
                                             "difference ", size),
        "one unbroken sentence": _fill("word ", size),
        "one unbroken word": _fill("x", size),
        "nested brackets": "(" * (size // 2) + ")" * (size - size // 2),
        "100k tiny sentences ('A. ')": _fill("A. ", size),
        "unclosed bold ('**a ')": _fill("**a ", size),
        "hyphenated capitals ('A-')": _fill("A-", size),
        "a number without end ('1,')": _fill("1,", size),
        "abbreviations ('et al. ')": _fill("et al. ", size),
        "dots": _fill(".", size),
        "distinct short lines": "".join(f"may {i}\n" for i in range(size // 6))[:size],
        "links": _fill("http://a.b/" + "x" * 50 + " ", size),
        "distinct links": "".join(f"http://a.b/{i} " for i in range(size // 12))[:size],
        "a citation, then spaces": ("Smith et al." + " " * size)[:size - 1] + "x",
        "a run of whitespace": ("may" + " \t" * (size // 2))[:size],
        "people over years ('patients with between 2001 and ')": _fill("patients with between 2001 and ", size),
        "institutions named as studies ('a 2023 Harvard Yale ')": _fill("a 2023 Harvard Yale ", size),
        "lab words ('in a ')": _fill("in a ", size),
    }


def main(size: int, parallel: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="rag-hostile-"))
    docs, index = work / "docs", work / "index"
    shutil.copytree(ROOT / "seeds", docs)
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "RAG_DOCS_DIR": str(docs), "RAG_INDEX_DIR": str(index),
           "RAG_ANNOTATE_QUEUE": str(parallel)}
    subprocess.run([sys.executable, "-m", "rag.cli", "index"], cwd=ROOT, env=env, check=True, capture_output=True)
    server, base = start_server(env)
    try:
        wait_until(lambda: httpx.get(base + "/api/v1/health", timeout=2).status_code == 200, server)
        with httpx.Client(base_url=base, timeout=600) as client:
            for _ in range(2):  # both workers started and warm
                client.post("/api/v1/annotate", json={"text": "It may help."}).raise_for_status()
            texts = worst_inputs(size)
            single: dict[str, dict] = {}
            for name, text in texts.items():
                started = time.perf_counter()
                response = client.post("/api/v1/annotate", json={"text": text})
                seconds = time.perf_counter() - started
                single[name] = {
                    "seconds": round(seconds, 2),
                    "status": response.status_code,
                    "sentences": len(response.json().get("sentences", [])) if response.status_code == 200 else None,
                }
                print(f"{name:40s} {seconds:6.2f} s  {response.status_code}", flush=True)

            # Health while `parallel` of the slowest texts are checked at once.
            slowest = sorted(single, key=lambda n: single[n]["seconds"], reverse=True)[:parallel]
            load = [texts[slowest[i % len(slowest)]] for i in range(parallel)]
            statuses: list[int] = []
            done = threading.Event()

            def send(text: str) -> None:
                with httpx.Client(base_url=base, timeout=600) as own:
                    statuses.append(own.post("/api/v1/annotate", json={"text": text}).status_code)

            senders = [threading.Thread(target=send, args=(text,)) for text in load]
            began = time.perf_counter()
            for sender in senders:
                sender.start()
            watcher = threading.Thread(target=lambda: ([s.join() for s in senders], done.set()))
            watcher.start()
            health_ms: list[float] = []
            health_failures = 0
            while not done.is_set():
                started = time.perf_counter()
                ok = client.get("/api/v1/health").status_code == 200
                health_ms.append((time.perf_counter() - started) * 1000)
                health_failures += not ok
                time.sleep(0.02)
            watcher.join()
            under_load = {
                "parallel": parallel,
                "texts": [slowest[i % len(slowest)] for i in range(parallel)],
                "all_done_s": round(time.perf_counter() - began, 1),
                "annotate_statuses": sorted(statuses),
                "health_ms": percentiles(health_ms),
                "health_max_ms": round(max(health_ms), 1),
                "health_failures": health_failures,
            }
        result = {"chars": size, "single": single, "under_load": under_load}
        save("hostile-input", f".venv/bin/python -m benchmarks.bench_hostile {size} {parallel}", result)
        print(json.dumps(under_load, indent=2))
    finally:
        stop_server(server, work)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200_000, int(sys.argv[2]) if len(sys.argv) > 2 else 8)
