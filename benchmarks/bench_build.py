"""Index build throughput (texts/s, from scratch, no cache) against a bare torch encode of the same texts, in one run.

Usage: .venv/bin/python -m benchmarks.bench_build [pubmedqa-l]
Bare encodes: sentence-transformers on torch (the floor), and our encoder on ONNX fp32 and int8; the build uses the
default settings (backend and precision) and every core. Also times a rebuild with nothing changed.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import ROOT, save
from rag.embedding import Embedder
from rag.embedding.torch_encoder import TorchEncoder
from rag.evaluate import corpus_documents, load_dataset
from rag.index import build_index, prepare
from rag.index.build import embedded_texts
from rag.offline import model_path
from rag.settings import Settings


def main(name: str) -> None:
    dataset = load_dataset(ROOT.parent / "shared" / "benchmarks" / name)
    documents = corpus_documents(dataset)[:600]
    work = Path(tempfile.mkdtemp(prefix="rag-bench-build-"))
    settings = Settings(index_dir=work / "index")
    embedder = Embedder(settings)
    embedder.encode(["warm up"] * 4)
    _, chunks = prepare(documents, settings, embedder.count_tokens, caveats=True)
    texts = embedded_texts(documents, chunks)

    torch_encoder = TorchEncoder(
        model_path(), settings.query_threads, settings.index_threads, settings.embed_batch_size
    )
    torch_encoder.encode(["warm up"] * 4, bulk=True)
    started = time.perf_counter()
    torch_encoder.encode(texts, bulk=True)
    bare = time.perf_counter() - started
    del torch_encoder
    onnx = {}
    for precision in ("fp32", "int8"):
        variant = Embedder(settings.model_copy(update={"encoder_backend": "onnx", "encoder_precision": precision}))
        variant.encode(["warm up"] * 4)
        started = time.perf_counter()
        variant.encode(sorted(texts, key=len))  # the build sorts by length too (EmbeddingCache.encode)
        onnx[precision] = time.perf_counter() - started

    started = time.perf_counter()
    result = build_index(settings, embedder, documents=documents)
    full = time.perf_counter() - started

    started = time.perf_counter()
    again = build_index(settings, embedder, documents=documents)
    unchanged = time.perf_counter() - started
    shutil.rmtree(work, ignore_errors=True)

    data = {
        "corpus": f"{name} (first {len(documents)} documents)",
        "chunks": result.chunks,
        "texts_embedded": len(texts),
        "encoder": embedder.vector_space,
        "bare_torch_encode_s": round(bare, 2),
        "bare_torch_texts_per_s": round(len(texts) / bare, 1),
        "bare_onnx_fp32_texts_per_s": round(len(texts) / onnx["fp32"], 1),
        "bare_onnx_int8_texts_per_s": round(len(texts) / onnx["int8"], 1),
        "build_s": round(full, 2),
        "build_texts_per_s": round(len(texts) / full, 1),
        "build_chunks_per_s": round(result.chunks / full, 1),
        "build_over_bare_torch_throughput": round(bare / full, 3),
        "unchanged_rebuild_s": round(unchanged, 3),
        "unchanged_detected": again.unchanged,
    }
    save(f"build-{name}", f".venv/bin/python -m benchmarks.bench_build {name}", data)
    print(json.dumps(data, indent=2))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "pubmedqa-l")
