"""Real HTTP servers for tests: uvicorn on a free loopback port, in a background thread, served exactly as
`rag serve` serves (`rag.api.server.server_config`); and one way to wait for a condition with a deadline."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import httpx
import uvicorn


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def wait_for(condition: Callable[[], bool], timeout: float, what: str, interval: float = 0.05) -> None:
    """Poll `condition` until it holds; fail the test with `what` when `timeout` seconds pass first."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if condition():
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


def pids_running(marker: str) -> list[int]:
    """Processes whose command line holds `marker` (Ray names its worker processes after their actor class)."""
    pids = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                if marker in (proc / "cmdline").read_bytes().decode(errors="replace"):
                    pids.append(int(proc.name))
            except OSError:
                continue
    return pids


@contextmanager
def running(app, settings=None):
    """Serve `app` until the block ends; yields its base URL."""
    from rag.api.server import server_config
    from rag.settings import Settings

    port = free_port()
    server = uvicorn.Server(server_config(app, settings or Settings(), "127.0.0.1", port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    wait_for(lambda: httpx.get(base + "/api/v1/health", timeout=2).status_code == 200, 60, "the server to answer "
                                                                                           "/health")
    try:
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=10)
