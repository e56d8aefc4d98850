"""Where builds live and how one replaces another: a lock, a staging folder, fsync, and a one-rename swap.

Layout: `index/current` is a symlink to `index/builds/<id>/`, which holds manifest.json, documents.json,
chunks.json, vectors.npy, title_vectors.npy, faiss.index, bm25/ and bm25_title/.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from rag.index.errors import IndexUnavailable
from rag.index.manifest import MANIFEST, Manifest, build_files, read_manifest

KEEP_BUILDS = 2


def current_folder(index_dir: Path) -> Path:
    return index_dir / "current"


def current_manifest(index_dir: Path) -> Manifest | None:
    """The serving build's manifest, or None where there is none or it cannot be read."""
    folder = current_folder(index_dir)
    try:
        return read_manifest(folder.resolve()) if folder.exists() else None
    except IndexUnavailable:
        return None


@contextlib.contextmanager
def build_lock(index_dir: Path) -> Iterator[None]:
    index_dir.mkdir(parents=True, exist_ok=True)
    with (index_dir / ".lock").open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise IndexUnavailable(f"another `rag index` is already building into {index_dir}") from None
        yield


def new_staging(builds: Path) -> Path:
    builds.mkdir(parents=True, exist_ok=True)
    return builds / f"tmp-{uuid.uuid4().hex[:8]}"


def finish(staging: Path, builds: Path) -> Path:
    """fsync every file of a written build and rename it to its final, sortable name."""
    for path in [*build_files(staging), staging / MANIFEST]:
        with path.open("rb") as handle:
            os.fsync(handle.fileno())
    final = builds / f"{datetime.now(UTC):%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:6]}"
    os.rename(staging, final)
    return final


def swap_current(index_dir: Path, target: Path) -> None:
    """Point `current` at a finished build in one rename, so readers see old or new, never half."""
    link = current_folder(index_dir)
    tmp = index_dir / f".current-{uuid.uuid4().hex[:6]}"
    os.symlink(os.path.relpath(target, index_dir), tmp)
    os.replace(tmp, link)


def remove_stale(builds: Path) -> None:
    """A killed or failed build's staging folders."""
    if not builds.is_dir():
        return
    for path in builds.glob("tmp-*"):
        shutil.rmtree(path, ignore_errors=True)


def prune(builds: Path, keep: Path) -> None:
    finished = sorted(p for p in builds.iterdir() if p.is_dir() and not p.name.startswith("tmp-"))
    for path in finished[:-KEEP_BUILDS]:
        if path != keep:
            shutil.rmtree(path, ignore_errors=True)
