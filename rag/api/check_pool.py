"""Checking a text runs in worker processes, a bounded number at a time, so no text can hold the server.

Annotating is CPU-bound Python: in the server's threads it held the interpreter lock, and 40 parallel requests
kept `GET /api/v1/health` waiting for minutes. Here each text goes to one of `annotate_workers` processes
(started on first use, at a lower CPU priority than the server); at most `annotate_queue` more wait for one, and
a request beyond that is refused at once (429 with Retry-After) instead of queueing without end. Each text has
a CPU budget (`annotate_cpu_seconds`) timed by the kernel (ITIMER_PROF): a text that overruns it is refused with
422, whatever pass it is in, since the signal interrupts regular expressions too.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from rag.settings import Settings


class PoolFull(RuntimeError):
    """Every worker is busy and the queue is full; the message says how many texts are in hand."""


class WorkerLost(RuntimeError):
    """The worker process died while checking the text; the pool is replaced for the next one."""


class TextTooCostly(ValueError):
    """The text used up its CPU budget; a ValueError, so the route answers 422 for the field `text`."""


# In each worker process: one TextChecker, built once by the initializer, and whether a text is being checked.
_checker = None
_cpu_budget: float = 0.0
_checking = False
PARENT_POLL_SECONDS = 1.0


def _over_budget(*_: object) -> None:
    """SIGPROF: the text's CPU time ran out. One delivered just after the text ended is ignored."""
    if _checking:
        raise TextTooCostly(f"took more than {_cpu_budget:g} s of CPU to check (RAG_ANNOTATE_CPU_SECONDS)")


def _start_worker(settings: dict, niceness: int) -> None:
    global _checker, _cpu_budget
    from rag.check_text import TextChecker

    if niceness:
        os.nice(niceness)
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()
    signal.signal(signal.SIGPROF, _over_budget)
    loaded = Settings(**settings)
    _checker, _cpu_budget = TextChecker(loaded), loaded.annotate_cpu_seconds
    # Compile every rule's patterns now (0.07 s of CPU on first use): a one-time cost of the worker, not of the first
    # text, which would otherwise be refused for a budget it never used (and again, if compiling was interrupted).
    _checker.check("It may help. No side effects were seen in 12 patients (Smith et al., 2020).", "warm-up")


def _exit_with_parent(parent: int) -> None:
    """A worker whose server is gone (killed, or stopped mid-text) stops too, instead of checking queued texts
    for no one."""
    while os.getppid() == parent:
        time.sleep(PARENT_POLL_SECONDS)
    os._exit(0)


def _check_json(text: str, text_id: str) -> bytes:
    """The API's JSON for one text; a ValueError ("is empty after cleaning", TextTooCostly) crosses back as itself."""
    global _checking
    from rag.api.schema import AnnotateResponse

    assert _checker is not None, "the worker's initializer makes it"
    _checking = True
    signal.setitimer(signal.ITIMER_PROF, _cpu_budget)
    try:
        return AnnotateResponse.of(_checker.check(text, text_id)).model_dump_json().encode()
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        _checking = False


class CheckPool:
    """Admission (workers + queue at most) in front of a process pool created on the first text."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.capacity = settings.annotate_workers + settings.annotate_queue
        self._admitted = 0
        self._lock = threading.Lock()
        self._executor: ProcessPoolExecutor | None = None

    @property
    def in_hand(self) -> int:
        """Texts being checked or waiting for a worker (the metrics' queue depth)."""
        return self._admitted

    def _pool(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._executor is None:
                # spawn: forking a server that holds threads (uvicorn, ONNX Runtime) can copy a held lock
                self._executor = ProcessPoolExecutor(
                    self.settings.annotate_workers, mp_context=multiprocessing.get_context("spawn"),
                    initializer=_start_worker,
                    initargs=(self.settings.model_dump(mode="json"), self.settings.annotate_niceness))
            return self._executor

    def _admit(self) -> None:
        with self._lock:
            if self._admitted >= self.capacity:
                raise PoolFull(f"text: {self._admitted} texts are being checked or waiting, the most this server takes "
                               f"(RAG_ANNOTATE_WORKERS + RAG_ANNOTATE_QUEUE); try again shortly")
            self._admitted += 1

    def _release(self, _: Future | None = None) -> None:
        with self._lock:
            self._admitted -= 1

    async def check_json(self, text: str, text_id: str) -> bytes:
        """The response body for one text; raises PoolFull at once when the server has its fill of texts.

        The slot frees when the worker finishes, not when the request ends: a client that hangs up does not
        let another text in while its own is still being checked.
        """
        self._admit()
        try:
            future = self._submit(text, text_id)
        except BaseException:
            self._release()
            raise
        future.add_done_callback(self._release)
        executor = self._executor
        try:
            return await asyncio.wrap_future(future)
        except BrokenProcessPool:
            self._discard(executor)  # a worker died (killed, out of memory): the next text gets a fresh pool
            raise WorkerLost("text: the worker checking it stopped (killed or out of memory); try again") from None

    def _submit(self, text: str, text_id: str) -> Future:
        """Submit to the pool; a pool broken while idle (a worker killed between texts) is replaced once."""
        executor = self._pool()
        try:
            return executor.submit(_check_json, text, text_id)
        except BrokenProcessPool:
            self._discard(executor)
            return self._pool().submit(_check_json, text, text_id)

    def _discard(self, executor: ProcessPoolExecutor | None) -> None:
        """Forget a broken pool, unless another request has already replaced it."""
        with self._lock:
            if self._executor is executor:
                self._executor = None

    def close(self) -> None:
        """Stop the workers now, texts in hand or not: the server is going, and no one will read the answers."""
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            processes = list((getattr(executor, "_processes", None) or {}).values())  # no public way before 3.14
            executor.shutdown(wait=False, cancel_futures=True)
            for process in processes:
                process.terminate()
