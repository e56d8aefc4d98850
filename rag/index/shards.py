"""A sharded build: passages split by whole documents into N shards, read back as one index.

Each shard folder (`shards/000/`, …) holds its passages (chunks.json), their exact vectors (vectors.npy,
memory-mapped when served, so server processes on one machine share the pages), a candidate finder
(finder.index: an fp16 scan, IVF or IVF-PQ by size, also memory-mapped) and its BM25 index scored with the
collection's term statistics (term_stats.json at the top). A query searches every shard and merges, with
passage ids numbered across shards in order, so a sharded build answers exactly as the one-file layout does.
Document-level parts (documents.json, title vectors and title BM25) stay whole at the top of the build.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np

from rag.index.dense import make_shard_finder, read_shard_finder, shard_kind
from rag.index.errors import IndexUnavailable
from rag.index.lexical import LexicalIndex, ShardedLexical, terms
from rag.index.manifest import ShardEntry
from rag.index.passages import LocalPassages
from rag.index.term_stats import TermStats
from rag.settings import Settings
from rag.types import Chunk, chunk_from_dict, to_dict

SHARDS_DIR = "shards"
TERM_STATS = "term_stats.json"


def plan_shards(chunk_docs: list[str], count: int) -> list[tuple[int, int]]:
    """[start, end) passage ranges of at most `count` shards, each whole documents, about equal in passages."""
    starts = [i for i, doc in enumerate(chunk_docs) if i == 0 or doc != chunk_docs[i - 1]]
    if not starts:
        return []
    count = max(1, min(count, len(starts)))
    cuts = [0]
    for k in range(1, count):
        target = k * len(chunk_docs) / count
        best = min((s for s in starts if s > cuts[-1]), key=lambda s: abs(s - target), default=None)
        if best is None:
            break
        cuts.append(best)
    cuts.append(len(chunk_docs))
    return [(a, b) for a, b in itertools.pairwise(cuts) if b > a]


def shard_checksum(files: dict[str, str], name: str) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in files if p.startswith(name + "/")):
        digest.update(f"{path[len(name) + 1:]}:{files[path]}\n".encode())
    return digest.hexdigest()


def shard_term_stats(chunks: list[Chunk]) -> TermStats:
    """One shard's counts; summed over shards (`TermStats.merge`) they are the collection's."""
    return TermStats.count(terms(c.text) for c in chunks)


def write_shard(folder: Path, chunks: list[Chunk], vectors: np.ndarray, stats: TermStats, settings: Settings) -> str:
    """Every file of one shard; returns the kind of candidate finder it holds."""
    folder.mkdir(parents=True)
    (folder / "chunks.json").write_text(json.dumps([to_dict(c) for c in chunks], ensure_ascii=False))
    np.save(folder / "vectors.npy", np.ascontiguousarray(vectors, dtype=np.float32), allow_pickle=False)
    faiss.write_index(make_shard_finder(vectors, settings), str(folder / "finder.index"))
    LexicalIndex.build([c.text for c in chunks], stats).save(folder / "bm25")
    return shard_kind(len(chunks), settings)


def write_shards(staging: Path, chunks: list[Chunk], vectors: np.ndarray, settings: Settings, count: int,
                 stats: TermStats | None = None) -> tuple[list[tuple[str, int, int, int, str]], TermStats]:
    """The shards of a build, (name, first, count, documents, finder) each, and the collection's term statistics.

    `stats` may come from the workers that chunked the text (a Ray build); otherwise they are counted here."""
    ranges = plan_shards([c.doc_id for c in chunks], count)
    if stats is None:
        stats = TermStats.merge(shard_term_stats(chunks[a:b]) for a, b in ranges)
    stats.save(staging / TERM_STATS)
    out = []
    for number, (a, b) in enumerate(ranges):
        name = f"{SHARDS_DIR}/{number:03d}"
        kind = write_shard(staging / name, chunks[a:b], vectors[a:b], stats, settings)
        out.append((name, a, b - a, len({c.doc_id for c in chunks[a:b]}), kind))
    return out, stats


class ShardedVectors:
    """The shards' memory-mapped vectors read as one array by global passage id (rows are copied on demand)."""

    def __init__(self, parts: list[np.ndarray], dims: int) -> None:
        self.parts = parts
        self.offsets = np.cumsum([0] + [len(p) for p in parts])
        self.shape = (int(self.offsets[-1]), dims)

    def __len__(self) -> int:
        return self.shape[0]

    def __getitem__(self, ids) -> np.ndarray:
        ids = np.asarray(ids, dtype=np.int64)
        flat = ids.reshape(-1)
        out = np.empty((len(flat), self.shape[1]), dtype=np.float32)
        shard = np.searchsorted(self.offsets, flat, side="right") - 1
        for number in np.unique(shard):
            rows = shard == number
            out[rows] = self.parts[number][flat[rows] - self.offsets[number]]
        return out.reshape(*ids.shape, self.shape[1])


@dataclass
class ShardSet:
    """What a query needs from the shards: passages, their vectors, one merged finder and BM25 over all."""

    chunks: list[Chunk]
    vectors: ShardedVectors
    finder: faiss.Index
    lexical: ShardedLexical  # (faiss' Python layer keeps each shard's finder referenced by the merged one)
    parts: list[LocalPassages]  # each shard searched on its own, merged per query (rag/index/passages.py)


def load_shards(folder: Path, entries: list[ShardEntry], dims: int, rerank: int = 0) -> ShardSet:
    stats = TermStats.load(folder / TERM_STATS)
    chunks: list[Chunk] = []
    parts, lexicals = [], []
    merged = faiss.IndexShards(dims, False, True)  # type: ignore[call-arg]  # (faiss' stubs lack it) successive ids: shard k's passages follow shard k-1's
    searchable = []
    for entry in entries:
        shard_chunks = [chunk_from_dict(c) for c in json.loads((folder / entry.name / "chunks.json").read_text())]
        if len(shard_chunks) != entry.chunks or len(chunks) != entry.first_chunk:
            raise IndexUnavailable(f"shard {entry.name} in {folder} is inconsistent — run `rag index` to rebuild")
        passages = open_shard(folder, entry, stats, rerank)
        chunks.extend(shard_chunks)
        parts.append(passages.vectors)
        merged.add_shard(passages.finder)
        lexicals.append(passages.lexical)
        searchable.append(passages)
    return ShardSet(chunks, ShardedVectors(parts, dims), merged, ShardedLexical(lexicals, stats), searchable)


def open_shard(folder: Path, entry: ShardEntry, stats: TermStats, rerank: int = 0) -> LocalPassages:
    """One shard's searchable side, memory-mapped: what a query needs of it without its passage records.
    An IVF-PQ shard's candidates are rescored on its exact vectors, `rerank` deep."""
    shard = folder / entry.name
    vectors = np.load(shard / "vectors.npy", mmap_mode="r", allow_pickle=False)
    finder = read_shard_finder(shard / "finder.index", entry.finder)
    if len(vectors) != entry.chunks or finder.ntotal != entry.chunks:
        raise IndexUnavailable(f"shard {entry.name} in {folder} is inconsistent — run `rag index` to rebuild")
    return LocalPassages(finder, LexicalIndex.load(shard / "bm25", entry.chunks, stats), vectors, entry.first_chunk,
                         rerank if entry.finder == "ivf_pq" else 0)
