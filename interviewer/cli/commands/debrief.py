"""``interviewer debrief FILE``: grade the answers of an interview you actually had.

Recall after an interview is lossy; the call's transcript is not. This reads it (WebVTT,
SRT or plain text with speaker labels), says what it found - the speakers, who it took as
you, each question and the bank question it matched - then stores the answers as a
session of kind ``debrief``, grades them and prints the scorecards. ``--dry-run`` stops
after showing what it found.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from interviewer.core.settings import Settings
    from interviewer.debrief.plan import DebriefPlan


def debrief(
    file: Path = typer.Argument(
        ..., help="The transcript: .vtt or .srt from a video call, or text with 'Me:' labels."
    ),
    me: str | None = typer.Option(None, "--me", help="Your name as the transcript labels you."),
    bank: str | None = typer.Option(None, "--bank", help="Match questions to this bank only."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Show what was found; store nothing."),
    grader: str | None = typer.Option(None, "--grader", help="offline, llm or auto."),
    model: str | None = typer.Option(None, "--model", help="LLM model."),
    bank_dir: Path | None = typer.Option(None, "--bank-dir", envvar="INTERVIEWER_BANK_DIR"),
    db: Path | None = typer.Option(
        None, "--db", help="Session database (default: INTERVIEWER_DB or your data dir)."
    ),
) -> None:
    """Debrief a real interview from its transcript (WebVTT, SRT or labelled text).

    Finds the questions and your answers, matches each to a bank question (or the general
    behavioural rubric), then stores and grades them like a session.

    Exit codes: 0 every answer graded; 1 some could not be graded (they stay saved:
    `interviewer regrade SESSION`); 2 the file could not be read or held no questions.
    """
    from interviewer.core.bank import list_banks
    from interviewer.core.settings import build_settings
    from interviewer.debrief.plan import plan_debrief
    from interviewer.debrief.transcript import read_transcript
    from interviewer.ui import console

    settings = build_settings(grader=grader, model=model, bank_dir=bank_dir)
    transcript = read_transcript(file)
    banks = [b for b, _ in list_banks(settings.bank_dir)]
    plan = plan_debrief(transcript, banks, me=me, bank_id=bank)
    out = console()
    show_plan(out, plan)
    if dry_run:
        out.print("\nDry run: nothing was stored.")
        return
    _store_and_grade(out, plan, settings, db)


def show_plan(out: Console, plan: DebriefPlan) -> None:
    """What was found: format, speakers, the candidate and why, each question's match."""
    from rich.markup import escape

    from interviewer.ui import print_table
    from interviewer.views.summary import plural

    seg = plan.segmented
    notes = "".join(f", {n}" for n in plan.transcript.notes)
    out.print(f"Read {escape(plan.transcript.name)} ({plan.transcript.format}{escape(notes)}).")
    if seg.speakers:
        out.print(f"Speakers: {escape(', '.join(seg.speakers))}")
        out.print(f"You are [bold]{escape(seg.candidate or '')}[/bold] ({escape(seg.how)}).")
        if seg.ambiguous:
            others = [s for s in seg.speakers if s != seg.candidate]
            out.print(f"[yellow]Not sure:[/yellow] if you are {escape(' or '.join(others))}, "
                      "run again with --me NAME.")  # fmt: skip
    else:
        out.print(f"No speaker labels: {escape(seg.how)}.")
    for note in seg.skipped:
        out.print(f"  [dim]set aside: {escape(note)}[/dim]")
    rows = []
    for i, (exchange, match) in enumerate(zip(plan.exchanges, plan.matches, strict=True), 1):
        more = len(exchange.follow_ups)
        follow = f" + {plural(more, 'follow-up')}" if more else ""
        rows.append([f"q{i}", exchange.question, match.describe(), f"{exchange.words}{follow}"])
    print_table(["", "asked", "graded against", "words"], rows,
                title=f"{plural(len(rows), 'question')} found")  # fmt: skip


def _store_and_grade(out: Console, plan: DebriefPlan, settings: Settings, db: Path | None) -> None:
    from interviewer.cli.scorecard import print_scorecard, print_summary
    from interviewer.core.rubric import build_rubric
    from interviewer.engine.debrief import store_debrief
    from interviewer.engine.store import Store
    from interviewer.grading.factory import describe_grader, make_grader
    from interviewer.ui import console

    console(stderr=True).print(f"[dim]Grading with {describe_grader(settings)}.[/dim]")
    grader = make_grader(settings)
    with Store.open(db) as store:
        sid, results = store_debrief(
            store, plan, grader, max_answer_chars=settings.max_answer_chars
        )
        session = store.get_session(sid)
        path = store.path
    for view in session.questions():
        question = plan.bank.question(view.question_id)
        print_scorecard(out, question, view, build_rubric(plan.bank, question.id))
    print_summary(out, session)
    out.print(f"\nDebrief saved as session [bold]{sid}[/bold] in {path}; "
              f"`interviewer report {sid}` shows the full report.")  # fmt: skip
    failed = [r for r in results if r.grade is None]
    if failed:
        from interviewer.core.errors import GradingError

        raise GradingError(
            f"{len(failed)} of {len(results)} answers could not be graded ({failed[0].error}); "
            f"they stay saved: `interviewer regrade {sid}` grades them"
        )
