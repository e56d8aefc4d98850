"""What the engine takes and gives: plain records, the same for the API, the CLI, Ray Serve and the MCP server.

Each edge checks its input into a `Question` and converts a result once into its own shape (the HTTP models are in
rag/api/schema/), so the engine never speaks the wire format and a new edge adds no engine code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rag.answer.writer import Quote
from rag.caveats.codes import Level
from rag.types import Caveat, Document

if TYPE_CHECKING:
    from rag.topics import Topic


@dataclass(frozen=True)
class Question:
    """A question as the engine takes it, already held to the limits at the edge."""

    text: str
    top_k: int = 5
    history: tuple[tuple[str, str], ...] = ()  # (role, content) of earlier turns, oldest first


@dataclass(frozen=True)
class Source:
    """Where a passage is: its document, and its offsets (and pages, for paged formats) in the cleaned text."""

    doc_id: str
    title: str
    path: str
    url: str | None
    start: int
    end: int
    pages: list[int] | None = None


@dataclass(frozen=True)
class Passage:
    """One ranked passage; its rank is also its citation number."""

    rank: int
    score: float  # the question's cosine to the passage (the model's own vector), clipped to 0–1
    text: str
    source: Source
    heading: str | None
    evidence_level: Level
    caveats: list[Caveat]


@dataclass(frozen=True)
class Evidence:
    """The strongest evidence level among the cited passages, and how many report each level."""

    strongest_level: Level
    levels: dict[str, int]
    documents: int


@dataclass(frozen=True)
class CitedAnswer:
    """The extractive answer: its text with citation numbers, each sentence's place, the safety warnings apart."""

    text: str
    citations: list[int]
    sentences: list[Quote] = field(default_factory=list)
    safety: list[Quote] = field(default_factory=list)
    evidence: Evidence | None = None
    opening: int = 0  # how many of `sentences` lead; past them, each passage is read in its own order


@dataclass(frozen=True)
class Timings:
    embed: float  # milliseconds
    search: float
    total: float


@dataclass(frozen=True)
class QueryResult:
    question: str
    retrieval_query: str  # what was searched: the question, with the conversation's topic for a follow-up
    no_answer: bool
    answer: CitedAnswer | None
    passages: list[Passage]
    caveats: list[Caveat]  # the answer's own, gravest first
    disclaimer: str
    timings_ms: Timings


@dataclass(frozen=True)
class DocumentFacts:
    """A served document with what the index and its file add: passage count, file type, size and date."""

    document: Document
    chunks: int
    format: str | None
    bytes: int | None
    added: str | None


@dataclass(frozen=True)
class Collection:
    documents: int
    passages: int
    topics: list[Topic]  # the first few documents'
    examples: list[str]


@dataclass(frozen=True)
class Served:
    """What is being served: the model and the build, for the health check."""

    model: str
    dimensions: int
    documents: int
    chunks: int
    built_at: str
    index_folder: str
