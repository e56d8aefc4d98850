"""`rag ask`, `rag annotate`, `rag settings` and `rag eval`: reading answers, checks and figures."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from rag.cli.common import DocsOpt, IndexOpt, app, console, err, fail, json_line, json_lines, settings_for


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

    settings = settings_for(None, None)
    if file is not None and not file.is_file():
        fail(f"{file} is not a readable file", code=2)
    try:
        lines = json_lines((file.read_bytes() if file else sys.stdin.buffer.read()).decode("utf-8"))
    except UnicodeDecodeError as exc:
        fail(f"input is not UTF-8 (byte {exc.start})", code=2)
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

    settings = settings_for(docs, index)
    try:
        request = QueryRequest(
            question=question, top_k=top_k, history=[{"role": "user", "content": q} for q in (follow_up_of or [])]
        )
    except ValidationError as exc:
        fail(validation_message(exc), code=2)
    over = limit_message(request, settings)
    if over:
        fail(over, code=2)
    engine = Engine(settings)
    try:
        result = engine.query(request.asked())
    except (IndexUnavailable, EncoderUnavailable) as exc:
        fail(str(exc))
    if as_json:
        print(QueryResponse.of(result).model_dump_json(indent=2))
        return
    from rag.cli.render import print_result

    print_result(console, result)


@app.command(name="settings")
def show_settings(
    as_json: Annotated[bool, typer.Option("--json", help="Print {section: {name: value}} as JSON.")] = False,
) -> None:
    """The settings in force, by section, with the RAG_* variable that sets each (tokens shown only as set/unset).

    Example: RAG_MAX_TOP_K=20 rag settings
    """
    from rag.settings import SECTIONS

    settings = settings_for(None, None)
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

    settings = settings_for(None, index)
    try:
        report = evaluate_dataset(
            dataset, settings, limit=limit, progress_console=err, exclude_sources=frozenset(exclude_source or ())
        )
    except EvalError as exc:
        fail(str(exc), code=2)
    if as_json:
        print(json.dumps(report, indent=2))
    else:
        print_table(console, report)
