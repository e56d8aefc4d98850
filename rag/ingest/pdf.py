"""PDF text through pypdfium2 (BSD/Apache): one character per text index, so page boundaries are exact.

Layout debris is removed per page before the pages are joined: a header or footer repeated on most pages, bare
page numbers, hyphens that only broke a word across lines (pdfium marks them), and line breaks inside a paragraph.
Pages, and characters per page and in all, are counted before any text is copied out; what pdfium inflates while it
loads a page is bounded by the reader process this runs in (`rag/ingest/sandbox.py`).
"""

from __future__ import annotations

import re
from collections import Counter

from rag.ingest.readers import Extracted, ReadLimits, TooLong, Unreadable

_PAGE_NUMBER = re.compile(r"^(?:page\s*)?\d{1,4}(?:\s*(?:/|of)\s*\d{1,4})?$", re.IGNORECASE)
# A line that ends on a comma or a function word is mid-sentence, whatever the next line starts with.
_MID_SENTENCE = re.compile(r"(?:,|\b(?:a|an|the|and|or|but|of|in|on|to|for|with|by|from|at|as|that|than|is|are|was|"
                           r"were|be|been|not|no|its|their|his|her|this|these|which|who)$)", re.IGNORECASE)
EDGE_LINES = 2  # a repeated header or footer sits within this many lines of a page's top or bottom


def read_pdf(data: bytes, limits: ReadLimits) -> Extracted:
    """The text of every page, counted before it is copied: pages, characters per page and in all are bounded."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise Unreadable(f"is not a readable PDF ({exc})") from None
    try:
        if len(pdf) > limits.max_pages:
            raise TooLong(f"it has {len(pdf):,} pages, over the {limits.max_pages:,} limit (RAG_MAX_PAGES)")
        raw: list[str] = []
        total = 0
        for index in range(len(pdf)):
            raw.append(_page_text(pdf, index, limits, total))
            total += len(raw[-1])
        title = (pdf.get_metadata_dict().get("Title") or "").strip() or None
    finally:
        pdf.close()
    pages = [_lines(text) for text in raw]
    if not any(line.strip() for lines in pages for line in lines):
        raise Unreadable("has no text layer (a scanned PDF?); run it through OCR and add the result")
    repeated = _repeated_edges(pages)
    cleaned = ["\n".join(_reflow(_strip_edges(lines, repeated))) for lines in pages]
    return Extracted(cleaned, title, paged=True)


def _page_text(pdf, index: int, limits: ReadLimits, total: int) -> str:
    """One page's text; its characters are counted (pdfium holds them already) before they are copied out."""
    import pypdfium2 as pdfium

    try:
        page = pdf[index]
    except pdfium.PdfiumError as exc:
        raise Unreadable(f"page {index + 1} is damaged ({exc})") from None
    try:
        textpage = page.get_textpage()
        try:
            count = textpage.count_chars()
            if count > limits.max_page_chars:
                raise TooLong(f"page {index + 1} holds {count:,} characters, over the {limits.max_page_chars:,} "
                              "limit (RAG_MAX_PAGE_CHARS)")
            if total + count > limits.max_chars:
                raise limits.too_long(total + count)
            return textpage.get_text_range() if count > 0 else ""
        finally:
            textpage.close()
    finally:
        page.close()


def _lines(text: str) -> list[str]:
    # pdfium writes U+FFFE where a hyphen only split a word at a line end ("multi\ufffeple").
    text = text.replace("\ufffe", "").replace("\r\n", "\n").replace("\r", "\n")
    return [" ".join(line.split()) for line in text.split("\n")]


def _edges(lines: list[str]) -> list[str]:
    content = [ln for ln in lines if ln]
    return content[:EDGE_LINES] + content[-EDGE_LINES:]


def _repeated_edges(pages: list[list[str]]) -> set[str]:
    """Lines at a page's top or bottom that recur on at least half the pages (two at least): running heads."""
    if len(pages) < 2:
        return set()
    counts = Counter(line for lines in pages for line in set(_edges(lines)))
    return {line for line, n in counts.items() if n >= max(2, len(pages) / 2)}


def _strip_edges(lines: list[str], repeated: set[str]) -> list[str]:
    edges = set(_edges(lines))
    return [ln for ln in lines if not (ln in edges and (ln in repeated or _PAGE_NUMBER.match(ln)))]


def _reflow(lines: list[str]) -> list[str]:
    """Join the visual lines of one paragraph: the next line goes on in lower case, or this one stops mid-sentence.
    Other breaks stay (table rows, headings, list items, a sentence's end)."""
    out: list[str] = []
    for line in lines:
        if out and out[-1] and line and (line[0].islower() or _MID_SENTENCE.search(out[-1])):
            out[-1] = f"{out[-1]} {line}"
            continue
        out.append(line)
    return out
