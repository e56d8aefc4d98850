"""Plain ASGI middleware around the app: security headers, HEAD as GET, the admin token read from the headers,
and body-size and body-time limits."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType

from fastapi import FastAPI
from starlette.routing import Match

from rag.api.auth import AdminRefused, TokenGuard, client_of, is_admin_route
from rag.api.metrics import UNMATCHED, Metrics
from rag.logs import request_fields

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src "
    "'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


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


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class PlainPaths:
    """A path with a control character (%0A, %00…) is refused with 400. Starlette's route patterns end in `$`,
    which matches before a final newline, so "/api/v1/documents%0A" reached the upload route while every exact
    check of the path (the admin gate's, a proxy's) saw another one."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http" and _CONTROL.search(scope["path"]):
            await _refuse(send, 400, "path: holds a control character", "path", "invalid")
            return
        await self.app(scope, receive, send)


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


async def _refuse(send, status: int, message: str, field: str = "body", kind: str = "refused",
                  headers: Sequence[tuple[bytes, bytes]] = ()) -> None:
    """An error in the API's one shape, with the connection closed: the rest of the body is never read."""
    body = json.dumps({"detail": message, "errors": [{"field": field, "message": message, "type": kind}]}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close"), *headers]})
    await send({"type": "http.response.body", "body": body})


class AdminGate:
    """Admin routes are decided from the headers, before anything reads the body: a client without the token
    could otherwise make the server hold a 25 MB upload in memory just to refuse it."""

    def __init__(self, app, guard: TokenGuard) -> None:
        self.app, self.guard = app, guard

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http" and is_admin_route(scope["method"], scope["path"]):
            token = dict(scope.get("headers", [])).get(b"x-admin-token")
            try:
                self.guard.check(token.decode("latin-1") if token is not None else None, client_of(scope))
            except AdminRefused as exc:
                retry = [(b"retry-after", str(exc.retry_after).encode())] if exc.retry_after else []
                await _refuse(send, exc.status, str(exc), "x-admin-token", "unauthorized", retry)
                return
        await self.app(scope, receive, send)


class BodyLimit:
    """Refuse a request body over the route's limit with 413, or one that takes too long to arrive with 408,
    before the app reads it.

    Checked on Content-Length first, then while the body streams in, so a 50 MB question never reaches
    validation (which would hold the event loop) and never sits whole in memory; a client that trickles its
    body in byte by byte is cut off at the deadline instead of holding a connection and its buffer.
    """

    def __init__(self, app, limit: int, limits: Mapping[str, int], seconds: float) -> None:
        self.app, self.limit, self.limits, self.seconds = app, limit, limits, seconds

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        limit = self.limits.get(scope["path"], self.limit)
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._too_large(send, limit)
            return
        chunks: list[bytes] = []
        size = 0
        deadline = time.monotonic() + self.seconds
        while True:
            try:
                message = await asyncio.wait_for(receive(), max(0.0, deadline - time.monotonic()))
            except TimeoutError:
                await _refuse(send, 408, f"body: not received within {self.seconds:g} s", kind="timeout")
                return
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await self._too_large(send, limit)
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
    async def _too_large(send, limit: int) -> None:
        await _refuse(send, 413, f"body: larger than this route's {limit:,}-byte limit", kind="too_large")


class Service(FastAPI):
    """Outermost, each request gets its id, its access line and its metrics (Observe); security headers wrap the rest
    (so a 500 from Starlette's error middleware carries them too); inside them, paths with control characters are
    refused, HEAD is served as GET, admin routes are checked from their headers, and bodies are capped in size and
    time before anything reads them."""

    body_limit: int = 262_144
    body_limits: Mapping[str, int] = MappingProxyType({})
    body_seconds: float = 30.0
    token_guard: TokenGuard | None = None
    metrics: Metrics | None = None

    def build_middleware_stack(self):
        inner = BodyLimit(super().build_middleware_stack(), self.body_limit, self.body_limits, self.body_seconds)
        if self.token_guard is not None:
            inner = AdminGate(inner, self.token_guard)
        return Observe(SecurityHeaders(PlainPaths(HeadAsGet(inner))), lambda: self.router.routes, self.metrics)


_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
access_log = logging.getLogger("rag.access")


class Observe:
    """Outermost: gives each request an id (the client's `x-request-id` when it is a plain token, else a new one),
    returns it as `x-request-id`, counts the request in the metrics by route template (a path no route serves is
    counted as "unmatched", so probes cannot grow the label set) and logs one line when the response ends."""

    def __init__(self, app, routes_of: Callable[[], list], metrics: Metrics | None) -> None:
        self.app, self.routes_of, self.metrics = app, routes_of, metrics

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        given = dict(scope.get("headers", [])).get(b"x-request-id", b"").decode("latin-1")
        request_id = given if _REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        fields: dict = {"request_id": request_id}
        token = request_fields.set(fields)
        status = 500

        async def send_with_id(message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            seconds = time.perf_counter() - started
            route = self._route(scope)
            if self.metrics is not None:
                self.metrics.request(scope["method"], route, status, seconds)
            access_log.info("request", extra={**fields, "method": scope["method"], "route": route,
                                              "path": scope["path"], "status": status,
                                              "ms": round(seconds * 1000, 1)})
            request_fields.reset(token)

    def _route(self, scope) -> str:
        """The template of the route that served the request ("/api/v1/documents/{doc_id}"), found again for
        requests that a middleware answered before routing (413, 401)."""
        route = scope.get("route")
        if route is None:
            probe = {**scope, "method": "GET" if scope["method"] == "HEAD" else scope["method"]}
            route = next((r for r in self.routes_of() if r.matches(probe)[0] == Match.FULL), None)
        return getattr(route, "path", None) or UNMATCHED
