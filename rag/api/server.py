"""How `rag serve` runs the app: uvicorn on httptools, with a deadline for every request's headers.

uvicorn starts its keep-alive timer only after a response, so a client that connects and sends nothing
(or half a request line, slowly) would hold a connection for as long as it liked. Here every request must
finish its headers within `header_timeout` seconds of the connection opening or its first byte arriving.
"""

from __future__ import annotations

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from rag.settings import Settings


class HeaderDeadlineProtocol(HttpToolsProtocol):
    header_timeout: float = 10.0
    _deadline = None

    def _arm(self) -> None:
        if self._deadline is None:
            self._deadline = self.loop.call_later(self.header_timeout, self._too_slow)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _too_slow(self) -> None:
        self._deadline = None
        if self.transport is not None and not self.transport.is_closing():
            self.transport.close()

    def connection_made(self, transport) -> None:
        super().connection_made(transport)
        self._arm()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._arm()

    def on_headers_complete(self) -> None:
        self._disarm()
        super().on_headers_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)


def server_config(app, settings: Settings, host: str | None = None, port: int | None = None,
                  log_level: str = "info") -> uvicorn.Config:
    protocol = type("Protocol", (HeaderDeadlineProtocol,), {"header_timeout": settings.header_timeout_seconds})
    # log_config=None: logging is rag.logs' (one JSON line per request from the app, so no uvicorn access line)
    return uvicorn.Config(app, host=host or settings.host, port=port or settings.port, log_level=log_level,
                          http=protocol, timeout_keep_alive=max(1, round(settings.keep_alive_seconds)), log_config=None,
                          access_log=False)
