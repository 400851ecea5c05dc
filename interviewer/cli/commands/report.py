"""``interviewer report`` and ``interviewer history``: feedback over a session and over time."""

from __future__ import annotations

from pathlib import Path

import typer

DbOption = typer.Option(
    None, "--db", help="Session database (default: INTERVIEWER_DB or your data dir)."
)


def report(
    session: str = typer.Argument("last", help="Session id, or 'last'."),
    fmt: str = typer.Option("md", "--format", "-f", help="md, html, json or csv."),
    out: Path | None = typer.Option(None, "-o", "--out", help="Write here (default: stdout)."),
    bank_dir: Path | None = typer.Option(None, "--bank-dir", envvar="INTERVIEWER_BANK_DIR"),
    db: Path | None = DbOption,
) -> None:
    """A rubric feedback report for one session."""
    from interviewer.engine.store import Store
    from interviewer.service.reports import session_report

    with Store.open(db) as store:
        _, text = session_report(store, session, fmt, bank_dir, paths=True)
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {out}", err=True)


def history(
    bank_dir: Path | None = typer.Option(None, "--bank-dir", envvar="INTERVIEWER_BANK_DIR"),
    by: str = typer.Option(
        "grader", "--by", help="Whose scores to follow: grader, or coach (where a coach gave one)."
    ),
    db: Path | None = DbOption,
) -> None:
    """Your sessions, per-dimension averages, the trend of each STAR part, reused stories."""
    from interviewer.cli.history import print_history
    from interviewer.core.errors import ConfigError
    from interviewer.engine.store import Store
    from interviewer.views.summary import BY

    if by not in BY:
        raise ConfigError(f"--by must be one of: {', '.join(BY)} (got {by!r})")
    from interviewer.service.reports import history as read_history

    with Store.open(db) as store:
        sessions, progress = read_history(store)
    print_history(sessions, by, progress)


def coach(
    session: str = typer.Argument(..., help="Session id, or 'last'."),
    question: str = typer.Argument(..., help="Question id in that session, e.g. q1."),
    model: str | None = typer.Option(None, "--model", help="LLM model."),
    bank_dir: Path | None = typer.Option(None, "--bank-dir", envvar="INTERVIEWER_BANK_DIR"),
    db: Path | None = DbOption,
) -> None:
    """Show a stronger STAR version of your answer, using only your own facts.

    With an LLM configured it rewrites the answer; without one it shows your own sentences
    in STAR order, with a [bracketed] placeholder for each part the answer lacks.
    """
    from interviewer.core.errors import NotFoundError
    from interviewer.core.settings import build_settings
    from interviewer.engine.store import Store
    from interviewer.service.banks import session_bank

    settings = build_settings(model=model)
    with Store.open(db) as store:
        record = store.get_session(session)
        bank = session_bank(store, record, bank_dir, paths=True)
    views = {v.question_id: v for v in record.questions()}
    if question not in views:
        raise NotFoundError(f"session {record.id} has no answer to {question!r}")
    from interviewer.service.practice import coach_with

    # the same rewrite as "/coach" during practice (one choice of LLM or own sentences)
    typer.echo(coach_with(settings)(bank.question(question), views[question]))
    if not settings.llm_configured:
        typer.echo(
            "\n(No LLM is configured: this is your own answer in STAR order, nothing reworded. "
            "Fill in the [brackets] with what only you know; set OPENAI_API_KEY for a rewrite.)",
            err=True,
        )
        return
    typer.echo("\n(Placeholders in [brackets] are for numbers and facts only you know.)", err=True)
