"""The HTTP layer: request/response models, routing and errors. The engine does the work."""

from __future__ import annotations

import asyncio
import re
import functools
import hmac
import json
import logging
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Literal

import fastapi_offline
from fastapi import FastAPI, File, Header, HTTPException, Query, Request, UploadFile
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr, field_validator
from sse_starlette.sse import EventSourceResponse
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware

from rag.collection import Rebuilder, Refused, add_document, remove_document
from rag.engine import Engine
from rag.feedback import FeedbackFull, FeedbackStore, RateLimiter
from rag.index import IndexUnavailable
from rag.annotate import Annotator, annotation_response
from rag.schema import (
    AnnotateRequest,
    AnnotateResponse,
    DocumentDetail,
    DocumentList,
    ErrorOut,
    Health,
    IndexStatus,
    QueryRequest,
    QueryResponse,
    UploadOut,
    ValidationErrorOut,
    Vocabulary,
    reject_surrogates,
)
from rag.settings import Settings

log = logging.getLogger("rag.api")
WEB_DIR = Path(__file__).resolve().parent.parent / "web"
SWAGGER_DIR = Path(fastapi_offline.__file__).resolve().parent / "static"
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


class FeedbackIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    question: StrictStr = Field(min_length=1, max_length=2000, description="The question that was answered.")
    rating: StrictInt = Field(description="1 for thumbs up, -1 for thumbs down (an integer: not 1.0, not true).",
                              json_schema_extra={"enum": [-1, 1]})
    passage_ids: list[Annotated[StrictStr, Field(max_length=300)]] = Field(
        default_factory=list, max_length=50, description="Passages shown, as doc_id:start-end (each at most 300 characters).")
    answer: StrictStr | None = Field(None, max_length=20000, description="The answer text shown.")
    comment: StrictStr | None = Field(None, max_length=2000, description="Optional free text.")

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


SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
]


class SecurityHeaders:
    """Plain ASGI middleware (BaseHTTPMiddleware costs a task per request): adds CSP and friends."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", [])) + SECURITY_HEADERS
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _field_errors(exc: RequestValidationError) -> list[dict]:
    out = []
    for error in exc.errors():
        location = [str(part) for part in error.get("loc", ()) if part != "body"]
        field = ".".join(location) or "body"
        out.append({"field": field, "message": f"{field}: {error.get('msg', 'invalid')}", "type": error.get("type")})
    return out


class HeadAsGet:
    """HEAD works wherever GET does: served as GET, with the body dropped and the headers kept."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message) -> None:
            if message["type"] == "http.response.body":
                message = {"type": "http.response.body", "body": b"", "more_body": message.get("more_body", False)}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headers_only)


class BodyLimit:
    """Refuse a request body over the route's limit with 413 before the app reads it.

    Checked on Content-Length first, then while the body streams in, so a 50 MB question never reaches
    validation (which would hold the event loop) and never sits whole in memory.
    """

    def __init__(self, app, limit: int, limits: dict[str, int]) -> None:
        self.app, self.limit, self.limits = app, limit, limits

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        limit = self.limits.get(scope["path"], self.limit)
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._refuse(send, limit)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await self._refuse(send, limit)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        replayed = False

        async def replay():
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    @staticmethod
    async def _refuse(send, limit: int) -> None:
        message = f"body: larger than this route's {limit:,}-byte limit"
        body = json.dumps({"detail": message, "errors": [{"field": "body", "message": message, "type": "too_large"}]}).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})


class Service(FastAPI):
    """Security headers wrap the whole stack (so a 500 from Starlette's error middleware carries them too);
    inside them, HEAD is served as GET and bodies are capped before anything reads them."""

    body_limit: int = 262_144
    body_limits: dict[str, int] = {}

    def build_middleware_stack(self):
        inner = BodyLimit(super().build_middleware_stack(), self.body_limit, self.body_limits)
        return SecurityHeaders(HeadAsGet(inner))


_ABSOLUTE_PATH = re.compile(r"(?<![\w.])/(?:[^\s/'\"]+/)*([^\s/'\"]+)")


def without_machine_paths(message: str) -> str:
    """Absolute paths shortened to their last part: a response never maps the machine's folders."""
    return _ABSOLUTE_PATH.sub(lambda m: f"…/{m.group(1)}", message)


def allowed_hosts(settings: Settings) -> list[str]:
    """Host headers accepted: the configured names plus the bound address (DNS rebinding gets 400)."""
    return list(dict.fromkeys([*settings.allowed_hosts, settings.host]))


def create_app(settings: Settings, engine: Engine | None = None) -> FastAPI:
    """An app bound to one engine; the index is loaded (or built) before the first request."""

    async def watch_index(engine: Engine) -> None:
        """Pick up a rebuilt index without a restart; loading runs off the event loop."""
        while True:
            await asyncio.sleep(settings.watch_seconds)
            try:
                if await run_in_threadpool(engine.reload_if_changed):
                    log.warning("swapped in index build %s", engine.index.folder.name)
            except IndexUnavailable as exc:
                log.warning("new index not loaded, still serving the old one: %s", exc)
            except Exception:  # the watcher must outlive any surprise, or later good builds are never picked up
                log.exception("index watcher: unexpected error; still serving the old index, still watching")

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if app.state.engine is None:
            app.state.engine = await run_in_threadpool(Engine, settings)
        await run_in_threadpool(app.state.engine.ensure_index, True)
        await run_in_threadpool(app.state.engine.warm_up)
        watcher = asyncio.create_task(watch_index(app.state.engine)) if settings.watch_seconds > 0 else None
        yield
        if watcher:
            watcher.cancel()

    # No trailing-slash redirects: they would build a Location from the Host header.
    app = Service(title="Evidence-aware health Q&A", version="1", lifespan=lifespan, redirect_slashes=False,
                  docs_url=None, redoc_url=None,
                  description="Ranked passages with exact sources and evidence caveats. Not medical advice.")
    app.state.engine = engine
    app.state.feedback = FeedbackStore(settings.index_dir / "feedback.sqlite3", settings.feedback_max_bytes)
    app.body_limit = settings.max_body_bytes
    app.body_limits = {"/api/v1/annotate": settings.max_annotate_body_bytes,
                       "/api/v1/documents": settings.max_file_bytes + 65_536}  # the form's own bytes on top

    app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts(settings))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = _field_errors(exc)
        return JSONResponse(status_code=422, content={"detail": "; ".join(e["message"] for e in errors), "errors": jsonable_encoder(errors)})

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400 and "parsing the body" in str(exc.detail):
            message = "body: could not be parsed as JSON (not UTF-8, malformed, nested too deeply or a number too long)"
            return JSONResponse(status_code=422, content={"detail": message,
                                                          "errors": [{"field": "body", "message": message, "type": "json_invalid"}]})
        return JSONResponse(status_code=exc.status_code, content={"detail": str(exc.detail)}, headers=getattr(exc, "headers", None))

    @app.exception_handler(IndexUnavailable)
    async def index_missing(request: Request, exc: IndexUnavailable) -> JSONResponse:
        return JSONResponse(status_code=503, content={"detail": without_machine_paths(str(exc))})

    def engine_() -> Engine:
        return app.state.engine

    invalid_body = {422: {"model": ValidationErrorOut, "description": "A field is missing or wrong; the message names it."},
                    413: {"model": ValidationErrorOut, "description": "The body is over the route's size limit."}}
    not_ready = {503: {"model": ErrorOut, "description": "No usable index; the message says what to run."}}

    @app.post("/api/v1/query", response_model=QueryResponse, responses={**invalid_body, **not_ready})
    def query(request: QueryRequest) -> Response:
        # Serialised once by pydantic's Rust core; returning the model would be validated and encoded again.
        return Response(engine_().query(request).model_dump_json(), media_type="application/json")

    @app.post("/api/v1/query/stream", responses={200: {"content": {"text/event-stream": {}}}, **invalid_body, **not_ready})
    async def query_stream(request: QueryRequest):
        """Server-Sent Events: `passages` as soon as they are found, then `answer`, then `done`."""
        engine = engine_()

        async def events():
            # Once the 200 is sent, a failure can only be told in the stream: as an `error` event, never a cut.
            try:
                retrieval = await run_in_threadpool(engine.retrieve, request)
                passages = engine.passages(retrieval.index, retrieval.hits)
                yield {"event": "passages", "data": json.dumps({"retrieval_query": retrieval.query, "no_answer": retrieval.weak,
                                                                 "passages": [p.model_dump() for p in passages]})}
                await asyncio.sleep(0)
                result = await run_in_threadpool(engine.finish, request, retrieval, passages)
                yield {"event": "answer", "data": result.model_dump_json()}
                yield {"event": "done", "data": "{}"}
            except IndexUnavailable as exc:
                yield {"event": "error", "data": json.dumps({"detail": without_machine_paths(str(exc)), "status": 503})}
            except Exception:
                log.exception("query stream failed")
                yield {"event": "error", "data": json.dumps({"detail": "internal error while answering", "status": 500})}

        return EventSourceResponse(events())

    @functools.cache
    def annotator() -> Annotator:
        return Annotator(settings, engine_().embedder.count_tokens)

    @app.post("/api/v1/annotate", response_model=AnnotateResponse, responses=invalid_body)
    def annotate(request: AnnotateRequest) -> AnnotateResponse:
        """Check any text: its profile, the passages the index would make, and every sentence's flags."""
        try:
            result = annotator().annotate(request.text, request.id or "text")
        except ValueError as exc:
            raise RequestValidationError([{"loc": ("body", "text"), "msg": str(exc), "type": "value_error"}]) from None
        return annotation_response(result)

    @app.get("/api/v1/vocabulary", response_model=Vocabulary)
    def vocabulary() -> Vocabulary:
        """Every caveat code with its label and severity, the severities and the evidence levels, strongest first."""
        from rag.caveats.codes import Level, Severity
        from rag.caveats.rules import RULE_BY_CODE

        return Vocabulary(codes=[{"code": r.code, "label": r.label, "severity": r.severity, "detail": r.detail}
                                 for r in RULE_BY_CODE.values()],
                          severities=list(Severity), levels=list(Level))

    @app.get("/api/v1/health", response_model=Health, responses=not_ready)
    def health() -> Health:
        return engine_().health()

    @app.get("/api/v1/documents", response_model=DocumentList, responses=not_ready)
    def documents() -> DocumentList:
        return DocumentList(documents=engine_().documents())

    @app.get("/api/v1/documents/{doc_id}", response_model=DocumentDetail, responses={404: {"model": ErrorOut, "description": "Unknown doc_id"}, **not_ready})
    def document(doc_id: str) -> DocumentDetail:
        found = engine_().document(doc_id)
        if found is None:
            shown = doc_id if len(doc_id) <= 80 else doc_id[:80] + "…"
            raise HTTPException(status_code=404, detail=f"doc_id: no document {shown!r} in the index")
        return found

    def require_admin(token: str | None) -> None:
        configured = settings.admin_token
        if not configured:
            raise HTTPException(status_code=403, detail="disabled: set RAG_ADMIN_TOKEN to enable admin routes")
        # Compared as bytes: compare_digest refuses non-ASCII str (a 500 before).
        if not token or not hmac.compare_digest(token.encode("utf-8", "surrogateescape"),
                                                configured.encode("utf-8", "surrogateescape")):
            raise HTTPException(status_code=401, detail="x-admin-token: missing or wrong")

    admin_errors = {401: {"model": ErrorOut, "description": "Wrong or missing token"},
                    403: {"model": ErrorOut, "description": "Admin routes disabled (no RAG_ADMIN_TOKEN)"}}
    limiter = RateLimiter(settings.feedback_per_minute)

    @app.post("/api/v1/feedback", response_model=FeedbackRow, status_code=201,
              responses={**invalid_body, 429: {"model": ErrorOut, "description": "Too many from this client"},
                         507: {"model": ErrorOut, "description": "Feedback store full"}})
    def add_feedback(item: FeedbackIn, request: Request) -> FeedbackRow:
        client = request.client.host if request.client else "unknown"
        if not limiter.allow(client):
            raise HTTPException(status_code=429, detail=f"feedback: at most {settings.feedback_per_minute} a minute from one client",
                                headers={"Retry-After": "60"})
        try:
            row = app.state.feedback.add(item.question, item.rating, item.passage_ids, item.answer, item.comment)
        except FeedbackFull as exc:
            raise HTTPException(status_code=507, detail=f"feedback: {exc}; the operator must export and clear it") from None
        return FeedbackRow(**row)

    @app.get("/api/v1/feedback", response_model=FeedbackList, responses={**admin_errors, **invalid_body})
    def list_feedback(x_admin_token: str | None = Header(None, description="Must equal RAG_ADMIN_TOKEN."),
                      limit: int = Query(100, ge=1, le=500, description="Rows per page (1–500)."),
                      before: int | None = Query(None, ge=1, description="Only rows with a smaller id (older)."),
                      after: int | None = Query(None, ge=0, description="Only rows with a larger id (newer), oldest first.")
                      ) -> FeedbackList:
        """People's questions and ratings, for the operator only: newest first, `limit` at a time."""
        require_admin(x_admin_token)
        rows = app.state.feedback.page(limit, before=before, after=after)
        older = rows[-1]["id"] if rows and after is None and len(rows) == limit else None
        return FeedbackList(feedback=[FeedbackRow(**row) for row in rows], next_before=older)

    @app.post("/api/v1/admin/reload", response_model=ReloadOut,
              responses={401: {"model": ErrorOut, "description": "Wrong or missing token"},
                         403: {"model": ErrorOut, "description": "Reload disabled (no RAG_ADMIN_TOKEN)"},
                         **not_ready})
    def reload(x_admin_token: str | None = Header(None, description="Must equal RAG_ADMIN_TOKEN.")) -> ReloadOut:
        require_admin(x_admin_token)
        index = engine_().reload()
        return ReloadOut(status="reloaded", chunks=len(index.chunks), built_at=index.manifest.built_at)

    rebuilder = app.state.rebuilder = Rebuilder(settings, engine_)
    admin_header = Header(None, description="Must equal RAG_ADMIN_TOKEN.")

    @app.post("/api/v1/documents", response_model=UploadOut, status_code=202,
              responses={**admin_errors, **invalid_body, 409: {"model": ErrorOut, "description": "doc_id taken by another file"},
                         415: {"model": ErrorOut, "description": "File type not accepted"}})
    async def upload(file: UploadFile = File(description="One document: " + ", ".join(settings.extensions)),
                     x_admin_token: str | None = admin_header) -> UploadOut:
        """Add (or replace) a document; an incremental rebuild follows in the background."""
        require_admin(x_admin_token)
        data = await file.read(settings.max_file_bytes + 1)
        try:
            doc_id, replaced = await run_in_threadpool(add_document, settings, file.filename or "", data)
        except Refused as exc:
            raise HTTPException(status_code=exc.status, detail=str(exc)) from None
        rebuilder.request()
        return UploadOut(doc_id=doc_id, status="queued", replaced=replaced)

    @app.delete("/api/v1/documents/{doc_id}", response_model=UploadOut, status_code=202,
                responses={**admin_errors, 404: {"model": ErrorOut, "description": "No such document file"}})
    def delete_document(doc_id: str, x_admin_token: str | None = admin_header) -> UploadOut:
        """Withdraw a document: its file leaves the folder and a rebuild follows in the background."""
        require_admin(x_admin_token)
        try:
            remove_document(settings, doc_id)
        except Refused as exc:
            raise HTTPException(status_code=exc.status, detail=str(exc)) from None
        rebuilder.request()
        return UploadOut(doc_id=doc_id, status="queued")

    @app.get("/api/v1/index/status", response_model=IndexStatus, responses=not_ready)
    def index_status() -> IndexStatus:
        """What is building, what last failed and why, and which build answers now."""
        index = engine_().index
        return IndexStatus(**rebuilder.status(), serving=f"builds/{index.folder.name}", documents=len(index.documents))

    if WEB_DIR.is_dir():
        @app.get("/", include_in_schema=False)
        def home() -> FileResponse:
            return FileResponse(WEB_DIR / "index.html")

        @app.get("/docs", include_in_schema=False)
        def docs() -> FileResponse:
            """Swagger UI 5 from the installed fastapi-offline package, started by web/docs.js (no inline script)."""
            return FileResponse(WEB_DIR / "docs.html")

        app.mount("/static-docs", StaticFiles(directory=SWAGGER_DIR), name="static-docs")

        app.mount("/static", StaticFiles(directory=WEB_DIR), name="static")
    return app
