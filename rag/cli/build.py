"""`rag index` (and the build `rag serve` runs first) and `rag feedback export`."""

from __future__ import annotations

import json
import logging
import sys
import time
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from rag.cli.common import DocsOpt, IndexOpt, RayBindOpt, app, console, err, fail, settings_for, with_ray_bind
from rag.logs import configure as configure_logs
from rag.redaction import without_machine_paths

build_log = logging.getLogger("rag.index")


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
        fail(reason)

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
    settings = settings_for(docs, index)
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

        settings = with_ray_bind(settings, ray_bind)
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
        fail(f"--format: {fmt!r} is not csv or jsonl", code=2)
    settings = settings_for(None, index)
    path = feedback_path(settings.index_dir)
    if not path.exists():
        fail(f"no feedback in {settings.index_dir} (no private/feedback.sqlite3)")
    rows = FeedbackStore(path).all()
    if fmt == "jsonl":
        for row in rows:
            print(json.dumps(row, ensure_ascii=False))
        return
    writer = csv.DictWriter(sys.stdout, fieldnames=COLUMNS)
    writer.writeheader()
    for row in rows:
        writer.writerow({**row, "passage_ids": json.dumps(row["passage_ids"])})
