"""``interviewer import``: turn a seed-format document into a bank YAML."""

from __future__ import annotations

from pathlib import Path

import typer


def import_bank(
    file: Path = typer.Argument(..., help="A document in the seed's Q1:/Situation:/... format."),
    out: Path | None = typer.Option(
        None, "-o", "--out", help="Write the bank here (default: stdout)."
    ),
    bank_id: str | None = typer.Option(None, "--id", help="Bank id (default: from the title)."),
) -> None:
    """Import questions, reference answers and key themes from a document."""
    from interviewer.engine.importer import dump_bank, import_file

    bank = import_file(file, bank_id or (out.stem if out else None))
    text = dump_bank(bank)
    if out is None:
        typer.echo(text, nl=False)
        return
    out.write_text(text, encoding="utf-8")
    typer.echo(
        f"wrote {out}: {len(bank.questions)} questions, {len(bank.themes)} themes "
        "(questions list no themes yet: add them under each question's `themes:`)",
        err=True,
    )
