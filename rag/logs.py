"""Logs an operator can search: one JSON object per line on standard error, each carrying the id of the request
it belongs to, so every line of one request can be found from the `x-request-id` a user reports.

Questions stay out of the logs unless the operator opts in (RAG_LOG_QUESTIONS): health questions are personal,
and logs are copied to more places, and kept longer, than answers.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from contextvars import ContextVar
from typing import Any

# The fields of the request being served: set by the access middleware, added to by the routes (`note`).
# A dict, shared with the threads the request runs in (they get a copy of the context, not of the dict).
request_fields: ContextVar[dict[str, Any] | None] = ContextVar("request_fields", default=None)

# LogRecord attributes every record has; whatever else a call passes in `extra=` is a field of its line.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


def note(**fields: Any) -> None:
    """Add fields to the current request's access line (nothing outside a request)."""
    current = request_fields.get()
    if current is not None:
        current.update(fields)


def fields_of(record: logging.LogRecord) -> dict[str, Any]:
    """The record's own fields: the current request's id, then whatever the call passed in `extra=`."""
    current = request_fields.get()
    fields = {"request_id": current["request_id"]} if current and "request_id" in current else {}
    fields.update({k: v for k, v in vars(record).items() if k not in _STANDARD and not k.startswith("_")})
    return fields


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message, the request id, and any `extra=` fields."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(), "logger": record.name, "message": record.getMessage(),
            **fields_of(record)}
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """A plain line for a person at a terminal, the same fields as key=value after the message."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        fields = " ".join(f"{k}={v}" for k, v in fields_of(record).items())
        return super().format(record) + (f" {fields}" if fields else "")


def configure(fmt: str = "json", level: int = logging.INFO) -> None:
    """Send every logger (uvicorn's too) to standard error in `fmt`; called once by `rag serve` and `rag index`."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers[:] = []  # through the root's handler, once
        logging.getLogger(name).propagate = True
