"""Vectors cached by content hash in SQLite, so unchanged text is never embedded twice (and a killed build resumes).

Keys include the vector space (model, backend and precision): vectors from different encoders never mix. Each
encode is a generation and marks the vectors it used; `prune` drops the ones no recent generation used (removed
documents, edited passages) and compacts the file, so the cache does not grow for ever.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

LOOKUP_BATCH = 500


class EmbeddingCache:
    def __init__(self, path: Path, vector_space: str, dimensions: int) -> None:
        self.path = path
        self.vector_space = vector_space
        self.dimensions = dimensions
        path.parent.mkdir(parents=True, exist_ok=True)
        self.connection = sqlite3.connect(path, timeout=30)
        self.connection.execute("PRAGMA journal_mode=WAL")
        self.connection.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB NOT NULL, "
                                "used INTEGER NOT NULL DEFAULT 0)")
        if "used" not in {row[1] for row in self.connection.execute("PRAGMA table_info(vectors)")}:
            with self.connection:  # a cache from before generations: its vectors count as used by none yet
                self.connection.execute("ALTER TABLE vectors ADD COLUMN used INTEGER NOT NULL DEFAULT 0")
        self.connection.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL)")
        self.connection.commit()

    def generation(self) -> int:
        row = self.connection.execute("SELECT value FROM meta WHERE name = 'generation'").fetchone()
        return int(row[0]) if row else 0

    def _next_generation(self) -> int:
        generation = self.generation() + 1
        with self.connection:
            self.connection.execute("INSERT OR REPLACE INTO meta (name, value) VALUES ('generation', ?)", (generation,))
        return generation

    def _mark(self, keys: list[str], generation: int) -> None:
        with self.connection:
            for begin in range(0, len(keys), LOOKUP_BATCH):
                batch = keys[begin : begin + LOOKUP_BATCH]
                self.connection.execute(f"UPDATE vectors SET used = ? WHERE key IN ({','.join('?' * len(batch))})",
                                        [generation, *batch])

    def prune(self, keep_generations: int) -> int:
        """Drop vectors no encode of the last `keep_generations` used; compact the file when that freed a quarter
        of it or more. Returns how many were dropped."""
        oldest_kept = self.generation() - keep_generations + 1
        with self.connection:
            dropped = self.connection.execute("DELETE FROM vectors WHERE used < ?", (oldest_kept,)).rowcount
        remaining = self.connection.execute("SELECT COUNT(*) FROM vectors").fetchone()[0]
        # VACUUM writes a full copy first: on a nearly full disk it is skipped (the freed pages are reused anyway)
        room = shutil.disk_usage(self.path.parent).free > 2 * self.path.stat().st_size
        if dropped and dropped * 4 >= dropped + remaining and room:
            self.connection.execute("VACUUM")
            self.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # in WAL mode the file shrinks at a checkpoint
        return dropped

    def key(self, text: str) -> str:
        return hashlib.sha1(f"{self.vector_space}\0{text}".encode()).hexdigest()

    def _lookup(self, keys: list[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        for begin in range(0, len(keys), LOOKUP_BATCH):
            batch = keys[begin : begin + LOOKUP_BATCH]
            rows = self.connection.execute(
                f"SELECT key, vector FROM vectors WHERE key IN ({','.join('?' * len(batch))})", batch
            ).fetchall()
            for key, blob in rows:
                vector = np.frombuffer(blob, dtype=np.float32)
                if vector.shape == (self.dimensions,):
                    found[key] = vector
        return found

    def encode(self, texts: Sequence[str], encode: Callable[[list[str]], np.ndarray], batch: int = 256,
               on_start: Callable[[int], None] | None = None, on_done: Callable[[int], None] | None = None
               ) -> tuple[np.ndarray, int]:
        """Vectors for `texts` (cached ones reused); returns them and how many were newly embedded."""
        keys = [self.key(t) for t in texts]
        generation = self._next_generation()
        found = self._lookup(sorted(set(keys)))
        self._mark(sorted(found), generation)
        missing_keys = list(dict.fromkeys(k for k in keys if k not in found))
        first_text: dict[str, str] = {}
        for key, text in zip(keys, texts):
            first_text.setdefault(key, text)
        # Length order: batches of similar length waste no work on padding (as one big encode would).
        missing_keys.sort(key=lambda k: len(first_text[k]))
        if on_start:
            on_start(len(missing_keys))
        for begin in range(0, len(missing_keys), batch):
            chunk_keys = missing_keys[begin : begin + batch]
            vectors = encode([first_text[k] for k in chunk_keys])
            with self.connection:
                self.connection.executemany(
                    "INSERT OR REPLACE INTO vectors (key, vector, used) VALUES (?, ?, ?)",
                    [(k, v.astype(np.float32).tobytes(), generation) for k, v in zip(chunk_keys, vectors)],
                )
            found.update(zip(chunk_keys, vectors.astype(np.float32)))
            if on_done:
                on_done(len(chunk_keys))
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for i, key in enumerate(keys):
            out[i] = found[key]
        return out, len(missing_keys)

    def close(self) -> None:
        self.connection.close()
