"""`POST /api/v1/query`: the question (with its conversation) and the answer with its passages, sources, caveats
and the sentence behind each citation."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr, field_validator

from rag.api.schema.base import EvidenceLevel, Out, _reject_control
from rag.caveats.codes import Code, Severity
from rag.results import Question


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
