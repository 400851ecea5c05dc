"""``interviewer practice``, ``resume`` and ``regrade``: the mock interview itself."""

from __future__ import annotations

from pathlib import Path

import typer

DbOption = typer.Option(
    None, "--db", help="Session database (default: INTERVIEWER_DB or your data dir)."
)
BankDirOption = typer.Option(
    None, "--bank-dir", envvar="INTERVIEWER_BANK_DIR", help="Folder of your own bank YAML files."
)
GraderOption = typer.Option(
    None, "--grader", help="offline, llm or auto (default: INTERVIEWER_GRADER or auto)."
)
ModelOption = typer.Option(None, "--model", help="LLM model (default: INTERVIEWER_MODEL).")


def practice(
    bank: str | None = typer.Option(
        None, "--bank", help="Bank id or YAML path (default: built-in)."
    ),
    questions: str | None = typer.Option(
        None, "--questions", help="Comma-separated ids, e.g. q1,q3."
    ),
    random_n: int | None = typer.Option(None, "--random", help="Ask N random questions."),
    theme: str | None = typer.Option(None, "--theme", help="Only questions probing this theme."),
    job: str | None = typer.Option(
        None, "--job", help="The questions `plan` picks for this job description (FILE or -)."
    ),
    plan_next: bool = typer.Option(
        False, "--next", help="Practise what `interviewer next` suggests (its questions)."
    ),
    seed: int | None = typer.Option(None, "--seed", help="Seed for --random (repeatable picks)."),
    feedback: str = typer.Option(
        "now", "--feedback", help="now: scorecard after each answer; end: only at the end."
    ),
    follow_ups: int = typer.Option(
        1, "--follow-ups", min=0, max=2, help="Probes per weak answer (0-2)."
    ),
    editor: bool = typer.Option(False, "--editor", help="Write each answer in $EDITOR."),
    answers: Path | None = typer.Option(
        None, "--answers", help="Scripted answers (YAML): no typing."
    ),
    report: str = typer.Option(
        "html", "--report", help="Report written at the end: html, md, json, csv or none."
    ),
    voice: bool = typer.Option(
        False, "--voice", help="Read questions aloud and record answers from the microphone."
    ),
    audio: list[str] | None = typer.Option(
        None, "--audio", help="Answer audio: q1=FILE, or FILE per question in order (repeat)."
    ),
    audio_dir: Path | None = typer.Option(
        None, "--audio-dir", help="Folder of answers named by question id (q1.wav, q3.m4a...)."
    ),
    grader: str | None = GraderOption,
    model: str | None = ModelOption,
    bank_dir: Path | None = BankDirOption,
    db: Path | None = DbOption,
) -> None:
    """Run a mock interview: questions, typed answers, graded scorecards and follow-ups."""
    from interviewer.cli import practice as run

    if feedback not in ("now", "end"):
        raise typer.BadParameter("must be 'now' or 'end'", param_hint="--feedback")
    if report not in ("html", "md", "json", "csv", "none"):
        raise typer.BadParameter("must be html, md, json, csv or none", param_hint="--report")
    ids = [q.strip() for q in questions.split(",") if q.strip()] if questions else None
    run.start_practice(
        run.PracticeOptions(
            bank=bank,
            bank_dir=bank_dir,
            question_ids=ids,
            random_n=random_n,
            theme=theme,
            job=job,
            plan_next=plan_next,
            seed=seed,
            feedback=feedback,
            follow_ups=follow_ups,
            editor=editor,
            answers=answers,
            report=None if report == "none" else report,
            grader=grader,
            model=model,
            db=db,
            voice=voice,
            audio=audio,
            audio_dir=audio_dir,
        )
    )


def resume(
    session: str | None = typer.Argument(None, help="Session id (default: the last unfinished)."),
    editor: bool = typer.Option(False, "--editor", help="Write each answer in $EDITOR."),
    grader: str | None = GraderOption,
    model: str | None = ModelOption,
    bank_dir: Path | None = BankDirOption,
    db: Path | None = DbOption,
) -> None:
    """Continue an unfinished session: only the questions not answered yet are asked."""
    from interviewer.cli import practice as run

    run.resume_practice(
        session, editor=editor, grader=grader, model=model, bank_dir=bank_dir, db=db
    )


def regrade(
    session: str = typer.Argument(..., help="Session id, or 'last'."),
    everything: bool = typer.Option(
        False, "--all", help="Grade every answer again, not only ungraded ones."
    ),
    grader: str | None = GraderOption,
    model: str | None = ModelOption,
    bank_dir: Path | None = BankDirOption,
    db: Path | None = DbOption,
) -> None:
    """Grade a session's ungraded answers, or all again with another grader, model or prompt."""
    from interviewer.cli import practice as run

    run.regrade_session(
        session, everything=everything, grader=grader, model=model, bank_dir=bank_dir, db=db
    )
