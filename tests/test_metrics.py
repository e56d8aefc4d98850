"""GET /metrics on a real HTTP server: off without RAG_METRICS_TOKEN, refused without the bearer token, and after a
few questions, an upload rebuild and a probe it shows the expected counters, by route template."""

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.servers import running, wait_for

TOKEN = "scrape-token-for-tests"
ADMIN = "admin-token-for-tests"


@pytest.fixture(scope="module")
def base(settings, engine):
    from rag.api import create_app

    local = settings.model_copy(update={"metrics_token": TOKEN, "admin_token": ADMIN, "watch_seconds": 0,
                                        "annotate_workers": 1})
    with running(create_app(local, engine), local) as url:
        yield url


def scrape(base: str) -> dict[tuple[str, tuple], float]:
    response = httpx.get(base + "/metrics", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(response.text) for s in family.samples}


def value(samples: dict, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_metrics_are_off_without_a_token(client):
    assert client.get("/metrics").status_code == 404


@pytest.mark.parametrize("header", [None, "Bearer wrong", f"Basic {TOKEN}", TOKEN])
def test_metrics_need_the_bearer_token(base, header):
    headers = {"Authorization": header} if header else {}
    response = httpx.get(base + "/metrics", headers=headers, timeout=30)
    assert response.status_code == 401
    assert "rag_http_requests" not in response.text


def test_a_scrape_after_questions_shows_the_counters(base):
    before = scrape(base)
    answerable = {"question": "Can low-dose naltrexone help with fatigue in multiple sclerosis?"}
    off_topic = {"question": "How do I change the oil in a diesel lawnmower?"}
    replies = [
        httpx.post(base + "/api/v1/query", json=q, timeout=60).json() for q in (answerable, answerable, off_topic)
    ]
    with httpx.stream("POST", base + "/api/v1/query/stream", json=answerable, timeout=60) as stream:
        assert "event: answer" in "".join(stream.iter_text())
    assert httpx.post(base + "/api/v1/query", json={"question": ""}, timeout=60).status_code == 422
    assert httpx.get(base + "/api/v1/documents/no-such-document", timeout=30).status_code == 404
    assert httpx.get(base + "/wp-login.php", timeout=30).status_code == 404
    after = scrape(base)

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    refused = sum(r["no_answer"] for r in replies)
    assert refused == 1, [r["no_answer"] for r in replies]
    assert grew("rag_questions_total", outcome="answered") == 3
    assert grew("rag_questions_total", outcome="refused") == 1
    assert grew("rag_http_requests_total", method="POST", route="/api/v1/query", status="200") == 3
    assert grew("rag_http_requests_total", method="POST", route="/api/v1/query", status="422") == 1
    assert grew("rag_http_requests_total", method="POST", route="/api/v1/query/stream", status="200") == 1
    # by template, not by path: a probe or an unknown id adds no label value of its own
    assert grew("rag_http_requests_total", method="GET", route="/api/v1/documents/{doc_id}", status="404") == 1
    assert grew("rag_http_requests_total", method="GET", route="unmatched", status="404") == 1
    assert not any("no-such-document" in str(labels) or "wp-login" in str(labels) for _, labels in after)
    assert grew("rag_http_request_duration_seconds_count", method="POST", route="/api/v1/query") == 4
    for stage in ("encode", "search", "answer"):
        assert grew("rag_query_stage_seconds_count", stage=stage) == 4
    assert grew("rag_query_stage_seconds_sum", stage="encode") > 0
    assert value(after, "rag_documents") == 5
    assert value(after, "rag_passages") >= 5
    assert value(after, "rag_annotate_in_hand") == 0
    assert value(after, "rag_annotate_capacity") > 0


def test_rebuilds_are_counted_with_their_duration(embedder, tmp_path, docs_copy):
    """An upload on a server of its own (over a copy of the seeds) rebuilds once: counted ok, with its time."""
    from rag.api import create_app
    from rag.engine import Engine
    from rag.index import build_index
    from rag.settings import Settings

    local = Settings(
        docs_dir=docs_copy, index_dir=tmp_path / "index", admin_token=ADMIN, metrics_token=TOKEN, watch_seconds=0
    )
    build_index(local, embedder)
    with running(create_app(local, Engine(local, embedder)), local) as url:
        before = scrape(url)
        serving = httpx.get(url + "/api/v1/index/status", timeout=30).json()["serving"]
        text = "Clemastine fumarate is an antihistamine studied for remyelination in multiple sclerosis. " * 3
        upload = httpx.post(
            url + "/api/v1/documents",
            headers={"x-admin-token": ADMIN},
            files={"file": ("clemastine.txt", text.encode())},
            timeout=60,
        )
        assert upload.status_code == 202, upload.text
        wait_for(
            lambda: (
                (s := httpx.get(url + "/api/v1/index/status", timeout=30).json())["state"] == "idle"
                and s["serving"] != serving
            ),
            300,
            "the rebuild to finish and serve",
        )
        after = scrape(url)
    assert (
        value(after, "rag_index_builds_total", outcome="ok") - value(before, "rag_index_builds_total", outcome="ok")
        == 1
    )
    assert value(after, "rag_index_builds_total", outcome="failed") == 0
    assert value(after, "rag_index_build_duration_seconds_count") == 1
    assert value(after, "rag_index_build_duration_seconds_sum") > 0
    assert value(before, "rag_documents") == 5 and value(after, "rag_documents") == 6
    assert value(after, "rag_http_requests_total", method="POST", route="/api/v1/documents", status="202") == 1
