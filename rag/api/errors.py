"""Every error the API answers with: one shape (`detail`, and `errors` naming each field), documented once."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from rag.api.schema import ErrorOut, ValidationErrorOut
from rag.index import IndexUnavailable
from rag.redaction import without_machine_paths

# FastAPI's `responses=`: status → OpenAPI description of that response.
Responses = dict[int | str, dict[str, Any]]
INVALID_BODY: Responses = {
    422: {"model": ValidationErrorOut, "description": "A field is missing or wrong; the message names it."},
    413: {"model": ValidationErrorOut, "description": "The body is over the route's size limit."}}
BAD_PATH: Responses = {
    400: {"model": ValidationErrorOut, "description": "The path holds a control character (%0A, %00…)."}}
NOT_READY: Responses = {503: {"model": ErrorOut, "description": "No usable index; the message says what to run."}}
ADMIN_ERRORS: Responses = {
    401: {"model": ErrorOut, "description": "Wrong or missing token"},
    429: {"model": ErrorOut, "description": "Too many wrong tokens from this client; see Retry-After"},
    403: {"model": ErrorOut, "description": "Admin routes disabled (no RAG_ADMIN_TOKEN)"}}


def field_errors(exc: RequestValidationError) -> list[dict]:
    out = []
    for error in exc.errors():
        location = [str(part) for part in error.get("loc", ()) if part != "body"]
        field = ".".join(location) or "body"
        out.append({"field": field, "message": f"{field}: {error.get('msg', 'invalid')}", "type": error.get("type")})
    return out


def field_error(field: str, message: str) -> RequestValidationError:
    """A validation error on one body field, raised from inside a route."""
    return RequestValidationError([{"loc": ("body", field), "msg": message, "type": "value_error"}])


def within_limits(request, settings) -> None:
    """422 naming every field over the running settings' limits (schema.limit_problems)."""
    from rag.api.schema import limit_problems

    problems = limit_problems(request, settings)
    if problems:
        raise RequestValidationError(
            [{"loc": ("body", field), "msg": message, "type": "too_long"} for field, message in problems]
        )


def install_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = field_errors(exc)
        return JSONResponse(
            status_code=422,
            content={"detail": "; ".join(e["message"] for e in errors), "errors": jsonable_encoder(errors)},
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400 and "parsing the body" in str(exc.detail):
            message = "body: could not be parsed as JSON (not UTF-8, malformed, nested too deeply or a number too long)"
            return JSONResponse(
                status_code=422,
                content={"detail": message, "errors": [{"field": "body", "message": message, "type": "json_invalid"}]},
            )
        return JSONResponse(
            status_code=exc.status_code, content={"detail": str(exc.detail)}, headers=getattr(exc, "headers", None)
        )

    @app.exception_handler(IndexUnavailable)
    async def index_missing(request: Request, exc: IndexUnavailable) -> JSONResponse:
        return JSONResponse(status_code=503, content={"detail": without_machine_paths(str(exc))})


__all__ = [
    "ADMIN_ERRORS",
    "INVALID_BODY",
    "NOT_READY",
    "field_error",
    "field_errors",
    "install_handlers",
    "within_limits",
]
