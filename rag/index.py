"""Build, persist, verify and load the index; builds are written aside and swapped in atomically.

Layout: `index/current` is a symlink to `index/builds/<id>/`, which holds manifest.json,
documents.json, chunks.json, vectors.npy, faiss.index and bm25/. Nothing is pickled.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import shutil
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import faiss
import numpy as np

from rag.caveats import CAVEATS_VERSION, annotate
from rag.chunking import Chunker
from rag.embedding import encoder_precision, vector_space
from rag.embedding.cache import EmbeddingCache
from rag.ingest import ingest_folder
from rag.lexical import LexicalIndex
from rag.offline import cl100k
from rag.settings import Settings
from rag.types import Chunk, Document, chunk_from_dict, document_from_dict, to_dict

FORMAT_VERSION = 3
CHUNKER_VERSION = 1
KEEP_BUILDS = 2


class IndexUnavailable(RuntimeError):
    """The index is missing, stale or damaged; the message says what to run."""


def chunker_settings(settings: Settings) -> dict[str, int]:
    return {
        "version": CHUNKER_VERSION,
        "max_tokens": settings.chunk_max_tokens,
        "min_tokens": settings.chunk_min_tokens,
        "overlap_sentences": settings.chunk_overlap_sentences,
        "model_window": settings.model_window,
    }


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


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.name != "manifest.json")


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
    index = faiss.IndexIVFFlat(quantizer, dims, nlist, faiss.METRIC_INNER_PRODUCT)
    sample = np.random.default_rng(0).choice(len(vectors), min(len(vectors), 40 * nlist), replace=False)
    index.train(vectors[np.sort(sample)])
    index.add(vectors)
    tune_search(index)
    return index


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


@dataclass
class LoadedIndex:
    """Everything a query needs, loaded once and swapped as a whole."""

    folder: Path
    manifest: dict
    documents: dict[str, Document]
    chunks: list[Chunk]
    vectors: np.ndarray
    faiss_index: faiss.Index
    lexical: LexicalIndex
    title_vectors: np.ndarray
    title_lexical: LexicalIndex
    chunks_by_doc: dict[str, list[int]] = field(default_factory=dict)
    doc_order: list[str] = field(default_factory=list)
    chunk_doc: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    doc_chunks: list[np.ndarray] = field(default_factory=list)  # chunk ids of each document, in doc_order
    passage_finder: faiss.Index | None = None  # the IVF index above `approximate_above`, else candidate_finder
    title_finder: faiss.Index | None = None

    titles_searchable: bool = False
    has_safety_warning: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))

    def __post_init__(self) -> None:
        # The title field votes only where every document has a real title: a collection with some
        # stand-in titles would give the titled documents an unearned edge.
        self.titles_searchable = bool(self.documents) and all(d.title_given for d in self.documents.values())
        self.doc_order = list(self.documents)
        position = {doc_id: i for i, doc_id in enumerate(self.doc_order)}
        for chunk_id, chunk in enumerate(self.chunks):
            self.chunks_by_doc.setdefault(chunk.doc_id, []).append(chunk_id)
        self.chunk_doc = np.array([position[c.doc_id] for c in self.chunks], dtype=np.int64)
        self.doc_chunks = [np.asarray(self.chunks_by_doc.get(doc_id, []), dtype=np.int64) for doc_id in self.doc_order]
        self.passage_finder = (self.faiss_index if isinstance(self.faiss_index, faiss.IndexIVF)
                               else candidate_finder(self.vectors))
        self.title_finder = candidate_finder(self.title_vectors) if self.titles_searchable else None
        self.has_safety_warning = np.array([any(v.code == "safety_warning" for v in c.caveats) for c in self.chunks],
                                           dtype=bool)


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


def current_folder(index_dir: Path) -> Path:
    return index_dir / "current"


@contextlib.contextmanager
def build_lock(index_dir: Path) -> Iterator[None]:
    index_dir.mkdir(parents=True, exist_ok=True)
    with (index_dir / ".lock").open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise IndexUnavailable(f"another `rag index` is already building into {index_dir}") from None
        yield


def read_manifest(folder: Path) -> dict:
    path = folder / "manifest.json"
    if not path.exists():
        raise IndexUnavailable(f"no index at {folder.parent} — run `rag index` to build it")
    try:
        manifest = json.loads(path.read_bytes().decode("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise IndexUnavailable(f"index manifest is damaged ({type(exc).__name__}) — run `rag index` to rebuild") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files", {}), dict) \
            or not isinstance(manifest.get("documents", {}), dict):
        raise IndexUnavailable("index manifest is damaged (not the expected JSON object) — run `rag index` to rebuild")
    return manifest


def manifest_precision(manifest: dict) -> str:
    """fp32 vectors match across backends (tested to cosine 0.999); int8 ones are their own space."""
    encoder = manifest.get("encoder")
    return encoder.get("precision", "fp32") if isinstance(encoder, dict) else "fp32"


def check_compatible(manifest: dict, settings: Settings, dimensions: int | None = None) -> None:
    """Refuse an index built by another model or chunker; mixing them gives wrong results."""
    if manifest.get("format_version") != FORMAT_VERSION:
        raise IndexUnavailable("index format is from another version — run `rag index` to rebuild it")
    if manifest.get("model") != settings.model_name:
        raise IndexUnavailable(
            f"index was built with model {manifest.get('model')!r}, this engine uses {settings.model_name!r} "
            "— run `rag index` to rebuild it"
        )
    built = manifest_precision(manifest)
    if built != encoder_precision(settings):
        raise IndexUnavailable(
            f"index vectors come from the {built} model, this engine encodes questions with the "
            f"{encoder_precision(settings)} one — run `rag index` to rebuild it, or set RAG_ENCODER_PRECISION={built}"
        )
    if dimensions is not None and manifest.get("dimensions") != dimensions:
        raise IndexUnavailable("index vectors have other dimensions than the model — run `rag index` to rebuild it")
    if manifest.get("chunker") != chunker_settings(settings):
        raise IndexUnavailable(
            f"index was built with chunker settings {manifest.get('chunker')}, these are "
            f"{chunker_settings(settings)} — run `rag index` to rebuild it"
        )


def verify_files(folder: Path, manifest: dict) -> list[str]:
    """Names of files whose checksum no longer matches the manifest (missing counts too)."""
    bad = []
    for name, digest in manifest.get("files", {}).items():
        path = folder / name
        if not path.exists() or _sha256(path) != digest:
            bad.append(name)
    return bad


def load_index(settings: Settings, dimensions: int | None = None, verify: bool = True) -> LoadedIndex:
    folder = current_folder(settings.index_dir)
    if not folder.exists():
        raise IndexUnavailable(f"no index in {settings.index_dir} — run `rag index` to build it")
    folder = folder.resolve()
    manifest = read_manifest(folder)
    check_compatible(manifest, settings, dimensions)
    if verify:
        bad = verify_files(folder, manifest)
        if bad:
            raise IndexUnavailable(f"index files {', '.join(bad)} in {folder} are damaged — run `rag index` to rebuild")
    try:
        documents = [document_from_dict(d) for d in json.loads((folder / "documents.json").read_text())]
        chunks = [chunk_from_dict(c) for c in json.loads((folder / "chunks.json").read_text())]
        vectors = np.load(folder / "vectors.npy", allow_pickle=False)
        faiss_index = faiss.read_index(str(folder / "faiss.index"))
        tune_search(faiss_index)
        lexical = LexicalIndex.load(folder / "bm25", len(chunks))
        title_vectors = np.load(folder / "title_vectors.npy", allow_pickle=False)
        title_lexical = LexicalIndex.load(folder / "bm25_title", len(documents))
    except Exception as exc:  # any damage reads as one clear message
        raise IndexUnavailable(f"index in {folder} could not be read ({exc}) — run `rag index` to rebuild") from None
    if len(vectors) != len(chunks) or faiss_index.ntotal != len(chunks):
        raise IndexUnavailable(f"index in {folder} is inconsistent — run `rag index` to rebuild")
    if len(title_vectors) != len(documents):
        raise IndexUnavailable(f"index in {folder} is inconsistent — run `rag index` to rebuild")
    return LoadedIndex(folder, manifest, {d.doc_id: d for d in documents}, chunks, vectors, faiss_index, lexical,
                       title_vectors, title_lexical)


def _current_manifest(settings: Settings) -> dict | None:
    folder = current_folder(settings.index_dir)
    try:
        return read_manifest(folder.resolve()) if folder.exists() else None
    except IndexUnavailable:
        return None


def prepare(documents: list[Document], settings: Settings, count_model_tokens, caveats: bool = True
            ) -> tuple[list[Document], list[Chunk]]:
    """Chunk (and caveat) documents; the CPU work of a build apart from embedding."""
    chunker = make_chunker(settings, count_model_tokens)
    out_docs: list[Document] = []
    chunks: list[Chunk] = []
    for document in documents:
        doc_chunks = chunker.chunk_document(document)
        if caveats:
            document, doc_chunks = annotate(document, doc_chunks)
        out_docs.append(document)
        chunks.extend(doc_chunks)
    return out_docs, chunks


def build_index(
    settings: Settings,
    embedder,
    on_embed_start: Callable[[int], None] | None = None,
    on_embedded: Callable[[int], None] | None = None,
    documents: list[Document] | None = None,
    caveats: bool = True,
) -> BuildResult:
    """Ingest, chunk, caveat and embed; vectors come from the content-hash cache when the text is known.

    With `documents` given (an evaluation corpus), ingestion is skipped.
    """
    started = time.perf_counter()
    with build_lock(settings.index_dir):
        _remove_stale(settings.index_dir / "builds")  # a killed or failed build's leftovers, every time
        warnings: list[str] = []
        if documents is None:
            report = ingest_folder(settings.docs_dir, settings)
            documents, warnings = report.documents, report.warnings
        doc_entries = {d.doc_id: {"hash": d.content_hash, "path": d.path, "title": d.title if d.title_given else None}
                       for d in documents}
        old = _current_manifest(settings)
        if (
            old
            and old.get("documents") == doc_entries
            and old.get("chunker") == chunker_settings(settings)
            and old.get("model") == settings.model_name
            and manifest_precision(old) == encoder_precision(settings)
            and old.get("caveats_version") == (CAVEATS_VERSION if caveats else None)
            and old.get("format_version") == FORMAT_VERSION
            and not verify_files(current_folder(settings.index_dir).resolve(), old)
        ):
            chunks_count = old.get("counts", {}).get("chunks", 0)
            return BuildResult(current_folder(settings.index_dir).resolve(), len(documents), chunks_count, 0,
                               chunks_count, time.perf_counter() - started, warnings, unchanged=True)

        documents, chunks = prepare(documents, settings, embedder.count_tokens, caveats)
        cache_path = settings.embedding_cache or settings.index_dir / "embeddings.sqlite3"
        cache = EmbeddingCache(cache_path, vector_space(settings), embedder.dimensions)
        try:
            titled = [d for d in documents if d.title_given]
            texts = [c.text for c in chunks] + [d.title for d in titled]
            all_vectors, embedded = cache.encode(texts, embedder.encode, on_start=on_embed_start, on_done=on_embedded)
        finally:
            cache.close()
        vectors = all_vectors[: len(chunks)]
        # A stand-in title (the first sentence) repeats the text: it gets a zero vector, not a second vote.
        title_vectors = np.zeros((len(documents), embedder.dimensions), dtype=np.float32)
        rows = [i for i, d in enumerate(documents) if d.title_given]
        title_vectors[rows] = all_vectors[len(chunks) :]

        builds = settings.index_dir / "builds"
        builds.mkdir(parents=True, exist_ok=True)
        staging = builds / f"tmp-{uuid.uuid4().hex[:8]}"
        try:
            final = _write_build(staging, builds, settings, embedder.dimensions, documents, chunks, vectors, title_vectors,
                                 doc_entries, embedded, caveats, started)
        except (OSError, RuntimeError) as exc:
            shutil.rmtree(staging, ignore_errors=True)
            full = (getattr(exc, "errno", None) == errno.ENOSPC or "No space left" in str(exc)
                    or shutil.disk_usage(builds).free < 1_048_576)  # numpy and faiss report short writes without errno
            reason = "the disk is full" if full else f"{type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}"
            raise IndexUnavailable(f"build failed ({reason}); nothing was swapped in, the old index keeps serving") from None
        swap_current(settings.index_dir, final)
        _prune(builds, keep=final)
        return BuildResult(final, len(documents), len(chunks), embedded, len(texts) - embedded,
                           time.perf_counter() - started, warnings)


def _write_build(staging: Path, builds: Path, settings: Settings, dimensions: int, documents: list[Document],
                 chunks: list[Chunk], vectors: np.ndarray, title_vectors: np.ndarray, doc_entries: dict, embedded: int,
                 caveats: bool, started: float) -> Path:
    """Write every file of a build into `staging`, fsync it, and rename it to its final name."""
    staging.mkdir()
    (staging / "documents.json").write_text(json.dumps([to_dict(d) for d in documents], ensure_ascii=False))
    (staging / "chunks.json").write_text(json.dumps([to_dict(c) for c in chunks], ensure_ascii=False))
    np.save(staging / "vectors.npy", vectors, allow_pickle=False)
    np.save(staging / "title_vectors.npy", title_vectors, allow_pickle=False)
    faiss.write_index(make_faiss(vectors, settings), str(staging / "faiss.index"))
    LexicalIndex.build([c.text for c in chunks]).save(staging / "bm25")
    LexicalIndex.build([d.title if d.title_given else "" for d in documents]).save(staging / "bm25_title")
    seconds = time.perf_counter() - started
    manifest = {
        "format_version": FORMAT_VERSION,
        "model": settings.model_name,
        "encoder": {"backend": settings.encoder_backend, "precision": encoder_precision(settings)},
        "dimensions": dimensions,
        "chunker": chunker_settings(settings),
        "caveats_version": CAVEATS_VERSION if caveats else None,
        "faiss": "ivf_flat" if len(chunks) > settings.approximate_above else "flat_ip",
        "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "build_seconds": round(seconds, 3),
        "docs_dir": str(settings.docs_dir),
        "counts": {"documents": len(documents), "chunks": len(chunks), "embedded": embedded},
        "documents": doc_entries,
        "files": {str(p.relative_to(staging)): _sha256(p) for p in _files(staging)},
    }
    (staging / "manifest.json").write_text(json.dumps(manifest, indent=2))
    _fsync_tree(staging)
    final = builds / f"{datetime.now(timezone.utc):%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:6]}"
    os.rename(staging, final)
    return final


def swap_current(index_dir: Path, target: Path) -> None:
    """Point `current` at a finished build in one rename, so readers see old or new, never half."""
    link = current_folder(index_dir)
    tmp = index_dir / f".current-{uuid.uuid4().hex[:6]}"
    os.symlink(os.path.relpath(target, index_dir), tmp)
    os.replace(tmp, link)


def _fsync_tree(folder: Path) -> None:
    for path in _files(folder) + [folder / "manifest.json"]:
        with path.open("rb") as handle:
            os.fsync(handle.fileno())


def _remove_stale(builds: Path) -> None:
    if not builds.is_dir():
        return
    for path in builds.glob("tmp-*"):
        shutil.rmtree(path, ignore_errors=True)


def _prune(builds: Path, keep: Path) -> None:
    finished = sorted(p for p in builds.iterdir() if p.is_dir() and not p.name.startswith("tmp-"))
    for path in finished[:-KEEP_BUILDS]:
        if path != keep:
            shutil.rmtree(path, ignore_errors=True)
