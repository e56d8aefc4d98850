"""Build throughput: today's single process vs the Ray build with 1 and 2 workers, same documents, one run each.

Usage: .venv/bin/python -m benchmarks.bench_ray_build [COUNT]   (default 2,000 liveqa-med documents)
Every build starts from an empty embedding cache and writes a one-file index (the write is the same code for
all three). Ray runs on a local cluster of two one-CPU nodes on 127.0.0.2 started here; each Ray actor
encodes on one thread, the single process on every core.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import ROOT, save
from rag.embedding import Embedder
from rag.evaluate import corpus_documents, load_dataset
from rag.index import build_index
from rag.settings import Settings


def main(count: int) -> None:

    from rag.index.ray_build import RayCompute, two_node_cluster

    documents = corpus_documents(load_dataset(ROOT.parent / "shared" / "benchmarks" / "liveqa-med"))[:count]
    work = Path(tempfile.mkdtemp(prefix="rag-bench-ray-"))
    embedder = Embedder(Settings(index_dir=work / "warm"))
    embedder.encode(["warm up"] * 4)
    rows = []
    with two_node_cluster() as cluster:
        runs = [("single process (2 threads)", None), ("Ray, 1 worker", RayCompute(cluster.address, workers=1)),
                ("Ray, 2 workers", RayCompute(cluster.address, workers=2))]
        for name, compute in runs:
            settings = Settings(index_dir=work / name.replace(" ", "_"), embedding_cache=work / f"{len(rows)}.sqlite3")
            started = time.perf_counter()
            result = build_index(settings, embedder, documents=documents, compute=compute)
            seconds = time.perf_counter() - started
            rows.append({"run": name, "documents": result.documents, "chunks": result.chunks,
                         "embedded": result.embedded, "seconds": round(seconds, 1),
                         "chunks_per_s": round(result.chunks / seconds, 1)})
            print(rows[-1], flush=True)
    save("ray-build", f".venv/bin/python -m benchmarks.bench_ray_build {count}",
         {"documents": count, "corpus": "liveqa-med", "rows": rows})


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
