"""A build read back into memory, checked against its manifest, and swapped as a whole."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from rag.index.dense import candidate_finder, tune_search
from rag.index.errors import IndexUnavailable
from rag.index.lexical import DOC_LEXICAL, LexicalIndex, ShardedLexical
from rag.index.manifest import Manifest, check_compatible, read_manifest, verify_files
from rag.index.passages import LocalPassages, PassageSearch, PassageSets
from rag.index.shards import TERM_STATS, ShardedVectors, load_shards
from rag.index.store import current_folder
from rag.index.term_stats import TermStats
from rag.settings import Settings
from rag.types import Chunk, Document, chunk_from_dict, document_from_dict


@dataclass(eq=False)
class LoadedIndex:
    """Everything a query needs, loaded once and swapped as a whole."""

    folder: Path
    manifest: Manifest
    documents: dict[str, Document]
    chunks: list[Chunk]
    vectors: np.ndarray | ShardedVectors | None  # None where the passages are searched elsewhere (Ray Serve)
    faiss_index: faiss.Index | None
    lexical: LexicalIndex | ShardedLexical  # there: the collection's statistics only, for document shares
    title_vectors: np.ndarray
    title_lexical: LexicalIndex
    doc_lexical: LexicalIndex | None = None  # whole-document BM25 (title and text); None in builds made before it
    chunks_by_doc: dict[str, list[int]] = field(default_factory=dict)
    doc_order: list[str] = field(default_factory=list)
    chunk_doc: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    doc_chunks: list[np.ndarray] = field(default_factory=list)  # chunk ids of each document, in doc_order
    passage_finder: faiss.Index | None = None  # the IVF index above `approximate_above`, else candidate_finder
    title_finder: faiss.Index | None = None
    titles_searchable: bool = False
    passages: PassageSearch | None = None  # names and scores a question's passage candidates
    # What later stages derive once per index (e.g. retrieval's safety-warning mask), kept with the index so a
    # swap drops it with the index it describes.
    derived: dict[str, Any] = field(default_factory=dict)  # per-index caches of any kind, dropped with it

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
        if self.passage_finder is None and isinstance(self.vectors, np.ndarray):  # a sharded build brings its own
            self.passage_finder = (self.faiss_index if isinstance(self.faiss_index, faiss.IndexIVF)
                                   else candidate_finder(self.vectors))
        if self.passages is None:
            assert self.passage_finder is not None  # only a remote build has no finder, and it brings its passages
            self.passages = PassageSets([LocalPassages(self.passage_finder, self.lexical, self.vectors)])
        self.title_finder = candidate_finder(self.title_vectors) if self.titles_searchable else None


Remote = Callable[[Path, Manifest], PassageSearch]


def load_index(settings: Settings, dimensions: int | None = None, verify: bool = True, folder: Path | None = None,
               remote: Remote | None = None) -> LoadedIndex:
    """The current build (or `folder`), checked against its manifest.

    With `remote`, a sharded build's passage side (vectors, finders, BM25) is not opened here: `remote` gives
    what searches it elsewhere (shard replicas), and this process keeps the passage records, the documents and
    the title signals — what fusion and the answer need."""
    folder = folder or current_folder(settings.index_dir)
    if not folder.exists():
        raise IndexUnavailable(f"no index in {settings.index_dir} — run `rag index` to build it")
    folder = folder.resolve()
    manifest = read_manifest(folder)
    check_compatible(manifest, settings, dimensions)
    if verify:
        bad = verify_files(folder, manifest)
        if bad:
            raise IndexUnavailable(f"index files {', '.join(bad)} in {folder} are damaged — run `rag index` to rebuild")
    if remote is not None and not manifest.shards:
        raise IndexUnavailable(f"the build in {folder} is one file; serving it from shard replicas needs a sharded "
                               "build — run `rag index --shards N`")
    shard_set = passages = None
    lexical: LexicalIndex | ShardedLexical
    vectors: np.ndarray | ShardedVectors | None
    try:
        documents = [document_from_dict(d) for d in json.loads((folder / "documents.json").read_text())]
        if remote is not None:
            chunks = [chunk_from_dict(c) for entry in manifest.shards
                      for c in json.loads((folder / entry.name / "chunks.json").read_text())]
            vectors = faiss_index = None
            lexical = LexicalIndex(None, len(chunks), TermStats.load(folder / TERM_STATS))
            passages = remote(folder, manifest)
        elif manifest.shards:
            shard_set = load_shards(folder, manifest.shards, manifest.dimensions, settings.pq_rerank_depth)
            chunks, vectors, faiss_index, lexical = (shard_set.chunks, shard_set.vectors, shard_set.finder,
                                                     shard_set.lexical)
        else:
            chunks = [chunk_from_dict(c) for c in json.loads((folder / "chunks.json").read_text())]
            vectors = np.load(folder / "vectors.npy", allow_pickle=False)
            faiss_index = faiss.read_index(str(folder / "faiss.index"))
            tune_search(faiss_index)
            lexical = LexicalIndex.load(folder / "bm25", len(chunks))
        title_vectors = np.load(folder / "title_vectors.npy", allow_pickle=False)
        title_lexical = LexicalIndex.load(folder / "bm25_title", len(documents))
        doc_lexical = (LexicalIndex.load(folder / DOC_LEXICAL, len(documents)) if (folder / DOC_LEXICAL).is_dir()
                       else LexicalIndex(None, len(documents)))
    except IndexUnavailable:
        raise
    except Exception as exc:  # any damage reads as one clear message
        raise IndexUnavailable(f"index in {folder} could not be read ({exc}) — run `rag index` to rebuild") from None
    if remote is None and (vectors is None or faiss_index is None or len(vectors) != len(chunks)
                           or faiss_index.ntotal != len(chunks)):
        raise IndexUnavailable(f"index in {folder} is inconsistent — run `rag index` to rebuild")
    if len(title_vectors) != len(documents):
        raise IndexUnavailable(f"index in {folder} is inconsistent — run `rag index` to rebuild")
    return LoadedIndex(
        folder,
        manifest,
        {d.doc_id: d for d in documents},
        chunks,
        vectors,
        faiss_index,
        lexical,
        title_vectors,
        title_lexical,
        doc_lexical,
        passage_finder=shard_set.finder if shard_set else None,
        passages=PassageSets(shard_set.parts) if shard_set else passages,
    )
