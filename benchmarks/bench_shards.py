"""Shard index types at scale on vectors made from real ones (issue 14): flat vs IVF-Flat vs IVF-PQ.

Random unit vectors have no structure and defeat every approximate index (benchmarks/bench_faiss.py), so
here a corpus of n vectors is grown from the real passage vectors of liveqa-med and pubmedqa-l: each
synthetic vector is a real one plus Gaussian noise (scaled so that it keeps cosine ≈ 0.85 to its parent),
normalised. That keeps the real data's clusters and density while every vector is distinct. Queries are the
real questions of both datasets (1,104), through the shipped question adapter, as served. Ground truth is
exact inner-product search over the same n vectors; recall@10 is measured against it.

Reported per n: memory per shard (the index's own bytes), build seconds on this 2-core machine, and one-thread
search p50 at the nprobe that first reaches recall@10 ≥ 0.95 (and the best recall reached).

Usage: .venv/bin/python benchmarks/bench_shards.py [max_exponent=6]   (needs the eval indexes: `rag eval`)
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import faiss
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_faiss import search_ms  # noqa: E402
from benchmarks.common import ROOT, save  # noqa: E402

DIMS = 384
NOISE = 0.032  # per-dimension σ: |noise| ≈ 0.032·√384 ≈ 0.63 before normalising → cosine to the parent ≈ 0.85
PROBES = (8, 16, 32, 64, 128, 256)
PQ_M = 48  # 48 sub-quantizers × 8 bits = 48 bytes a vector (32× smaller than fp32)


def real_data() -> tuple[np.ndarray, np.ndarray]:
    from rag.embedding import Embedder
    from rag.evaluate import eval_settings, load_dataset
    from rag.index import load_index
    from rag.settings import Settings

    vectors, questions = [], []
    embedder = Embedder(Settings())
    for name in ("liveqa-med", "pubmedqa-l"):
        folder = ROOT.parent / "shared" / "benchmarks" / name
        settings = eval_settings(folder, Settings())
        vectors.append(load_index(settings, verify=False).vectors)
        questions.extend(q[:2000] for q in load_dataset(folder).queries.values())
    return np.concatenate(vectors), embedder.encode_questions(questions)


def grow(real: np.ndarray, n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    out = np.empty((n, DIMS), dtype=np.float32)
    for start in range(0, n, 200_000):
        rows = min(200_000, n - start)
        block = real[rng.integers(0, len(real), rows)] + rng.standard_normal((rows, DIMS), dtype=np.float32) * NOISE
        faiss.normalize_L2(block)
        out[start:start + rows] = block
    return out


def index_bytes(index: faiss.Index) -> int:
    return len(faiss.serialize_index(index))


def measure(index, queries, truth) -> dict:
    faiss.omp_set_num_threads(1)
    row = {}
    for nprobe in PROBES:
        index.nprobe = nprobe
        _, found = index.search(queries, 10)
        recall = float(np.mean([len(set(a) & set(b)) / 10 for a, b in zip(found, truth)]))
        row[nprobe] = {"recall_at_10": round(recall, 4), "search_ms": search_ms(index, queries[:200])}
    faiss.omp_set_num_threads(2)
    return row


def reranked(index, vectors, queries, truth, depth: int = 100) -> dict:
    """IVF-PQ's top `depth` rescored on the exact vectors (which a shard keeps memory-mapped, read per hit)."""
    faiss.omp_set_num_threads(1)
    row = {}
    for nprobe in PROBES:
        index.nprobe = nprobe
        samples, hits = [], []
        for q in queries:
            started = time.perf_counter()
            _, ids = index.search(q.reshape(1, -1), depth)
            ids = ids[0][ids[0] >= 0]
            best = ids[np.argsort(-(vectors[ids] @ q))[:10]]
            samples.append((time.perf_counter() - started) * 1000)
            hits.append(best)
        recall = float(np.mean([len(set(a) & set(b)) / 10 for a, b in zip(hits, truth)]))
        row[nprobe] = {"recall_at_10": round(recall, 4), "search_ms": {"p50": round(float(np.median(samples)), 3)}}
    faiss.omp_set_num_threads(2)
    return row


def summary(name: str, index, build_s: float, probes: dict) -> dict:
    good = next((p for p in PROBES if probes[p]["recall_at_10"] >= 0.95), None)
    best = max(PROBES, key=lambda p: probes[p]["recall_at_10"])
    chosen = good or best
    return {"index": name, "mb": round(index_bytes(index) / 2**20, 1), "build_s": round(build_s, 1),
            "nprobe": chosen, "recall_at_10": probes[chosen]["recall_at_10"], "p50_ms": probes[chosen]["search_ms"]["p50"],
            "reaches_0_95": good is not None, "probes": probes}


def main(max_exponent: int) -> None:
    real, queries = real_data()
    faiss.omp_set_num_threads(2)
    rows = []
    for exponent in range(5, max_exponent + 1):
        n = 10**exponent
        vectors = grow(real, n, exponent)
        flat = faiss.IndexFlatIP(DIMS)
        flat.add(vectors)
        _, truth = flat.search(queries, 10)
        faiss.omp_set_num_threads(1)
        flat_ms = search_ms(flat, queries[:200])
        faiss.omp_set_num_threads(2)
        entry = {"vectors": n, "flat": {"index": "flat", "mb": round(vectors.nbytes / 2**20, 1), "build_s": 0.0,
                                         "recall_at_10": 1.0, "p50_ms": flat_ms["p50"]}}
        del flat
        nlist = int(4 * np.sqrt(n))
        sample = vectors[np.sort(np.random.default_rng(0).choice(n, min(n, 40 * nlist), replace=False))]
        for name, make in (("ivf_flat", lambda q: faiss.IndexIVFFlat(q, DIMS, nlist, faiss.METRIC_INNER_PRODUCT)),
                           ("ivf_pq", lambda q: faiss.IndexIVFPQ(q, DIMS, nlist, PQ_M, 8, faiss.METRIC_INNER_PRODUCT))):
            started = time.perf_counter()
            index = make(faiss.IndexFlatIP(DIMS))
            index.train(sample)
            index.add(vectors)
            build_s = time.perf_counter() - started
            entry[name] = summary(name, index, build_s, measure(index, queries, truth))
            entry[name]["nlist"] = nlist
            if name == "ivf_pq":
                entry["ivf_pq_rerank"] = summary("ivf_pq + exact rerank of 100", index, build_s,
                                                 reranked(index, vectors, queries, truth))
            del index
        rows.append(entry)
        print(json.dumps({k: (v if k == "vectors" else {x: y for x, y in v.items() if x != "probes"})
                          for k, v in entry.items()}), flush=True)
        del vectors
    save("shard-index-types", f".venv/bin/python benchmarks/bench_shards.py {max_exponent}",
         {"dims": DIMS, "noise_sigma": NOISE, "queries": len(queries), "real_vectors": len(real), "pq_bytes": PQ_M,
          "rows": rows})


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 6)
