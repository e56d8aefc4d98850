"""The app: one engine, its lifespan (load or build the index, warm the model, watch for new builds), the
middleware, the error handlers and one router per feature."""

from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool
from starlette.middleware.trustedhost import TrustedHostMiddleware

from rag.api import metrics
from rag.api.auth import TokenGuard
from rag.api.check_pool import CheckPool
from rag.api.errors import install_handlers
from rag.api.middleware import Service
from rag.api.routes import check, documents, feedback, query, web
from rag.collection import Rebuilder
from rag.engine import Engine
from rag.feedback import FeedbackStore, feedback_path
from rag.index import IndexUnavailable
from rag.settings import Settings

log = logging.getLogger("rag.api")
# /docs groups the routes by feature, in this order.
TAGS = [{"name": "Ask", "description": "Questions answered from the documents, with citations and caveats."},
        {"name": "Check a text", "description": "The caveat engine on any pasted text."},
        {"name": "Collection", "description": "What is indexed: topics, documents, health."},
        {"name": "Feedback", "description": "Was an answer useful (reading it back needs the admin token)."},
        {"name": "Vocabulary", "description": "Caveat codes, severities and evidence levels, with what they mean."},
        {"name": "Operators", "description": "Add, replace and remove documents, follow rebuilds (admin token)."}]


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
        app.state.annotate_pool.close()

    # No trailing-slash redirects: they would build a Location from the Host header.
    app = Service(
        title="Evidence-aware health Q&A",
        version="1",
        lifespan=lifespan,
        redirect_slashes=False,
        openapi_tags=TAGS,
        docs_url=None,
        redoc_url=None,
        description="Ranked passages with exact sources and evidence caveats. Not medical advice.",
    )
    app.state.engine = engine
    app.state.feedback = FeedbackStore(feedback_path(settings.index_dir), settings.feedback_max_bytes)
    app.token_guard = TokenGuard(settings)
    app.body_seconds = settings.body_timeout_seconds
    app.body_limit = settings.max_body_bytes
    app.body_limits = {
        "/api/v1/annotate": settings.max_annotate_body_bytes,
        "/api/v1/documents": settings.max_file_bytes + 65_536,
    }  # the form's own bytes on top
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts(settings))
    install_handlers(app)

    def engine_() -> Engine:
        return app.state.engine

    app.state.annotate_pool = CheckPool(settings)
    app.metrics = metrics.Metrics(lambda: app.state.engine, app.state.annotate_pool)
    app.state.rebuilder = Rebuilder(settings, engine_, app.metrics.build)
    app.include_router(query.routes(engine_, settings, app.metrics))
    app.include_router(check.routes(app.state.annotate_pool))
    app.include_router(documents.routes(settings, engine_, app.state.rebuilder, app.token_guard))
    app.include_router(feedback.routes(settings, app.state.feedback, app.token_guard))
    app.include_router(metrics.routes(settings, app.metrics))
    web.mount(app)
    return app
