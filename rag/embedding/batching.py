"""Micro-batching: questions that arrive while the encoder is busy are encoded together, as one batch.

Sixteen clients then cost a few batched forward passes instead of sixteen single ones queued behind each other.
One worker thread owns the query encoder; a lone question is encoded at once (no added wait unless configured).
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable

import numpy as np


class _Pending:
    __slots__ = ("done", "error", "text", "vector")

    def __init__(self, text: str) -> None:
        self.text = text
        self.done = threading.Event()
        self.vector: np.ndarray | None = None
        self.error: BaseException | None = None


class MicroBatcher:
    def __init__(self, encode: Callable[[list[str]], np.ndarray], max_batch: int, wait_seconds: float = 0.0) -> None:
        self._encode = encode
        self.max_batch = max(1, max_batch)
        self.wait_seconds = max(0.0, wait_seconds)
        self._queue: queue.SimpleQueue[_Pending] = queue.SimpleQueue()
        self._worker: threading.Thread | None = None
        self._start = threading.Lock()
        self.sizes: list[int] = []  # batch sizes seen, for benchmarks and tests (bounded below)

    def encode(self, text: str) -> np.ndarray:
        """This question's vector; blocks until the batch it joined is encoded."""
        pending = _Pending(text)
        self._ensure_worker()
        self._queue.put(pending)
        pending.done.wait()
        if pending.error is not None:
            raise pending.error
        assert pending.vector is not None
        return pending.vector

    def _ensure_worker(self) -> None:
        if self._worker is None:
            with self._start:
                if self._worker is None:
                    self._worker = threading.Thread(target=self._run, name="query-encoder", daemon=True)
                    self._worker.start()

    def _collect(self) -> list[_Pending]:
        batch = [self._queue.get()]
        deadline = time.monotonic() + self.wait_seconds
        while len(batch) < self.max_batch:
            try:
                batch.append(self._queue.get_nowait())
                continue
            except queue.Empty:
                pass
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            try:
                batch.append(self._queue.get(timeout=remaining))
            except queue.Empty:
                break
        return batch

    def _run(self) -> None:
        while True:
            batch = self._collect()
            texts = list(dict.fromkeys(p.text for p in batch))  # the same question twice is encoded once
            try:
                vectors = self._encode(texts)
                by_text = {t: np.array(v, dtype=np.float32) for t, v in zip(texts, vectors)}
                for pending in batch:
                    pending.vector = by_text[pending.text]
            except BaseException as exc:  # every waiter hears about the failure; the worker lives on
                for pending in batch:
                    pending.error = exc
            finally:
                self.sizes.append(len(texts))
                del self.sizes[:-1000]
                for pending in batch:
                    pending.done.set()
