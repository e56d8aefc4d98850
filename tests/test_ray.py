"""The Ray build (rag/index/ray_build.py) on a real local Ray cluster (conftest's `ray_cluster`: a head and a
second worker node, both on 127.0.0.2)."""

from __future__ import annotations

import json
import os
import signal
import threading
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import SHARED
from tests.servers import pids_running, wait_for

pytestmark = pytest.mark.ray
PUBMED = SHARED / "benchmarks" / "pubmedqa-l"


@pytest.fixture(scope="module")
def cluster(ray_cluster):
    return ray_cluster


def _ray_compute(cluster):
    from rag.index.ray_build import RayCompute

    return RayCompute(address=cluster.address, workers=2, batch_size=16)


def _pubmed_documents(count: int):
    from rag.evaluate import corpus_documents, load_dataset

    if not PUBMED.exists():
        pytest.skip(f"{PUBMED} not present")
    return corpus_documents(load_dataset(PUBMED))[:count]


def _records(index) -> list[tuple]:
    return [(c.doc_id, c.start, c.end, c.text, c.heading, c.evidence_level, [(v.code, v.severity, v.start, v.end)
             for v in c.caveats]) for c in index.chunks]


def _assert_same_build(ray_index, local_index) -> None:
    """Same passages (ids, offsets, caveats) in the same order, and the same vectors to cosine ≥ 0.999."""
    assert _records(ray_index) == _records(local_index)
    assert [d.caveats for d in ray_index.documents.values()] == [d.caveats for d in local_index.documents.values()]
    ours = ray_index.vectors[np.arange(len(ray_index.vectors))]
    cosines = np.sum(ours * local_index.vectors, axis=1)
    assert cosines.min() >= 0.999, cosines.min()
    assert np.array_equal(ray_index.title_vectors != 0, local_index.title_vectors != 0)


def test_ray_build_of_the_seeds_matches_the_single_process_build(cluster, settings, embedder, engine, seeds_dev,
                                                                   tmp_path):
    from rag.engine import Engine
    from rag.index import build_index
    from rag.schema import QueryRequest

    ray_settings = settings.model_copy(update={"index_dir": tmp_path / "index", "index_shards": 2,
                                               "embedding_cache": tmp_path / "cache.sqlite3"})
    result = build_index(ray_settings, embedder, compute=_ray_compute(cluster))
    assert result.embedded == result.chunks + sum(d.title_given for d in engine.index.documents.values())
    ray_engine = Engine(ray_settings, embedder)
    _assert_same_build(ray_engine.index, engine.index)
    assert len(ray_engine.index.manifest.shards) == 2
    for question in [q["question"] for q in seeds_dev]:
        ask = QueryRequest(question=question, top_k=5)
        top = [[(p.source.doc_id, p.source.start) for p in e.query(ask).passages] for e in (ray_engine, engine)]
        assert top[0] == top[1], question
    # The driver wrote the workers' vectors to the cache: a second build embeds nothing.
    again = build_index(ray_settings.model_copy(update={"index_shards": 3}), embedder, compute=_ray_compute(cluster))
    assert again.embedded == 0 and again.reused == result.embedded


def test_ray_build_of_a_thousand_pubmed_abstracts_matches(cluster, settings, embedder, tmp_path):
    from rag.index import build_index, load_index

    documents = _pubmed_documents(1000)
    builds = {}
    for name, compute in (("local", None), ("ray", _ray_compute(cluster))):
        local = settings.model_copy(update={"index_dir": tmp_path / name, "embedding_cache": tmp_path / f"{name}.sqlite3"})
        build_index(local, embedder, documents=documents, compute=compute)
        builds[name] = load_index(local, embedder.dimensions)
    assert len(builds["ray"].documents) == 1000
    _assert_same_build(builds["ray"], builds["local"])


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (0 once it is gone)."""
    try:
        fields = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_a_worker_killed_mid_build_leaves_the_old_index_serving_and_the_next_run_completes(
        cluster, settings, embedder, tmp_path):
    from rag.engine import Engine
    from rag.index import IndexUnavailable, build_index, current_manifest
    from rag.schema import QueryRequest

    local = settings.model_copy(update={"index_dir": tmp_path / "index", "embedding_cache": tmp_path / "cache.sqlite3"})
    build_index(local.model_copy(update={"embedding_cache": settings.index_dir / "embeddings.sqlite3"}), embedder)
    old = current_manifest(local.index_dir)
    serving = Engine(local, embedder)
    question = QueryRequest(question="Does metformin help multiple sclerosis?", top_k=3)
    assert serving.query(question).passages

    documents = _pubmed_documents(300)
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["result"] = build_index(local, embedder, documents=documents, compute=_ray_compute(cluster))
        except IndexUnavailable as exc:
            outcome["error"] = str(exc)

    builder = threading.Thread(target=run)
    builder.start()
    # Wait (with a deadline) until an embedding actor has spent a second of CPU on batches, then kill it mid-batch.
    wait_for(lambda: not builder.is_alive() or any(_cpu_seconds(pid) >= 1.0 for pid in pids_running("EmbedTexts")),
             timeout=180, what="an embedding worker at work")
    killed = []
    for pid in pids_running("EmbedTexts"):
        os.kill(pid, signal.SIGKILL)
        killed.append(pid)
        break
    while builder.is_alive():  # the old build answers the whole time
        assert serving.query(question).passages
        builder.join(timeout=1.0)
    assert killed, "no embedding worker was seen to kill"
    if "error" in outcome:  # Ray gave up: one clear line, and nothing was swapped in
        assert "\n" not in outcome["error"] and "old index keeps serving" in outcome["error"]
        assert current_manifest(local.index_dir).built_at == old.built_at
    else:  # Ray restarted the actor and retried its batch
        assert outcome["result"].documents == 300
    assert serving.query(question).passages

    final = build_index(local, embedder, documents=documents, compute=_ray_compute(cluster))
    assert final.documents == 300 and (final.unchanged or final.chunks > 300)
    print(json.dumps({"killed": killed, "outcome": "failed" if "error" in outcome else "retried"}))
