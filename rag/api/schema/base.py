"""What every wire model shares: text checks (no lone surrogates, no control characters), `Out` (a response
model made from an engine record by `of`), and the one error shape."""

from __future__ import annotations

import unicodedata
from typing import Self

from pydantic import BaseModel, ConfigDict, Field

from rag.caveats.codes import Level

# The study-design level as the wire names it.
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

class Out(BaseModel):
    """A response model read from one of the engine's records by attribute (dataclasses in rag/results.py and
    rag/types.py): `Model.of(record)`. Models whose shape differs from their record define their own `of`."""

    model_config = ConfigDict(from_attributes=True)

    @classmethod
    def of(cls, record: object) -> Self:
        return cls.model_validate(record, from_attributes=True)

class ErrorOut(BaseModel):
    detail: str = Field(description="What was wrong, naming the field when there is one.")

class FieldError(BaseModel):
    field: str = Field(description="Dotted path of the offending field ('body' for the whole body).")
    message: str = Field(description="The field and what is wrong with it.")
    type: str | None = Field(None, description="Machine-readable error type.")

class ValidationErrorOut(BaseModel):
    detail: str = Field(description="Every problem, joined into one readable line.")
    errors: list[FieldError] = Field(description="One entry per problem.")

def validation_message(exc) -> str:
    """A pydantic ValidationError as one line naming each field."""
    return "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
