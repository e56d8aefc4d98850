"""Read a folder of documents into cleaned `Document`s, skipping bad files with a named warning."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import Path

from rag.ingest.cleaning import clean_text, derive_title, find_urls
from rag.ingest.readers import READERS, Extracted, ReadLimits, TooLong, Unreadable, accepted, failure
from rag.settings import Settings
from rag.types import Document

log = logging.getLogger("rag.ingest")


@dataclass
class IngestReport:
    documents: list[Document] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _display_path(path: Path, folder: Path) -> str:
    """The path relative to the documents folder's parent ("seeds/001.txt"): never the machine's absolute path,
    and the same whichever directory `rag index` runs from."""
    return str(Path(folder.resolve().name) / path.name)


def _outside(path: Path, folder: Path) -> bool:
    """A link whose target leaves the documents folder (/etc/passwd, /proc/self/status, the project's code)."""
    try:
        path.resolve(strict=True).relative_to(folder.resolve())
    except (ValueError, OSError):
        return True
    return False


def join_pages(extracted: Extracted) -> tuple[str, list[int]]:
    """The cleaned text and, for paged formats, where each page starts in it (pages left empty keep their number)."""
    if not extracted.paged:
        return clean_text(extracted.pages[0]), []
    text, starts = "", []
    for page in extracted.pages:
        cleaned = clean_text(page)
        if text and cleaned:
            text += "\n\n"
        starts.append(len(text))
        text += cleaned
    return text, starts


def extract(suffix: str, data: bytes, settings: Settings) -> tuple[Extracted, str, list[int]]:
    """A file's bytes through the reader for its type: what it states, its cleaned text and page starts.

    The one check both the folder and uploads use, and the one place a reader's failure becomes the file's refusal:
    raises Unreadable or TooLong with a reason a person can act on, whatever the reader's library raised.
    """
    reader = READERS.get(suffix)
    if reader is None:
        raise Unreadable(f"file type {suffix or '(none)'} has no reader")
    try:
        extracted = reader(data, ReadLimits.of(settings))
    except (TooLong, Unreadable):
        raise
    except MemoryError:
        raise TooLong("needs more memory to read than this process has free") from None
    except Exception as exc:  # lxml, pdfium, html.parser, a RecursionError: this file's problem, never the caller's
        raise failure(exc) from None
    chars = sum(len(page) for page in extracted.pages)
    if chars > settings.max_doc_bytes:
        raise TooLong(f"its text ({chars:,} characters) is over the {settings.max_doc_bytes:,} limit "
                      "(RAG_MAX_DOC_BYTES)")
    text, page_starts = join_pages(extracted)
    if not text.strip():
        raise Unreadable("has no text left after cleaning")
    return extracted, text, page_starts


def read_document(path: Path, settings: Settings, folder: Path | None = None) -> Document:
    """Read one file through the reader for its type; raises ValueError with a reason a person can act on."""
    size = path.stat().st_size
    if size > settings.max_file_bytes:
        raise ValueError(f"{size:,} bytes is over the {settings.max_file_bytes:,}-byte file limit (RAG_MAX_FILE_BYTES)")
    extracted, text, page_starts = extract(path.suffix.lower(), path.read_bytes(), settings)
    urls = find_urls(text)
    title, given = (extracted.title, True) if extracted.title else derive_title(text, path.stem)
    return Document(
        doc_id=path.stem,
        path=_display_path(path, folder or path.parent),
        title=title,
        title_given=given,
        text=text,
        content_hash=content_hash(text),
        url=urls[0] if urls else None,
        urls=urls,
        page_starts=page_starts,
    )


def ingest_folder(folder: Path, settings: Settings) -> IngestReport:
    """All readable documents of a folder (not recursive), sorted by name for stable ids."""
    report = IngestReport()
    if not folder.is_dir():
        raise FileNotFoundError(f"document folder {folder} does not exist")
    seen: dict[str, Path] = {}
    for path in sorted(folder.iterdir()):
        if path.name.startswith("."):
            continue
        if path.is_symlink() and _outside(path, folder):
            report.warnings.append(f"skipped {path.name}: a link to a file outside the documents folder")
            continue
        if not path.is_file():
            continue
        if path.suffix.lower() not in accepted(settings):
            report.warnings.append(f"skipped {path.name}: file type {path.suffix or '(none)'} is not indexed")
            continue
        if path.stem in seen:
            report.warnings.append(f"skipped {path.name}: doc_id {path.stem} already taken by {seen[path.stem].name}")
            continue
        try:
            document = read_document(path, settings, folder)
        except (OSError, ValueError) as exc:
            report.warnings.append(f"skipped {path.name}: {exc}")
            continue
        except Exception as exc:  # a bug met by one file must not fail the build of all the others
            log.exception("reading %s failed", path.name)
            report.warnings.append(f"skipped {path.name}: {failure(exc)}")
            continue
        seen[path.stem] = path
        report.documents.append(document)
    return report
