"""``interviewer plan``: the questions to practise for one job, and why."""

from __future__ import annotations

from pathlib import Path

import typer

from interviewer.cli.commands.practice import BankDirOption, ModelOption

DEFAULT_COUNT = 5  # interviewer.prep.planner.DEFAULT_COUNT (not imported: --help stays fast)
DEFAULT_NEW = 3


def plan(
    job: str = typer.Option(
        ..., "--job", help="Job description: a text or markdown file, or - for stdin."
    ),
    banks: list[str] | None = typer.Option(
        None, "--bank", help="Only this bank (repeat for several; default: every bank)."
    ),
    count: int = typer.Option(DEFAULT_COUNT, "--count", min=1, max=50, help="Questions to pick."),
    new: int = typer.Option(
        DEFAULT_NEW, "--new", min=0, max=10, help="With an LLM: new questions to write (0-10)."
    ),
    output: Path | None = typer.Option(
        None, "-o", "--output", help="Write the questions as a bank YAML file."
    ),
    offline: bool = typer.Option(
        False, "--offline", help="Match offline even when an LLM is configured."
    ),
    model: str | None = ModelOption,
    bank_dir: Path | None = BankDirOption,
) -> None:
    """Pick the questions a job description is most likely to probe, saying why."""
    from rich.markup import escape

    from interviewer.core.settings import build_settings
    from interviewer.prep.job import read_job
    from interviewer.prep.planner import banks_to_search, plan_job, uses_llm
    from interviewer.ui import console

    settings = build_settings(model=model, bank_dir=bank_dir)
    use_llm = uses_llm(settings, offline)
    found = banks_to_search(settings.bank_dir, banks)
    if output is not None and output.is_dir():
        from interviewer.core.errors import DataError

        raise DataError(output, None, "is a folder: give a file name such as job-bank.yaml")
    description = read_job(job, require_english=not use_llm)
    match, result = plan_job(description, found, settings, count=count, new=new, offline=offline)
    out = console()
    out.print(
        f"[bold]Questions for {escape(description.title)}[/bold] "
        f"(picked by {escape(result.by)} from {len(found)} bank{'s' if len(found) != 1 else ''})"
    )
    for n, item in enumerate(result.items, 1):
        where = f"{item.bank_id} {item.question_id}" if item.bank_id else "new"
        out.print(f"\n{n}. [dim]\\[{escape(where)}][/dim] {escape(item.text)}")
        if item.why:
            label = "matched" if not use_llm else "why"
            out.print(f"   {label}: {escape(item.why)}")
        names = [result.bank.theme(t).name for t in item.themes]
        if names:
            out.print(f"   [dim]themes: {escape(', '.join(names))}[/dim]")
    picked = sum(1 for i in result.items if i.bank_id)
    if picked < count and not use_llm:
        out.print(
            f"\nOnly {picked} question{'s' if picked != 1 else ''} fit this job well; "
            "the others matched too little of it."
        )
    if output is not None:
        _write(output, result.yaml(description.title))
        out.print(
            f"\nWrote bank {result.bank.id!r} to {escape(str(output))}: edit it, then "
            f"`interviewer practice --bank {escape(str(output))}`."
        )
    best = match.best_bank(count)
    if use_llm:
        if output is None:
            out.print(
                "\nPractise them: add `-o job-bank.yaml`, then "
                "`interviewer practice --bank job-bank.yaml`."
            )
    elif best is not None:
        out.print(
            f"\nPractise them: `interviewer practice --job {escape(job)}` "
            f"(a session keeps to one bank: {best}, the best fit)."
        )


def _write(path: Path, text: str) -> None:
    """Write the whole file or nothing: a temporary file renamed into place."""
    from interviewer.core.errors import DataError

    tmp = path.with_name(f".{path.name}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise DataError(path, None, f"cannot write: {exc.strerror or exc}") from exc
