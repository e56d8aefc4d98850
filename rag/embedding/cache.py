"""Vectors cached by content hash in SQLite, so unchanged text is never embedded twice (and a killed build resumes).

Keys include the vector space (model, backend and precision): vectors from different encoders never mix.
"""

from __future__ import annotations

import hashlib
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
        self.connection.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB NOT NULL)")

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
        found = self._lookup(sorted(set(keys)))
        missing_keys = list(dict.fromkeys(k for k in keys if k not in found))
        first_text = {}
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
                    "INSERT OR REPLACE INTO vectors (key, vector) VALUES (?, ?)",
                    [(k, v.astype(np.float32).tobytes()) for k, v in zip(chunk_keys, vectors)],
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
