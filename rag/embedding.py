"""all-MiniLM-L6-v2 from the installed package: normalised, batched, with a query cache.

The tokenizer loads at once (the chunker needs it); the model loads on first encode, so a
rebuild with nothing to embed never pays for it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np

from rag.offline import enforce_offline, model_path
from rag.settings import Settings

enforce_offline()

DIMENSIONS = 384


class Embedder:
    """One per process; `encode_query` is cached and thread-safe."""

    def __init__(self, settings: Settings) -> None:
        from tokenizers import Tokenizer

        self.settings = settings
        self.name = settings.model_name
        self.dimensions = DIMENSIONS
        self.window = settings.model_window
        self.tokenizer = Tokenizer.from_file(str(model_path() / "tokenizer.json"))
        self.tokenizer.no_truncation()
        self.tokenizer.no_padding()
        self._model = None
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()

    @property
    def model(self):
        if self._model is None:
            with self._lock:
                if self._model is None:
                    import torch
                    from sentence_transformers import SentenceTransformer

                    torch.set_num_threads(max(1, self.settings.torch_threads))
                    model = SentenceTransformer(str(model_path()), device="cpu", local_files_only=True)
                    model.eval()
                    assert model.get_embedding_dimension() == self.dimensions
                    self.window = int(model.max_seq_length)
                    self._model = model
        return self._model

    def count_tokens(self, text: str) -> int:
        """Word pieces the model sees, [CLS] and [SEP] included."""
        return len(self.tokenizer.encode(text).ids)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Normalised float32 vectors, batched; bulk encodes use every core and run one at a time."""
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        model = self.model
        if len(texts) == 1:  # a question: no lock, so concurrent requests use both cores
            return self._encode(model, texts)
        import torch

        with self._lock:
            torch.set_num_threads(max(1, self.settings.index_threads))
            try:
                return self._encode(model, texts)
            finally:
                torch.set_num_threads(max(1, self.settings.torch_threads))

    def _encode(self, model, texts: Sequence[str]) -> np.ndarray:
        vectors = model.encode(list(texts), batch_size=self.settings.embed_batch_size,
                               normalize_embeddings=True, convert_to_numpy=True)
        return vectors.astype(np.float32)

    def encode_query(self, text: str) -> np.ndarray:
        """One question's vector; repeated questions skip the model."""
        with self._lock:
            cached = self._cache.get(text)
            if cached is not None:
                self._cache.move_to_end(text)
                return cached
        vector = self.encode([text])[0]
        with self._lock:
            self._cache[text] = vector
            if len(self._cache) > self.settings.query_cache_size:
                self._cache.popitem(last=False)
        return vector
