"""The operator's token: admin routes are off without RAG_ADMIN_TOKEN, checked from the headers alone (before any
body is read), compared in constant time, and a client that keeps guessing wrong is shut out for a minute."""

from __future__ import annotations

import hmac
import re
import threading
import time
from collections import deque
from dataclasses import dataclass, field

from fastapi import Depends, Header, HTTPException, Request

from rag.settings import Settings

ADMIN_HEADER = Header(None, description="Must equal RAG_ADMIN_TOKEN.")
# (method, path) of every admin route; the one list both the middleware and the routes check.
ADMIN_ROUTES = (
    ("POST", re.compile(r"/api/v1/documents/?")),
    ("DELETE", re.compile(r"/api/v1/documents/.+")),
    ("POST", re.compile(r"/api/v1/admin/reload/?")),
    ("GET", re.compile(r"/api/v1/admin/check/?")),
    ("GET", re.compile(r"/api/v1/feedback/?")),  # HEAD arrives as GET (middleware.HeadAsGet)
)


def is_admin_route(method: str, path: str) -> bool:
    return any(method == m and pattern.fullmatch(path) for m, pattern in ADMIN_ROUTES)


class AdminRefused(Exception):
    def __init__(self, status: int, message: str, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.status, self.retry_after = status, retry_after

    def http(self) -> HTTPException:
        headers = {"Retry-After": str(self.retry_after)} if self.retry_after else None
        return HTTPException(status_code=self.status, detail=str(self), headers=headers)


@dataclass
class TokenGuard:
    """One per app: the token check, and the wrong guesses per client in the last minute."""

    settings: Settings
    _failures: dict[str, deque[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def check(self, token: str | None, client: str) -> None:
        """Raises AdminRefused: 403 when admin routes are off, 429 while this client is shut out, 401 when wrong."""
        configured = self.settings.admin_token
        if not configured:
            raise AdminRefused(403, "disabled: set RAG_ADMIN_TOKEN to enable admin routes")
        now = time.monotonic()
        with self._lock:
            failures = self._recent(client, now)
            if len(failures) >= self.settings.admin_failures_per_minute:
                wait = max(1, int(60 - (now - failures[0])) + 1)
                raise AdminRefused(
                    429, f"x-admin-token: too many wrong tokens from this client; try again in {wait} s", wait
                )
        given = (token or "").encode("utf-8", "surrogateescape")
        # Compared as bytes (compare_digest refuses non-ASCII str); an overlong token is wrong without comparing.
        if (
            not given
            or len(given) > self.settings.admin_token_max_bytes
            or not hmac.compare_digest(given, configured.encode("utf-8", "surrogateescape"))
        ):
            with self._lock:
                self._recent(client, now).append(now)
            raise AdminRefused(401, "x-admin-token: missing or wrong")

    def _recent(self, client: str, now: float) -> deque[float]:
        if len(self._failures) > 10_000:  # forget quiet clients: the map never grows without bound
            self._failures = {k: v for k, v in self._failures.items() if v and now - v[-1] < 60}
        failures = self._failures.setdefault(client, deque())
        while failures and now - failures[0] >= 60:
            failures.popleft()
        return failures


def client_of(scope_or_request) -> str:
    client = scope_or_request.get("client") if isinstance(scope_or_request, dict) else scope_or_request.client
    return str(client[0]) if client else "unknown"


def admin_only(guard: TokenGuard):
    """A route dependency: the same check the middleware made, so a route is never open by being left out of it."""

    def require(request: Request, x_admin_token: str | None = ADMIN_HEADER) -> None:
        try:
            guard.check(x_admin_token, client_of(request))
        except AdminRefused as exc:
            raise exc.http() from None

    return Depends(require)
