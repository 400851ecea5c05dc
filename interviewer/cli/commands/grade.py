"""``interviewer grade``: grade a JSONL or CSV file of answers."""

from __future__ import annotations

from pathlib import Path

import typer


def grade(
    input_path: Path = typer.Argument(..., help="JSONL or CSV with id, question_id, answer."),
    out: Path | None = typer.Option(
        None, "--out", "-o", help="Results (JSONL). Default: INPUT.grades.jsonl next to INPUT."
    ),
    bank: str | None = typer.Option(None, "--bank", help="Bank id or YAML path."),
    bank_dir: Path | None = typer.Option(None, "--bank-dir", help="Folder of your banks."),
    grader: str | None = typer.Option(None, "--grader", help="offline, llm or auto."),
    model: str | None = typer.Option(None, "--model", help="LLM model."),
    concurrency: int | None = typer.Option(None, "--concurrency", min=1, help="Requests at once."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Always ask the LLM again."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No summary table."),
    batch_api: bool = typer.Option(
        False, "--batch-api", help="Send as an OpenAI Batch API job (cheaper, slower)."
    ),
    batch_id: str | None = typer.Option(None, "--batch-id", help="Resume this Batch API job."),
    fmt: str | None = typer.Option(
        None, "--format", help="jsonl or csv, when the extension does not say."
    ),
) -> None:
    """Grade a file of answers; results are appended as they finish, so a rerun resumes.

    Exit codes: 0 every row graded; 1 some rows failed (the summary says how many, the
    output has an "error" line for each); 2 usage or input errors found before grading
    (unknown format, unreadable file, a CSV header without id, question_id, answer).
    """
    from interviewer.batch.command import grade_file

    result = grade_file(
        input_path,
        out=out,
        bank=bank,
        bank_dir=bank_dir,
        grader=grader,
        model=model,
        concurrency=concurrency,
        use_cache=not no_cache,
        quiet=quiet,
        batch_api=batch_api,
        batch_id=batch_id,
        fmt=fmt,
    )
    if result.failed:
        raise typer.Exit(1)
