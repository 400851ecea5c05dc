"""The concise scorecard shown after an answer, and the end-of-session summary.

Short on purpose: STAR bars, the overall score, metrics found and the one improvement to
make first. The full picture (evidence, level meanings, themes) is in the report.
"""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape

from interviewer.core.bank import Question
from interviewer.core.records import QuestionView, SessionRecord
from interviewer.core.rubric import STAR_DIMENSIONS, Rubric, dimension_names

LABELS = dimension_names()


def bar(score: int, fancy: bool) -> str:
    """A five-cell bar: ``████░`` on a terminal, ``####.`` in plain text."""
    full, empty = ("█", "░") if fancy else ("#", ".")
    return full * score + empty * (5 - score)


def shorten(meaning: str, width: int = 60) -> str:
    """The first sentence of a level's anchor, cut at a word boundary to fit one line."""
    first = meaning.split(". ")[0].rstrip(".")
    if len(first) <= width:
        return first
    return first[:width].rsplit(" ", 1)[0].rstrip(",;:") + "..."


def _colour(score: int) -> str:
    return "green" if score >= 4 else "yellow" if score >= 2 else "red"


def print_scorecard(out: Console, question: Question, view: QuestionView, rubric: Rubric) -> None:
    """STAR bars, overall, metrics, themes and the top improvement for one answer."""
    grade = view.grade
    if grade is None:
        return
    fancy = out.is_terminal
    probes = f", {len(view.follow_ups)} follow-up(s) included" if view.follow_ups else ""
    out.print(
        f"\n[bold]Scorecard {question.id}[/bold]: overall [bold]{grade.overall}/100[/bold]{probes}"
    )
    star = grade.star()
    for dim in STAR_DIMENSIONS:
        score = star[dim].score
        short = shorten(rubric.dimension(dim).levels.get(score, ""))
        out.print(
            f"  {LABELS[dim]:<19} [{_colour(score)}]{bar(score, fancy)}[/{_colour(score)}]"
            f" {score}/5  [dim]{escape(short)}[/dim]"
        )
    if grade.quantified_results.metrics:
        found = "; ".join(f"{m.value} ({m.measures})" for m in grade.quantified_results.metrics)
        out.print(f"  [dim]Numbers found:[/dim] {escape(found)}")
    if grade.themes:
        themes = ", ".join(f"{t.theme} {t.score}/5" for t in grade.themes)
        out.print(f"  [dim]Key themes:[/dim] {escape(themes)}")
    if grade.strengths:
        out.print(f"  [green]Strength:[/green] {escape(grade.strengths[0])}")
    improve = grade.improvements[0] if grade.improvements else star[grade.weakest()].feedback
    if improve:
        out.print(f"  [yellow]Improve first:[/yellow] {escape(improve)}")
    if grade.flags:
        out.print(f"  [red]Flags:[/red] {', '.join(str(f) for f in grade.flags)}")


def print_summary(out: Console, session: SessionRecord) -> None:
    """One line per question, then averages and the weakest STAR part across the session."""
    views = session.questions()
    out.print()
    out.rule(f"Session {session.id}", style="cyan")
    if not views:
        out.print("No answers in this session.")
        return
    graded = [v for v in views if v.grade is not None]
    for v in views:
        if v.grade is None:
            state = "failed to grade" if v.answer.status == "failed" else v.answer.status
            out.print(f"  {v.question_id:<5} [yellow]{state}[/yellow]")
            continue
        weakest = LABELS[v.grade.weakest()]
        out.print(
            f"  {v.question_id:<5} overall {v.grade.overall:>3}/100   weakest: {weakest}"
            + (f"   ({len(v.follow_ups)} follow-up)" if v.follow_ups else "")
        )
    if graded:
        avg = round(sum(v.grade.overall for v in graded) / len(graded))
        means = {
            d: sum(v.grade.star()[d].score for v in graded) / len(graded) for d in STAR_DIMENSIONS
        }
        weakest = min(STAR_DIMENSIONS, key=lambda d: means[d])
        out.print(
            f"\n  Average overall [bold]{avg}/100[/bold]; weakest STAR part: "
            f"[bold]{LABELS[weakest]}[/bold] ({means[weakest]:.1f}/5) - practise that next."
        )
    pending = len(views) - len(graded)
    if pending:
        out.print(
            f"  [yellow]{pending} answer(s) not graded[/yellow]: "
            f"`interviewer regrade {session.id}` grades them."
        )
