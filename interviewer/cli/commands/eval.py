"""``interviewer eval``: check a grader and prompt version against a labelled suite."""

from __future__ import annotations

from pathlib import Path

import typer


def eval_suite(
    suite: Path = typer.Argument(..., help="Suite YAML (see evals/)."),
    grader: str | None = typer.Option(None, "--grader", help="offline, llm or auto."),
    model: str | None = typer.Option(None, "--model", help="LLM model."),
    json_out: Path | None = typer.Option(None, "--json", help="Write the results as JSON."),
    junit_out: Path | None = typer.Option(None, "--junit", help="Write JUnit XML."),
    baseline: Path | None = typer.Option(None, "--baseline", help="An earlier --json result."),
    repeat: int = typer.Option(1, "--repeat", min=1, help="Grade each case N times."),
    replay: Path | None = typer.Option(None, "--replay", help="Serve LLM replies from here."),
    record: Path | None = typer.Option(None, "--record", help="Record live LLM replies here."),
) -> None:
    """Run an eval suite; exits 1 when a case fails or agreement is below the thresholds."""
    from interviewer.evals.command import run_eval

    result = run_eval(
        suite,
        grader=grader,
        model=model,
        json_out=json_out,
        junit_out=junit_out,
        baseline=baseline,
        repeat=repeat,
        replay=replay,
        record=record,
    )
    if not result.passed:
        raise typer.Exit(1)
