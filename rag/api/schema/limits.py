"""The API limits, checked against the *running* settings after the body is parsed, and the vocabulary the page
reads (codes, severities, levels, limits)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from rag.api.schema.check import AnnotateRequest
from rag.api.schema.query import QueryRequest
from rag.caveats.codes import Code, Level, Severity
from rag.caveats.glossary import Scope
from rag.settings import LimitSettings

# API limits are part of the contract (SPEC.md); they live with the other numbers in Settings and are checked against
# the *running* settings (`limit_problems`), after the body is parsed (its size is bounded by the body limit first).


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

class Limits(BaseModel):
    """The running server's request limits, so a client (the web page) trims to them instead of re-typing them."""

    max_question_chars: int
    max_top_k: int
    max_history_turns: int
    max_annotate_chars: int

    @classmethod
    def of(cls, settings: LimitSettings) -> Limits:
        return cls(**{name: getattr(settings, name) for name in cls.model_fields})

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
