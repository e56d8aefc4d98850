"""One build: ingest → chunk → caveats → embed (through the content-hash cache) → write aside → swap in.

A build whose manifest already describes these documents and settings is skipped (`staleness` is empty).
"""

from __future__ import annotations

import errno
import json
import shutil
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

import faiss
import numpy as np

from rag.abbreviations import definitions, spelled_out
from rag.caveats.profile import CAVEATS_VERSION, add_caveats
from rag.embedding import encoder_precision, vector_space
from rag.embedding.cache import EmbeddingCache
from rag.index.dense import make_faiss
from rag.index.errors import IndexUnavailable
from rag.index.lexical import DOC_LEXICAL, LexicalIndex, document_texts
from rag.index.manifest import (
    FORMAT_VERSION,
    MANIFEST,
    DocumentEntry,
    Manifest,
    ShardEntry,
    build_files,
    chunker_settings,
    sha256,
    staleness,
)
from rag.index.shards import TERM_STATS, shard_checksum, write_shards
from rag.index.store import (
    build_lock,
    current_folder,
    current_manifest,
    finish,
    new_staging,
    prune,
    remove_stale,
    swap_current,
)
from rag.index.term_stats import TermStats
from rag.ingest import ingest_folder
from rag.ingest.chunking import Chunker
from rag.offline import cl100k
from rag.settings import Settings
from rag.types import Chunk, Document, to_dict


@dataclass
class BuildResult:
    folder: Path
    documents: int
    chunks: int
    embedded: int
    reused: int
    seconds: float
    warnings: list[str]
    unchanged: bool = False


def make_chunker(settings: Settings, count_model_tokens: Callable[[str], int] | None) -> Chunker:
    encoding = cl100k()
    return Chunker(
        count_tokens=lambda text: len(encoding.encode(text, disallowed_special=())),
        max_tokens=settings.chunk_max_tokens,
        min_tokens=settings.chunk_min_tokens,
        overlap_sentences=settings.chunk_overlap_sentences,
        count_model_tokens=count_model_tokens,
        model_window=settings.model_window,
    )


def prepare(documents: list[Document], settings: Settings, count_model_tokens, caveats: bool = True
            ) -> tuple[list[Document], list[Chunk]]:
    """Chunk (and caveat) documents; the CPU work of a build apart from embedding."""
    chunker = make_chunker(settings, count_model_tokens)
    out_docs: list[Document] = []
    chunks: list[Chunk] = []
    for document in documents:
        doc_chunks = chunker.chunk_document(document)
        if caveats:
            document, doc_chunks = add_caveats(document, doc_chunks)
        out_docs.append(document)
        chunks.extend(doc_chunks)
    return out_docs, chunks


def file_facts(folder: Path | None, path: str) -> tuple[int | None, str | None]:
    """Size and modification time (ISO 8601, UTC) of a document's file in `folder`; None, None where it is no file."""
    if folder is None:
        return None, None
    try:
        stat = (folder / Path(path).name).stat()
    except OSError:
        return None, None
    return stat.st_size, datetime.fromtimestamp(stat.st_mtime, UTC).isoformat(timespec="seconds")


def document_entries(documents: list[Document], folder: Path | None = None) -> dict[str, DocumentEntry]:
    """The manifest's record of each document; with `folder` (the documents folder), each file's size and date too."""
    return {d.doc_id: DocumentEntry(d.content_hash, d.path, d.title if d.title_given else None,
                                    *file_facts(folder, d.path)) for d in documents}


@dataclass
class Computed:
    """What the CPU/model side of a build hands the writer: caveated passages and every vector."""

    documents: list[Document]
    chunks: list[Chunk]
    vectors: np.ndarray  # one row per chunk
    title_vectors: np.ndarray  # one row per document; zeros for a stand-in title
    embedded: int  # texts the model encoded (the rest came from the cache)
    reused: int
    term_stats: TermStats | None = None  # counted by the workers, when a distributed build did it


class Compute(Protocol):
    """chunk → caveats → embed over documents: here in one process (`compute_local`) or on Ray (rag/index/ray_build)."""

    def __call__(
        self,
        documents: list[Document],
        settings: Settings,
        embedder,
        caveats: bool,
        on_embed_start: Callable[[int], None] | None,
        on_embedded: Callable[[int], None] | None,
    ) -> Computed: ...


def title_rows(documents: list[Document], dimensions: int, title_vectors: np.ndarray) -> np.ndarray:
    """One row per document: its title's vector, or zeros for a stand-in title (the first sentence repeats the
    text, so it gets no second vote)."""
    out = np.zeros((len(documents), dimensions), dtype=np.float32)
    out[[i for i, d in enumerate(documents) if d.title_given]] = title_vectors
    return out


def embedded_texts(documents: list[Document], chunks: list[Chunk]) -> list[str]:
    """What the build encodes: each passage with the long forms of the abbreviations its document defines appended
    (`spelled_out`), then the titles documents give. The chunker fits a passage alone to the model's window, so on a
    passage at the limit the encoder cuts what is appended (the passage itself is whole)."""
    defined = {d.doc_id: definitions(d.text) for d in documents}
    return [spelled_out(c.text, defined.get(c.doc_id, ())) for c in chunks] + [d.title for d in documents
                                                                               if d.title_given]


def embed_cached(settings: Settings, dimensions: int, documents: list[Document], chunks: list[Chunk],
                 encode: Callable[[list[str]], np.ndarray], batch: int = 256, on_start=None, on_done=None,
                 term_stats: TermStats | None = None) -> Computed:
    """Passages, then the titles documents give, through the content-hash cache (`encode` gets the misses only);
    the same for every Compute, whichever way it encodes."""
    cache = EmbeddingCache(embedding_cache_path(settings), vector_space(settings), dimensions)
    try:
        texts = embedded_texts(documents, chunks)
        all_vectors, embedded = cache.encode(texts, encode, batch=batch, on_start=on_start, on_done=on_done)
    finally:
        cache.close()
    return Computed(documents, chunks, all_vectors[: len(chunks)],
                    title_rows(documents, dimensions, all_vectors[len(chunks):]), embedded, len(texts) - embedded,
                    term_stats)


def compute_local(
    documents: list[Document], settings: Settings, embedder, caveats: bool, on_embed_start=None, on_embedded=None
) -> Computed:
    documents, chunks = prepare(documents, settings, embedder.count_tokens, caveats)
    return embed_cached(settings, embedder.dimensions, documents, chunks, embedder.encode,
                        on_start=on_embed_start, on_done=on_embedded)


def embedding_cache_path(settings: Settings) -> Path:
    return settings.embedding_cache or settings.index_dir / "embeddings.sqlite3"


def prune_cache(settings: Settings, dimensions: int) -> int:
    """After a collection build: vectors of removed or edited passages leave the cache once no recent build used
    them."""
    cache = EmbeddingCache(embedding_cache_path(settings), vector_space(settings), dimensions)
    try:
        return cache.prune(settings.embedding_cache_builds)
    finally:
        cache.close()


def build_index(
    settings: Settings,
    embedder,
    on_embed_start: Callable[[int], None] | None = None,
    on_embedded: Callable[[int], None] | None = None,
    documents: list[Document] | None = None,
    caveats: bool = True,
    compute: Compute | None = None,
) -> BuildResult:
    """Ingest, chunk, caveat and embed; vectors come from the content-hash cache when the text is known.

    With `documents` given (an evaluation corpus), ingestion is skipped. `compute` runs the chunk → embed
    stages (in this process when None); ingestion, writing and the swap are the same for every `compute`.
    """
    started = time.perf_counter()
    with build_lock(settings.index_dir):
        remove_stale(settings.index_dir / "builds")  # a killed or failed build's leftovers, every time
        warnings: list[str] = []
        collection = documents is None  # the documents folder, not an evaluation corpus sharing the cache
        if collection:
            report = ingest_folder(settings.docs_dir, settings)
            documents, warnings = report.documents, report.warnings
        assert documents is not None
        entries = document_entries(documents, settings.docs_dir if collection else None)
        old = current_manifest(settings.index_dir)
        if old and not staleness(old, settings, current_folder(settings.index_dir).resolve(), entries, caveats):
            chunks_count = old.counts.get("chunks", 0)
            return BuildResult(
                current_folder(settings.index_dir).resolve(),
                len(documents),
                chunks_count,
                0,
                chunks_count,
                time.perf_counter() - started,
                warnings,
                unchanged=True,
            )

        computed = (compute or compute_local)(documents, settings, embedder, caveats, on_embed_start, on_embedded)
        builds = settings.index_dir / "builds"
        staging = new_staging(builds)
        try:
            write_build(staging, settings, embedder.dimensions, computed, entries, caveats, started)
            final = finish(staging, builds)
        except (OSError, RuntimeError) as exc:
            shutil.rmtree(staging, ignore_errors=True)
            full = (
                getattr(exc, "errno", None) == errno.ENOSPC
                or "No space left" in str(exc)
                or shutil.disk_usage(builds).free < 1_048_576
            )  # numpy and faiss report short writes without errno
            reason = (
                "the disk is full"
                if full
                else f"{type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}"
            )
            raise IndexUnavailable(
                f"build failed ({reason}); nothing was swapped in, the old index keeps serving"
            ) from None
        swap_current(settings.index_dir, final)
        prune(builds, keep=final)
        if collection:
            try:  # the new build is live: a cache that cannot be pruned now is pruned by the next build
                prune_cache(settings, embedder.dimensions)
            except (sqlite3.Error, OSError) as exc:
                warnings.append(f"embedding cache not pruned ({type(exc).__name__}: {exc}); the index is built")
        return BuildResult(
            final,
            len(computed.documents),
            len(computed.chunks),
            computed.embedded,
            computed.reused,
            time.perf_counter() - started,
            warnings,
        )


def write_build(
    staging: Path,
    settings: Settings,
    dimensions: int,
    computed: Computed,
    entries: dict[str, DocumentEntry],
    caveats: bool,
    started: float,
) -> None:
    """Every file of a build, and last its manifest with their checksums, into `staging`."""
    documents, chunks, vectors = computed.documents, computed.chunks, computed.vectors
    staging.mkdir()
    (staging / "documents.json").write_text(json.dumps([to_dict(d) for d in documents], ensure_ascii=False))
    np.save(staging / "title_vectors.npy", computed.title_vectors, allow_pickle=False)
    LexicalIndex.build([d.title if d.title_given else "" for d in documents]).save(staging / "bm25_title")
    LexicalIndex.build(document_texts(documents)).save(staging / DOC_LEXICAL)
    shards: list[tuple[str, int, int, int, str]] = []
    stats: TermStats | None = None
    if settings.index_shards > 1:
        shards, stats = write_shards(staging, chunks, vectors, settings, settings.index_shards, computed.term_stats)
        kind = "sharded"
    else:
        (staging / "chunks.json").write_text(json.dumps([to_dict(c) for c in chunks], ensure_ascii=False))
        np.save(staging / "vectors.npy", vectors, allow_pickle=False)
        faiss.write_index(make_faiss(vectors, settings), str(staging / "faiss.index"))
        LexicalIndex.build([c.text for c in chunks]).save(staging / "bm25")
        kind = "ivf_flat" if len(chunks) > settings.approximate_above else "flat_ip"
    files = {str(p.relative_to(staging)): sha256(p) for p in build_files(staging)}
    manifest = Manifest(
        format_version=FORMAT_VERSION,
        model=settings.model_name,
        encoder={"backend": settings.encoder_backend, "precision": encoder_precision(settings)},
        dimensions=dimensions,
        chunker=chunker_settings(settings),
        caveats_version=CAVEATS_VERSION if caveats else None,
        faiss=kind,
        built_at=datetime.now(UTC).isoformat(timespec="seconds"),
        build_seconds=round(time.perf_counter() - started, 3),
        docs_dir=str(settings.docs_dir),
        counts={
            "documents": len(documents),
            "chunks": len(chunks),
            "embedded": computed.embedded,
            **({"shards_requested": settings.index_shards} if settings.index_shards > 1 else {}),
        },
        documents=entries,
        files=files,
        shards=[
            ShardEntry(name, first, count, docs, finder, shard_checksum(files, name))
            for name, first, count, docs, finder in shards
        ],
        term_stats=(
            {"num_docs": stats.num_docs, "avg_doc_len": float(stats.avg_doc_len), "file": TERM_STATS} if stats else {}
        ),
    )
    (staging / MANIFEST).write_text(manifest.to_json())
