"""How search time and memory grow from 10^4 to 10^6 vectors: exact inner product vs HNSW (random unit vectors).

Usage: .venv/bin/python benchmarks/bench_faiss.py [max_exponent=6]
Recall@10 of HNSW is measured against exact search on the same queries. Random vectors have no cluster
structure, so they are a pessimistic case for approximate search.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

import faiss
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import percentiles, save  # noqa: E402

DIMS = 384
QUERIES = 200


def unit(rows: int, seed: int) -> np.ndarray:
    data = np.random.default_rng(seed).standard_normal((rows, DIMS), dtype=np.float32)
    faiss.normalize_L2(data)
    return data


def search_ms(index, queries) -> dict:
    samples = []
    for q in queries:
        started = time.perf_counter()
        index.search(q.reshape(1, -1), 10)
        samples.append((time.perf_counter() - started) * 1000)
    return percentiles(samples)


def main(max_exponent: int) -> None:
    faiss.omp_set_num_threads(1)
    queries = unit(QUERIES, 1)
    rows = []
    for exponent in range(4, max_exponent + 1):
        n = 10**exponent
        vectors = unit(n, exponent)
        flat = faiss.IndexFlatIP(DIMS)
        flat.add(vectors)
        _, truth = flat.search(queries, 10)
        row = {"vectors": n, "flat_mb": round(vectors.nbytes / 2**20, 1), "flat_search_ms": search_ms(flat, queries)}
        started = time.perf_counter()
        hnsw = faiss.IndexHNSWFlat(DIMS, 32, faiss.METRIC_INNER_PRODUCT)
        hnsw.hnsw.efConstruction = 80
        faiss.omp_set_num_threads(2)
        hnsw.add(vectors)
        faiss.omp_set_num_threads(1)
        row["hnsw_build_s"] = round(time.perf_counter() - started, 1)
        row["hnsw_mb"] = round((vectors.nbytes + hnsw.ntotal * 32 * 2 * 4) / 2**20, 1)
        for ef in (64, 128, 256):
            hnsw.hnsw.efSearch = ef
            _, found = hnsw.search(queries, 10)
            recall = float(np.mean([len(set(a) & set(b)) / 10 for a, b in zip(found, truth)]))
            row[f"hnsw_ef{ef}"] = {"recall_at_10": round(recall, 4), "search_ms": search_ms(hnsw, queries)}
        row["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
        rows.append(row)
        print(json.dumps(row), flush=True)
        del flat, hnsw, vectors
    save("faiss-scaling", f".venv/bin/python benchmarks/bench_faiss.py {max_exponent}", {"dims": DIMS, "rows": rows})


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 6)
