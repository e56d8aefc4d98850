"""Hostile PDF and Word files built by hand, in milliseconds: bombs, lying zip headers, malformed XML, damaged pages.

A megabyte of zeros deflates to about 1 kB, and after a full flush every further megabyte deflates to the same
bytes, so a file that inflates to a gigabyte is built by repeating one block, never by compressing a gigabyte.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

MB = 1 << 20
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
SENTENCE = b"Metformin was studied in people with multiple sclerosis."


def deflate_zeros(megabytes: int) -> bytes:
    """`megabytes` MB of zeros as one raw deflate stream (as zip holds it, and as a PDF stream's body)."""
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    zeros = bytes(MB)
    first = comp.compress(zeros) + comp.flush(zlib.Z_FULL_FLUSH)
    again = comp.compress(zeros) + comp.flush(zlib.Z_FULL_FLUSH)
    body = first + again * (megabytes - 1) + comp.flush()
    return body


def zeros_crc(megabytes: int) -> int:
    crc, zeros = 0, bytes(MB)
    for _ in range(megabytes):
        crc = zlib.crc32(zeros, crc)
    return crc


def _member(name: str, deflated: bytes, size: int, crc: int) -> tuple[bytes, bytes]:
    """One zip member's local record and central-directory entry (its offset is filled in by `_zip`)."""
    n = name.encode()
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(deflated), size, len(n), 0) + n + deflated
    central = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, crc, len(deflated), size, len(n),
                          0, 0, 0, 0, 0, 0) + n
    return local, central


def _deflated_member(name: str, data: bytes) -> tuple[bytes, bytes]:
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    return _member(name, comp.compress(data) + comp.flush(), len(data), zlib.crc32(data))


def _zip(members: list[tuple[bytes, bytes]]) -> bytes:
    out, directory = b"", b""
    for local, central in members:
        directory += central[:42] + struct.pack("<I", len(out)) + central[46:]
        out += local
    return out + directory + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(directory),
                                         len(out), 0)


def _parts() -> list[tuple[str, bytes]]:
    """The parts of an empty Word file as python-docx writes it."""
    import docx

    base = io.BytesIO()
    docx.Document().save(base)
    with zipfile.ZipFile(base) as source:
        return [(info.filename, source.read(info)) for info in source.infolist()]


def docx_bytes(body: str = f"<w:p><w:r><w:t>{SENTENCE.decode()}</w:t></w:r></w:p>",
               document_xml: bytes | None = None, replace: dict[str, tuple[bytes, int, int]] | None = None) -> bytes:
    """A Word file with this body (or this whole word/document.xml); `replace` swaps a part for raw deflated bytes
    with the size and checksum its directory entry is to state."""
    xml = document_xml if document_xml is not None else (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {W}><w:body>{body}</w:body></w:document>'
    ).encode()
    members = []
    for name, data in _parts():
        if replace and name in replace:
            members.append(_member(name, *replace[name]))
        else:
            members.append(_deflated_member(name, xml if name == "word/document.xml" else data))
    return _zip(members)


def docx_zip_bomb(megabytes: int = 1024) -> bytes:
    """word/document.xml inflates to `megabytes` MB of zeros, and its directory entry says so (~1 kB a MB)."""
    return docx_bytes(replace={"word/document.xml": (deflate_zeros(megabytes), megabytes * MB, zeros_crc(megabytes))})


def docx_lying_bomb(megabytes: int = 1024) -> bytes:
    """word/document.xml's directory entry says 200 bytes, with the checksum of its first 200; it inflates to
    `megabytes` MB (zipfile's whole-part read inflates it all before it cuts the result to 200 bytes)."""
    return docx_bytes(replace={"word/document.xml": (deflate_zeros(megabytes), 200, zlib.crc32(bytes(200)))})


def docx_wide_span(columns: int = 10**8) -> bytes:
    """One cell spanning `columns` grid columns (1.4 kB): python-docx's `row.cells` lists it once per column."""
    return docx_bytes(f'<w:tbl><w:tblGrid><w:gridCol/></w:tblGrid><w:tr><w:tc><w:tcPr><w:gridSpan w:val="{columns}"/>'
                      f'</w:tcPr><w:p><w:r><w:t>wide</w:t></w:r></w:p></w:tc></w:tr></w:tbl>')


def docx_wide_grid(columns: int) -> bytes:
    return docx_bytes("<w:tbl><w:tblGrid>" + "<w:gridCol/>" * columns + "</w:tblGrid><w:tr><w:tc><w:p><w:r><w:t>x</w:t>"
                      "</w:r></w:p></w:tc></w:tr></w:tbl>")


def docx_merged_column(rows: int = 20_000) -> bytes:
    """A cell merged down `rows` rows: python-docx's `row.cells` recurses once per row above (RecursionError)."""
    first = ('<w:tr><w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>merged</w:t></w:r></w:p></w:tc>'
             '<w:tc><w:p><w:r><w:t>first row</w:t></w:r></w:p></w:tc></w:tr>')
    rest = '<w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc><w:tc><w:p/></w:tc></w:tr>' * rows
    return docx_bytes(f"<w:tbl><w:tblGrid><w:gridCol/><w:gridCol/></w:tblGrid>{first}{rest}</w:tbl>")


def docx_empty_paragraphs(count: int = 350_000) -> bytes:
    return docx_bytes("<w:p/>" * count + f"<w:p><w:r><w:t>{SENTENCE.decode()}</w:t></w:r></w:p>")


def docx_malformed() -> bytes:
    return docx_bytes(document_xml=f"<w:document {W}><w:body><w:p><w:r><w:t>cut off".encode())


def docx_billion_laughs() -> bytes:
    """Ten levels of ten entity references: 10^9 "lol"s if entities were expanded."""
    entities = '<!ENTITY lol0 "lol">' + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    return docx_bytes(document_xml=(f'<?xml version="1.0"?><!DOCTYPE w:document [{entities}]><w:document {W}>'
                                    "<w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>").encode())


def pdf_bytes(content: bytes = b"", pages: int = 1, flate: bool = True, kids: bytes | None = None) -> bytes:
    """A hand-written PDF whose pages share one content stream, FlateDecode unless `flate` is False (then
    `content` is used as given; with `flate`, `content` must already be a zlib stream)."""
    kid_refs = kids if kids is not None else b" ".join(b"%d 0 R" % (5 + i) for i in range(pages))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kid_refs, pages),
               b"<< /Length %d%s >>\nstream\n" % (len(content), b" /Filter /FlateDecode" if flate else b"") + content
               + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> "
                b"/Contents 3 0 R >>"] * pages
    out, offsets = bytearray(b"%PDF-1.7\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _text_op(line: bytes = SENTENCE) -> bytes:
    return b"BT /F1 12 Tf 72 720 Td (" + line + b") Tj ET\n"


def pdf_text(pages: int = 1) -> bytes:
    return pdf_bytes(zlib.compress(_text_op()), pages=pages)


def pdf_bomb(megabytes: int = 1024) -> bytes:
    """One page whose content stream is a line of text and then `megabytes` MB of zeros (about 1 kB a MB)."""
    comp = zlib.compressobj(9)
    head = comp.compress(_text_op()) + comp.flush(zlib.Z_FULL_FLUSH)  # zlib header and the text, stream left open
    return pdf_bytes(head + deflate_zeros(megabytes))


def pdf_dense_page(lines: int = 500) -> bytes:
    """One page holding `lines` lines of small text (about 870 characters each) in a 2 kB file."""
    line = b"(" + SENTENCE * 15 + b") Tj 0 -1.5 Td "
    return pdf_bytes(zlib.compress(b"BT /F1 1 Tf 0 790 Td " + line * lines + b"ET", 9))


def pdf_damaged_page() -> bytes:
    """Two pages; the second is a reference to an object the file does not hold."""
    return pdf_bytes(zlib.compress(_text_op()), pages=2, kids=b"5 0 R 77 0 R")
