"""`rag index --check`: does the index on disk match its manifest and the documents?"""

from __future__ import annotations

from rag.index import IndexUnavailable, current_folder, document_entries, read_manifest, staleness
from rag.ingest import ingest_folder
from rag.settings import Settings


def verify_index(settings: Settings) -> list[str]:
    """Problems found, empty when the index is intact and current."""
    folder = current_folder(settings.index_dir)
    if not folder.exists():
        return [f"no index in {settings.index_dir} — run `rag index`"]
    try:
        manifest = read_manifest(folder.resolve())
    except IndexUnavailable as exc:
        return [str(exc)]
    report = ingest_folder(settings.docs_dir, settings)
    return staleness(manifest, settings, folder.resolve(), document_entries(report.documents), hashes_only=True)
