"""Terminal output: rich when it is a terminal, plain text otherwise (pipes, CI, tests)."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console


@cache
def console(stderr: bool = False) -> Console:
    """The shared rich console; rich itself drops colour and boxes when not a TTY."""
    from rich.console import Console

    out = Console(stderr=stderr, highlight=False)
    # Piped or captured output is read by programs and people grepping it: never wrap lines.
    out.soft_wrap = not out.is_terminal
    return out


def print_table(headers: list[str], rows: list[list[str]], title: str | None = None) -> None:
    """A table on a terminal; tab-separated lines when piped, so scripts can read it."""
    out = console()
    if not out.is_terminal:
        print("\t".join(headers))
        for row in rows:
            print("\t".join(row))
        return
    from rich.table import Table

    table = Table(title=title)
    for h in headers:
        table.add_column(h)
    for row in rows:
        table.add_row(*row)
    out.print(table)
