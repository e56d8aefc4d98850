"""Changing the collection from the API: add or remove a document file, then rebuild in the background.

Files are checked before they touch the documents folder (type, size, readable, some text), then written
atomically (a hidden temporary file renamed into place), so a refused or interrupted upload changes nothing.
Rebuilds run one at a time on a worker thread; requests that arrive during a build are coalesced into one more
build after it. The engine swaps each finished build in; a failed build leaves the old index serving.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from rag.ingest import READERS, TooLong, Unreadable, extract
from rag.redaction import without_machine_paths
from rag.settings import Settings

if TYPE_CHECKING:
    from rag.engine import Engine
    from rag.index import BuildResult

log = logging.getLogger("rag.collection")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class Refused(ValueError):
    """A change the collection will not take; `status` is the HTTP code, the message names the field and reason."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def doc_id_for(filename: str) -> tuple[str, str]:
    """A safe doc_id and suffix from an uploaded file's name ("My leaflet (2).PDF" → "My-leaflet-2", ".pdf")."""
    name = Path(filename.replace("\\", "/")).name
    suffix = Path(name).suffix.lower()
    stem = _UNSAFE.sub("-", Path(name).stem).strip(".-")[:80]
    if not stem:
        raise Refused(422, "file: the file name has no usable characters (letters, digits, '.', '_' or '-')")
    return stem, suffix


def _files_of(folder: Path, doc_id: str, settings: Settings) -> list[Path]:
    return [p for p in folder.iterdir() if p.is_file() and p.stem == doc_id and p.suffix.lower() in settings.extensions]


def add_document(settings: Settings, filename: str, data: bytes) -> tuple[str, bool]:
    """Check and write one uploaded file into the documents folder; returns its doc_id and whether it replaced one."""
    doc_id, suffix = doc_id_for(filename)
    if suffix not in settings.extensions or suffix not in READERS:
        allowed = ", ".join(settings.extensions)
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
    others = [p for p in _files_of(folder, doc_id, settings) if p.name != target.name]
    if others:
        raise Refused(409, f"file: doc_id {doc_id!r} is taken by {others[0].name}; remove it first or rename the file")
    replaced = target.exists()
    handle, temporary = tempfile.mkstemp(prefix=".upload-", dir=folder)  # hidden: ingestion skips it
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return doc_id, replaced


def remove_document(settings: Settings, doc_id: str) -> list[str]:
    """Take a document's file out of the folder; returns the file names removed."""
    files = _files_of(settings.docs_dir, doc_id, settings) if settings.docs_dir.is_dir() else []
    if not files:
        shown = doc_id if len(doc_id) <= 80 else doc_id[:80] + "…"
        raise Refused(404, f"doc_id: no document file {shown!r} in the documents folder")
    for path in files:
        path.unlink()
    return [p.name for p in files]


def build_record(result: BuildResult) -> dict:
    """A finished build as GET /api/v1/index/status shows it (schema.BuildOut)."""
    return {"finished_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), "documents": result.documents,
            "chunks": result.chunks, "embedded": result.embedded, "reused": result.reused,
            "seconds": round(result.seconds, 2), "warnings": [without_machine_paths(w) for w in result.warnings]}


class Rebuilder:
    """Background rebuilds, one at a time; what asked during a build waits for one more build after it."""

    def __init__(self, settings: Settings, engine: Callable[[], Engine]) -> None:
        self.settings, self.engine = settings, engine  # a getter: the app makes its engine at start-up
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
            return {"state": "building" if self.building or self.queued else "idle", "queued": self.queued,
                    "last_build": self.last_build, "last_error": self.last_error}

    def _run(self) -> None:
        from rag.index import build_index

        while True:
            with self._lock:
                if not self.queued:
                    self._worker = None
                    return
                self.queued, self.building = 0, True
            try:
                engine = self.engine()
                result = build_index(self.settings, engine.embedder)
                engine.reload()
                record = build_record(result)
                with self._lock:
                    self.last_build, self.last_error = record, None
            except Exception as exc:  # the worker must survive; the old index keeps serving
                log.exception("background rebuild failed")
                with self._lock:
                    self.last_error = without_machine_paths(f"{type(exc).__name__}: {exc}")
            finally:
                with self._lock:
                    self.building = False
