"""Thumbs up/down on answers, kept in a real SQLite file beside the index."""

from __future__ import annotations

import json
import sqlite3
import threading
from datetime import datetime, timezone
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


class FeedbackStore:
    """One connection per call keeps it safe across the server's worker threads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._ready = False

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(self.path, timeout=10)
        if not self._ready:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.executescript(SCHEMA)
            self._ready = True
        return connection

    def add(self, question: str, rating: int, passage_ids: list[str], answer: str | None, comment: str | None) -> int:
        with self._lock, self._connect() as connection:
            cursor = connection.execute(
                "INSERT INTO feedback (created_at, question, rating, passage_ids, answer, comment) VALUES (?, ?, ?, ?, ?, ?)",
                (datetime.now(timezone.utc).isoformat(timespec="seconds"), question, rating, json.dumps(passage_ids), answer, comment),
            )
            return int(cursor.lastrowid)

    def all(self) -> list[dict]:
        with self._lock, self._connect() as connection:
            connection.row_factory = sqlite3.Row
            rows = connection.execute("SELECT * FROM feedback ORDER BY id").fetchall()
        return [dict(row, passage_ids=json.loads(row["passage_ids"])) for row in rows]
