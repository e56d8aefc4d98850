"""The chunk → caveats → embed stages of a build as Ray Data over the documents (`rag index --ray ADDRESS`).

Ray is an optional extra (`pip install .[ray]`); nothing else imports this module. The driver still ingests,
writes and swaps (rag/index/build.py), so a failed or killed run swaps nothing in. The content-hash cache is
read and written by the driver alone: the workers embed only the texts it does not hold, and their vectors
are written back after the run (one writer, so SQLite never sees two). Workers load the model once per actor.
"""

from __future__ import annotations

import ipaddress
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np

from rag.index.build import Computed, embed_cached, prepare
from rag.index.errors import IndexUnavailable
from rag.index.shards import shard_term_stats
from rag.index.term_stats import TermStats
from rag.settings import Settings
from rag.types import Document, chunk_from_dict, document_from_dict, to_dict

OFFLINE_ENV = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
LOOPBACK = "127.0.0.1"
LOCAL_ONLY_ENV = "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"  # "0": Ray's local-only mode, see `local_node`


def connect(address: str, workers: int, bind: str = LOOPBACK) -> bool:
    """Join the cluster at `address`, or start one on this machine for "local"; True when this call started Ray.

    A bare `ray.init()` silently joins whatever cluster is left running, so the address is always explicit. A
    local cluster listens where `bind` says (settings.ray_bind): on loopback alone unless told otherwise."""
    import ray

    if ray.is_initialized():
        return False
    runtime_env = {"env_vars": OFFLINE_ENV}
    if address == "local":
        with local_node(bind) as node:
            ray.init(address="local", num_cpus=max(workers, 1), include_dashboard=False, runtime_env=runtime_env,
                     log_to_driver=False, **node)
    else:
        ray.init(address=address, runtime_env=runtime_env, log_to_driver=False)
    return True


@contextmanager
def two_node_cluster(address: str = "127.0.0.2") -> Iterator[Any]:
    """A real two-node local cluster (one CPU each) on a loopback `address`, joined by this process, for tests and
    benchmarks. Ray swaps 127.0.0.1 for the machine's outward address, hence another loopback address; only this
    cluster is stopped afterwards (never a bare `ray stop`)."""
    import ray
    from ray.cluster_utils import Cluster

    cluster = Cluster(initialize_head=True,
                      head_node_args={"num_cpus": 1, "node_ip_address": address, "include_dashboard": False})
    try:
        cluster.add_node(num_cpus=1, node_ip_address=address)
        cluster.wait_for_nodes()
        ray.init(address=cluster.address, runtime_env={"env_vars": OFFLINE_ENV}, log_to_driver=False)
        yield cluster
    finally:
        ray.shutdown()
        cluster.shutdown()


def is_loopback(host: str) -> bool:
    """Whether a bind address keeps Ray on this machine; a name other than "localhost" is refused (Ray needs an IP)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        raise ValueError(f"Ray bind address {host!r} is not an IP address (127.0.0.1, 0.0.0.0 or this "
                         "machine's address)") from None


@contextmanager
def local_node(bind: str) -> Iterator[dict]:
    """`ray.init` arguments for a local cluster bound to `bind`.

    Ray's servers (GCS, raylet, workers, agents) listen on every interface whatever node address they are given,
    except in Ray's local-only mode, the one it runs on macOS and Windows: there the node is 127.0.0.1 and every
    server listens on loopback. On Linux that mode is chosen by RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0, which Ray reads
    when it is imported; so while the cluster starts, the variable is set (the processes Ray starts inherit it) and
    so is the value Ray read (it may have been imported already). tests/test_ray.py checks every listening socket.
    """
    from ray._private import ray_constants

    if not is_loopback(bind):
        yield {} if ipaddress.ip_address(bind).is_unspecified else {"_node_ip_address": bind}
        return
    before_env, before = os.environ.get(LOCAL_ONLY_ENV), ray_constants.ENABLE_RAY_CLUSTER
    os.environ[LOCAL_ONLY_ENV], ray_constants.ENABLE_RAY_CLUSTER = "0", False
    try:
        yield {}
    finally:
        ray_constants.ENABLE_RAY_CLUSTER = before
        if before_env is None:
            os.environ.pop(LOCAL_ONLY_ENV, None)
        else:
            os.environ[LOCAL_ONLY_ENV] = before_env


class PrepareDocuments:
    """Chunk and caveat a batch of documents; also each document's term counts for the collection's BM25."""

    def __init__(self, settings: dict, caveats: bool) -> None:
        from rag.embedding import Embedder

        self.settings, self.caveats = Settings(**settings), caveats
        self.count_tokens = Embedder(self.settings).count_tokens

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, list]:
        out: dict[str, list] = {"position": [], "document": [], "chunks": [], "stats": []}
        for position, raw in zip(batch["position"], batch["document"]):
            documents, chunks = prepare([document_from_dict(json.loads(raw))], self.settings, self.count_tokens,
                                        self.caveats)
            stats = shard_term_stats(chunks)
            out["position"].append(int(position))
            out["document"].append(json.dumps(to_dict(documents[0]), ensure_ascii=False))
            out["chunks"].append(json.dumps([to_dict(c) for c in chunks], ensure_ascii=False))
            out["stats"].append(json.dumps([stats.num_docs, stats.total_length, stats.df]))
        return out


class EmbedTexts:
    """One model per actor; batches arrive sorted by length, as the single-process build sorts them."""

    def __init__(self, settings: dict) -> None:
        from rag.embedding import Embedder

        self.embedder = Embedder(Settings(**settings))

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        return {"position": batch["position"], "vector": self.embedder.encode(list(batch["text"]))}


@dataclass
class RayCompute:
    """A `Compute` (rag/index/build.py) that runs on a Ray cluster; `workers` actors per stage."""

    address: str = "local"
    workers: int = 2
    bind: str = LOOPBACK  # where a "local" cluster listens (settings.ray_bind)
    batch_size: int = 32
    threads_per_worker: int = 1  # each actor holds one Ray CPU, so it encodes on one thread

    def __call__(self, documents: list[Document], settings: Settings, embedder, caveats: bool,
                 on_embed_start=None, on_embedded=None) -> Computed:
        try:
            import ray
        except ImportError:
            raise IndexUnavailable("--ray needs the Ray extra: pip install -e '.[ray]'") from None
        started_here = connect(self.address, self.workers, self.bind)
        try:
            return self._run(documents, settings, embedder, caveats, on_embed_start, on_embedded)
        except IndexUnavailable:
            raise
        except Exception as exc:  # a worker lost for good, a cluster gone: one line, nothing swapped in
            first = (str(exc).strip().splitlines() or [""])[-1][:200]
            raise IndexUnavailable(f"Ray build failed ({type(exc).__name__}: {first}); nothing was swapped in, "
                                   "the old index keeps serving") from None
        finally:
            if started_here:
                ray.shutdown()

    def _run(self, documents, settings, embedder, caveats, on_embed_start, on_embedded) -> Computed:
        import logging

        import ray

        logging.getLogger("ray.data").setLevel(logging.WARNING)  # per-stage plans and progress lines otherwise
        ray.data.DataContext.get_current().enable_progress_bars = False

        raw_settings = {**settings.model_dump(mode="json"), "index_threads": self.threads_per_worker}
        rows = [{"position": i, "document": json.dumps(to_dict(d), ensure_ascii=False)}
                for i, d in enumerate(documents)]
        prepared = (
            ray.data.from_items(rows, override_num_blocks=max(1, min(len(rows), 4 * self.workers)))
            .map_batches(
                PrepareDocuments,
                fn_constructor_args=(raw_settings, caveats),
                batch_size=8,
                compute=ray.data.ActorPoolStrategy(size=self.workers),
                num_cpus=1,
            )
            .take_all()
        )
        prepared.sort(key=lambda row: row["position"])
        documents = [document_from_dict(json.loads(row["document"])) for row in prepared]
        chunks = [chunk_from_dict(c) for row in prepared for c in json.loads(row["chunks"])]
        stats = TermStats.merge(TermStats(n, total, df) for n, total, df in (json.loads(r["stats"]) for r in prepared))

        def encode_on_ray(texts: list[str]) -> np.ndarray:
            # The cache hands over its misses sorted by length; blocks keep that order, so batches stay even.
            items = [{"position": i, "text": t} for i, t in enumerate(texts)]
            vectors = np.zeros((len(texts), embedder.dimensions), dtype=np.float32)
            if not items:
                return vectors
            blocks = max(1, min(-(-len(items) // self.batch_size), 8 * self.workers))
            dataset = ray.data.from_items(items, override_num_blocks=blocks).map_batches(
                EmbedTexts,
                fn_constructor_args=(raw_settings,),
                batch_size=self.batch_size,
                compute=ray.data.ActorPoolStrategy(size=self.workers),
                num_cpus=1,
            )
            for batch in dataset.iter_batches(batch_format="numpy", batch_size=None):
                vectors[batch["position"]] = batch["vector"]
            return vectors

        # One Ray job for every miss (batch = all): each job would start its actor pool and load the model anew.
        return embed_cached(settings, embedder.dimensions, documents, chunks, encode_on_ray,
                            batch=max(1, len(chunks) + len(documents)), on_start=on_embed_start,
                            on_done=on_embedded, term_stats=stats)
