"""Plain ASGI middleware around the app: security headers, HEAD as GET, and body-size limits."""

from __future__ import annotations

import json

from fastapi import FastAPI

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
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
