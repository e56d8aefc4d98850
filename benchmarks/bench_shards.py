"""Shard index types at scale on vectors made from real ones (issue 14): flat vs IVF-Flat vs IVF-PQ.

Random unit vectors have no structure and defeat every approximate index (benchmarks/bench_faiss.py), so
here a corpus of n vectors is grown from the real passage vectors of liveqa-med and pubmedqa-l: each
synthetic vector is a real one plus Gaussian noise (scaled so that it keeps cosine ≈ 0.85 to its parent),
normalised. That keeps the real data's clusters and density while every vector is distinct. Queries are the
real questions of both datasets (1,104), through the shipped question adapter, as served. Ground truth is
exact inner-product search over the same n vectors; recall@10 is measured against it.

Reported per n: memory per shard (the index's own bytes), build seconds on this 2-core machine, and one-thread
search p50 at the nprobe that first reaches recall@10 ≥ 0.95 (and the best recall reached).

At 10^7 (`--large`) the vectors (15.4 GB fp32) do not fit beside any index in this machine's 24 GiB, so they
live in a memory-mapped file, as a served shard's do: ground truth is exact search block by block, "flat" is a
one-thread scan of the mapped file, and only IVF-PQ is built (IVF-Flat's lists would be a second in-RAM copy of
all the vectors: that is the point past which flat vectors no longer fit). nlist is 4,096, not 4·√n ≈ 12,649,
to keep the assignment of 10^7 vectors within ~10 minutes on two cores; the rows say so.

Usage: .venv/bin/python -m benchmarks.bench_shards [max_exponent=6]   (needs the eval indexes: `rag eval`)
       .venv/bin/python -m benchmarks.bench_shards --large            (10^7; ~15 GB of scratch disk in /tmp)
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import faiss
import numpy as np

from benchmarks.bench_faiss import search_ms
from benchmarks.common import ROOT, save

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
    return {
        "index": name,
        "mb": round(index_bytes(index) / 2**20, 1),
        "build_s": round(build_s, 1),
        "nprobe": chosen,
        "recall_at_10": probes[chosen]["recall_at_10"],
        "p50_ms": probes[chosen]["search_ms"]["p50"],
        "reaches_0_95": good is not None,
        "probes": probes,
    }


def flat_entry(n: int, label: str, nbytes: int, p50_ms: float) -> dict:
    """A size's row, begun with exact search: the reference every other index's recall is measured against."""
    return {"vectors": n, "flat": {"index": label, "mb": round(nbytes / 2**20, 1), "build_s": 0.0, "recall_at_10": 1.0,
                                   "p50_ms": p50_ms}}


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
        entry = flat_entry(n, "flat", vectors.nbytes, flat_ms["p50"])
        del flat
        nlist = int(4 * np.sqrt(n))
        sample = vectors[np.sort(np.random.default_rng(0).choice(n, min(n, 40 * nlist), replace=False))]
        for name, make in (
            ("ivf_flat", lambda q, nlist=nlist: faiss.IndexIVFFlat(q, DIMS, nlist, faiss.METRIC_INNER_PRODUCT)),
            ("ivf_pq", lambda q, nlist=nlist: faiss.IndexIVFPQ(q, DIMS, nlist, PQ_M, 8, faiss.METRIC_INNER_PRODUCT)),
        ):
            started = time.perf_counter()
            index = make(faiss.IndexFlatIP(DIMS))
            index.train(sample)
            index.add(vectors)
            build_s = time.perf_counter() - started
            entry[name] = summary(name, index, build_s, measure(index, queries, truth))
            entry[name]["nlist"] = nlist
            if name == "ivf_pq":
                entry["ivf_pq_rerank"] = summary(
                    "ivf_pq + exact rerank of 100", index, build_s, reranked(index, vectors, queries, truth)
                )
            del index
        rows.append(entry)
        print(
            json.dumps(
                {k: (v if k == "vectors" else {x: y for x, y in v.items() if x != "probes"}) for k, v in entry.items()}
            ),
            flush=True,
        )
        del vectors
    save(
        "shard-index-types",
        f".venv/bin/python -m benchmarks.bench_shards {max_exponent}",
        {
            "dims": DIMS,
            "noise_sigma": NOISE,
            "queries": len(queries),
            "real_vectors": len(real),
            "pq_bytes": PQ_M,
            "rows": rows,
        },
    )


def exact_top10(vectors: np.ndarray, queries: np.ndarray, block: int = 250_000) -> np.ndarray:
    """Exact inner-product top 10 of every query over a (memory-mapped) array, one block in memory at a time."""
    best_scores = np.full((len(queries), 10), -np.inf, dtype=np.float32)
    best_ids = np.zeros((len(queries), 10), dtype=np.int64)
    for start in range(0, len(vectors), block):
        part = faiss.IndexFlatIP(DIMS)
        part.add(np.ascontiguousarray(vectors[start : start + block]))
        scores, ids = part.search(queries, 10)
        scores = np.concatenate([best_scores, scores], axis=1)
        ids = np.concatenate([best_ids, ids + start], axis=1)
        order = np.argsort(-scores, axis=1, kind="stable")[:, :10]
        best_scores, best_ids = np.take_along_axis(scores, order, 1), np.take_along_axis(ids, order, 1)
    return best_ids


def scan_ms(vectors: np.ndarray, queries: np.ndarray, block: int = 1_000_000) -> dict:
    """One-thread exact scan of the mapped vectors for a few questions (what a flat shard this size would cost)."""
    faiss.omp_set_num_threads(1)
    samples = []
    for q in queries:
        started = time.perf_counter()
        scores = np.concatenate([vectors[a : a + block] @ q for a in range(0, len(vectors), block)])
        np.argpartition(-scores, 10)[:10]
        samples.append((time.perf_counter() - started) * 1000)
    faiss.omp_set_num_threads(2)
    return {"p50": round(float(np.median(samples)), 1)}


def large(exponent: int = 7, nlist: int = 4096) -> None:
    import tempfile

    real, queries = real_data()
    faiss.omp_set_num_threads(2)
    n = 10**exponent
    with tempfile.TemporaryDirectory() as scratch:
        vectors = np.lib.format.open_memmap(Path(scratch) / "vectors.npy", mode="w+", dtype=np.float32, shape=(n, DIMS))
        started = time.perf_counter()
        for start in range(0, n, 1_000_000):
            rows = min(1_000_000, n - start)
            vectors[start : start + rows] = grow(real, rows, exponent * 1000 + start // 1_000_000)
        vectors.flush()
        print(json.dumps({"grown_s": round(time.perf_counter() - started, 1)}), flush=True)
        started = time.perf_counter()
        truth = exact_top10(vectors, queries)
        print(json.dumps({"truth_s": round(time.perf_counter() - started, 1)}), flush=True)
        entry = flat_entry(n, "flat (memory-mapped fp32 scan)", vectors.nbytes, scan_ms(vectors, queries[:5])["p50"])
        started = time.perf_counter()
        sample = np.ascontiguousarray(vectors[np.sort(np.random.default_rng(0).choice(n, 40 * nlist, replace=False))])
        index = faiss.IndexIVFPQ(faiss.IndexFlatIP(DIMS), DIMS, nlist, PQ_M, 8, faiss.METRIC_INNER_PRODUCT)
        index.cp.niter = 10
        index.train(sample)
        for start in range(0, n, 500_000):
            index.add(np.ascontiguousarray(vectors[start : start + 500_000]))
        build_s = time.perf_counter() - started
        entry["ivf_pq"] = {**summary("ivf_pq", index, build_s, measure(index, queries, truth)), "nlist": nlist}
        for depth in (100, 1000):  # at this density (~250 grown vectors a real one) 100 proved too shallow
            entry[f"ivf_pq_rerank_{depth}"] = {
                **summary(
                    f"ivf_pq + exact rerank of {depth} (mapped rows)",
                    index,
                    build_s,
                    reranked(index, vectors, queries, truth, depth),
                ),
                "nlist": nlist,
            }
        entry["ivf_flat"] = {
            "index": "ivf_flat",
            "skipped": "its lists are a second in-RAM fp32 copy (15.4 GB) beside the vectors: does not fit in 24 GiB",
        }
        print(
            json.dumps(
                {k: (v if k == "vectors" else {x: y for x, y in v.items() if x != "probes"}) for k, v in entry.items()}
            ),
            flush=True,
        )
        del index, vectors
    save(
        "shard-index-types-large",
        ".venv/bin/python -m benchmarks.bench_shards --large",
        {
            "dims": DIMS,
            "noise_sigma": NOISE,
            "queries": len(queries),
            "real_vectors": len(real),
            "pq_bytes": PQ_M,
            "rows": [entry],
        },
    )


if __name__ == "__main__":
    if sys.argv[1:] == ["--large"]:
        large()
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 6)
