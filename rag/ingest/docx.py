"""Word documents through python-docx: paragraphs and tables in the order the body holds them."""

from __future__ import annotations

import io
import zipfile

from rag.ingest.readers import Extracted, Unreadable


def read_docx(data: bytes) -> Extracted:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise Unreadable(f"is not a readable Word (.docx) file ({exc.__class__.__name__})") from None
    blocks: list[str] = []
    heading: str | None = None
    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            text = item.text.strip()
            style = (item.style.name if item.style is not None else "") or ""
            if text and heading is None and (style.startswith("Heading") or style == "Title"):
                heading = text
            blocks.append(text)
        elif isinstance(item, Table):
            blocks.append("")
            for row in item.rows:
                cells, seen = [], set()
                for cell in row.cells:  # a merged cell comes back once per grid column it spans
                    if id(cell._tc) not in seen:
                        seen.add(id(cell._tc))
                        cells.append(cell.text.strip())
                blocks.append(" | ".join(c for c in cells if c))
            blocks.append("")
    title = (document.core_properties.title or "").strip() or heading
    return Extracted(["\n".join(blocks)], title)
