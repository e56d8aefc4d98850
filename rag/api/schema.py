"""The wire format: request models, checked at every edge (HTTP, CLI, MCP), and response models, each made once
from the engine's records (rag/results.py) by its `of`, so /openapi.json, `rag ask --json` and the MCP tools give the
same fields."""

from __future__ import annotations

import unicodedata
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr, field_validator

from rag.caveats.codes import Code, Level, Severity
from rag.caveats.glossary import Scope
from rag.check_text import CheckedText
from rag.results import DocumentFacts, Question, Served
from rag.settings import LimitSettings

# API limits are part of the contract (SPEC.md); they live with the other numbers in Settings and are checked against
# the *running* settings (`limit_problems`), after the body is parsed (its size is bounded by the body limit first).
EvidenceLevel = Level


def reject_surrogates(value: str) -> str:
    """Lone surrogates ("\\ud800") cannot be stored, encoded or shown: refuse them at the edge."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(
            f"contains an unpaired surrogate U+{ord(value[exc.start]):04X} at character {exc.start}"
        ) from None
    return value


def _reject_control(value: str) -> str:
    reject_surrogates(value)
    bad = [c for c in value if unicodedata.category(c) == "Cc" and c not in "\n\t\r"]
    if bad:
        raise ValueError(f"contains control character U+{ord(bad[0]):04X}")
    return value


class Turn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: Literal["user", "assistant"] = Field(description="Who said it.")
    content: StrictStr = Field(max_length=20000, description="What was said.")

    @field_validator("content")
    @classmethod
    def _clean(cls, value: str) -> str:
        return _reject_control(value)


class QueryRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"question": "Can I take low-dose naltrexone with opioid painkillers?", "top_k": 5, "history": []},
                {
                    "question": "What about side effects?",
                    "top_k": 5,
                    "history": [{"role": "user", "content": "What is low-dose naltrexone used for in MS?"}],
                },
            ]
        },
    )
    question: StrictStr = Field(
        description="The question, 1 to RAG_MAX_QUESTION_CHARS (default 2000) characters after trimming.",
        examples=["Can I take low-dose naltrexone with opioid painkillers?"],
    )
    top_k: StrictInt = Field(5, ge=1, description="How many passages to return, 1 to RAG_MAX_TOP_K (default 50).")
    history: list[Turn] = Field(
        default_factory=list,
        description="Earlier turns of the conversation, oldest first, used to resolve "
        "follow-ups; at most RAG_MAX_HISTORY_TURNS (default 20).",
    )

    @field_validator("question")
    @classmethod
    def _question(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("must not be empty or only whitespace")
        return _reject_control(value)

    def asked(self) -> Question:
        """The engine's question (checked against the running limits first: `limit_problems`)."""
        return Question(self.question, self.top_k, tuple((turn.role, turn.content) for turn in self.history))


class Out(BaseModel):
    """A response model read from one of the engine's records by attribute (dataclasses in rag/results.py and
    rag/types.py): `Model.of(record)`. Models whose shape differs from their record define their own `of`."""

    model_config = ConfigDict(from_attributes=True)

    @classmethod
    def of(cls, record: object) -> Self:
        return cls.model_validate(record, from_attributes=True)


class CaveatOut(Out):
    code: Code = Field(description="Stable caveat code, e.g. safety_warning.")
    label: str = Field(description="Short human label.")
    severity: Severity = Field(description="high, medium, low or info.")
    detail: str = Field(description="One plain-language sentence.")
    quote: str | None = Field(None, description="Exact text that triggered the caveat, when it comes from text.")
    start: int | None = Field(None, description="Offset of the quote in the document's cleaned text.")
    end: int | None = Field(None, description="End offset of the quote in the document's cleaned text.")


class Source(Out):
    doc_id: str = Field(description="The document's file name without extension.")
    title: str = Field(description="Title derived from the document.")
    path: str = Field(description="Path of the document file.")
    url: str | None = Field(None, description="Original URL when the document names one.")
    start: int = Field(description="Start offset of the passage in the document's cleaned text.")
    end: int = Field(description="End offset of the passage in the document's cleaned text.")
    pages: list[int] | None = Field(
        None, description="1-based pages of a paged source (PDF) the passage lies on; null for formats without pages."
    )


class PassageOut(Out):
    rank: int = Field(description="1-based rank; also the passage's citation number.")
    score: float = Field(
        description="Cosine similarity between the question (the model's own vector, before the "
        "ranking adapter) and the passage (0–1)."
    )
    text: str = Field(description="The passage: document text[start:end].")
    source: Source
    heading: str | None = Field(None, description="Nearest section heading above the passage.")
    evidence_level: EvidenceLevel = Field(description="Strongest kind of evidence the passage reports.")
    caveats: list[CaveatOut] = Field(description="Passage caveats, gravest first.")


class QuoteOut(Out):
    text: str = Field(description="The sentence (or a list with its lead-in, or a table row), quoted whole.")
    citation: int = Field(description="The passage it is quoted from (its rank).")
    doc_id: str
    start: int = Field(
        description="Offset of the sentence in the document's cleaned text: text == document.text[start:end]."
    )
    end: int


class EvidenceOut(Out):
    strongest_level: EvidenceLevel = Field(description="The strongest evidence level among the cited passages.")
    levels: dict[str, int] = Field(description="How many cited passages report each evidence level.")
    documents: int = Field(description="How many documents the answer cites.")


class AnswerOut(Out):
    text: str = Field(description="Extractive answer; each sentence ends with its citation number in brackets.")
    citations: list[int] = Field(description="Passage ranks cited by the answer.")
    sentences: list[QuoteOut] = Field(
        default_factory=list, description="The answer's sentences in order, each with its document offsets."
    )
    safety: list[QuoteOut] = Field(
        default_factory=list,
        description="Warnings the passages give about what was "
        "asked, shown apart; when the question is about "
        "safety they also lead the answer.",
    )
    evidence: EvidenceOut | None = Field(None, description="Evidence levels of the cited passages at a glance.")


class Timings(Out):
    embed: float = Field(description="Milliseconds spent embedding the question.")
    search: float = Field(description="Milliseconds spent in dense + lexical search and fusion.")
    total: float = Field(description="Milliseconds for the whole query.")


class QueryResponse(Out):
    question: str = Field(description="The question as understood (trimmed).")
    retrieval_query: str = Field(
        description="Text actually searched (the question plus the conversation topic for follow-ups)."
    )
    no_answer: bool = Field(description="True when the indexed documents do not answer the question.")
    answer: AnswerOut | None = Field(description="Extractive answer; null when no_answer.")
    passages: list[PassageOut]
    caveats: list[CaveatOut] = Field(description="Answer-level caveats, gravest first.")
    disclaimer: str
    timings_ms: Timings


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


class ErrorOut(BaseModel):
    detail: str = Field(description="What was wrong, naming the field when there is one.")


class FieldError(BaseModel):
    field: str = Field(description="Dotted path of the offending field ('body' for the whole body).")
    message: str = Field(description="The field and what is wrong with it.")
    type: str | None = Field(None, description="Machine-readable error type.")


class ValidationErrorOut(BaseModel):
    detail: str = Field(description="Every problem, joined into one readable line.")
    errors: list[FieldError] = Field(description="One entry per problem.")


class AnnotateRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: StrictStr = Field(
        description="Any health text, 1 to RAG_MAX_ANNOTATE_CHARS (default 200,000) characters.",
        examples=["Smoking may increase the risk of dementia, a new study suggests."],
    )
    id: StrictStr | None = Field(None, max_length=200, description="Your name for the text, echoed back.")

    @field_validator("text")
    @classmethod
    def _text(cls, value: str) -> str:
        reject_surrogates(value)
        if not value.strip():
            raise ValueError("must not be empty or only whitespace")
        return value

    @field_validator("id")
    @classmethod
    def _id(cls, value: str | None) -> str | None:
        return reject_surrogates(value) if value is not None else None


class CueOut(Out):
    code: Code = Field(description="The code this cue triggers.")
    start: int = Field(description="Offset of the cue in `text`.")
    end: int = Field(description="End offset of the cue in `text`.")


class SentenceOut(BaseModel):
    start: int = Field(description="Offset of the sentence in `text`.")
    end: int = Field(description="End offset of the sentence in `text`.")
    codes: list[Code] = Field(description="Codes whose cue lies in this sentence.")
    evidence_level: EvidenceLevel = Field(description="The study design the sentence reports (none_stated if none).")
    designs: list[str] = Field(description="Named designs behind evidence_level (e.g. cohort, case_control).")
    background: bool = Field(description="True when the sentence is about other people's studies.")
    cues: list[CueOut] = Field(description="The words that triggered each code.")


class ProfileOut(BaseModel):
    title: str = Field(description="Title derived from the text.")
    evidence_level: EvidenceLevel = Field(description="Strongest kind of evidence the text reports.")
    caveats: list[CaveatOut] = Field(description="What a reader of the whole text should be warned of, gravest first.")
    citations: CitationCountsOut


class AnnotatedPassage(BaseModel):
    start: int = Field(description="Offset of the passage in `text`.")
    end: int = Field(description="End offset of the passage in `text`.")
    evidence_level: EvidenceLevel
    caveats: list[CaveatOut] = Field(
        description="The caveats this passage would carry in the index, inherited ones included."
    )


class AnnotateResponse(BaseModel):
    id: str = Field(description="The id given, or 'text'.")
    text: str = Field(description="The cleaned text; every offset in this response indexes it.")
    document: ProfileOut
    passages: list[AnnotatedPassage]
    sentences: list[SentenceOut]

    @classmethod
    def of(cls, annotation: CheckedText) -> AnnotateResponse:
        """SPEC.md, "Checking any text"."""
        document = annotation.document
        return cls(
            id=annotation.id,
            text=document.text,
            document=ProfileOut(title=document.title, evidence_level=document.evidence_level,
                                caveats=[CaveatOut.of(c) for c in document.caveats],
                                citations=CitationCountsOut.of(document.citations)),
            passages=[AnnotatedPassage(start=c.start, end=c.end, evidence_level=c.evidence_level,
                                       caveats=[CaveatOut.of(x) for x in c.caveats])
                      for c in annotation.passages],
            sentences=[SentenceOut(start=f.start, end=f.end, codes=f.codes, evidence_level=f.level,
                                   designs=list(f.designs), background=f.background,
                                   cues=[CueOut.of(c) for c in f.cues])
                       for f in annotation.sentences],
        )


class CodeOut(BaseModel):
    code: Code
    label: str
    severity: Severity
    detail: str
    examples: list[str] = Field(
        default_factory=list,
        description="Up to three short cues the engine flags with this "
        "code, drawn from its rule's own patterns; empty for codes no words trigger.",
    )
    scope: Scope = Field(
        Scope.TEXT, description="Where the code is judged: words of the text, a whole document, or an answer."
    )
    scope_detail: str = Field("", description="What `scope` means to a reader, in one line.")


def limit_problems(request: QueryRequest | AnnotateRequest, settings: LimitSettings) -> list[tuple[str, str]]:
    """(field, reason) for each limit of the running settings the request is over; empty when it is within them."""
    problems: list[tuple[str, str]] = []
    if isinstance(request, QueryRequest):
        if len(request.question) > settings.max_question_chars:
            problems.append(
                (
                    "question",
                    f"must be at most {settings.max_question_chars} characters after trimming "
                    f"(got {len(request.question)}; RAG_MAX_QUESTION_CHARS)",
                )
            )
        if request.top_k > settings.max_top_k:
            problems.append(("top_k", f"must be at most {settings.max_top_k} (got {request.top_k}; RAG_MAX_TOP_K)"))
        if len(request.history) > settings.max_history_turns:
            problems.append(
                (
                    "history",
                    f"must have at most {settings.max_history_turns} turns (got "
                    f"{len(request.history)}; RAG_MAX_HISTORY_TURNS)",
                )
            )
    elif len(request.text) > settings.max_annotate_chars:
        problems.append(
            (
                "text",
                f"must be at most {settings.max_annotate_chars:,} characters (got "
                f"{len(request.text):,}; RAG_MAX_ANNOTATE_CHARS)",
            )
        )
    return problems


def limit_message(request: QueryRequest | AnnotateRequest, settings: LimitSettings) -> str | None:
    """`limit_problems` as one line for a CLI or a tool error; None when the request is within the limits."""
    problems = limit_problems(request, settings)
    return "; ".join(f"{field}: {reason}" for field, reason in problems) if problems else None


def validation_message(exc) -> str:
    """A pydantic ValidationError as one line naming each field."""
    return "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())


class Limits(BaseModel):
    """The running server's request limits, so a client (the web page) trims to them instead of re-typing them."""

    max_question_chars: int
    max_top_k: int
    max_history_turns: int
    max_annotate_chars: int

    @classmethod
    def of(cls, settings: LimitSettings) -> Limits:
        return cls(**{name: getattr(settings, name) for name in cls.model_fields})


class Vocabulary(BaseModel):
    """Codes, severities and levels as the engine defines them, so the web page never re-types them."""

    formats: list[str] = Field(default_factory=list, description="File types the documents folder and uploads "
                               "accept (RAG_EXTENSIONS with a reader), e.g. \".pdf\".")
    codes: list[CodeOut]
    severities: list[Severity]
    levels: list[Level]
    level_labels: dict[str, str] = Field(default_factory=dict, description="How the page names each evidence level.")
    modes: list[str] = Field(
        default_factory=list, description="Retrieval modes (rag.retrieval.Mode), the shipped one first."
    )
    level_details: dict[str, str] = Field(
        default_factory=dict, description="What each evidence level means to a reader."
    )
    severity_labels: dict[str, str] = Field(default_factory=dict, description="How the page names each severity.")
    severity_details: dict[str, str] = Field(default_factory=dict, description="What each severity asks of a reader.")
    limits: Limits | None = Field(
        None,
        description="This server's request limits (RAG_MAX_QUESTION_CHARS, "
        "RAG_MAX_TOP_K, RAG_MAX_HISTORY_TURNS, RAG_MAX_ANNOTATE_CHARS).",
    )


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
