"""`rag serve --ray ADDRESS`: the same JSON API and web chat on Ray Serve, for a build one machine cannot hold.

Two kinds of deployment over one sharded build (`rag index --shards N`):
- `shards-K`: a group of shards, memory-mapped (replicas on one machine share the pages), with replicas for
  failover; each answers a question's `PassageQuery` with its `PassageLists` (rag/index/passages.py);
- `front`: the model, the documents, the passage records and the title signals; it asks every shard group at
  once (one round trip), merges their lists into exactly the candidates one process would gather, and fuses
  and answers through the same FastAPI app as `rag serve` (Serve's proxy speaks HTTP).
A shard call that fails because its replica died is sent once more; Serve routes it to a live replica.

Ray is an optional extra (`pip install .[ray]`); nothing imports this module but `rag serve --ray`.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

from ray import serve
from ray.exceptions import RayActorError, RayTaskError

from rag.index.errors import IndexUnavailable
from rag.index.passages import PassageLists, PassageQuery, PassageSets, merge
from rag.settings import Settings

APP_NAME = "rag"
log = logging.getLogger("rag.api")


class ShardGroup:
    """Some shards of one build, searched for one question; refuses a question asked of another build."""

    def __init__(self, settings: dict, folder: str, names: list[str]) -> None:
        import faiss

        from rag.index.manifest import read_manifest, verify_files
        from rag.index.shards import TERM_STATS, open_shard
        from rag.index.term_stats import TermStats

        settings_ = Settings(**settings)
        faiss.omp_set_num_threads(settings_.search_threads)
        root = Path(folder)
        manifest = read_manifest(root)
        entries = [e for e in manifest.shards if e.name in names]
        if len(entries) != len(names):
            raise IndexUnavailable(f"the build in {root} has no shard(s) "
                                   f"{sorted(set(names) - {e.name for e in entries})}")
        mine = {name: digest for name, digest in manifest.files.items()
                if name == TERM_STATS or any(name.startswith(e.name + "/") for e in entries)}
        bad = verify_files(root, replace(manifest, files=mine))  # its own files only
        if bad:
            raise IndexUnavailable(f"index files {', '.join(bad)} in {root} are damaged — run `rag index` to rebuild")
        stats = TermStats.load(root / TERM_STATS)
        self.build = root.name
        self.sets = PassageSets([open_shard(root, entry, stats, settings_.pq_rerank_depth) for entry in entries])

    def search(self, query: PassageQuery) -> PassageLists:
        if query.build != self.build:
            raise IndexUnavailable(f"this shard replica serves build {self.build}, the question was asked of "
                                   f"{query.build}: a new build is being rolled out, ask again")
        return self.sets.search(query)


class RemotePassages:
    """A front's passage search: every shard group asked at once, merged; one retry where a replica died."""

    def __init__(self, groups: list, timeout_s: float) -> None:
        self.groups, self.timeout_s = groups, timeout_s

    def search(self, query: PassageQuery) -> PassageLists:
        pending = [group.search.remote(query) for group in self.groups]
        return merge([self._answer(number, response, query) for number, response in enumerate(pending)], query)

    def _answer(self, number: int, response, query: PassageQuery) -> PassageLists:
        try:
            return self._result(response)
        except (RayActorError, TimeoutError) as exc:
            log.warning("shard group %d: %s; asking again", number, type(exc).__name__)
        try:
            return self._result(self.groups[number].search.remote(query))
        except (RayActorError, TimeoutError) as exc:
            raise IndexUnavailable(
                f"shard group {number} did not answer ({type(exc).__name__}); try again shortly"
            ) from None

    def _result(self, response) -> PassageLists:
        try:
            return response.result(timeout_s=self.timeout_s)
        except RayTaskError as exc:  # the shard itself refused (another build): say so plainly
            if isinstance(exc.cause, IndexUnavailable):
                raise IndexUnavailable(str(exc.cause)) from None
            raise


@serve.ingress()
class Front:
    """The API over one pinned build whose passages live on the shard groups."""

    def __init__(self, settings: dict, folder: str, *groups) -> None:
        from rag.engine import Engine
        from rag.index.loaded import load_index

        # Pinned to the build the shards hold: no watching, and no uploads (a rebuild here would not reach them).
        self.settings = Settings(**settings).model_copy(update={"watch_seconds": 0.0, "admin_token": None})
        remote = RemotePassages(list(groups), self.settings.shard_timeout_seconds)
        self.engine = Engine(
            self.settings, loader=lambda s, dims: load_index(s, dims, folder=Path(folder), remote=lambda _f, _m: remote)
        )

    def __serve_build_asgi_app__(self):
        from rag.api.app import create_app

        return create_app(self.settings, self.engine)


def shard_groups(names: list[str], count: int) -> list[list[str]]:
    """`count` groups of neighbouring shards, as equal in number as they can be."""
    count = max(1, min(count, len(names)))
    size, extra = divmod(len(names), count)
    out, start = [], 0
    for k in range(count):
        end = start + size + (k < extra)
        out.append(names[start:end])
        start = end
    return out


def require_sharded(folder: Path):
    """The build's manifest, if it is sharded (the shard groups serve its shards); else one clear refusal."""
    from rag.index.manifest import read_manifest

    manifest = read_manifest(folder)
    if not manifest.shards:
        raise IndexUnavailable(
            f"the build in {folder} is one file; `rag serve --ray` serves a sharded build — "
            "run `rag index --shards N` first"
        )
    return manifest


def deploy(settings: Settings, folder: Path, groups: int, replicas: int, cpus: float, host: str, port: int) -> str:
    """Deploy the shard groups (0: one per shard) and the front over the build in `folder` on the connected cluster;
    returns its URL."""
    import ray

    manifest = require_sharded(folder)
    groups_of = shard_groups([e.name for e in manifest.shards], groups or len(manifest.shards))
    needed, held = cpus * (replicas * len(groups_of) + 1), ray.cluster_resources().get("CPU", 0.0)
    if needed > held:  # Serve would wait for ever on replicas that can never be placed
        raise ValueError(
            f"{len(groups_of)} shard groups × {replicas} replicas + 1 front at {cpus:g} CPU each need "
            f"{needed:g} CPUs; the cluster has {held:g} — lower --replicas, --shard-groups or "
            "--replica-cpus, or add nodes"
        )
    raw = settings.model_dump(mode="json")
    serve.start(http_options={"host": host, "port": port}, proxy_location="HeadOnly")
    bound = [
        serve.deployment(name=f"shards-{k}", num_replicas=replicas, ray_actor_options={"num_cpus": cpus})(ShardGroup)
        .bind(raw, str(folder), names)
        for k, names in enumerate(groups_of)
    ]
    front = serve.deployment(name="front", num_replicas=1, ray_actor_options={"num_cpus": cpus})(Front)
    serve.run(front.bind(raw, str(folder), *bound), name=APP_NAME, route_prefix="/")
    return f"http://{host}:{port}/"
