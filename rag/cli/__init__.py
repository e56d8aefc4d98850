"""The `rag` command: Typer over the same engine the API serves (`commands`), and its terminal rendering
(`render`)."""

from rag.cli.commands import app

__all__ = ["app"]
