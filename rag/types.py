"""Typed records passed between pipeline stages; offsets are kept from ingestion onwards."""

from __future__ import annotations

import bisect
from dataclasses import asdict, dataclass, field
from typing import Any

from rag.caveats.codes import Code, Level, Severity


@dataclass(frozen=True)
class Caveat:
    """One reason to be careful, with the exact text that triggered it when it comes from text."""

    code: Code
    label: str
    severity: Severity
    detail: str
    quote: str | None = None
    start: int | None = None
    end: int | None = None


@dataclass
class CitationCounts:
    traceable: int = 0
    untraceable: int = 0
    untraceable_examples: list[str] = field(default_factory=list)


@dataclass
class Document:
    """A cleaned document; every offset in the system indexes `text`."""

    doc_id: str
    path: str
    title: str
    text: str
    content_hash: str
    title_given: bool = True
    url: str | None = None
    urls: list[str] = field(default_factory=list)
    caveats: list[Caveat] = field(default_factory=list)
    evidence_level: Level = Level.NONE_STATED
    citations: CitationCounts = field(default_factory=CitationCounts)
    page_starts: list[int] = field(default_factory=list)  # paged formats (PDF): where page n+1 starts in `text`

    def pages_of(self, start: int, end: int) -> list[int] | None:
        """1-based pages a span of the text lies on; None for formats without pages."""
        if not self.page_starts:
            return None
        first = bisect.bisect_right(self.page_starts, start) or 1
        last = bisect.bisect_right(self.page_starts, max(start, end - 1)) or 1
        return list(range(first, last + 1))


@dataclass
class Chunk:
    """A contiguous span of a document: `document.text[start:end] == text`."""

    doc_id: str
    start: int
    end: int
    text: str
    heading: str | None = None
    caveats: list[Caveat] = field(default_factory=list)
    evidence_level: Level = Level.NONE_STATED


def to_dict(record: Any) -> dict[str, Any]:
    return asdict(record)


def caveat_from_dict(data: dict[str, Any]) -> Caveat:
    return Caveat(**{**data, "code": Code(data["code"]), "severity": Severity(data["severity"])})


def document_from_dict(data: dict[str, Any]) -> Document:
    data = dict(data)
    data["caveats"] = [caveat_from_dict(c) for c in data.get("caveats", [])]
    data["citations"] = CitationCounts(**data.get("citations", {}))
    data["evidence_level"] = Level(data.get("evidence_level", Level.NONE_STATED))
    return Document(**data)


def chunk_from_dict(data: dict[str, Any]) -> Chunk:
    data = dict(data)
    data["caveats"] = [caveat_from_dict(c) for c in data.get("caveats", [])]
    data["evidence_level"] = Level(data.get("evidence_level", Level.NONE_STATED))
    return Chunk(**data)
