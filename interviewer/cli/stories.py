"""The story bank in the terminal: the list of stories and the coverage matrix. The
figures come from ``prep.stories``; this only lays them out."""

from __future__ import annotations

from rich.markup import escape

from interviewer.core.bank import Bank
from interviewer.core.rubric import STAR_DIMENSIONS, dimension_names
from interviewer.prep.stories import (
    LESSON,
    MAX_QUESTIONS,
    STRONG,
    Coverage,
    StoryCard,
    theme_names,
)

SOURCES = {"detected": "found in your answers", "user": "edited by you", "file": "from a file"}
SHORT = dict(zip(STAR_DIMENSIONS, ("S", "T", "A", "R", "Q", "L"), strict=True))


def question_text(banks: list[Bank], bank_id: str, question_id: str) -> str:
    """The question as asked, or its id when its bank is not found any more."""
    for bank in banks:
        if bank.id == bank_id:
            for q in bank.questions:
                if q.id == question_id:
                    return q.text
    return f"{bank_id} {question_id}"


def needs(card: StoryCard) -> list[str]:
    """What a story still lacks, in words (empty when nothing)."""
    out = []
    if card.needs_number:
        out.append("a number for what changed")
    if card.needs_lesson:
        out.append(f"a lesson (best lessons-learned score below {LESSON})")
    return out


def print_stories(cards: list[StoryCard], banks: list[Bank]) -> None:
    from interviewer.ui import console

    out = console()
    if not cards:
        out.print(
            "No stories yet: answer some questions (`interviewer practice`) or write your "
            "stories in a file and `interviewer stories add FILE.yaml`."
        )
        return
    names, themes = dimension_names(), theme_names(banks)
    for card in cards:
        out.print(
            f"\n[bold]Story {card.id}: {escape(card.title)}[/bold]  "
            f"[dim]({SOURCES.get(card.source, card.source)})[/dim]"
        )
        if not card.tellings:
            out.print("  not told in an answer yet")
        for t in card.tellings:
            out.print(
                f"  answer {t.answer_id} ({t.session_id}, {t.question_id}, overall {t.overall}): "
                f"{escape(question_text(banks, t.bank_id, t.question_id))}"
            )
        if card.star:
            best = "  ".join(f"{names[d]} {card.star[d]}" for d in STAR_DIMENSIONS)
            out.print(f"  best STAR: {best}")
        if card.themes:
            shown = ", ".join(
                f"{escape(themes.get(k, k[1]))} {v}" for k, v in sorted(card.themes.items())
            )
            out.print(f"  best key themes: {shown}")
        if card.numbers:
            out.print(f"  numbers: {escape(', '.join(card.numbers))}")
        lacking = needs(card)
        if lacking:
            out.print(f"  [yellow]needs {' and '.join(lacking)}[/yellow]")
        if card.overused:
            out.print(
                f"  [yellow]told for {len(card.questions)} different questions "
                f"(more than {MAX_QUESTIONS}): prepare another story for some of them[/yellow]"
            )


def print_coverage(matrix: Coverage, job: str | None = None) -> None:
    from interviewer.ui import console, print_table

    out = console()
    if not matrix.rows:
        out.print("No key themes to cover.")
        return
    stories = matrix.stories
    headers = ["key theme", "bank", *(["job weight"] if job else []),
               *(f"#{c.id}" for c in stories), "best", "gap"]  # fmt: skip
    rows = []
    for row in matrix.rows:
        cells = [str(row.cells[c.id]) if c.id in row.cells else "-" for c in stories]
        weight = [f"{row.weight:.2f}" if row.weight is not None else "-"] if job else []
        best = "-" if row.best is None else str(row.best)
        rows.append([row.name, row.bank_id, *weight, *cells, best, "GAP" if row.gap else ""])
    title = f"Key themes x stories (best theme score; for {job})" if job else None
    print_table(headers, rows, title=title or "Key themes x stories (best theme score)")
    if stories:
        out.print("\nStories:")
        for c in stories:
            out.print(f"  #{c.id} {escape(c.title)}")
    gaps = matrix.gaps
    if gaps:
        out.print(f"\n[bold]Gaps[/bold] (no story scores {STRONG} or more):")
        for row in gaps:
            why = f" - the job says: {escape(', '.join(row.phrases))}" if row.phrases else ""
            out.print(f"  {escape(row.name)} ({row.bank_id}){why}")
    else:
        out.print(f"\nNo gaps: every theme here has a story scoring {STRONG} or more.")
    over = matrix.overused
    if over:
        out.print(f"\n[bold]Overused[/bold] (told for more than {MAX_QUESTIONS} questions):")
        for c in over:
            told = ", ".join(q for _, q in c.questions)
            out.print(f"  #{c.id} {escape(c.title)}: {told}")
