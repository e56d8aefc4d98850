"""One reader per file type, found by suffix in `READERS`: a new format is a new entry, not a new branch.

A reader turns a file's bytes into raw text, split into pages where the format has them, plus the title the file
itself states. Cleaning happens after, in one place (`folder.read_document`), so every format's offsets index the
same cleaned text. Every reader is bounded by `ReadLimits`: a small file can ask for gigabytes (a zip bomb, a
stream that inflates 1,000-fold, a cell spanning 10^8 columns), so each reader counts before it copies, and PDF and
Word files are read in a child process under a memory cap and a deadline (`rag/ingest/sandbox.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rag.ingest.cleaning import html_to_text

if TYPE_CHECKING:
    from rag.settings import Settings


class Unreadable(ValueError):
    """The file cannot be read as its type says; the message says why and what to do (an upload gets 422)."""


class TooLong(ValueError):
    """The file asks for more than a limit allows (text, pages, inflated size, memory, time; an upload gets 413)."""


def describe(exc: BaseException) -> str:
    """An error in a library's own words, on one short line: "XMLSyntaxError: Premature end of data …"."""
    detail = (str(exc).splitlines() or [""])[0][:200]
    return f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__


def failure(exc: BaseException) -> Unreadable:
    """Any other error a reader raised, as this file's refusal."""
    return Unreadable(f"could not be read ({describe(exc)})")


@dataclass(frozen=True)
class ReadLimits:
    """What reading one file may cost, from Settings; plain data, so a reader process can be handed it."""

    max_chars: int  # the whole file's text (RAG_MAX_DOC_BYTES)
    max_page_chars: int
    max_pages: int
    max_inflated_bytes: int
    max_zip_members: int
    max_paragraphs: int
    max_table_columns: int
    memory_bytes: int
    timeout_seconds: float
    processes: int

    @classmethod
    def of(cls, settings: Settings) -> ReadLimits:
        return cls(max_chars=settings.max_doc_bytes, max_page_chars=settings.max_page_chars,
                   max_pages=settings.max_pages, max_inflated_bytes=settings.max_inflated_bytes,
                   max_zip_members=settings.max_zip_members, max_paragraphs=settings.max_paragraphs,
                   max_table_columns=settings.max_table_columns, memory_bytes=settings.reader_memory_bytes,
                   timeout_seconds=settings.reader_timeout_seconds, processes=settings.reader_processes)

    def too_long(self, chars: int) -> TooLong:
        return TooLong(f"its text (over {chars:,} characters) is over the {self.max_chars:,} limit (RAG_MAX_DOC_BYTES)")


@dataclass
class Extracted:
    pages: list[str]  # one entry for formats without pages
    title: str | None = None  # the title the file states (PDF metadata, DOCX properties, HTML <title>)
    paged: bool = False


Reader = Callable[[bytes, ReadLimits], Extracted]


def read_text(data: bytes, limits: ReadLimits | None = None) -> Extracted:
    if b"\x00" in data[:8192]:
        raise Unreadable("looks like a binary file")
    try:
        return Extracted([data.decode("utf-8-sig")])
    except UnicodeDecodeError as exc:
        raise Unreadable(f"is not UTF-8 text (byte {exc.start}); convert it to UTF-8") from None


def read_html(data: bytes, limits: ReadLimits | None = None) -> Extracted:
    text, title = html_to_text(read_text(data).pages[0])
    return Extracted([text], title or None)


def _read_pdf(data: bytes, limits: ReadLimits) -> Extracted:
    from rag.ingest.sandbox import read_isolated  # pypdfium2 loads only in the reader process

    return read_isolated(".pdf", data, limits)


def _read_docx(data: bytes, limits: ReadLimits) -> Extracted:
    from rag.ingest.sandbox import read_isolated

    return read_isolated(".docx", data, limits)


READERS: dict[str, Reader] = {
    ".txt": read_text,
    ".md": read_text,
    ".html": read_html,
    ".htm": read_html,
    ".pdf": _read_pdf,
    ".docx": _read_docx,
}


def accepted(settings: Settings) -> tuple[str, ...]:
    """The file types read, uploaded and offered by the page: RAG_EXTENSIONS, where a reader exists for them. The
    one list every check and the page's file picker use (GET /api/v1/vocabulary serves it)."""
    return tuple(e for e in settings.extensions if e in READERS)
