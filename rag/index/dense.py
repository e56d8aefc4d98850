"""The vector side of an index: FAISS for the stored search, an fp16 copy that finds a question's candidates."""

from __future__ import annotations

import faiss
import numpy as np

from rag.settings import Settings


def make_faiss(vectors: np.ndarray, settings: Settings) -> faiss.Index:
    """Exact inner product up to `approximate_above` vectors, IVF-Flat above it.

    benchmarks/bench_faiss.py chose IVF: on real passages (liveqa-med) it reached recall@10 0.98 against
    exact search at a third of the time, where HNSW stalled near 0.92; exact search grows past the model's
    own encode time at about 2·10^5 vectors.
    """
    dims = vectors.shape[1]
    if len(vectors) <= settings.approximate_above:
        index = faiss.IndexFlatIP(dims)
        if len(vectors):
            index.add(vectors)
        return index
    nlist = max(1, int(4 * np.sqrt(len(vectors))))
    quantizer = faiss.IndexFlatIP(dims)
    ivf = faiss.IndexIVFFlat(quantizer, dims, nlist, faiss.METRIC_INNER_PRODUCT)
    sample = np.random.default_rng(0).choice(len(vectors), min(len(vectors), 40 * nlist), replace=False)
    ivf.train(vectors[np.sort(sample)])
    ivf.add(vectors)
    tune_search(ivf)
    return ivf


def tune_search(index: faiss.Index) -> None:
    """Probe enough IVF lists for recall ≥ 0.95 (measured); a no-op for exact indexes."""
    if isinstance(index, faiss.IndexIVF):
        index.nprobe = min(index.nlist, max(128, index.nlist // 16))


def candidate_finder(vectors: np.ndarray) -> faiss.Index:
    """A half-size (fp16) copy of the vectors that finds a question's candidates faster than exact search.

    Memory traffic, not arithmetic, bounds a search over tens of thousands of vectors: on liveqa-med's
    37,100 passages an fp16 scan took 2.5 ms on one thread against 4.5 ms for FAISS' flat index and 3.3 ms
    for numpy on two BLAS threads (whose spinning cost throughput under 16 clients). Candidates are then
    scored on the exact fp32 vectors, so only the edge of the candidate list can differ.
    """
    finder = faiss.IndexScalarQuantizer(vectors.shape[1], faiss.ScalarQuantizer.QT_fp16, faiss.METRIC_INNER_PRODUCT)
    if len(vectors):
        finder.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return finder


PQ_BYTES = 48  # benchmarks/bench_shards.py: 48 one-byte codes + an exact rescore of 100 reach recall@10 0.958


def shard_kind(count: int, settings: Settings) -> str:
    """Which index finds a shard's candidates: an fp16 scan, IVF over fp32, or IVF over PQ codes."""
    if count <= settings.approximate_above:
        return "flat_fp16"
    return "ivf_flat" if count <= settings.pq_above else "ivf_pq"


def make_shard_finder(vectors: np.ndarray, settings: Settings) -> faiss.Index:
    """A shard's candidate finder; candidates are always rescored on the shard's exact (memory-mapped) vectors."""
    kind = shard_kind(len(vectors), settings)
    if kind == "flat_fp16":
        return candidate_finder(vectors)
    if kind == "ivf_flat":
        return make_faiss(vectors, settings)
    dims = vectors.shape[1]
    nlist = max(1, int(4 * np.sqrt(len(vectors))))
    index = faiss.IndexIVFPQ(faiss.IndexFlatIP(dims), dims, nlist, PQ_BYTES, 8, faiss.METRIC_INNER_PRODUCT)
    sample = np.random.default_rng(0).choice(len(vectors), min(len(vectors), 40 * nlist), replace=False)
    index.train(np.ascontiguousarray(vectors[np.sort(sample)], dtype=np.float32))
    index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    tune_search(index)
    return index


def read_shard_finder(path, kind: str) -> faiss.Index:
    """A shard's finder read without copying it: flat codes (IO_FLAG_MMAP_IFC) or IVF lists (IO_FLAG_MMAP) stay in
    the page cache, which every server process on the machine shares. (faiss takes one or the other: the IVF
    reader maps a plain file, which the flat-codes mapping would have wrapped.)"""
    flags = faiss.IO_FLAG_MMAP_IFC if kind == "flat_fp16" else faiss.IO_FLAG_MMAP
    index = faiss.read_index(str(path), flags | faiss.IO_FLAG_READ_ONLY)
    tune_search(index)
    return index
