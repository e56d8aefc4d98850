"""The one embedder a process holds: counts word pieces, encodes passages in bulk and questions micro-batched.

The tokenizer loads at once (the chunker needs it); the model loads on first encode, so a rebuild with nothing
to embed never pays for it. The backend (ONNX Runtime or torch) and precision come from settings; together with
the model name they form the `vector_space` that the embedding cache and the index manifest record.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np

from rag.embedding.adapter import load_adapter
from rag.embedding.batching import MicroBatcher
from rag.offline import enforce_offline, model_path
from rag.settings import Settings

enforce_offline()

DIMENSIONS = 384


def encoder_precision(settings: Settings) -> str:
    """torch runs fp32 only; int8 is an ONNX setting."""
    return "fp32" if settings.encoder_backend == "torch" else settings.encoder_precision


def vector_space(settings: Settings) -> str:
    return f"{settings.model_name}/{settings.encoder_backend}-{encoder_precision(settings)}"


class Embedder:
    """One per process; `encode_query` is cached, thread-safe and batched with concurrent questions."""

    def __init__(self, settings: Settings) -> None:
        from tokenizers import Tokenizer

        self.settings = settings
        self.name = settings.model_name
        self.backend = settings.encoder_backend
        self.precision = encoder_precision(settings)
        self.vector_space = vector_space(settings)
        self.dimensions = DIMENSIONS
        self.window = settings.model_window
        self.tokenizer = Tokenizer.from_file(str(model_path() / "tokenizer.json"))
        self.tokenizer.no_truncation()
        self.tokenizer.no_padding()
        self.adapter = load_adapter() if settings.query_adapter else None
        self._encoder = None
        self._load = threading.Lock()
        self._bulk = threading.Lock()
        self._cache_lock = threading.Lock()
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self.batcher = MicroBatcher(lambda texts: self.encoder.encode(texts), settings.query_batch_max,
                                    settings.query_batch_wait_ms / 1000)

    @property
    def encoder(self):
        if self._encoder is None:
            with self._load:
                if self._encoder is None:
                    self._encoder = self._make_encoder()
        return self._encoder

    def _make_encoder(self):
        s = self.settings
        if self.backend == "torch":
            from rag.embedding.torch_encoder import TorchEncoder

            encoder = TorchEncoder(model_path(), s.query_threads, s.index_threads, s.embed_batch_size)
            self.window = encoder.window
            return encoder
        from rag.embedding.cpu import exact_int8
        from rag.embedding.export import FILES, ensure_exported
        from rag.embedding.onnx_encoder import OnnxEncoder

        folder = ensure_exported(s)
        one_per_run = self.precision == "int8"  # see OnnxEncoder: int8 vectors must not depend on batch-mates
        return OnnxEncoder(folder / FILES[self.precision], model_path() / "tokenizer.json", s.model_window,
                           s.query_threads, s.index_threads, bulk_batch=1 if one_per_run else s.onnx_batch_size,
                           question_batch=1 if one_per_run else None,
                           exact_int8=self.precision == "int8" and exact_int8(s.int8_exact_products))

    def count_tokens(self, text: str) -> int:
        """Word pieces the model sees, [CLS] and [SEP] included."""
        return len(self.tokenizer.encode(text).ids)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Normalised float32 vectors for indexing: every core, one bulk encode at a time."""
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        with self._bulk:
            return self.encoder.encode(list(texts), bulk=True)

    def ranking_vector(self, vector: np.ndarray) -> np.ndarray:
        """A question's vector for ranking: through the learned adapter (rag/embedding/adapter.py) when it is on.

        Closeness shown to people and read by the no-answer rule stays the plain vector's cosine."""
        return self.adapter(vector) if self.adapter is not None and len(vector) else vector

    def encode_questions(self, texts: Sequence[str]) -> np.ndarray:
        """Many questions' ranking vectors at once (evaluation): the bulk encode, then `ranking_vector`."""
        return self.ranking_vector(self.encode(texts))

    def encode_query(self, text: str) -> np.ndarray:
        """One question's plain model vector; repeated questions skip the model, concurrent ones share a batch."""
        with self._cache_lock:
            cached = self._cache.get(text)
            if cached is not None:
                self._cache.move_to_end(text)
                return cached
        vector = self.batcher.encode(text)
        if self.settings.query_cache_size > 0:
            with self._cache_lock:
                self._cache[text] = vector
                while len(self._cache) > self.settings.query_cache_size:
                    self._cache.popitem(last=False)
        return vector

    def warm_up(self) -> None:
        """Load the model (exporting it first if needed) before the first request, so no user waits for it.

        `rag serve` warms up before the port opens and the app's start-up asks again: the second is free."""
        if self._encoder is None:
            self.batcher.encode("warm up")
