"""PDF and Word files are read in a child process under a memory cap and a deadline.

pdfium and lxml inflate streams and build trees in native memory before any count of ours can see a size (a 1 MB
PDF whose content stream inflates to 1 GB costs 2 GB inside pdfium's page loader), and a damaged file can crash a
native library. Only the operating system can bound that: the child runs under RLIMIT_AS, a child that dies or
overruns its deadline is killed and the file refused, and the server shares neither its memory nor its crashes.
Children are kept for the next file (starting one costs about 0.4 s); at most `reader_processes` read at once.
Replies are JSON, never pickle: a child that a hostile file took over must not run code in the server.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import resource
import select
import signal
import struct
import subprocess
import sys
import threading
import time
from dataclasses import asdict
from pathlib import Path
from typing import IO

from rag.ingest.readers import Extracted, ReadLimits, TooLong, Unreadable, failure

_LENGTH = struct.Struct(">Q")
_ROOT = Path(__file__).resolve().parents[2]  # the folder `rag` is in: the child imports this very code
_CHUNK = 1 << 20
_OUT_OF_MEMORY = {-signal.SIGABRT, -signal.SIGKILL}  # how pdfium and the kernel end a process out of memory


class _Overdue(Exception):
    pass


def _frame(header: dict, payload: bytes = b"") -> bytes:
    head = json.dumps(header).encode()
    return _LENGTH.pack(len(head)) + head + _LENGTH.pack(len(payload)) + payload


def _memory_refusal(limits: ReadLimits) -> TooLong:
    return TooLong(f"needs more than {limits.memory_bytes // 1_048_576:,} MB of memory to read "
                   "(RAG_READER_MEMORY_BYTES): a stream or part that inflates far beyond the file's size?")


class _Worker:
    """One reader process and its two pipes: a request frame in, a reply frame out."""

    def __init__(self) -> None:
        path = os.pathsep.join(p for p in (str(_ROOT), os.environ.get("PYTHONPATH", "")) if p)
        self.process = subprocess.Popen([sys.executable, "-m", "rag.ingest.sandbox"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, cwd=_ROOT, env={**os.environ, "PYTHONPATH": path})

    def alive(self) -> bool:
        return self.process.poll() is None

    def read(self, suffix: str, data: bytes, limits: ReadLimits) -> dict:
        """The child's reply to one file; a child that dies or overruns is killed, and the file refused."""
        deadline = time.monotonic() + limits.timeout_seconds
        try:
            assert self.process.stdin is not None
            self.process.stdin.write(_frame({"suffix": suffix, "limits": asdict(limits)}, data))
            self.process.stdin.flush()
            head = self._exactly(_LENGTH.size, deadline)
            body = self._exactly(_LENGTH.unpack(head)[0], deadline) if head else None
            tail = self._exactly(_LENGTH.size, deadline) if body is not None else None
        except _Overdue:
            self.close(kill=True)
            raise TooLong(f"took longer than {limits.timeout_seconds:g} s to read "
                          "(RAG_READER_TIMEOUT_SECONDS)") from None
        except BrokenPipeError:
            tail = None
        if tail is None:
            code = self.process.wait()
            if code in _OUT_OF_MEMORY:
                raise _memory_refusal(limits)
            raise Unreadable(f"stopped its reader (exit status {code}): a damaged file?")
        assert body is not None  # read whole, since the reader wrote its tail
        return json.loads(body)

    def _exactly(self, size: int, deadline: float) -> bytes | None:
        """`size` bytes of the reply, or None when the child closed its end first."""
        assert self.process.stdout is not None
        fd, chunks, left = self.process.stdout.fileno(), [], size
        while left:
            wait = deadline - time.monotonic()
            if wait <= 0 or not select.select([fd], [], [], wait)[0]:
                raise _Overdue
            chunk = os.read(fd, min(left, _CHUNK))
            if not chunk:
                return None
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)

    def close(self, kill: bool = False) -> None:
        if kill:
            self.process.kill()
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


_idle: list[_Worker] = []
_guard = threading.Lock()
_slots: dict[int, threading.Semaphore] = {}


def read_isolated(suffix: str, data: bytes, limits: ReadLimits) -> Extracted:
    """Read a PDF or Word file in a reader process; raises TooLong or Unreadable with the reason."""
    with _guard:
        slots = _slots.setdefault(limits.processes, threading.Semaphore(limits.processes))
    with slots:
        with _guard:
            while _idle and not _idle[-1].alive():
                _idle.pop().close()
            worker = _idle.pop() if _idle else None
        worker = worker or _Worker()
        try:
            reply = worker.read(suffix, data, limits)
        except BaseException:
            worker.close(kill=True)
            raise
        with _guard:
            if reply.get("retire") or len(_idle) >= limits.processes:
                worker.close()
            else:
                _idle.append(worker)
    if "error" in reply:
        raise (TooLong if reply["error"] == "TooLong" else Unreadable)(reply["message"])
    return Extracted(pages=list(reply["pages"]), title=reply["title"], paged=bool(reply["paged"]))


@atexit.register
def _close_idle() -> None:
    with _guard:
        while _idle:
            _idle.pop().close(kill=True)


# The child's side.

def _read_frame(stream: IO[bytes]) -> tuple[dict, bytes] | None:
    head = stream.read(_LENGTH.size)
    if len(head) < _LENGTH.size:
        return None
    header = json.loads(stream.read(_LENGTH.unpack(head)[0]))
    payload = stream.read(_LENGTH.unpack(stream.read(_LENGTH.size))[0])
    return header, payload


def _resident_bytes() -> int:
    try:
        return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _read_here(suffix: str, data: bytes, limits: ReadLimits) -> dict:
    from rag.ingest.docx import read_docx
    from rag.ingest.pdf import read_pdf

    try:
        return asdict({".pdf": read_pdf, ".docx": read_docx}[suffix](data, limits))
    except (TooLong, Unreadable) as exc:
        return {"error": type(exc).__name__, "message": str(exc)}
    except MemoryError:
        return {"error": "TooLong", "message": str(_memory_refusal(limits)), "retire": True}
    except Exception as exc:  # whatever a hostile file makes a library raise is that file's problem
        return {"error": "Unreadable", "message": str(failure(exc))}


def serve() -> None:
    """Answer requests on stdin until it closes, one reply frame each on the original stdout."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's to handle; stdin closing ends this
    replies = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # what a library prints goes to stderr, never into a reply
    sys.stdout = sys.stderr
    while (request := _read_frame(sys.stdin.buffer)) is not None:
        header, data = request
        limits = ReadLimits(**header["limits"])
        hard = resource.getrlimit(resource.RLIMIT_AS)[1]
        cap = limits.memory_bytes if hard == resource.RLIM_INFINITY else min(limits.memory_bytes, hard)
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
        reply = _read_here(header["suffix"], data, limits)
        del data
        reply["retire"] = bool(reply.get("retire")) or _resident_bytes() > limits.memory_bytes // 4
        replies.write(_frame(reply))
        replies.flush()
        if reply["retire"]:  # a fresh process for the next file, not a heap a large one left behind
            return


if __name__ == "__main__":
    serve()
