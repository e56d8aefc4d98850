"""The collection: list and read documents, and for the operator add, remove, reload and watch rebuilds."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, File, HTTPException, Response, UploadFile
from starlette.concurrency import run_in_threadpool

from rag.api.auth import TokenGuard, admin_only
from rag.api.errors import ADMIN_ERRORS, BAD_PATH, INVALID_BODY, NOT_READY
from rag.api.models import ReloadOut
from rag.api.schema import (
    CollectionOut,
    DocumentDetail,
    DocumentList,
    DocumentSummary,
    ErrorOut,
    Health,
    IndexStatus,
    UploadOut,
)
from rag.collection import Rebuilder, Refused, add_document, remove_document
from rag.engine import Engine
from rag.ingest import accepted
from rag.settings import Settings


def routes(settings: Settings, engine_: Callable[[], Engine], rebuilder: Rebuilder, guard: TokenGuard) -> APIRouter:
    router = APIRouter()
    admin = admin_only(guard)

    @router.get("/api/v1/health", tags=["Collection"], response_model=Health, responses=NOT_READY)
    def health() -> Health:
        return Health.of(engine_().health())

    @router.get("/api/v1/collection", tags=["Collection"], response_model=CollectionOut, responses=NOT_READY)
    def collection() -> CollectionOut:
        """What the collection covers: one topic per document (its title, or its key terms) and example questions."""
        return CollectionOut.of(engine_().collection())

    @router.get("/api/v1/documents", tags=["Collection"], response_model=DocumentList, responses=NOT_READY)
    def documents() -> DocumentList:
        return DocumentList(documents=[DocumentSummary.of(f) for f in engine_().documents()])

    @router.get("/api/v1/documents/{doc_id}", tags=["Collection"], response_model=DocumentDetail,
                responses={404: {"model": ErrorOut, "description": "Unknown doc_id"}, **NOT_READY, **BAD_PATH})
    def document(doc_id: str) -> DocumentDetail:
        found = engine_().document(doc_id)
        if found is None:
            shown = doc_id if len(doc_id) <= 80 else doc_id[:80] + "…"
            raise HTTPException(status_code=404, detail=f"doc_id: no document {shown!r} in the index")
        return DocumentDetail.of(found)

    @router.post("/api/v1/admin/reload", tags=["Operators"], response_model=ReloadOut,
                 responses={401: {"model": ErrorOut, "description": "Wrong or missing token"},
                            403: {"model": ErrorOut, "description": "Reload disabled (no RAG_ADMIN_TOKEN)"},
                            **NOT_READY})
    def reload(_: None = admin) -> ReloadOut:
        index = engine_().reload()
        return ReloadOut(status="reloaded", chunks=len(index.chunks), built_at=index.manifest.built_at)

    @router.get("/api/v1/admin/check", tags=["Operators"], status_code=204, response_class=Response,
                responses={204: {"description": "The token is right"}, **ADMIN_ERRORS})
    def admin_check(_: None = admin) -> Response:
        """Is this admin token right? The web page asks before it offers an operator's buttons."""
        return Response(status_code=204)

    formats = "One document: " + ", ".join(accepted(settings))

    @router.post("/api/v1/documents", tags=["Operators"], response_model=UploadOut, status_code=202,
                 responses={**ADMIN_ERRORS, **INVALID_BODY, 409: {"model": ErrorOut, "description": "doc_id taken by "
                                                                                                    "another file"},
                            415: {"model": ErrorOut, "description": "File type not accepted"}})
    async def upload(file: UploadFile = File(description=formats), _: None = admin) -> UploadOut:
        """Add (or replace) a document; an incremental rebuild follows in the background."""
        data = await file.read(settings.max_file_bytes + 1)
        try:
            doc_id, outcome = await run_in_threadpool(add_document, settings, file.filename or "", data)
        except Refused as exc:
            raise HTTPException(status_code=exc.status, detail=str(exc)) from None
        if outcome == "unchanged":  # the same bytes: no new content, so no build would ever serve a change
            return UploadOut(doc_id=doc_id, status="unchanged")
        rebuilder.request()
        return UploadOut(doc_id=doc_id, status="queued", replaced=outcome == "replaced")

    @router.delete("/api/v1/documents/{doc_id}", tags=["Operators"], response_model=UploadOut, status_code=202,
                   responses={**ADMIN_ERRORS, **BAD_PATH, 404: {"model": ErrorOut, "description": "No such document "
                                                                                                  "file"}})
    def delete_document(doc_id: str, _: None = admin) -> UploadOut:
        """Withdraw a document: its file leaves the folder and a rebuild follows in the background."""
        try:
            remove_document(settings, doc_id)
        except Refused as exc:
            raise HTTPException(status_code=exc.status, detail=str(exc)) from None
        rebuilder.request()
        return UploadOut(doc_id=doc_id, status="queued")

    @router.get("/api/v1/index/status", tags=["Operators"], response_model=IndexStatus, responses=NOT_READY)
    def index_status() -> IndexStatus:
        """What is building, what last failed and why, and which build answers now."""
        index = engine_().index
        return IndexStatus(**rebuilder.status(), serving=f"builds/{index.folder.name}", documents=len(index.documents))

    return router
