"""Thumbs up/down on answers, kept in a real SQLite file beside the index.

It holds people's health questions, so reading it back is for the operator (admin token, paged), the file is
the owner's alone (0600, in a 0700 folder), and writing is bounded: field sizes in the API model, a per-client
rate and a total size here.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections import deque
from datetime import UTC, datetime
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    question TEXT NOT NULL,
    rating INTEGER NOT NULL CHECK (rating IN (-1, 1)),
    passage_ids TEXT NOT NULL,
    answer TEXT,
    comment TEXT
);
"""
COLUMNS = ("id", "created_at", "question", "rating", "passage_ids", "answer", "comment")


class FeedbackFull(Exception):
    """The store reached its size cap; nothing was written."""


FOLDER = "private"  # under the index folder; kept apart so its mode can be the owner's alone
FILE = "feedback.sqlite3"


def feedback_path(index_dir: Path) -> Path:
    """Where the feedback database lives; one kept at the old place (beside the builds) is moved here first."""
    path = index_dir / FOLDER / FILE
    old = index_dir / FILE
    if old.exists() and not path.exists():
        _private_folder(path.parent)
        for suffix in ("", "-wal", "-shm"):
            if Path(f"{old}{suffix}").exists():
                os.replace(f"{old}{suffix}", f"{path}{suffix}")
    return path


def _private_folder(folder: Path) -> None:
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)  # never readable by others, even for a moment
    os.chmod(folder, 0o700)


def _private_files(path: Path) -> None:
    """The database and SQLite's side files: readable and writable by the owner only (SQLite copies the
    database's mode to the side files it makes, so the database is made 0600 before SQLite opens it)."""
    os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))
    for suffix in ("", "-wal", "-shm", "-journal"):
        side = Path(f"{path}{suffix}")
        if side.exists():
            os.chmod(side, 0o600)


class FeedbackStore:
    """One connection per call keeps it safe across the server's worker threads."""

    def __init__(self, path: Path, max_bytes: int | None = None) -> None:
        self.path = path
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._ready = False

    def _connect(self) -> sqlite3.Connection:
        if not self._ready:
            _private_folder(self.path.parent)
            _private_files(self.path)
        connection = sqlite3.connect(self.path, timeout=10)
        if not self._ready:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.executescript(SCHEMA)
            self._ready = True
        return connection

    def size_bytes(self) -> int:
        with self._connect() as connection:
            pages, size = (
                connection.execute("PRAGMA page_count").fetchone()[0],
                connection.execute("PRAGMA page_size").fetchone()[0],
            )
        return int(pages) * int(size)

    def add(
        self,
        question: str,
        rating: int,
        passage_ids: list[str],
        answer: str | None,
        comment: str | None,
        replaces: int | None = None,
    ) -> dict:
        """Write one row and return it as written (the table is not read back). With `replaces`, the row of that id
        and the same question gets the new rating instead (one choice per answer, changeable); when none matches,
        a new row is written."""
        created = datetime.now(UTC).isoformat(timespec="seconds")
        written = dict(created_at=created, question=question, rating=rating, passage_ids=passage_ids, answer=answer,
                       comment=comment)
        if replaces is not None:
            with self._lock, self._connect() as connection:
                changed = connection.execute(
                    "UPDATE feedback SET rating = ?, created_at = ? WHERE id = ? AND question = ?",
                    (rating, created, replaces, question),
                ).rowcount
            if changed:
                return {"id": replaces, **written}
        with self._lock:
            if self.max_bytes is not None and self.size_bytes() >= self.max_bytes:
                raise FeedbackFull(f"feedback store is full ({self.max_bytes:,} bytes)")
            with self._connect() as connection:
                cursor = connection.execute(
                    "INSERT INTO feedback (created_at, question, rating, passage_ids, answer, comment) VALUES (?, ?, "
                    "?, ?, ?, ?)",
                    (created, question, rating, json.dumps(passage_ids), answer, comment),
                )
                row_id = cursor.lastrowid
                assert row_id is not None  # an INSERT always sets it
        return {"id": row_id, **written}

    def page(self, limit: int, before: int | None = None, after: int | None = None) -> list[dict]:
        """Newest first; `before` pages back from an id, `after` returns the rows newer than an id (oldest first)."""
        if after is not None:
            args: tuple[int, ...]
            sql, args = "SELECT * FROM feedback WHERE id > ? ORDER BY id ASC LIMIT ?", (after, limit)
        elif before is not None:
            sql, args = "SELECT * FROM feedback WHERE id < ? ORDER BY id DESC LIMIT ?", (before, limit)
        else:
            sql, args = "SELECT * FROM feedback ORDER BY id DESC LIMIT ?", (limit,)
        with self._connect() as connection:
            connection.row_factory = sqlite3.Row
            rows = connection.execute(sql, args).fetchall()
        return [dict(row, passage_ids=json.loads(row["passage_ids"])) for row in rows]

    def all(self, batch: int = 1000):
        """Every row, oldest first, read in batches (for `rag feedback export`)."""
        after = 0
        while rows := self.page(batch, after=after):
            yield from rows
            after = rows[-1]["id"]


class RateLimiter:
    """At most `per_minute` writes per client in any 60-second window."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, client: str) -> bool:
        now = time.monotonic()
        with self._lock:
            if len(self._seen) > 10_000:  # forget idle clients; the map never grows without bound
                self._seen = {k: v for k, v in self._seen.items() if v and now - v[-1] < 60}
            times = self._seen.setdefault(client, deque())
            while times and now - times[0] >= 60:
                times.popleft()
            if len(times) >= self.per_minute:
                return False
            times.append(now)
            return True
