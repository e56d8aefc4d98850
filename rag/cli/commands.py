"""The `rag` command: index, ask, serve, eval. Every command takes --docs and --index."""

from __future__ import annotations

import json
import logging
import sys
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from rag.logs import configure as configure_logs
from rag.offline import enforce_offline
from rag.redaction import without_machine_paths

enforce_offline()

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Evidence-aware health Q&A over a folder of "
                                                                   "documents.")
console = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)
build_log = logging.getLogger("rag.index")

RayBindOpt = Annotated[str | None, typer.Option("--ray-bind", metavar="ADDRESS", help="With --ray local: where the "
                                                 "cluster listens; 0.0.0.0 lets other machines join [env RAG_RAY_BIND, "
                                                 "default 127.0.0.1: this machine only].")]
DocsOpt = Annotated[Path | None, typer.Option("--docs", help="Document folder [env RAG_DOCS_DIR, default seeds/].")]
IndexOpt = Annotated[Path | None, typer.Option("--index", help="Index folder [env RAG_INDEX_DIR, default index/].")]


def _settings(docs: Path | None, index: Path | None):
    from pydantic import ValidationError

    from rag.settings import get_settings

    try:
        return get_settings(docs_dir=docs, index_dir=index)
    except ValidationError as exc:
        err.print(f"[red]error:[/red] bad setting: {exc}")
        raise typer.Exit(2) from None


def _fail(message: str, code: int = 1) -> None:
    err.print(f"[red]error:[/red] {message}")
    raise typer.Exit(code)


def _with_ray_bind(settings, bind: str | None):
    """Settings with --ray-bind applied, the address checked before any cluster starts."""
    settings = settings.model_copy(update={"ray_bind": bind}) if bind is not None else settings
    try:
        from rag.index.ray_build import is_loopback

        is_loopback(settings.ray_bind)
    except ValueError as exc:
        _fail(f"--ray-bind: {exc}", code=2)
    return settings


def run_build(settings, compute=None):
    """Build with a progress bar and a one-line summary; shared by `index` and `serve`.

    Returns the embedder, so `serve` does not load the model a second time. `compute` runs the chunk → embed
    stages elsewhere (a Ray cluster); by default they run in this process.
    """
    from rag.embedding import Embedder
    from rag.embedding.export import EncoderUnavailable
    from rag.index import IndexUnavailable, build_index

    started = time.perf_counter()

    def failed(reason: str) -> None:
        build_log.error("index build failed", extra={"event": "index_build", "outcome": "failed",
                                                     "seconds": round(time.perf_counter() - started, 2),
                                                     "reason": without_machine_paths(reason)})
        _fail(reason)

    if not settings.docs_dir.is_dir():
        failed(f"document folder {settings.docs_dir} does not exist (use --docs DIR)")
    embedder = Embedder(settings)
    with Progress(TextColumn("[bold]embedding"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, transient=not sys.stderr.isatty()) as progress:
        task = progress.add_task("embedding", total=0)
        try:
            result = build_index(settings, embedder,
                                 on_embed_start=lambda n: progress.update(task, total=n),
                                 on_embedded=lambda n: progress.advance(task, n),
                                 compute=compute)
        except (IndexUnavailable, EncoderUnavailable, FileNotFoundError) as exc:
            failed(str(exc))
    for warning in result.warnings:
        err.print(f"[yellow]warning:[/yellow] {warning}")
    if result.documents == 0:
        failed(f"no readable documents in {settings.docs_dir}")
    build_log.info("index built", extra={"event": "index_build", "outcome": "ok", "build": result.folder.name,
                                         "documents": result.documents, "passages": result.chunks,
                                         "embedded": result.embedded, "reused": result.reused,
                                         "unchanged": result.unchanged, "warnings": len(result.warnings),
                                         "seconds": round(time.perf_counter() - started, 2)})
    state = "unchanged" if result.unchanged else f"{result.embedded} embedded, {result.reused} reused"
    console.print(f"indexed {result.documents} documents, {result.chunks} chunks ({state}) in "
                  f"{time.perf_counter() - started:.1f} s → {result.folder}")
    return embedder


@app.command()
def index(
    docs: DocsOpt = None,
    index: IndexOpt = None,
    check: Annotated[
        bool, typer.Option("--check", help="Verify the index against its manifest and the documents.")
    ] = False,
    shards: Annotated[
        int | None,
        typer.Option(
            "--shards",
            min=1,
            max=1024,
            help="Write the build as this many shards (memory-mapped when served) [env RAG_INDEX_SHARDS, default 1].",
        ),
    ] = None,
    ray: Annotated[
        str | None,
        typer.Option(
            "--ray",
            metavar="ADDRESS",
            help="Chunk, caveat and embed on a Ray "
            "cluster: its address (host:port), or 'local' to start one on this "
            "machine. Needs pip install -e '.[ray]'.",
        ),
    ] = None,
    workers: Annotated[int, typer.Option("--workers", min=1, help="Ray actors per stage (with --ray).")] = 2,
    ray_bind: RayBindOpt = None,
) -> None:
    """(Re)build the index from the document folder; only new or changed documents are embedded.

    Example: rag index --docs seeds --index index
    Example: rag index --ray local --workers 2 --shards 4
    """
    settings = _settings(docs, index)
    configure_logs(settings.log_format)
    if shards is not None:
        settings = settings.model_copy(update={"index_shards": shards})
    if check:
        from rag.index.verify import verify_index

        problems = verify_index(settings)
        for problem in problems:
            err.print(f"[red]problem:[/red] {problem}")
        if problems:
            raise typer.Exit(1)
        console.print("index OK: checksums match and every document is current")
        return
    compute = None
    if ray is not None:
        from rag.index.ray_build import RayCompute

        settings = _with_ray_bind(settings, ray_bind)
        compute = RayCompute(address=ray, workers=workers, bind=settings.ray_bind)
    run_build(settings, compute)


feedback_app = typer.Typer(help="The feedback people left on answers (it holds their questions: keep it private).")
app.add_typer(feedback_app, name="feedback")


@feedback_app.command("export")
def feedback_export(
    index: IndexOpt = None, fmt: Annotated[str, typer.Option("--format", help="csv or jsonl.")] = "jsonl"
) -> None:
    """Write every feedback row to standard output, oldest first.

    Example: rag feedback export --format csv > feedback.csv
    """
    import csv

    from rag.feedback import COLUMNS, FeedbackStore, feedback_path

    if fmt not in ("csv", "jsonl"):
        _fail(f"--format: {fmt!r} is not csv or jsonl", code=2)
    settings = _settings(None, index)
    path = feedback_path(settings.index_dir)
    if not path.exists():
        _fail(f"no feedback in {settings.index_dir} (no private/feedback.sqlite3)")
    rows = FeedbackStore(path).all()
    if fmt == "jsonl":
        for row in rows:
            print(json.dumps(row, ensure_ascii=False))
        return
    writer = csv.DictWriter(sys.stdout, fieldnames=COLUMNS)
    writer.writeheader()
    for row in rows:
        writer.writerow({**row, "passage_ids": json.dumps(row["passage_ids"])})


def json_lines(text: str) -> list[str]:
    """JSON Lines are separated by "\\n" (a "\\r" before it is dropped). Not `str.splitlines()`: it also splits
    at U+2028, U+2029 and U+0085, which a JSON string may hold as they are (PubMed abstracts do)."""
    return [line.removesuffix("\r") for line in text.split("\n")]


UNICODE_BREAKS = {ord(c): f"\\u{ord(c):04x}" for c in "\u2028\u2029\u0085"}


def json_line(text: str) -> str:
    """A JSON document as one line any reader splits right: the Unicode line breaks escaped (they can only stand
    inside JSON strings, where the escape means the same character)."""
    return text.translate(UNICODE_BREAKS)


@app.command()
def annotate(
    file: Annotated[
        Path | None, typer.Argument(help="JSON lines of {\"id\": …, \"text\": …}; standard input when left out.")
    ] = None,
) -> None:
    """Check any text: one JSON line out per JSON line in, with the text's profile, passages and flagged sentences.

    The same analysis indexing runs (no embedding, no index needed). A bad line is answered with
    {"id": …, "error": …} in its place and the command exits 1 at the end.

    Example: echo '{"id": "a1", "text": "Smoking may increase the risk of dementia."}' | rag annotate
    """
    from pydantic import ValidationError

    from rag.api.schema import AnnotateRequest, AnnotateResponse, limit_message, validation_message
    from rag.check_text import TextChecker

    settings = _settings(None, None)
    if file is not None and not file.is_file():
        _fail(f"{file} is not a readable file", code=2)
    try:
        lines = json_lines((file.read_bytes() if file else sys.stdin.buffer.read()).decode("utf-8"))
    except UnicodeDecodeError as exc:
        _fail(f"input is not UTF-8 (byte {exc.start})", code=2)
    checker = TextChecker(settings)
    failed = 0
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        text_id = None
        try:
            try:
                item = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"not a JSON line ({exc.msg} at column {exc.colno})") from None
            if not isinstance(item, dict):
                raise ValueError('expected a JSON object like {"id": "…", "text": "…"}')
            text_id = item.get("id")
            request = AnnotateRequest(text=item.get("text"), id=None if text_id is None else str(text_id))
            over = limit_message(request, settings)
            if over:
                raise ValueError(over)
            result = AnnotateResponse.of(checker.check(request.text, request.id or f"line-{number}"))
            print(json_line(result.model_dump_json()))
        except (ValueError, ValidationError) as exc:
            failed += 1
            reason = validation_message(exc) if isinstance(exc, ValidationError) else str(exc)
            err.print(f"[red]error:[/red] line {number}: {reason}")
            safe_id = text_id if isinstance(text_id, str | int) else None
            print(json.dumps({"id": safe_id, "line": number, "error": reason}, ensure_ascii=True))
    if failed:
        raise typer.Exit(1)


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="Your question, in quotes.")],
    docs: DocsOpt = None,
    index: IndexOpt = None,
    top_k: Annotated[int, typer.Option("--top-k", "-k", help="Passages to show (1–50).")] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="Print the API's JSON response.")] = False,
    follow_up_of: Annotated[
        list[str] | None, typer.Option("--after", help="An earlier question of this conversation (repeatable).")
    ] = None,
) -> None:
    """Answer a question with ranked passages, their sources, offsets and caveats.

    Example: rag ask "Can I take low-dose naltrexone with opioid painkillers?"
    """
    from pydantic import ValidationError

    from rag.api.schema import QueryRequest, QueryResponse, limit_message, validation_message
    from rag.embedding.export import EncoderUnavailable
    from rag.engine import Engine
    from rag.index import IndexUnavailable

    settings = _settings(docs, index)
    try:
        request = QueryRequest(
            question=question, top_k=top_k, history=[{"role": "user", "content": q} for q in (follow_up_of or [])]
        )
    except ValidationError as exc:
        _fail(validation_message(exc), code=2)
    over = limit_message(request, settings)
    if over:
        _fail(over, code=2)
    engine = Engine(settings)
    try:
        result = engine.query(request.asked())
    except (IndexUnavailable, EncoderUnavailable) as exc:
        _fail(str(exc))
    if as_json:
        print(QueryResponse.of(result).model_dump_json(indent=2))
        return
    from rag.cli.render import print_result

    print_result(console, result)


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

    settings = _settings(docs, index)
    configure_logs(settings.log_format)
    if ray is not None:
        settings = _with_ray_bind(settings, ray_bind)
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
        _fail(str(exc))
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

    settings = _settings(docs, index)
    engine = Engine(settings)
    try:
        engine.ensure_index(build_if_missing=False)
        engine.warm_up()  # before the assistant's first call, not during it
    except (IndexUnavailable, EncoderUnavailable) as exc:
        _fail(str(exc))
    serve_mcp(settings, engine)


@app.command(name="settings")
def show_settings(
    as_json: Annotated[bool, typer.Option("--json", help="Print {section: {name: value}} as JSON.")] = False,
) -> None:
    """The settings in force, by section, with the RAG_* variable that sets each (tokens shown only as set/unset).

    Example: RAG_MAX_TOP_K=20 rag settings
    """
    from rag.settings import SECTIONS

    settings = _settings(None, None)
    secret = {"admin_token", "metrics_token"}
    values = {name: {field: ("set" if getattr(settings, field) else None) if field in secret
                     else getattr(settings, field) for field in section.model_fields}
              for name, section in SECTIONS.items()}
    if as_json:
        print(json.dumps(values, indent=2, default=str))
        return
    for name, fields in values.items():
        console.print(f"[bold]{name}[/]")
        for field, value in fields.items():
            console.print(f"  RAG_{field.upper():<32} {escape(str(value))}")


def serve_on_ray(settings, address: str, groups: int, replicas: int, cpus: float, host: str, port: int) -> None:
    """Deploy the current sharded build on Ray Serve and keep it up until Ctrl-C, which takes the app down."""
    import os
    import signal
    import time

    from rag.index import IndexUnavailable, current_folder

    folder = current_folder(settings.index_dir)
    if not folder.exists():
        _fail(
            f"no index in {settings.index_dir}: run `rag index --shards N` (or `rag index --ray ADDRESS --shards N`) "
            "first"
        )
    try:
        import ray
        from ray import serve

        from rag.api.ray_serve import APP_NAME, deploy, require_sharded
        from rag.index.ray_build import connect
    except ImportError:
        _fail("Ray is not installed: pip install -e '.[ray]'")
    try:
        require_sharded(folder.resolve())  # before any cluster is joined
        connect(address, workers=os.cpu_count() or 1, bind=settings.ray_bind)
        url = deploy(settings, folder.resolve(), groups, replicas, cpus, host, port)
    except (IndexUnavailable, ValueError) as exc:
        _fail(str(exc))
    except Exception as exc:  # Ray's own failures (no cluster, a replica that cannot start) as one line
        _fail(f"Ray Serve deployment failed ({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''})")
    console.print(f"serving {url} on Ray Serve (build {folder.resolve().name}); Ctrl-C takes it down")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the take-down short
        err.print("taking the app down")
        serve.delete(APP_NAME)
        ray.shutdown()


@app.command(name="eval")
def evaluate(
    dataset: Annotated[Path, typer.Argument(help="BEIR-layout folder: corpus.jsonl, queries.jsonl, qrels/test.tsv.")],
    index: IndexOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the metrics as JSON.")] = False,
    limit: Annotated[int | None, typer.Option(help="Score only the first N queries.")] = None,
    exclude_source: Annotated[
        list[str] | None,
        typer.Option("--exclude-source", help="Leave out corpus entries whose metadata.source is this (repeatable)."),
    ] = None,
) -> None:
    """Score dense, BM25 and hybrid retrieval on a BEIR-layout dataset.

    Examples: rag eval ../shared/benchmarks/pubmedqa-l
              rag eval ../shared/benchmarks/liveqa-med --exclude-source ADAM --exclude-source MPlusDrugs
    """
    from rag.evaluate import EvalError, evaluate_dataset, print_table

    settings = _settings(None, index)
    try:
        report = evaluate_dataset(
            dataset, settings, limit=limit, progress_console=err, exclude_sources=frozenset(exclude_source or ())
        )
    except EvalError as exc:
        _fail(str(exc), code=2)
    if as_json:
        print(json.dumps(report, indent=2))
    else:
        print_table(console, report)

