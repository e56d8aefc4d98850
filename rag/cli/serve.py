"""`rag serve` (here, or as a Ray Serve front over shard deployments) and `rag mcp`."""

from __future__ import annotations

from typing import Annotated

import typer

from rag.cli.build import run_build
from rag.cli.common import DocsOpt, IndexOpt, RayBindOpt, app, console, err, fail, settings_for, with_ray_bind
from rag.logs import configure as configure_logs


@app.command()
def serve(
    docs: DocsOpt = None,
    index: IndexOpt = None,
    host: Annotated[str | None, typer.Option(help="Address to bind [default 127.0.0.1].")] = None,
    port: Annotated[int | None, typer.Option(help="Port [default 8000].")] = None,
    ray: Annotated[
        str | None,
        typer.Option(
            "--ray",
            metavar="ADDRESS",
            help="Serve a sharded build on Ray "
            "Serve: the cluster's address "
            "(host:port), or 'local' to start "
            "one here. Needs pip install -e "
            "'.[ray]'.",
        ),
    ] = None,
    shard_groups: Annotated[
        int,
        typer.Option(
            "--shard-groups",
            min=0,
            help="With --ray: shard deployments, each holding neighbouring shards (0: one per shard).",
        ),
    ] = 0,
    replicas: Annotated[
        int, typer.Option("--replicas", min=1, help="With --ray: replicas of each shard deployment.")
    ] = 2,
    replica_cpus: Annotated[
        float, typer.Option("--replica-cpus", min=0.0, help="With --ray: CPUs each replica reserves.")
    ] = 1.0,
    ray_bind: RayBindOpt = None,
) -> None:
    """Serve the JSON API and the web chat; builds the index first when there is none.

    Example: rag serve --port 8000
    Example: rag index --shards 4 && rag serve --ray local --replicas 2
    """
    import uvicorn

    from rag.api import create_app
    from rag.embedding.export import EncoderUnavailable
    from rag.engine import Engine
    from rag.index import IndexUnavailable, current_folder

    settings = settings_for(docs, index)
    configure_logs(settings.log_format)
    if ray is not None:
        settings = with_ray_bind(settings, ray_bind)
        serve_on_ray(settings, ray, shard_groups, replicas, replica_cpus, host or settings.host, port or settings.port)
        return
    embedder = None
    if not current_folder(settings.index_dir).exists():
        err.print(f"no index in {settings.index_dir}: building it from {settings.docs_dir} first")
        embedder = run_build(settings)
    engine = Engine(settings, embedder)
    try:
        engine.ensure_index(build_if_missing=False)
        engine.warm_up()  # the model loads (and is exported, the first time) before the port opens
    except (IndexUnavailable, EncoderUnavailable) as exc:
        fail(str(exc))
    from rag.api.server import server_config

    uvicorn.Server(server_config(create_app(settings, engine), settings, host, port)).run()


@app.command()
def mcp(docs: DocsOpt = None, index: IndexOpt = None) -> None:
    """Serve the index to an AI assistant over the Model Context Protocol (stdio): tools `search`, `ask` and
    `check_text`, resources `documents://list` and `documents://{doc_id}`, every passage with its caveats.

    Example (an assistant's MCP configuration): {"command": "rag", "args": ["mcp", "--index", "/path/to/index"]}
    """
    from rag.embedding.export import EncoderUnavailable
    from rag.engine import Engine
    from rag.index import IndexUnavailable
    from rag.mcp_server import serve as serve_mcp

    settings = settings_for(docs, index)
    engine = Engine(settings)
    try:
        engine.ensure_index(build_if_missing=False)
        engine.warm_up()  # before the assistant's first call, not during it
    except (IndexUnavailable, EncoderUnavailable) as exc:
        fail(str(exc))
    serve_mcp(settings, engine)


def serve_on_ray(settings, address: str, groups: int, replicas: int, cpus: float, host: str, port: int) -> None:
    """Deploy the current sharded build on Ray Serve and keep it up until Ctrl-C, which takes the app down."""
    import os
    import signal
    import time

    from rag.index import IndexUnavailable, current_folder

    folder = current_folder(settings.index_dir)
    if not folder.exists():
        fail(
            f"no index in {settings.index_dir}: run `rag index --shards N` (or `rag index --ray ADDRESS --shards N`) "
            "first"
        )
    try:
        import ray
        from ray import serve

        from rag.api.ray_serve import APP_NAME, deploy, require_sharded
        from rag.index.ray_build import connect
    except ImportError:
        fail("Ray is not installed: pip install -e '.[ray]'")
    try:
        require_sharded(folder.resolve())  # before any cluster is joined
        connect(address, workers=os.cpu_count() or 1, bind=settings.ray_bind)
        url = deploy(settings, folder.resolve(), groups, replicas, cpus, host, port)
    except (IndexUnavailable, ValueError) as exc:
        fail(str(exc))
    except Exception as exc:  # Ray's own failures (no cluster, a replica that cannot start) as one line
        fail(f"Ray Serve deployment failed ({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''})")
    console.print(f"serving {url} on Ray Serve (build {folder.resolve().name}); Ctrl-C takes it down")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the take-down short
        err.print("taking the app down")
        serve.delete(APP_NAME)
        ray.shutdown()
