"""Check any text (the caveat engine on pasted text), and the vocabulary every page and client labels from."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Response

from rag.api.check_pool import CheckPool, PoolFull, WorkerLost
from rag.api.errors import INVALID_BODY, field_error, within_limits
from rag.api.schema import AnnotateRequest, AnnotateResponse, ErrorOut, Limits, Vocabulary


def routes(pool: CheckPool) -> APIRouter:
    router = APIRouter()

    @router.post("/api/v1/annotate", tags=["Check a text"], response_model=AnnotateResponse,
                 responses={**INVALID_BODY, 429: {"model": ErrorOut, "description": "The server has its fill of texts "
                                                                                    "to check"},
                            503: {"model": ErrorOut, "description": "The worker checking the text stopped; try again"}})
    async def annotate(request: AnnotateRequest) -> Response:
        """Check any text: its profile, the passages the index would make, and every sentence's flags.

        Runs in a worker process; when every worker is busy and the queue is full, 429 with Retry-After."""
        within_limits(request, pool.settings)
        try:
            body = await pool.check_json(request.text, request.id or "text")
        except (PoolFull, WorkerLost) as exc:
            raise HTTPException(status_code=429 if isinstance(exc, PoolFull) else 503, detail=str(exc),
                                headers={"Retry-After": str(pool.settings.annotate_retry_after_seconds)}) from None
        except ValueError as exc:
            raise field_error("text", str(exc)) from None
        return Response(body, media_type="application/json")

    @router.get("/api/v1/vocabulary", tags=["Vocabulary"], response_model=Vocabulary)
    def vocabulary() -> Vocabulary:
        """Every caveat code with its label, severity, meaning, example cues and scope; the severities and the
        evidence levels (strongest first), each with its label and meaning; and the retrieval modes: the one source
        the web page (its glossary included) and clients take these words from."""
        from rag.caveats.codes import LEVEL_DETAILS, LEVEL_LABELS, SEVERITY_DETAILS, SEVERITY_LABELS, Level, Severity
        from rag.caveats.glossary import SCOPE_DETAILS, examples, scope
        from rag.caveats.rules import RULE_BY_CODE
        from rag.ingest import accepted
        from rag.retrieval import Mode

        named = lambda table: {str(k): v for k, v in table.items()}
        return Vocabulary(codes=[{"code": r.code, "label": r.label, "severity": r.severity, "detail": r.detail,
                                  "examples": list(examples(r.code)), "scope": scope(r.code),
                                  "scope_detail": SCOPE_DETAILS[scope(r.code)]}
                                 for r in RULE_BY_CODE.values()],
                          severities=list(Severity), levels=list(Level), modes=list(Mode),
                          level_labels=named(LEVEL_LABELS), level_details=named(LEVEL_DETAILS),
                          severity_labels=named(SEVERITY_LABELS), severity_details=named(SEVERITY_DETAILS),
                          limits=Limits.of(pool.settings), formats=list(accepted(pool.settings)))

    return router
