"""The `rag` command: Typer over the same engine the API serves. `common` holds the app and what every command
shares; `build` (index, feedback), `serve` (serve, mcp) and `commands` (ask, annotate, settings, eval) add their
commands to it; `render` draws a result in the terminal."""

from rag.cli import build, commands, serve  # noqa: F401  (each adds its commands to the app)
from rag.cli.common import app

__all__ = ["app"]
