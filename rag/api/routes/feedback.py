"""People's ratings of answers: anyone may add (rate-limited), only the operator may read them."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Query, Request, Response

from rag.api.auth import TokenGuard, admin_only
from rag.api.errors import ADMIN_ERRORS, INVALID_BODY
from rag.api.models import FeedbackIn, FeedbackList, FeedbackRow
from rag.api.schema import ErrorOut
from rag.feedback import FeedbackFull, FeedbackStore, RateLimiter
from rag.settings import Settings


def routes(settings: Settings, store: FeedbackStore, guard: TokenGuard) -> APIRouter:
    router = APIRouter()
    admin = admin_only(guard)
    limiter = RateLimiter(settings.feedback_per_minute)

    @router.post("/api/v1/feedback", tags=["Feedback"], response_model=FeedbackRow, status_code=201,
                 responses={**INVALID_BODY, 429: {"model": ErrorOut, "description": "Too many from this client"},
                            507: {"model": ErrorOut, "description": "Feedback store full"}})
    def add_feedback(item: FeedbackIn, request: Request) -> FeedbackRow:
        client = request.client.host if request.client else "unknown"
        if not limiter.allow(client):
            raise HTTPException(status_code=429, detail=f"feedback: at most {settings.feedback_per_minute} a minute "
                                                        "from one client",
                                headers={"Retry-After": "60"})
        try:
            row = store.add(item.question, item.rating, item.passage_ids, item.answer, item.comment, item.replaces)
        except FeedbackFull as exc:
            raise HTTPException(
                status_code=507, detail=f"feedback: {exc}; the operator must export and clear it"
            ) from None
        return FeedbackRow(**row)

    @router.get(
        "/api/v1/feedback", tags=["Feedback"], response_model=FeedbackList, responses={**ADMIN_ERRORS, **INVALID_BODY}
    )
    def list_feedback(
        response: Response,
        _: None = admin,
        limit: int = Query(100, ge=1, le=500, description="Rows per page (1–500)."),
        before: int | None = Query(None, ge=1, description="Only rows with a smaller id (older)."),
        after: int | None = Query(None, ge=0, description="Only rows with a larger id (newer), oldest first."),
    ) -> FeedbackList:
        """People's questions and ratings, for the operator only: newest first, `limit` at a time."""
        response.headers["Cache-Control"] = "no-store"  # people's health questions: never kept by a cache
        rows = store.page(limit, before=before, after=after)
        older = rows[-1]["id"] if rows and after is None and len(rows) == limit else None
        return FeedbackList(feedback=[FeedbackRow(**row) for row in rows], next_before=older)

    return router
