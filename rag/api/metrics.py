"""Prometheus metrics for one app, in its own registry (two apps in one process, as in the tests, never mix
counts), served at GET /metrics.

The route is off (404) unless RAG_METRICS_TOKEN is set, and then answers only to `Authorization: Bearer <token>`
(Prometheus' `authorization` scrape setting). Request rates, refusal rates and the collection's size say how the
service is used; that is for the operator, and the page's visitors need none of it.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable

from fastapi import APIRouter, Header, HTTPException, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from rag.api.check_pool import CheckPool
from rag.engine import Engine
from rag.index import LoadedIndex
from rag.results import QueryResult
from rag.settings import Settings

# Seconds: a question takes tens of milliseconds here, a document upload or a rebuild seconds to minutes.
REQUEST_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
STAGE_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0)
BUILD_BUCKETS = (0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0)
UNMATCHED = "unmatched"  # the route label of a path no route serves: one label, however many paths are probed


class Metrics:
    """The app's counters, histograms and gauges; the gauges are read when scraped, never kept up to date."""

    def __init__(self, engine_: Callable[[], Engine | None], pool: CheckPool) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.requests = Counter("rag_http_requests", "HTTP requests served, by route template and status.",
                                ["method", "route", "status"], registry=r)
        self.latency = Histogram("rag_http_request_duration_seconds", "Time from request to the response's last byte.",
                                 ["method", "route"], buckets=REQUEST_BUCKETS, registry=r)
        self.questions = Counter("rag_questions", "Questions answered, or refused because the documents do not answer "
                                                  "them.",
                                 ["outcome"], registry=r)
        self.stages = Histogram("rag_query_stage_seconds", "Time per stage of a question: encode, search, answer.",
                                ["stage"], buckets=STAGE_BUCKETS, registry=r)
        self.builds = Counter(
            "rag_index_builds", "Index rebuilds asked for through the API, by outcome.", ["outcome"], registry=r
        )
        self.build_seconds = Histogram(
            "rag_index_build_duration_seconds",
            "Time per index rebuild, failed ones included.",
            buckets=BUILD_BUCKETS,
            registry=r,
        )
        for outcome in ("answered", "refused"):
            self.questions.labels(outcome)  # present at 0, so a rate can be taken from the first scrape
        for outcome in ("ok", "failed"):
            self.builds.labels(outcome)

        def loaded(count: Callable[[LoadedIndex], int]) -> Callable[[], float]:
            def read() -> float:
                engine = engine_()
                index = engine.loaded_index if engine is not None else None
                return float(count(index)) if index is not None else 0.0
            return read

        Gauge("rag_documents", "Documents in the index being served.", registry=r).set_function(
            loaded(lambda index: len(index.documents)))
        Gauge("rag_passages", "Passages in the index being served.", registry=r).set_function(
            loaded(lambda index: len(index.chunks)))
        Gauge(
            "rag_annotate_in_hand", "Texts being checked or waiting for an annotate worker.", registry=r
        ).set_function(lambda: float(pool.in_hand))
        Gauge(
            "rag_annotate_capacity",
            "Texts the annotate workers and their queue hold before refusing (429).",
            registry=r,
        ).set_function(lambda: float(pool.capacity))

    def request(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(method, route).observe(seconds)

    def answer(self, response: QueryResult) -> None:
        """One question's outcome and stage times, from the response's own timings (milliseconds)."""
        self.questions.labels("refused" if response.no_answer else "answered").inc()
        t = response.timings_ms
        self.stages.labels("encode").observe(t.embed / 1000)
        self.stages.labels("search").observe(t.search / 1000)
        self.stages.labels("answer").observe(max(0.0, t.total - t.embed - t.search) / 1000)

    def build(self, seconds: float, ok: bool) -> None:
        self.builds.labels("ok" if ok else "failed").inc()
        self.build_seconds.observe(seconds)


def routes(settings: Settings, metrics: Metrics) -> APIRouter:
    router = APIRouter()

    @router.get("/metrics", include_in_schema=False)
    def scrape(authorization: str | None = Header(None)) -> Response:
        if not settings.metrics_token:
            raise HTTPException(404, "Not Found")
        expected = f"Bearer {settings.metrics_token}".encode()
        if authorization is None or not hmac.compare_digest(authorization.encode("utf-8", "replace"), expected):
            raise HTTPException(
                401, "authorization: send `Bearer <RAG_METRICS_TOKEN>`", headers={"WWW-Authenticate": "Bearer"}
            )
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    return router
