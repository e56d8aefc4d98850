"""The web page and the offline Swagger UI, served from the project's web/ folder with no CDN."""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

WEB_DIR = Path(__file__).resolve().parents[3] / "web"
SWAGGER_DIR = Path(fastapi_offline.__file__).resolve().parent / "static"


def mount(app: FastAPI) -> None:
    if not WEB_DIR.is_dir():
        return

    @app.get("/", include_in_schema=False)
    def home() -> FileResponse:
        return FileResponse(WEB_DIR / "index.html")

    @app.get("/docs", include_in_schema=False)
    def docs() -> FileResponse:
        """Swagger UI 5 from the installed fastapi-offline package, started by web/docs.js (no inline script)."""
        return FileResponse(WEB_DIR / "docs.html")

    app.mount("/static-docs", StaticFiles(directory=SWAGGER_DIR), name="static-docs")
    app.mount("/static", StaticFiles(directory=WEB_DIR), name="static")
