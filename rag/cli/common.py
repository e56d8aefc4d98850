"""What every `rag` command shares: the Typer app, the consoles, the --docs/--index options, settings from them,
failing with a message, and JSON Lines in and out."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from rag.offline import enforce_offline

enforce_offline()

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Evidence-aware health Q&A over a folder of "
                                                                   "documents.")
console = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

RayBindOpt = Annotated[str | None, typer.Option("--ray-bind", metavar="ADDRESS", help="With --ray local: where the "
                                                 "cluster listens; 0.0.0.0 lets other machines join [env RAG_RAY_BIND, "
                                                 "default 127.0.0.1: this machine only].")]
DocsOpt = Annotated[Path | None, typer.Option("--docs", help="Document folder [env RAG_DOCS_DIR, default seeds/].")]
IndexOpt = Annotated[Path | None, typer.Option("--index", help="Index folder [env RAG_INDEX_DIR, default index/].")]


def settings_for(docs: Path | None, index: Path | None):
    from pydantic import ValidationError

    from rag.settings import get_settings

    try:
        return get_settings(docs_dir=docs, index_dir=index)
    except ValidationError as exc:
        err.print(f"[red]error:[/red] bad setting: {exc}")
        raise typer.Exit(2) from None


def fail(message: str, code: int = 1) -> None:
    err.print(f"[red]error:[/red] {message}")
    raise typer.Exit(code)


def with_ray_bind(settings, bind: str | None):
    """Settings with --ray-bind applied, the address checked before any cluster starts."""
    settings = settings.model_copy(update={"ray_bind": bind}) if bind is not None else settings
    try:
        from rag.index.ray_build import is_loopback

        is_loopback(settings.ray_bind)
    except ValueError as exc:
        fail(f"--ray-bind: {exc}", code=2)
    return settings


def json_lines(text: str) -> list[str]:
    """JSON Lines are separated by "\\n" (a "\\r" before it is dropped). Not `str.splitlines()`: it also splits
    at U+2028, U+2029 and U+0085, which a JSON string may hold as they are (PubMed abstracts do)."""
    return [line.removesuffix("\r") for line in text.split("\n")]


UNICODE_BREAKS = {ord(c): f"\\u{ord(c):04x}" for c in "\u2028\u2029\u0085"}


def json_line(text: str) -> str:
    """A JSON document as one line any reader splits right: the Unicode line breaks escaped (they can only stand
    inside JSON strings, where the escape means the same character)."""
    return text.translate(UNICODE_BREAKS)
