"""MiniLM on ONNX Runtime + `tokenizers`: the same vectors as sentence-transformers, without importing torch."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np


def mean_pool(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """sentence-transformers' pooling: the mean of the token vectors the mask keeps, then unit length."""
    weights = mask[..., None].astype(np.float32)
    vectors = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
    return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)


class OnnxEncoder:
    """Two sessions on one model file: questions on `query_threads`, bulk indexing on `bulk_threads`.

    `bulk_batch` texts go through one run while indexing (1 was fastest here: no padding). `question_batch` caps a
    run of questions (None: the micro-batch in one run). int8 needs 1 for both: dynamic quantisation scales the
    activations of a whole run, so batch-mates would move a vector by up to 1 % (cosine 0.990 measured).
    """

    def __init__(self, model_file: Path, tokenizer_file: Path, window: int, query_threads: int, bulk_threads: int,
                 bulk_batch: int = 1, question_batch: int | None = None, exact_int8: bool = False) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        self._ort = onnxruntime
        self.model_file = model_file
        self.tokenizer = Tokenizer.from_file(str(tokenizer_file))
        self.tokenizer.enable_truncation(max_length=window)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        self.bulk_batch = max(1, bulk_batch)
        self.question_batch = question_batch
        self.bulk_threads = bulk_threads
        self.exact_int8 = exact_int8
        self._query = self._session(query_threads)
        self._bulk: Any = None  # the bulk session, made on the first bulk encode
        self._inputs = {i.name for i in self._query.get_inputs()}

    def _session(self, threads: int) -> Any:
        ort = self._ort
        options = ort.SessionOptions()
        options.intra_op_num_threads = max(1, threads)
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.log_severity_level = 3
        # Idle workers sleep instead of spinning: on two cores a spinning pool starves the request threads.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        if self.exact_int8:  # see rag/embedding/cpu.py
            options.add_session_config_entry("session.x64quantprecision", "1")
        return ort.InferenceSession(str(self.model_file), options, providers=["CPUExecutionProvider"])

    def encode(self, texts: Sequence[str], bulk: bool = False) -> np.ndarray:
        if bulk and self._bulk is None:
            self._bulk = self._session(self.bulk_threads)
        session = self._bulk if bulk else self._query
        step = self.bulk_batch if bulk else (self.question_batch or len(texts))
        out = []
        for begin in range(0, len(texts), step):
            encodings = self.tokenizer.encode_batch(list(texts[begin : begin + step]))
            ids = np.array([e.ids for e in encodings], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
            feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            hidden = session.run(None, {k: v for k, v in feed.items() if k in self._inputs})[0]
            out.append(mean_pool(hidden, mask))
        return np.vstack(out).astype(np.float32)
