"""``interviewer banks``: list the question banks found, or show one."""

from __future__ import annotations

from pathlib import Path

import typer

app = typer.Typer(help="List question banks, or show one.", no_args_is_help=False)

BankDirOption = typer.Option(
    None, "--bank-dir", envvar="INTERVIEWER_BANK_DIR", help="Folder of your own bank YAML files."
)


@app.callback(invoke_without_command=True)
def list_banks(ctx: typer.Context, bank_dir: Path | None = BankDirOption) -> None:
    """List the banks: built-in ones and those in your bank folder."""
    if ctx.invoked_subcommand is not None:
        return
    from interviewer.core import bank as banks
    from interviewer.ui import print_table

    rows = [
        [b.id, str(len(b.questions)), str(len(b.themes)), b.title, str(path)]
        for b, path in banks.list_banks(bank_dir)
    ]
    print_table(["id", "questions", "themes", "title", "file"], rows, title="Question banks")


@app.command("show")
def show_bank(
    bank_id: str = typer.Argument(..., help="Bank id, or a path to a bank YAML file."),
    bank_dir: Path | None = BankDirOption,
) -> None:
    """Print a bank's questions and key themes."""
    from interviewer.core import bank as banks
    from interviewer.ui import console

    bank = banks.get_bank(bank_id, bank_dir)
    out = console()
    out.print(f"[bold]{bank.title}[/bold] ({bank.id})", highlight=False)
    if bank.description:
        out.print(bank.description, highlight=False)
    out.print(f"\n[bold]Questions ({len(bank.questions)})[/bold]")
    for q in bank.questions:
        themes = f"  [dim]themes: {', '.join(q.themes)}[/dim]" if q.themes else ""
        out.print(f"  {q.id}: {q.text}{themes}", highlight=False)
    out.print(f"\n[bold]Key themes ({len(bank.themes)})[/bold]")
    for t in bank.themes:
        out.print(f"  {t.id}: [bold]{t.name}[/bold] - {t.description}", highlight=False)
