"""`rag index --check`: does the index on disk match its manifest and the documents?"""

from __future__ import annotations

from rag.index import IndexUnavailable, current_folder, read_manifest, verify_files
from rag.ingest import ingest_folder
from rag.settings import Settings


def check_index(settings: Settings) -> list[str]:
    """Problems found, empty when the index is intact and current."""
    folder = current_folder(settings.index_dir)
    if not folder.exists():
        return [f"no index in {settings.index_dir} — run `rag index`"]
    try:
        manifest = read_manifest(folder.resolve())
    except IndexUnavailable as exc:
        return [str(exc)]
    problems = [f"{name} does not match its checksum — run `rag index`" for name in verify_files(folder.resolve(), manifest)]
    report = ingest_folder(settings.docs_dir, settings)
    on_disk = {d.doc_id: d.content_hash for d in report.documents}
    indexed = {doc_id: entry["hash"] for doc_id, entry in manifest.get("documents", {}).items()}
    for doc_id in sorted(on_disk.keys() - indexed.keys()):
        problems.append(f"{doc_id} is in {settings.docs_dir} but not indexed — run `rag index`")
    for doc_id in sorted(indexed.keys() - on_disk.keys()):
        problems.append(f"{doc_id} is indexed but gone from {settings.docs_dir} — run `rag index`")
    for doc_id in sorted(on_disk.keys() & indexed.keys()):
        if on_disk[doc_id] != indexed[doc_id]:
            problems.append(f"{doc_id} changed since it was indexed — run `rag index`")
    return problems
