"""Questions: one JSON answer, or the same as Server-Sent Events (passages first, then the answer)."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable

from fastapi import APIRouter
from fastapi.responses import Response
from sse_starlette.sse import EventSourceResponse
from starlette.concurrency import run_in_threadpool

from rag.api.errors import INVALID_BODY, NOT_READY, within_limits
from rag.api.metrics import Metrics
from rag.api.schema import PassageOut, QueryRequest, QueryResponse
from rag.engine import Engine
from rag.index import IndexUnavailable
from rag.logs import note
from rag.redaction import without_machine_paths
from rag.results import QueryResult
from rag.settings import Settings

log = logging.getLogger("rag.api")


def routes(engine_: Callable[[], Engine], settings: Settings, metrics: Metrics | None = None) -> APIRouter:
    """The question routes; requests are held to the serving `settings`' limits (RAG_MAX_*). Each answer is
    counted in `metrics`, and its outcome noted in the request's log line (its text only with RAG_LOG_QUESTIONS)."""
    router = APIRouter()

    def observe(request: QueryRequest, response: QueryResult) -> None:
        if metrics is not None:
            metrics.answer(response)
        note(no_answer=response.no_answer, passages=len(response.passages))
        if settings.log_questions:
            note(question=request.question)

    @router.post("/api/v1/query", tags=["Ask"], response_model=QueryResponse, responses={**INVALID_BODY, **NOT_READY})
    def query(request: QueryRequest) -> Response:
        within_limits(request, settings)
        engine = engine_()
        result = engine.query(request.asked())
        observe(request, result)
        # Serialised once by pydantic's Rust core; returning the model would be validated and encoded again.
        return Response(QueryResponse.of(result).model_dump_json(), media_type="application/json")

    @router.post(
        "/api/v1/query/stream",
        tags=["Ask"],
        responses={200: {"content": {"text/event-stream": {}}}, **INVALID_BODY, **NOT_READY},
    )
    async def query_stream(request: QueryRequest):
        """Server-Sent Events: `passages` as soon as they are found, then `answer`, then `done`."""
        within_limits(request, settings)
        engine = engine_()
        question = request.asked()

        async def events():
            # Once the 200 is sent, a failure can only be told in the stream: as an `error` event, never a cut.
            try:
                retrieval = await run_in_threadpool(engine.retrieve, question)
                passages = engine.passages(retrieval.index, retrieval.hits)
                yield {
                    "event": "passages",
                    "data": json.dumps(
                        {
                            "retrieval_query": retrieval.query,
                            "no_answer": retrieval.weak,
                            "passages": [PassageOut.of(p).model_dump(mode="json") for p in passages],
                        }
                    ),
                }
                await asyncio.sleep(0)
                result = await run_in_threadpool(engine.finish, question, retrieval, passages)
                observe(request, result)
                yield {"event": "answer", "data": QueryResponse.of(result).model_dump_json()}
                yield {"event": "done", "data": "{}"}
            except IndexUnavailable as exc:
                yield {"event": "error", "data": json.dumps({"detail": without_machine_paths(str(exc)), "status": 503})}
            except Exception:
                log.exception("query stream failed")
                yield {
                    "event": "error",
                    "data": json.dumps({"detail": "internal error while answering", "status": 500}),
                }

        return EventSourceResponse(events())

    return router
