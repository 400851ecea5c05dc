"""``interviewer review``: a coach scores and comments on a session's answers.

Interactive by default (per answer: the answer, the grader's scorecard, then per STAR part
an optional score and comment, and an overall note), or scripted with flags or a YAML
file. Each answer's review is committed before "Saved." is printed; the grades are kept.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from interviewer.core.bank import Bank
    from interviewer.core.records import QuestionView, SessionRecord
    from interviewer.engine.store import Store

DbOption = typer.Option(
    None, "--db", help="Session database (default: INTERVIEWER_DB or your data dir)."
)


def review(
    session: str = typer.Argument("last", help="Session id, or 'last'."),
    reviewer: str | None = typer.Option(None, "--reviewer", "-r", help="Your name, as shown."),
    answer: str | None = typer.Option(None, "--answer", help="Question id (q1) or answer id."),
    score: list[str] = typer.Option([], "--score", help="DIMENSION=0-5, repeatable."),
    comment: list[str] = typer.Option([], "--comment", help="DIMENSION=text, repeatable."),
    note: str | None = typer.Option(None, "--note", help="An overall note on the answer."),
    from_file: Path | None = typer.Option(None, "--from", help="A review YAML file."),
    bank_dir: Path | None = typer.Option(None, "--bank-dir", envvar="INTERVIEWER_BANK_DIR"),
    db: Path | None = DbOption,
) -> None:
    """Review a session as a coach: your own scores and comments beside the grader's."""
    from interviewer.core.errors import ConfigError
    from interviewer.engine.store import Store
    from interviewer.service.banks import session_bank
    from interviewer.ui import console

    scripted = bool(answer or score or comment or note is not None)
    if from_file is not None and scripted:
        raise ConfigError("use either --from FILE or --answer/--score/--comment/--note")
    with Store.open(db) as store:
        record = store.get_session(session)
        bank = session_bank(store, record, bank_dir, paths=True)
        if from_file is not None:
            _from_file(store, record, bank, from_file, reviewer)
        elif scripted:
            if not answer:
                raise ConfigError("--score, --comment and --note need --answer (q1, or an id)")
            if not reviewer:
                raise ConfigError("--reviewer NAME is needed with --answer")
            _scripted(store, record, bank, answer, reviewer, score, comment, note)
        else:
            _interactive(console(), store, record, bank, reviewer)


def _pairs(values: list[str], flag: str) -> dict[str, str]:
    from interviewer.core.errors import ConfigError

    out = {}
    for value in values:
        name, sep, rest = value.partition("=")
        if not sep or not name.strip():
            raise ConfigError(f"{flag} {value!r}: write DIMENSION=VALUE, e.g. {flag} result=2")
        out[name.strip()] = rest.strip()
    return out


def _scores(values: list[str]) -> dict[str, int]:
    from interviewer.core.errors import ConfigError

    out = {}
    for dim, raw in _pairs(values, "--score").items():
        if not raw.isdigit() or not 0 <= int(raw) <= 5:
            raise ConfigError(f"--score {dim}={raw}: a score is a whole number 0-5")
        out[dim] = int(raw)
    return out


def _scripted(store: Store, record: SessionRecord, bank: Bank, answer: str, reviewer: str,
              score: list[str], comment: list[str], note: str | None) -> None:  # fmt: skip
    from interviewer.engine.reviews import review_answer

    saved = review_answer(store, record, bank, answer, reviewer, _scores(score),
                          _pairs(comment, "--comment"), note)  # fmt: skip
    asked = next((a.question_id for a in record.answers if a.id == saved.answer_id), "")
    which = f"{asked} (answer {saved.answer_id})" if asked else f"answer {saved.answer_id}"
    typer.echo(f"Saved. {saved.reviewer}'s review of {which} in session {record.id}.")


def _from_file(store: Store, record: SessionRecord, bank: Bank, path: Path,
               reviewer: str | None) -> None:  # fmt: skip
    """Every answer of the file is checked before any is saved."""
    from interviewer.core.datafile import load_model
    from interviewer.core.errors import DataError
    from interviewer.core.review import ReviewFile
    from interviewer.engine.reviews import build_review, save_review

    data = load_model(ReviewFile, path)
    name = reviewer or data.reviewer
    if not name:
        raise DataError(path, "reviewer", "missing: name the reviewer here or with --reviewer")
    reviews = [
        build_review(record, bank, ref, name, part.scores, part.comments, part.note,
                     where=f"{path}: answers.{ref}")
        for ref, part in data.answers.items()
    ]  # fmt: skip
    for one in reviews:
        save_review(store, one)
    typer.echo(f"Saved. {len(reviews)} answer(s) reviewed by {name}.")


def _interactive(out: Console, store: Store, record: SessionRecord, bank: Bank,
                 reviewer: str | None) -> None:  # fmt: skip
    """Per answer: show it and the grader's scorecard, ask per STAR part, save, go on.

    Ctrl-C or Ctrl-D stops; what was typed for the answer in progress is saved first.
    """
    from rich.markup import escape

    from interviewer.cli.scorecard import print_reviews, print_scorecard
    from interviewer.core.rubric import build_rubric

    views = record.questions()
    if not views:
        out.print(f"Session {record.id} has no answers to review.")
        return
    name = reviewer or _ask("Your name (shown with your review)").strip()
    if not name:
        out.print("No name given: nothing reviewed.")
        return
    out.print(
        f"Reviewing session {record.id} as [bold]{escape(name)}[/bold]: for each STAR part "
        "type a score 0-5 and a comment, or press Enter to skip. Ctrl-D stops."
    )
    for view in views:
        question = bank.question(view.question_id)
        rubric = build_rubric(bank, view.question_id)
        out.rule(f"{view.question_id}: {question.text}", style="cyan")
        out.print(escape(view.answer.text))
        for follow in view.follow_ups:
            out.print(f"[bold yellow]Follow-up:[/bold yellow] {escape(follow.prompt)}")
            out.print(escape(follow.text))
        if view.grade is not None:
            print_scorecard(out, question, view, rubric)
        else:
            print_reviews(out, view, rubric)
        if not _review_one(out, store, record, bank, view, name):
            break


def _review_one(out: Console, store: Store, record: SessionRecord, bank: Bank,
                view: QuestionView, name: str) -> bool:  # fmt: skip
    """Ask for one answer's review and save it; False when the coach stopped."""
    from interviewer.core.errors import DataError
    from interviewer.core.rubric import STAR_DIMENSIONS
    from interviewer.engine.reviews import review_answer
    from interviewer.views.summary import LABELS

    scores: dict[str, int] = {}
    comments: dict[str, str] = {}
    note: str | None = None
    going = True
    graded = view.grade.scores() if view.grade is not None else {}
    try:
        for dim in STAR_DIMENSIONS:
            hint = f"grader {graded[dim]}" if dim in graded else "not graded"
            given = _ask_score(out, f"{LABELS[dim]} score 0-5 ({hint}, Enter to skip)")
            if given is not None:
                scores[dim] = given
            text = _ask(f"{LABELS[dim]} comment (Enter to skip)").strip()
            if text:
                comments[dim] = text
        note = _ask("Overall note (Enter to skip)").strip() or None
    except (EOFError, KeyboardInterrupt):
        going = False
        out.print()
    if not scores and not comments and not note:
        out.print("[dim](nothing to save for this answer)[/dim]")
        return going
    try:
        review_answer(store, record, bank, view.answer.id, name, scores, comments, note)
    except DataError as exc:
        out.print(f"[red]Not saved:[/red] {exc}")
        return going
    out.print(f"Saved. Your review of {view.question_id} is stored beside the grade.")
    return going


def _ask(prompt: str) -> str:
    """One line from the coach; EOFError at the end of input (Ctrl-D)."""
    import click

    try:
        value: str = click.prompt(prompt, default="", show_default=False)
    except click.Abort:
        raise EOFError from None
    return value


def _ask_score(out: Console, prompt: str) -> int | None:
    while True:
        raw = _ask(prompt).strip()
        if not raw:
            return None
        if raw.isdigit() and 0 <= int(raw) <= 5:
            return int(raw)
        out.print("[yellow]A score is a whole number 0-5 (or Enter to skip).[/yellow]")
