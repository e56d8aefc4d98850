"""Request and response models that only the HTTP layer uses (the shared wire format is rag/api/schema/)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr, field_validator

from rag.api.schema import reject_surrogates


class FeedbackIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    question: StrictStr = Field(min_length=1, max_length=2000, description="The question that was answered.")
    rating: StrictInt = Field(description="1 for thumbs up, -1 for thumbs down (an integer: not 1.0, not true).",
                              json_schema_extra={"enum": [-1, 1]})
    passage_ids: list[Annotated[StrictStr, Field(max_length=300)]] = Field(
        default_factory=list, max_length=50, description="Passages shown, as doc_id:start-end (each at most 300 "
                                                         "characters).")
    answer: StrictStr | None = Field(None, max_length=20000, description="The answer text shown.")
    comment: StrictStr | None = Field(None, max_length=2000, description="Optional free text.")
    replaces: StrictInt | None = Field(None, ge=1, description="A person changing their mind: the id this page got "
                                                               "back for the same question; that row's rating changes "
                                                               "instead of a second row.")

    @field_validator("rating")
    @classmethod
    def _rating(cls, value: int) -> int:
        if value not in (-1, 1):
            raise ValueError("must be 1 (thumbs up) or -1 (thumbs down)")
        return value

    @field_validator("question", "answer", "comment")
    @classmethod
    def _encodable(cls, value: str | None) -> str | None:
        return reject_surrogates(value) if value is not None else None

    @field_validator("passage_ids")
    @classmethod
    def _ids_encodable(cls, value: list[str]) -> list[str]:
        return [reject_surrogates(item) for item in value]


class FeedbackRow(FeedbackIn):
    id: StrictInt
    created_at: str


class FeedbackList(BaseModel):
    feedback: list[FeedbackRow] = Field(description="Newest first (oldest first with `after`).")
    next_before: int | None = Field(None, description="Pass as `before` for the next, older page; null at the end.")


class ReloadOut(BaseModel):
    status: Literal["reloaded"]
    chunks: int
    built_at: str
