"""`POST /api/v1/annotate` ("Check a text"): a text in, its profile, passages and flagged sentences out."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, StrictStr, field_validator

from rag.api.schema.base import EvidenceLevel, Out, reject_surrogates
from rag.api.schema.documents import CitationCountsOut
from rag.api.schema.query import CaveatOut
from rag.caveats.codes import Code
from rag.check_text import CheckedText


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
