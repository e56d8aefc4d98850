"""The manifest: one typed record of how a build was made, and the one answer to "is this index current?".

It is written as JSON beside the build's files (format 4; nothing is pickled). Every question about whether an
index may be served, must be rebuilt or is unchanged goes through `check_compatible` and `staleness`.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from rag.caveats.profile import CAVEATS_VERSION
from rag.embedding import encoder_precision
from rag.index.errors import IndexUnavailable
from rag.settings import Settings

FORMAT_VERSION = 4  # 4: passages are encoded with their abbreviations spelled out
CHUNKER_VERSION = 2  # 2: sentences with no end are cut at MAX_SENTENCE_CHARS
MANIFEST = "manifest.json"


def chunker_settings(settings: Settings) -> dict[str, int]:
    return {
        "version": CHUNKER_VERSION,
        "max_tokens": settings.chunk_max_tokens,
        "min_tokens": settings.chunk_min_tokens,
        "overlap_sentences": settings.chunk_overlap_sentences,
        "model_window": settings.model_window,
    }


@dataclass(frozen=True)
class DocumentEntry:
    hash: str
    path: str
    title: str | None = None
    # The file as it was indexed, for the operator's list: size and modification time (ISO 8601, UTC). Facts
    # about the file, not its content: they never make an index stale, and manifests without them still load.
    bytes: int | None = field(default=None, compare=False)
    added: str | None = field(default=None, compare=False)


@dataclass(frozen=True)
class ShardEntry:
    """One shard of a sharded build (rag/index/shards.py) as the manifest lists it."""

    name: str  # folder, relative to the build
    first_chunk: int  # global id of its first passage
    chunks: int
    documents: int
    finder: str  # flat_fp16 | ivf_flat | ivf_pq
    checksum: str  # sha256 over the shard's file checksums: one value to compare replicas and copies by


@dataclass(frozen=True)
class Manifest:
    format_version: int
    model: str
    encoder: dict[str, str]  # backend, precision
    dimensions: int
    chunker: dict[str, int]
    caveats_version: str | None  # the rules' version and fingerprint (caveats.profile.CAVEATS_VERSION)
    faiss: str
    built_at: str = ""
    build_seconds: float = 0.0
    docs_dir: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    documents: dict[str, DocumentEntry] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)  # name -> sha256
    shards: list[ShardEntry] = field(default_factory=list)  # empty: the one-file layout
    # A sharded build's BM25 statistics over the whole collection (num_docs, avg_doc_len, file); the
    # per-term document frequencies are in that file, which `files` checksums.
    term_stats: dict[str, object] = field(default_factory=dict)

    @property
    def precision(self) -> str:
        """fp32 vectors match across backends (tested to cosine 0.999); int8 ones are their own space."""
        return self.encoder.get("precision", "fp32")

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2)

    @classmethod
    def from_dict(cls, raw: object) -> Manifest:
        """A manifest from its JSON object; anything malformed is one clear IndexUnavailable."""
        damaged = IndexUnavailable("index manifest is damaged (not the expected JSON object) — run `rag index` to "
                                   "rebuild")
        if not isinstance(raw, dict) or not isinstance(raw.get("files", {}), dict) \
                or not isinstance(raw.get("documents", {}), dict):
            raise damaged
        try:
            encoder = raw.get("encoder")
            fields: dict[str, Any] = dict(
                format_version=raw.get("format_version"), model=raw.get("model"),
                encoder=dict(encoder) if isinstance(encoder, dict) else {},
                dimensions=raw.get("dimensions"), chunker=raw.get("chunker"),
                caveats_version=raw.get("caveats_version"), faiss=raw.get("faiss", "flat_ip"),
                built_at=raw.get("built_at", ""), build_seconds=raw.get("build_seconds", 0.0),
                docs_dir=raw.get("docs_dir", ""), counts=dict(raw.get("counts") or {}),
                documents={k: DocumentEntry(**v) for k, v in raw.get("documents", {}).items()},
                files=dict(raw.get("files", {})),
                shards=[ShardEntry(**e) for e in raw.get("shards") or []],
                term_stats=dict(raw.get("term_stats") or {}),
            )
            return cls(**fields)
        except (TypeError, ValueError, AttributeError):
            raise damaged from None


def read_manifest(folder: Path) -> Manifest:
    path = folder / MANIFEST
    if not path.exists():
        raise IndexUnavailable(f"no index at {folder.parent} — run `rag index` to build it")
    try:
        raw = json.loads(path.read_bytes().decode("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise IndexUnavailable(
            f"index manifest is damaged ({type(exc).__name__}) — run `rag index` to rebuild"
        ) from None
    return Manifest.from_dict(raw)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def build_files(folder: Path) -> list[Path]:
    """Every file of a build but the manifest itself: what the manifest's checksums cover."""
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.name != MANIFEST)


def verify_files(folder: Path, manifest: Manifest) -> list[str]:
    """Names of files whose checksum no longer matches the manifest (missing counts too)."""
    return [
        name
        for name, digest in manifest.files.items()
        if not (folder / name).exists() or sha256(folder / name) != digest
    ]


def incompatibility(manifest: Manifest, settings: Settings, dimensions: int | None = None) -> str | None:
    """Why vectors or chunks of this build cannot serve this engine (another model, precision or chunker)."""
    if manifest.format_version != FORMAT_VERSION:
        return "index format is from another version — run `rag index` to rebuild it"
    if manifest.model != settings.model_name:
        return (
            f"index was built with model {manifest.model!r}, this engine uses {settings.model_name!r} "
            "— run `rag index` to rebuild it"
        )
    if manifest.precision != encoder_precision(settings):
        return (
            f"index vectors come from the {manifest.precision} model, this engine encodes questions with the "
            f"{encoder_precision(settings)} one — run `rag index` to rebuild it, or set "
            f"RAG_ENCODER_PRECISION={manifest.precision}"
        )
    if dimensions is not None and manifest.dimensions != dimensions:
        return "index vectors have other dimensions than the model — run `rag index` to rebuild it"
    if manifest.chunker != chunker_settings(settings):
        return (
            f"index was built with chunker settings {manifest.chunker}, these are {chunker_settings(settings)} "
            "— run `rag index` to rebuild it"
        )
    return None


def check_compatible(manifest: Manifest, settings: Settings, dimensions: int | None = None) -> None:
    """Refuse an index built by another model or chunker; mixing them gives wrong results."""
    reason = incompatibility(manifest, settings, dimensions)
    if reason:
        raise IndexUnavailable(reason)


def staleness(
    manifest: Manifest,
    settings: Settings,
    folder: Path,
    documents: dict[str, DocumentEntry],
    caveats: bool = True,
    hashes_only: bool = False,
) -> list[str]:
    """Every reason the build in `folder` is not the index these settings would build from `documents`.

    Empty means current: `rag index` skips the build and `rag index --check` reports nothing. With
    `hashes_only` documents compare by content alone (a moved title or path is not a problem to report)."""
    reasons = []
    reason = incompatibility(manifest, settings)
    if reason:
        reasons.append(reason)
    if manifest.caveats_version != (CAVEATS_VERSION if caveats else None):
        reasons.append("caveats were computed by another version of the caveat engine — run `rag index`")
    reasons += [f"{name} does not match its checksum — run `rag index`" for name in verify_files(folder, manifest)]
    indexed = manifest.documents
    for doc_id in sorted(documents.keys() - indexed.keys()):
        reasons.append(f"{doc_id} is in {settings.docs_dir} but not indexed — run `rag index`")
    for doc_id in sorted(indexed.keys() - documents.keys()):
        reasons.append(f"{doc_id} is indexed but gone from {settings.docs_dir} — run `rag index`")
    for doc_id in sorted(documents.keys() & indexed.keys()):
        now, then = documents[doc_id], indexed[doc_id]
        if now.hash != then.hash:
            reasons.append(f"{doc_id} changed since it was indexed — run `rag index`")
        elif not hashes_only and now != then:
            reasons.append(f"{doc_id} moved or was retitled since it was indexed — run `rag index`")
    if not hashes_only and manifest.counts.get("shards_requested", 1) != settings.index_shards:
        reasons.append(
            f"index was written as {manifest.counts.get('shards_requested', 1)} shard(s), settings ask for "
            f"{settings.index_shards} — run `rag index`"
        )
    return reasons
