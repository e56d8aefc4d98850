"""all-MiniLM-L6-v2 from the installed package: normalised, batched, with a query cache."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence

import numpy as np

from rag.offline import enforce_offline, model_path
from rag.settings import Settings

enforce_offline()


class Embedder:
    """Loads the model once per process; `encode_query` is cached and thread-safe."""

    def __init__(self, settings: Settings) -> None:
        import torch
        from sentence_transformers import SentenceTransformer

        torch.set_num_threads(max(1, settings.torch_threads))
        self.settings = settings
        self.name = settings.model_name
        self.model = SentenceTransformer(str(model_path()), device="cpu", local_files_only=True)
        self.model.eval()
        self.dimensions = int(self.model.get_embedding_dimension())
        self.window = int(self.model.max_seq_length)
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()

    def count_tokens(self, text: str) -> int:
        """Word pieces the model sees, [CLS] and [SEP] included."""
        return len(self.model.tokenizer(text, add_special_tokens=True, truncation=False)["input_ids"])

    def encode(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> np.ndarray:
        """Normalised float32 vectors, batched; `progress` is told how many texts each batch held."""
        size = self.settings.embed_batch_size
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for begin in range(0, len(texts), size):
            batch = list(texts[begin : begin + size])
            with self._lock:
                out[begin : begin + len(batch)] = self.model.encode(
                    batch, batch_size=size, normalize_embeddings=True, convert_to_numpy=True
                )
            if progress:
                progress(len(batch))
        return out

    def encode_query(self, text: str) -> np.ndarray:
        """One question's vector; repeated questions skip the model."""
        with self._lock:
            cached = self._cache.get(text)
            if cached is not None:
                self._cache.move_to_end(text)
                return cached
            vector = self.model.encode([text], normalize_embeddings=True, convert_to_numpy=True)[0].astype(np.float32)
            self._cache[text] = vector
            if len(self._cache) > self.settings.query_cache_size:
                self._cache.popitem(last=False)
            return vector
