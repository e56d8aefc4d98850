"""`python -m rag.cli …` runs the `rag` command."""

from rag.cli.commands import app

app()
