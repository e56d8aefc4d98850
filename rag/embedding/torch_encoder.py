"""MiniLM on sentence-transformers and torch: the reference the ONNX path is tested against."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np


class TorchEncoder:
    def __init__(self, model_dir: Path, query_threads: int, bulk_threads: int, batch_size: int) -> None:
        import torch
        from sentence_transformers import SentenceTransformer

        self._torch = torch
        self.query_threads, self.bulk_threads, self.batch_size = query_threads, bulk_threads, batch_size
        torch.set_num_threads(max(1, query_threads))
        self.model = SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)
        self.model.eval()
        self.window = int(self.model.max_seq_length or 256)
        self._bulk = threading.Lock()

    def encode(self, texts: Sequence[str], bulk: bool = False) -> np.ndarray:
        if not bulk:
            return self._encode(texts)
        with self._bulk:  # torch's thread count is process-wide: raise it only for the bulk encode
            self._torch.set_num_threads(max(1, self.bulk_threads))
            try:
                return self._encode(texts)
            finally:
                self._torch.set_num_threads(max(1, self.query_threads))

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        vectors = self.model.encode(list(texts), batch_size=self.batch_size, normalize_embeddings=True,
                                    convert_to_numpy=True)
        return vectors.astype(np.float32)
