"""Changing the collection from the API: add or remove a document file, then rebuild in the background.

Files are checked before they touch the documents folder (type, size, readable, some text), then written
atomically (a hidden temporary file renamed into place), so a refused or interrupted upload changes nothing.
Rebuilds run one at a time on a worker thread; requests that arrive during a build are coalesced into one more
build after it. The engine swaps each finished build in; a failed build leaves the old index serving.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import logging
import os
import re
import tempfile
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from rag.ingest import TooLong, Unreadable, accepted, extract
from rag.redaction import without_machine_paths
from rag.settings import Settings

if TYPE_CHECKING:
    from rag.engine import Engine
    from rag.index import BuildResult

log = logging.getLogger("rag.collection")
_UNSAFE = "\0"  # stands in for each character a doc_id may not hold, before runs of them become one "-"
_UNSAFE_RUN = re.compile(_UNSAFE + "+")
MAX_STEM_CHARS = 80
NAME_MAX_BYTES = 255  # the longest file name ext4, XFS and btrfs take, in bytes of UTF-8
_folder_locks: dict[Path, threading.Lock] = {}
_folder_locks_guard = threading.Lock()


class Refused(ValueError):
    """A change the collection will not take; `status` is the HTTP code, the message names the field and reason."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _kept(char: str) -> bool:
    """Letters, marks and digits of any script (Ärzte, 糖尿病, हिंदी), '.', '_' and '-'; never a separator or control."""
    return unicodedata.category(char)[0] in "LMN" or char in "._-"


def doc_id_for(filename: str) -> tuple[str, str]:
    """A safe doc_id and suffix from an uploaded file's name ("My leaflet (2).PDF" → "My-leaflet-2", ".pdf").

    Names are NFC-normalised first, so "Ärzte" typed on a Mac (A + combining diaeresis) is the same doc_id as on
    Linux, and non-ASCII letters are kept: dropping them made "Ärzte.txt" and "Örzte.txt" one document.
    """
    name = Path(unicodedata.normalize("NFC", filename).replace("\\", "/")).name
    suffix = Path(name).suffix.lower()
    stem = _UNSAFE_RUN.sub("-", "".join(c if _kept(c) else _UNSAFE for c in Path(name).stem)).strip(".-")
    stem = stem[:MAX_STEM_CHARS]
    while len(f"{stem}{suffix}".encode()) > NAME_MAX_BYTES:  # 80 four-byte characters would not fit
        stem = stem[:-1]
    stem = stem.rstrip(".-")
    if not stem:
        raise Refused(422, "file: the file name has no usable characters (letters, digits, '.', '_' or '-')")
    return stem, suffix


@contextmanager
def _folder_lock(folder: Path) -> Iterator[None]:
    """Checking that a doc_id is free and writing its file are one step: uploads run on a thread pool (four
    uploads of a.txt, a.md, a.html and a.docx all passed the check before any was written), and more than one
    server process may share a folder, so a lock per folder in this process and a flock on the folder itself."""
    key = folder.resolve()
    with _folder_locks_guard:
        lock = _folder_locks.setdefault(key, threading.Lock())
    with lock:
        handle = os.open(key, os.O_RDONLY)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX)
            yield
        finally:
            os.close(handle)  # releases the flock


def _files_of(folder: Path, doc_id: str, settings: Settings) -> list[Path]:
    doc_id = unicodedata.normalize("NFC", doc_id)
    return [p for p in folder.iterdir() if p.is_file() and unicodedata.normalize("NFC", p.stem) == doc_id
            and p.suffix.lower() in accepted(settings)]


def _same_bytes(path: Path, data: bytes) -> bool:
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def add_document(settings: Settings, filename: str, data: bytes) -> tuple[str, str]:
    """Check and write one uploaded file into the documents folder; returns its doc_id and what happened to the
    folder: "added", "replaced", or "unchanged" when the bytes are those of the file already there (nothing is
    written then, and nothing needs rebuilding: an unchanged file would give no new build to serve)."""
    doc_id, suffix = doc_id_for(filename)
    if suffix not in accepted(settings):
        allowed = ", ".join(accepted(settings))
        raise Refused(415, f"file: type {suffix or '(none)'} is not accepted; send one of {allowed}")
    if len(data) > settings.max_file_bytes:
        raise Refused(413, f"file: {len(data):,} bytes is over the {settings.max_file_bytes:,}-byte limit")
    try:
        extract(suffix, data, settings)
    except TooLong as exc:
        raise Refused(413, f"file: {exc}") from None
    except Unreadable as exc:
        raise Refused(422, f"file: {exc}") from None
    folder = settings.docs_dir
    target = folder / f"{doc_id}{suffix}"
    handle, temporary = tempfile.mkstemp(prefix=".upload-", dir=folder)  # hidden: ingestion skips it
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        with _folder_lock(folder):
            others = [p for p in _files_of(folder, doc_id, settings) if p.name != target.name]
            if others:
                raise Refused(409, f"file: doc_id {doc_id!r} is taken by {others[0].name}; remove it first or "
                                   "rename the file")
            if target.exists() and _same_bytes(target, data):
                Path(temporary).unlink(missing_ok=True)
                return doc_id, "unchanged"
            outcome = "replaced" if target.exists() else "added"
            os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return doc_id, outcome


def remove_document(settings: Settings, doc_id: str) -> list[str]:
    """Take a document's file out of the folder; returns the file names removed."""
    if not settings.docs_dir.is_dir():
        files: list[Path] = []
    else:
        with _folder_lock(settings.docs_dir):
            files = _files_of(settings.docs_dir, doc_id, settings)
            for path in files:
                path.unlink()
    if not files:
        shown = doc_id if len(doc_id) <= MAX_STEM_CHARS else doc_id[:MAX_STEM_CHARS] + "…"
        raise Refused(404, f"doc_id: no document file {shown!r} in the documents folder")
    return [p.name for p in files]


def build_record(result: BuildResult) -> dict:
    """A finished build as GET /api/v1/index/status shows it (schema.BuildOut)."""
    return {
        "finished_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "documents": result.documents,
        "chunks": result.chunks,
        "embedded": result.embedded,
        "reused": result.reused,
        "seconds": round(result.seconds, 2),
        "warnings": [without_machine_paths(w) for w in result.warnings],
    }


class Rebuilder:
    """Background rebuilds, one at a time; what asked during a build waits for one more build after it."""

    def __init__(
        self, settings: Settings, engine: Callable[[], Engine], finished: Callable[[float, bool], None] | None = None
    ) -> None:
        self.settings, self.engine = settings, engine  # a getter: the app makes its engine at start-up
        self.finished = finished  # told each build's seconds and whether it succeeded (the metrics)
        self._lock = threading.Lock()
        self._worker: threading.Thread | None = None
        self.queued = 0
        self.building = False
        self.last_build: dict | None = None
        self.last_error: str | None = None

    def request(self) -> None:
        with self._lock:
            self.queued += 1
            if self._worker is None or not self._worker.is_alive():
                self._worker = threading.Thread(target=self._run, name="rebuild", daemon=True)
                self._worker.start()

    def status(self) -> dict:
        with self._lock:
            return {
                "state": "building" if self.building or self.queued else "idle",
                "queued": self.queued,
                "last_build": self.last_build,
                "last_error": self.last_error,
            }

    def _run(self) -> None:
        from rag.index import build_index

        while True:
            with self._lock:
                if not self.queued:
                    self._worker = None
                    return
                self.queued, self.building = 0, True
            started, ok = time.perf_counter(), False
            try:
                engine = self.engine()
                result = build_index(self.settings, engine.embedder)
                engine.reload()
                record = build_record(result)
                with self._lock:
                    self.last_build, self.last_error = record, None
                ok = True
                log.info(
                    "index rebuilt",
                    extra={
                        "event": "index_build",
                        "documents": result.documents,
                        "passages": result.chunks,
                        "embedded": result.embedded,
                        "seconds": round(result.seconds, 2),
                    },
                )
            except Exception as exc:  # the worker must survive; the old index keeps serving
                log.exception("background rebuild failed")
                with self._lock:
                    self.last_error = without_machine_paths(f"{type(exc).__name__}: {exc}")
            finally:
                if self.finished is not None:  # before the status says idle, so a reader of both agrees
                    self.finished(time.perf_counter() - started, ok)
                with self._lock:
                    self.building = False
