"""Helpers shared by the benchmark scripts: timing stats, machine facts, result files."""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"


def percentiles(samples_ms: list[float]) -> dict[str, float]:
    ordered = sorted(samples_ms)
    pick = lambda q: ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]
    return {"n": len(ordered), "p50": round(statistics.median(ordered), 3), "p95": round(pick(0.95), 3),
            "p99": round(pick(0.99), 3), "mean": round(statistics.fmean(ordered), 3)}


def timed(fn, *args, **kwargs) -> tuple[float, object]:
    started = time.perf_counter()
    value = fn(*args, **kwargs)
    return (time.perf_counter() - started) * 1000, value


def machine() -> dict[str, str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(next(x for x in Path("/proc/meminfo").read_text().splitlines() if x.startswith("MemTotal")).split()[1])
        memory = f"{kb / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration):
        pass
    from importlib.metadata import version

    return {"cpu": cpu, "cores": str(os.cpu_count()), "memory": memory, "python": platform.python_version(),
            "torch": version("torch"), "onnxruntime": version("onnxruntime"), "os": platform.platform()}


def save(name: str, command: str, data: dict) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    payload = {"name": name, "command": command, "date": datetime.now(UTC).isoformat(timespec="seconds"),
               "machine": machine(), **data}
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(payload, indent=2))
    print(f"wrote {path}", file=sys.stderr)
    return path


def start_server(env: dict[str, str]):
    """`rag serve` on a free loopback port in a child process; returns (process, base URL) at once."""
    import subprocess

    from tests.servers import free_port

    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "rag.cli", "serve", "--port", str(port)], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return process, f"http://127.0.0.1:{port}"


def stop_server(process, *folders: Path) -> None:
    """Stop a server from `start_server` and remove the folders it worked in."""
    import shutil

    process.terminate()
    process.wait(timeout=30)
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)


def wait_until(ready, process, timeout: float = 300.0, interval: float = 0.05) -> None:
    """Poll `ready()` until it is true; fail if the process dies or the deadline passes."""
    import httpx

    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        try:
            if ready():
                return
        except httpx.HTTPError:
            pass
        if process.poll() is not None:
            raise RuntimeError("server died")
        time.sleep(interval)
    raise RuntimeError("server did not become ready")


class Clients:
    """`count` HTTP clients asking `questions` in turn until `stop` (perf_counter time); loopback only."""

    def __init__(self, base: str, questions: list[str], count: int, stop: float) -> None:
        import threading

        self.samples: list[float] = []
        self.failures: list[str] = []
        self.threads = [threading.Thread(target=self._run, args=(base, questions, n, stop)) for n in range(count)]

    def _run(self, base: str, questions: list[str], offset: int, stop: float) -> None:
        import httpx

        with httpx.Client(base_url=base, timeout=60) as http:
            i = offset
            while time.perf_counter() < stop:
                ms, response = timed(http.post, "/api/v1/query", json={"question": questions[i % len(questions)]})
                self.samples.append(ms)
                if response.status_code != 200:
                    self.failures.append(f"{response.status_code}: {response.text[:120]}")
                i += 1

    def start(self) -> Clients:
        for thread in self.threads:
            thread.start()
        return self

    def join(self) -> Clients:
        for thread in self.threads:
            thread.join()
        return self
