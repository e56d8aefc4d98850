"""Check any text (the caveat engine on pasted text), and the vocabulary every page and client labels from."""

from __future__ import annotations

import functools
from collections.abc import Callable

from fastapi import APIRouter

from rag.annotate import Annotator, annotation_response
from rag.api.errors import INVALID_BODY, field_error
from rag.engine import Engine
from rag.schema import AnnotateRequest, AnnotateResponse, Vocabulary
from rag.settings import Settings


def routes(settings: Settings, engine_: Callable[[], Engine]) -> APIRouter:
    router = APIRouter()

    @functools.cache
    def annotator() -> Annotator:
        return Annotator(settings, engine_().embedder.count_tokens)

    @router.post("/api/v1/annotate", response_model=AnnotateResponse, responses=INVALID_BODY)
    def annotate(request: AnnotateRequest) -> AnnotateResponse:
        """Check any text: its profile, the passages the index would make, and every sentence's flags."""
        try:
            result = annotator().annotate(request.text, request.id or "text")
        except ValueError as exc:
            raise field_error("text", str(exc)) from None
        return annotation_response(result)

    @router.get("/api/v1/vocabulary", response_model=Vocabulary)
    def vocabulary() -> Vocabulary:
        """Every caveat code with its label and severity, the severities, the evidence levels (strongest first)
        and the retrieval modes: the one source the web page and clients take these words from."""
        from rag.caveats.codes import LEVEL_LABELS, Level, Severity
        from rag.caveats.rules import RULE_BY_CODE
        from rag.retrieval import Mode

        return Vocabulary(codes=[{"code": r.code, "label": r.label, "severity": r.severity, "detail": r.detail}
                                 for r in RULE_BY_CODE.values()],
                          severities=list(Severity), levels=list(Level),
                          level_labels={str(k): v for k, v in LEVEL_LABELS.items()}, modes=list(Mode))

    return router
