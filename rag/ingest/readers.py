"""One reader per file type, found by suffix in `READERS`: a new format is a new entry, not a new branch.

A reader turns a file's bytes into raw text, split into pages where the format has them, plus the title the file
itself states. Cleaning happens after, in one place (`folder.read_document`), so every format's offsets index the
same cleaned text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rag.ingest.cleaning import html_to_text


class Unreadable(ValueError):
    """The file cannot be read as its type says; the message says why and what to do."""


class TooLong(ValueError):
    """The file's text is over the limit (RAG_MAX_DOC_BYTES)."""


@dataclass
class Extracted:
    pages: list[str]  # one entry for formats without pages
    title: str | None = None  # the title the file states (PDF metadata, DOCX properties, HTML <title>)
    paged: bool = False


def read_text(data: bytes) -> Extracted:
    if b"\x00" in data[:8192]:
        raise Unreadable("looks like a binary file")
    try:
        return Extracted([data.decode("utf-8-sig")])
    except UnicodeDecodeError as exc:
        raise Unreadable(f"is not UTF-8 text (byte {exc.start}); convert it to UTF-8") from None


def read_html(data: bytes) -> Extracted:
    text, title = html_to_text(read_text(data).pages[0])
    return Extracted([text], title or None)


def _read_pdf(data: bytes) -> Extracted:
    from rag.ingest.pdf import read_pdf  # pypdfium2 loads only when a PDF is read

    return read_pdf(data)


def _read_docx(data: bytes) -> Extracted:
    from rag.ingest.docx import read_docx

    return read_docx(data)


READERS: dict[str, Callable[[bytes], Extracted]] = {
    ".txt": read_text,
    ".md": read_text,
    ".html": read_html,
    ".htm": read_html,
    ".pdf": _read_pdf,
    ".docx": _read_docx,
}
