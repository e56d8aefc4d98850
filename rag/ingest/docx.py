"""Word documents through python-docx: paragraphs and tables in the order the body holds them.

A .docx is a zip of XML parts, so a few kilobytes can stand for gigabytes: the parts' inflated sizes are read from
the zip's directory and bounded before anything is inflated, and each part is then inflated a megabyte at a time to
prove it ends at its stated size. Paragraphs and table columns are counted on the parsed tree (in C) before any
Python object is made for them. Table cells are read once each from the XML, never through python-docx's grid
(`row.cells`), which makes one entry per spanned column and recurses down vertically merged cells."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml.ns import nsmap, qn
from lxml import etree

from rag.ingest.readers import Extracted, ReadLimits, TooLong, Unreadable, describe

_CHUNK = 1 << 20  # bytes inflated at a time while a part's stated size is checked
_LOCAL_HEADER = struct.Struct("<IHHHHHIIIHH")  # a zip member's local header, its name and extra lengths last
# `Paragraph.text`'s rule (runs and hyperlinks' runs; tabs, breaks, no-break hyphens as characters) compiled once:
# python-docx compiles two XPaths for every paragraph, about 60 µs.
_PIECES = etree.XPath("(w:r | w:hyperlink/w:r)/*[self::w:br or self::w:cr or self::w:noBreakHyphen or self::w:ptab "
                      "or self::w:t or self::w:tab]", namespaces={"w": nsmap["w"]})


def read_docx(data: bytes, limits: ReadLimits) -> Extracted:
    _check_zip(data, limits)
    try:  # python-docx parses without resolving entities and without huge_tree (lxml's depth and size guards on)
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, etree.LxmlError) as exc:
        raise Unreadable(f"is not a readable Word (.docx) file ({describe(exc)})") from None
    body = document.element.body
    _check_shape(body, limits)
    styles = _paragraph_styles(document)
    blocks: list[str] = []
    heading: str | None = None
    chars = 0
    for item in body.iterchildren(qn("w:p"), qn("w:tbl")):  # the body's paragraphs and tables in their order
        if item.tag == qn("w:p"):
            text = _text(item).strip()
            if text and heading is None:
                style = styles.get(item.style, styles.get(None, ""))
                if style.startswith("Heading") or style == "Title":
                    heading = text
            added = [text]
        else:
            added = ["", *(" | ".join(_row_cells(row)) for row in item.tr_lst), ""]
        chars += sum(len(block) + 1 for block in added)
        if chars > limits.max_chars:
            raise limits.too_long(chars)
        blocks.extend(added)
    title = (document.core_properties.title or "").strip() or heading
    return Extracted(["\n".join(blocks)], title)


def _text(paragraph) -> str:
    return "".join(str(piece) for piece in _PIECES(paragraph))


def _paragraph_styles(document) -> dict[str | None, str]:
    """Paragraph style names by id, the default under None: one pass, where `Paragraph.style` searches the styles
    part again for every paragraph (seconds for a long document that has no heading)."""
    names: dict[str | None, str] = {}
    for style in document.styles:
        if style.type == WD_STYLE_TYPE.PARAGRAPH:
            names.setdefault(style.style_id, style.name or "")
    default = document.styles.default(WD_STYLE_TYPE.PARAGRAPH)
    names[None] = (default.name or "") if default is not None else ""
    return names


def _check_zip(data: bytes, limits: ReadLimits) -> None:
    """Refuse a zip bomb from its directory alone: the parts' count and their inflated sizes."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError) as exc:
        raise Unreadable(f"is not a readable Word (.docx) file ({describe(exc)})") from None
    if len(members) > limits.max_zip_members:
        raise TooLong(f"it holds {len(members):,} parts, over the {limits.max_zip_members:,} limit "
                      "(RAG_MAX_ZIP_MEMBERS)")
    inflated = sum(member.file_size for member in members)
    if inflated > limits.max_inflated_bytes:
        raise TooLong(f"its parts inflate to {inflated:,} bytes, over the {limits.max_inflated_bytes:,}-byte limit "
                      "(RAG_MAX_INFLATED_BYTES): a zip bomb?")
    _check_sizes_hold(data, members)


def _check_sizes_hold(data: bytes, members: list[zipfile.ZipInfo]) -> None:
    """Inflate each part a megabyte at a time to prove it ends at its stated size. zipfile's whole-part read (what
    python-docx calls) inflates all the compressed bytes at once before cutting the result to that size, so a part
    whose entry understates it would cost its true size first, however small the size stated."""
    for member in members:
        if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise Unreadable(f"is not a readable Word (.docx) file (part {member.filename!r} uses compression "
                             f"method {member.compress_type}, which Word never writes)")
        if member.compress_type == zipfile.ZIP_DEFLATED and _inflated_size(data, member) != member.file_size:
            raise Unreadable(f"is not a readable Word (.docx) file (part {member.filename!r} does not inflate to the "
                             f"{member.file_size:,} bytes its zip entry states: a zip bomb?)")


def _inflated_size(data: bytes, member: zipfile.ZipInfo) -> int:
    """What a deflated part inflates to, counted a chunk at a time and never past one byte over its stated size."""
    header = data[member.header_offset:member.header_offset + _LOCAL_HEADER.size]
    if len(header) < _LOCAL_HEADER.size:
        raise Unreadable(f"is not a readable Word (.docx) file (part {member.filename!r} is cut off)")
    name_length, extra_length = _LOCAL_HEADER.unpack(header)[-2:]
    start = member.header_offset + _LOCAL_HEADER.size + name_length + extra_length
    compressed = memoryview(data)[start:start + member.compress_size]
    inflater, total, position = zlib.decompressobj(-15), 0, 0
    chunk: bytes | memoryview
    try:
        while not inflater.eof and total <= member.file_size:
            if inflater.unconsumed_tail:
                chunk = inflater.unconsumed_tail
            elif position < len(compressed):
                chunk, position = compressed[position:position + _CHUNK], position + _CHUNK
            else:
                break
            total += len(inflater.decompress(chunk, _CHUNK))
    except zlib.error as exc:
        raise Unreadable(f"is not a readable Word (.docx) file ({describe(exc)})") from None
    return total


def _check_shape(body, limits: ReadLimits) -> None:
    """Count paragraphs and table columns in C (XPath) before Python walks them."""
    paragraphs = int(body.xpath("count(.//w:p)"))
    if paragraphs > limits.max_paragraphs:
        raise TooLong(f"it holds {paragraphs:,} paragraphs, over the {limits.max_paragraphs:,} limit "
                      "(RAG_MAX_PARAGRAPHS)")
    limit = limits.max_table_columns
    grids = body.xpath(f".//w:tblGrid[count(w:gridCol) > {limit}]")
    spans = body.xpath(f".//w:gridSpan[number(@w:val) > {limit}]/@w:val")
    if grids or spans:
        columns = f"{len(grids[0]):,}" if grids else str(spans[0]).strip()[:20]
        raise Unreadable(f"a table has {columns} columns, over the {limit:,} limit (RAG_MAX_TABLE_COLUMNS; Word "
                         "itself allows 63): a malformed file")


def _row_cells(row) -> list[str]:
    """A row's non-empty cell texts, each cell once however many columns it spans or rows it merges."""
    texts = ("\n".join(_text(p) for p in tc.p_lst).strip() for tc in row.tc_lst)
    return [text for text in texts if text]
