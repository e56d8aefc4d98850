"""The Ray build (rag/index/ray_build.py) on a real local Ray cluster (conftest's `ray_cluster`: a head and a
second worker node, both on 127.0.0.2)."""

from __future__ import annotations

import contextlib
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
    from rag.results import Question

    ray_settings = settings.model_copy(update={"index_dir": tmp_path / "index", "index_shards": 2,
                                               "embedding_cache": tmp_path / "cache.sqlite3"})
    result = build_index(ray_settings, embedder, compute=_ray_compute(cluster))
    assert result.embedded == result.chunks + sum(d.title_given for d in engine.index.documents.values())
    ray_engine = Engine(ray_settings, embedder)
    _assert_same_build(ray_engine.index, engine.index)
    assert len(ray_engine.index.manifest.shards) == 2
    for question in [q["question"] for q in seeds_dev]:
        ask = Question(question, top_k=5)
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
        local = settings.model_copy(
            update={"index_dir": tmp_path / name, "embedding_cache": tmp_path / f"{name}.sqlite3"}
        )
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
    cluster, settings, embedder, tmp_path
):
    from rag.engine import Engine
    from rag.index import IndexUnavailable, build_index, current_manifest
    from rag.results import Question

    local = settings.model_copy(update={"index_dir": tmp_path / "index", "embedding_cache": tmp_path / "cache.sqlite3"})
    build_index(local.model_copy(update={"embedding_cache": settings.index_dir / "embeddings.sqlite3"}), embedder)
    old = current_manifest(local.index_dir)
    serving = Engine(local, embedder)
    question = Question("Does metformin help multiple sclerosis?", top_k=3)
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
    wait_for(
        lambda: not builder.is_alive() or any(_cpu_seconds(pid) >= 1.0 for pid in pids_running("EmbedTexts")),
        timeout=180,
        what="an embedding worker at work",
    )
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


# -- L7: a cluster `--ray local` starts listens on loopback alone -------------------------------------------------
LOCAL_CLUSTER = """
import sys
import ray
from rag.index.ray_build import connect
connect("local", 1)  # what `rag index --ray local` and `rag serve --ray local` call; the default bind
ray.get(ray.remote(lambda: 1).remote())  # a worker process is listening too
print("ready", flush=True)
sys.stdin.readline()
ray.shutdown()
"""


def _descendants(root: int) -> list[int]:
    parents: dict[int, list[int]] = {}
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                parent = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            parents.setdefault(parent, []).append(int(proc.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(parents.get(pid, []))
    return found


def _listening(pids: list[int]) -> list[tuple[int, str, int]]:
    """(pid, address, port) of every TCP socket these processes listen on, read from /proc (no psutil here)."""
    import ipaddress

    owners = {}
    for pid in pids:
        try:
            for fd in (Path("/proc") / str(pid) / "fd").iterdir():
                target = os.readlink(fd) if fd.is_symlink() else ""
                if target.startswith("socket:["):
                    owners[target[len("socket:[") : -1]] = pid
        except OSError:
            continue
    out = []
    for table, width in (("tcp", 4), ("tcp6", 16)):
        for line in (Path("/proc/net") / table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] != "0A" or fields[9] not in owners:  # 0A: LISTEN
                continue
            host, port = fields[1].split(":")
            raw = bytes.fromhex(host)
            raw = b"".join(raw[i : i + 4][::-1] for i in range(0, width, 4))  # /proc prints 32-bit words host-endian
            out.append((owners[fields[9]], str(ipaddress.ip_address(raw)), int(port, 16)))
    return out


def _is_loopback(host: str) -> bool:
    import ipaddress

    address = ipaddress.ip_address(host)
    mapped = getattr(address, "ipv4_mapped", None)
    return (mapped or address).is_loopback


def test_a_local_cluster_listens_on_loopback_only(tmp_path):
    """`--ray local` started Ray with its GCS, raylet and workers listening on every interface (L7): anyone who
    could reach the machine could run code in it. Every socket of the cluster it starts is on loopback now."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    log = (tmp_path / "driver.log").open("w")
    driver = subprocess.Popen(
        [sys.executable, "-c", LOCAL_CLUSTER],
        cwd=ROOT,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
        text=True,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=log,
    )
    started: list[int] = []
    try:
        assert driver.stdout.readline().strip() == "ready", (tmp_path / "driver.log").read_text()[-2000:]
        started = _descendants(driver.pid)
        sockets = _listening(started)
        names = {(Path("/proc") / str(pid) / "comm").read_text().strip() for pid, _, _ in sockets}
        assert {"gcs_server", "raylet"} <= names, sockets
        assert all(_is_loopback(host) for _, host, _ in sockets), [s for s in sockets if not _is_loopback(s[1])]
        driver.communicate("stop\n", timeout=120)
        wait_for(
            lambda: (
                not [
                    p
                    for p in started
                    if (Path("/proc") / str(p)).exists()
                    and "zombie" not in (Path("/proc") / str(p) / "status").read_text()
                ]
            ),
            timeout=60,
            what="the cluster's processes to exit",
        )
    finally:
        for pid in started:  # only what this test started, if anything was left behind
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        if driver.poll() is None:
            driver.kill()
        log.close()
