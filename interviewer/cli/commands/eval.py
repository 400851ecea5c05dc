"""``interviewer eval``: check a grader and prompt version against a labelled suite."""

from __future__ import annotations

from pathlib import Path

import typer


def eval_suite(
    suite: list[str] = typer.Argument(
        None, help="Suite YAML (see evals/); with --reviews: session ids (default: all)."
    ),
    grader: str | None = typer.Option(None, "--grader", help="offline, llm or auto."),
    model: str | None = typer.Option(None, "--model", help="LLM model."),
    json_out: Path | None = typer.Option(None, "--json", help="Write the results as JSON."),
    junit_out: Path | None = typer.Option(None, "--junit", help="Write JUnit XML."),
    baseline: Path | None = typer.Option(None, "--baseline", help="An earlier --json result."),
    repeat: int = typer.Option(1, "--repeat", min=1, help="Grade each case N times."),
    replay: Path | None = typer.Option(None, "--replay", help="Serve LLM replies from here."),
    record: Path | None = typer.Option(None, "--record", help="Record live LLM replies here."),
    reviews: bool = typer.Option(
        False, "--reviews", help="Measure the grader against coaches' reviews instead."
    ),
    write_suite: Path | None = typer.Option(
        None, "--write-suite", help="With --reviews: write the reviewed cases as a suite."
    ),
    tolerance: int = typer.Option(
        1, "--tolerance", help="With --write-suite: how far from the coach's score passes."
    ),
    db: Path | None = typer.Option(None, "--db", help="With --reviews: session database."),
) -> None:
    """Run an eval suite; exits 1 when a case fails or agreement is below the thresholds.

    With --reviews, report the grader's agreement with the coaches' reviews instead.
    """
    from interviewer.core.errors import ConfigError

    if reviews:
        from interviewer.evals.review_eval import run_review_eval

        run_review_eval(
            suite or [], db=db, write_suite=write_suite, tolerance=tolerance, json_out=json_out
        )
        return
    if write_suite is not None:
        raise ConfigError("--write-suite needs --reviews")
    if not suite or len(suite) > 1:
        raise ConfigError("give one suite file (or --reviews [SESSIONS...])")
    from interviewer.evals.command import run_eval

    result = run_eval(
        Path(suite[0]),
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
