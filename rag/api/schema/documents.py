"""The collection: documents, topics, health, uploads and builds."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from rag.api.schema.base import EvidenceLevel, Out
from rag.api.schema.query import CaveatOut
from rag.results import DocumentFacts, Served


class CitationCountsOut(Out):
    traceable: int = Field(description="Citations with a journal, DOI, PMID, trial id or URL.")
    untraceable: int = Field(description="Citations a reader cannot look up.")
    untraceable_examples: list[str] = Field(description="Up to ten untraceable citations as written.")

class DocumentSummary(BaseModel):
    doc_id: str
    title: str
    path: str
    url: str | None
    urls: list[str]
    chars: int = Field(description="Length of the cleaned text.")
    chunks: int = Field(description="Number of indexed passages.")
    evidence_level: EvidenceLevel
    caveats: list[CaveatOut] = Field(description="Document-level caveats (the source profile).")
    citations: CitationCountsOut
    format: str | None = Field(None, description="The file's type from its name: pdf, docx, md, html, htm or txt.")
    bytes: int | None = Field(
        None,
        description="Size of the file when it was indexed; null where unknown (an index "
        "built before sizes were recorded, or a document that is no file).",
    )
    added: str | None = Field(
        None,
        description="When the file was added or last replaced (its modification time, "
        "ISO 8601, UTC); null where unknown.",
    )

    @classmethod
    def fields_of(cls, facts: DocumentFacts) -> dict:
        document = facts.document
        return dict(doc_id=document.doc_id, title=document.title, path=document.path, url=document.url,
                    urls=document.urls, chars=len(document.text), chunks=facts.chunks,
                    evidence_level=document.evidence_level,
                    caveats=[CaveatOut.of(c) for c in document.caveats],
                    citations=CitationCountsOut.of(document.citations), format=facts.format,
                    bytes=facts.bytes, added=facts.added)

    @classmethod
    def of(cls, facts: DocumentFacts) -> DocumentSummary:
        return cls(**cls.fields_of(facts))

class DocumentDetail(DocumentSummary):
    text: str = Field(description="Cleaned text; every offset in the API indexes this string.")
    content_hash: str
    page_starts: list[int] = Field(
        default_factory=list,
        description="Paged sources (PDF): the offset in `text` where "
        "each page starts, page 1 first; empty for formats without pages.",
    )

    @classmethod
    def of(cls, facts: DocumentFacts) -> DocumentDetail:
        document = facts.document
        return cls(**cls.fields_of(facts), text=document.text, content_hash=document.content_hash,
                   page_starts=document.page_starts)

class DocumentList(BaseModel):
    documents: list[DocumentSummary]

class TopicOut(Out):
    doc_id: str
    title: str
    label: str = Field(
        description="How to name the document to a reader: its title, or its key terms when it has none."
    )
    terms: list[str] = Field(description="Words and word pairs frequent in this document and rare in the others.")
    example: str = Field(description="A question one could ask about it.")

class CollectionOut(Out):
    """What the collection covers, for a first visit and for the redirect after an off-topic question."""


    documents: int
    passages: int
    topics: list[TopicOut] = Field(description="The first few documents' topics (at most 12); Sources lists them all.")
    examples: list[str] = Field(description="A few example questions (RAG_EXAMPLE_QUESTIONS, or one per document).")

class Health(BaseModel):
    status: Literal["ok"]
    model: str
    dimensions: int
    documents: int
    chunks: int
    built_at: str
    index_folder: str = Field(description="The build being served, relative to the index folder.")

    @classmethod
    def of(cls, served: Served) -> Health:
        return cls(status="ok", model=served.model, dimensions=served.dimensions, documents=served.documents,
                   chunks=served.chunks, built_at=served.built_at, index_folder=served.index_folder)

class UploadOut(BaseModel):
    doc_id: str = Field(description="The document's id: the uploaded file's name without extension, made safe.")
    status: Literal["queued", "unchanged"] = Field(
        description="queued: a rebuild is queued, GET /api/v1/index/status follows it. unchanged: the upload is "
        "byte for byte the file already there, so nothing was written and no rebuild follows."
    )
    replaced: bool = Field(False, description="True when a file of the same name was replaced (never with unchanged).")

class BuildOut(BaseModel):
    finished_at: str
    documents: int
    chunks: int
    embedded: int = Field(description="Texts encoded by this build (the rest came from the embedding cache).")
    reused: int
    seconds: float
    warnings: list[str] = Field(description="Files skipped, each with its reason.")

class IndexStatus(BaseModel):
    state: Literal["idle", "building"]
    queued: int = Field(description="Changes waiting for the next build (coalesced into one).")
    last_build: BuildOut | None = None
    last_error: str | None = Field(None, description="Why the last build failed; null after a good one.")
    serving: str = Field(description="The build folder now answering questions.")
    documents: int = Field(description="Documents in the build now serving.")
