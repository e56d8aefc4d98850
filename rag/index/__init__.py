"""The index: what a build holds (manifest), how it is made (build), kept (store) and read back (loaded),
and its two searchable sides (dense vectors, lexical BM25)."""

from rag.index.build import BuildResult, build_index, document_entries, make_chunker, prepare
from rag.index.dense import candidate_finder, make_faiss, tune_search
from rag.index.errors import IndexUnavailable
from rag.index.lexical import LexicalIndex
from rag.index.loaded import LoadedIndex, load_index
from rag.index.manifest import (
                                FORMAT_VERSION,
                                DocumentEntry,
                                Manifest,
                                check_compatible,
                                read_manifest,
                                staleness,
                                verify_files,
)
from rag.index.store import current_folder, current_manifest, swap_current

__all__ = ["FORMAT_VERSION", "BuildResult", "DocumentEntry", "IndexUnavailable", "LexicalIndex", "LoadedIndex",
           "Manifest", "build_index", "candidate_finder", "check_compatible", "current_folder", "current_manifest",
           "document_entries", "load_index", "make_chunker", "make_faiss", "prepare", "read_manifest", "staleness",
           "swap_current", "tune_search", "verify_files"]
