"""Terminal rendering of a query result for `rag ask`."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel

from rag.results import CitedAnswer, QueryResult

_COLOURS = {"high": "red", "medium": "yellow", "low": "cyan", "info": "dim"}


def _badges(caveats) -> str:
    return " ".join(f"[{_COLOURS.get(c.severity, 'white')}]{c.code}[/]" for c in caveats) or "[green]no caveats[/]"


def _pages(pages: list[int] | None) -> str:
    if not pages:
        return ""
    return f"page {pages[0]}, " if len(pages) == 1 else f"pages {pages[0]}–{pages[-1]}, "


def print_safety(console: Console, answer: CitedAnswer) -> None:
    """The warnings about what was asked, first and set apart: a framed callout, before the answer."""
    if not answer.safety:
        return
    lines = "\n".join(f"• {escape(q.text)} [{q.citation}]" for q in answer.safety)
    console.print(
        Panel(
            f"{lines}\n[bold]Ask your pharmacist or doctor before you start, stop or combine treatments.[/]",
            title="[bold red]⚠ Safety[/]",
            title_align="left",
            border_style="red",
            expand=False,
        )
    )


def print_answer(console: Console, answer: CitedAnswer) -> None:
    print_safety(console, answer)
    if answer.evidence is not None and answer.evidence.strongest_level is not None:
        counts = ", ".join(f"{n} {level.replace('_', ' ')}" for level, n in answer.evidence.levels.items())
        console.print(
            f"[bold]Evidence:[/] strongest is {str(answer.evidence.strongest_level).replace('_', ' ')} "
            f"[dim]({counts}; {answer.evidence.documents} document(s))[/]"
        )
    console.print(f"[bold]Answer:[/] {escape(answer.text)}")


def print_result(console: Console, result: QueryResult) -> None:
    console.print(f"[bold]Q:[/] {escape(result.question)}")
    if result.no_answer:
        console.print("[bold red]The indexed documents don't cover this.[/] Closest passages, loosely related:")
    elif result.answer:
        print_answer(console, result.answer)
    if result.caveats:
        console.print(f"[bold]Before you rely on this:[/] {_badges(result.caveats)}")
    for passage in result.passages:
        source = passage.source
        console.print(
            f"\n[bold][{passage.rank}][/] score {passage.score:.3f}  {escape(source.path)} "
            f"[dim]{_pages(source.pages)}chars {source.start}–{source.end}[/]  evidence: {passage.evidence_level}"
        )
        console.print(f"    [dim]{escape(source.title)}[/]" + (f"  {escape(source.url)}" if source.url else ""))
        console.print(f"    caveats: {_badges(passage.caveats)}")
        snippet = " ".join(passage.text.split())
        console.print("    " + escape(snippet[:300] + ("…" if len(snippet) > 300 else "")))
    console.print(f"\n[dim]{escape(result.disclaimer)}[/]")
