"""The concise scorecard shown after an answer, and the end-of-session summary.

Short on purpose: STAR bars, the overall score, metrics found and the one improvement to
make first. The full picture (evidence, level meanings, themes) is in the report.
"""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape

from interviewer.core.bank import Question
from interviewer.core.records import QuestionView, SessionRecord
from interviewer.core.rubric import Rubric
from interviewer.views.summary import LABELS, plural, review_views, session_stats, star_rows


def bar(score: int, fancy: bool) -> str:
    """A five-cell bar: ``████░`` on a terminal, ``####.`` in plain text."""
    full, empty = ("█", "░") if fancy else ("#", ".")
    return full * score + empty * (5 - score)


INDENT = 34  # columns taken by "  Situation           ####. 4/5  " before the meaning


def shorten(meaning: str, width: int = 80) -> str:
    """The first sentence of a level's anchor, wrapped (not cut) to the terminal's width.

    Long anchors continue on indented lines, so the description is never cut with "...".
    """
    import textwrap

    first = meaning.split(". ")[0].rstrip(".")
    room = max(30, width - INDENT)  # what is left after the name, the bar and the score
    return ("\n" + " " * INDENT).join(textwrap.wrap(first, room))


def _colour(score: int) -> str:
    return "green" if score >= 4 else "yellow" if score >= 2 else "red"


def print_scorecard(out: Console, question: Question, view: QuestionView, rubric: Rubric) -> None:
    """STAR bars, overall, metrics, themes and the top improvement for one answer."""
    grade = view.grade
    if grade is None:
        return
    fancy = out.is_terminal
    probes = f", {plural(len(view.follow_ups), 'follow-up')} included" if view.follow_ups else ""
    out.print(
        f"\n[bold]Scorecard {question.id}[/bold]: overall [bold]{grade.overall}/100[/bold]{probes}"
    )
    for row in star_rows(grade, rubric):
        colour = _colour(row.score)
        out.print(
            f"  {row.name:<19} [{colour}]{bar(row.score, fancy)}[/{colour}]"
            f" {row.score}/5  [dim]{escape(shorten(row.meaning, out.width))}[/dim]"
        )
    outcomes = grade.quantified_results.outcomes()
    if outcomes:
        found = "; ".join(f"{m.value} ({m.measures})" for m in outcomes)
        out.print(f"  [dim]Outcome numbers:[/dim] {escape(found)}")
    if grade.themes:
        themes = ", ".join(f"{t.theme} {t.score}/5" for t in grade.themes)
        out.print(f"  [dim]Key themes:[/dim] {escape(themes)}")
    if grade.strengths:
        out.print(f"  [green]Strength:[/green] {escape(grade.strengths[0])}")
    weakest = grade.star()[grade.weakest()]
    improve = grade.improvements[0] if grade.improvements else weakest.feedback
    if improve:
        out.print(f"  [yellow]Improve first:[/yellow] {escape(improve)}")
    if grade.flags:
        out.print(f"  [red]Flags:[/red] {', '.join(str(f) for f in grade.flags)}")
    print_reviews(out, view, rubric)


def print_reviews(out: Console, view: QuestionView, rubric: Rubric) -> None:
    """Each coach's review under the grader's scorecard: the coach's score beside the
    grader's for every dimension they scored, their comments and their note."""
    for review in review_views(view, rubric):
        who = escape(review.reviewer)
        out.print(f"  [bold cyan]Coach {who}[/bold cyan] [dim]({review.created} UTC)[/dim]")
        for row in review.rows:
            grader = f"{row.grader}/5" if row.grader is not None else "-"
            coach = f"[bold]{row.coach}/5[/bold]" if row.coach is not None else "-"
            comment = f"  {escape(row.comment)}" if row.comment else ""
            out.print(f"    {escape(row.name):<19} {who} {coach}  grader {grader}{comment}")
        if review.note:
            out.print(f"    [dim]Note:[/dim] {escape(review.note)}")


def print_summary(out: Console, session: SessionRecord) -> None:
    """One line per question, then averages and the weakest STAR part across the session."""
    views = session.questions()
    out.print()
    out.rule(f"Session {session.id}", style="cyan")
    if not views:
        out.print("No answers in this session.")
        return
    stats = session_stats(session)
    for v in views:
        if v.grade is None:
            state = "failed to grade" if v.answer.status == "failed" else v.answer.status
            out.print(f"  {v.question_id:<5} [yellow]{state}[/yellow]")
            continue
        weakest = LABELS[v.grade.weakest()]
        out.print(
            f"  {v.question_id:<5} overall {v.grade.overall:>3}/100   weakest: {weakest}"
            + (f"   ({plural(len(v.follow_ups), 'follow-up')})" if v.follow_ups else "")
        )
    if stats.overall is not None and stats.weakest is not None:
        weakest = stats.weakest
        out.print(
            f"\n  Average overall [bold]{round(stats.overall)}/100[/bold]; weakest STAR part: "
            f"[bold]{LABELS[weakest]}[/bold] ({stats.averages[weakest]:.1f}/5) - practise that "
            "next."
        )
    if stats.pending:
        out.print(
            f"  [yellow]{plural(stats.pending, 'answer')} not graded[/yellow]: "
            f"`interviewer resume {session.id}` grades them."
        )
