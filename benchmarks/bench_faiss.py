"""How search time and memory grow from 10^4 to 10^6 vectors: exact inner product vs HNSW and IVF.

Usage: .venv/bin/python -m benchmarks.bench_faiss [max_exponent=6]
Random unit vectors (384 dims) show growth; they have no cluster structure, so they are the worst case for
approximate search. Recall@10 is therefore also measured on real vectors: the liveqa-med passages with its
real questions (run `rag eval ../shared/benchmarks/liveqa-med` first). HNSW is built only up to 10^5
random vectors: at 10^6 its build takes longer than this 2-core machine's benchmark budget.
"""

from __future__ import annotations

import json
import resource
import sys
import time

import faiss
import numpy as np

from benchmarks.common import ROOT, percentiles, save

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


def recall(index, queries, truth) -> float:
    _, found = index.search(queries, 10)
    return round(float(np.mean([len(set(a) & set(b)) / 10 for a, b in zip(found, truth)])), 4)


def approximate_rows(vectors, queries, truth, hnsw: bool) -> dict:
    row = {}
    n = len(vectors)
    faiss.omp_set_num_threads(2)
    if hnsw:
        started = time.perf_counter()
        index = faiss.IndexHNSWFlat(DIMS, 32, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = 80
        index.add(vectors)
        row["hnsw_build_s"] = round(time.perf_counter() - started, 1)
        faiss.omp_set_num_threads(1)
        for ef in (64, 128, 256, 512):
            index.hnsw.efSearch = ef
            row[f"hnsw_ef{ef}"] = {
                "recall_at_10": recall(index, queries, truth),
                "search_ms": search_ms(index, queries),
            }
        faiss.omp_set_num_threads(2)
    nlist = int(4 * np.sqrt(n))
    started = time.perf_counter()
    quantizer = faiss.IndexFlatIP(DIMS)
    index = faiss.IndexIVFFlat(quantizer, DIMS, nlist, faiss.METRIC_INNER_PRODUCT)
    index.train(vectors[np.random.default_rng(0).choice(n, min(n, 40 * nlist), replace=False)])
    index.add(vectors)
    row["ivf_nlist"] = nlist
    row["ivf_build_s"] = round(time.perf_counter() - started, 1)
    faiss.omp_set_num_threads(1)
    for nprobe in (8, 32, 128):
        index.nprobe = nprobe
        row[f"ivf_nprobe{nprobe}"] = {
            "recall_at_10": recall(index, queries, truth),
            "search_ms": search_ms(index, queries),
        }
    return row


def real_vectors() -> dict | None:
    from rag.embedding import Embedder
    from rag.evaluate import eval_settings, load_dataset
    from rag.index import load_index
    from rag.settings import Settings

    folder = ROOT.parent / "shared" / "benchmarks" / "liveqa-med"
    try:
        settings = eval_settings(folder, Settings())
        index = load_index(settings, verify=False)
    except Exception as exc:
        print(f"real-vector check skipped: {exc}", file=sys.stderr)
        return None
    dataset = load_dataset(folder)
    queries = Embedder(settings).encode([q[:2000] for q in dataset.queries.values()])
    flat = faiss.IndexFlatIP(DIMS)
    flat.add(index.vectors)
    _, truth = flat.search(queries, 10)
    return {
        "vectors": len(index.vectors),
        "queries": len(queries),
        "flat_search_ms": search_ms(flat, queries),
        **approximate_rows(index.vectors, queries, truth, hnsw=True),
    }


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
        row.update(approximate_rows(vectors, queries, truth, hnsw=exponent <= 5))
        row["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
        rows.append(row)
        print(json.dumps(row), flush=True)
        del flat, vectors
    real = real_vectors()
    if real:
        print(json.dumps(real), flush=True)
    save(
        "faiss-scaling",
        f".venv/bin/python -m benchmarks.bench_faiss {max_exponent}",
        {"dims": DIMS, "rows": rows, "real": real},
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 6)
