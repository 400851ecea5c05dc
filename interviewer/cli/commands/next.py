"""``interviewer next``: what to practise next and why (``prep.next`` decides)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from interviewer.prep.next import Plan

DbOption = typer.Option(
    None, "--db", help="Session database (default: INTERVIEWER_DB or your data dir)."
)
BankDirOption = typer.Option(
    None, "--bank-dir", envvar="INTERVIEWER_BANK_DIR", help="Folder of your own bank YAML files."
)


def load_plan(db: Path | None, bank_dir: Path | None) -> Plan:
    """The plan for the store at ``db``: what ``next`` prints and ``practice --next`` runs."""
    from interviewer.core import bank as banks
    from interviewer.engine.plan import plan_for
    from interviewer.engine.store import Store

    found = [b for b, _ in banks.list_banks(bank_dir)]
    with Store.open(db) as store:
        return plan_for(store, found)


def next_step(bank_dir: Path | None = BankDirOption, db: Path | None = DbOption) -> None:
    """What to practise next and why; `practice --next` runs it.

    Your weakest STAR part and key theme lately, questions never answered, and stories
    that need a number or a lesson."""
    from rich.markup import escape

    from interviewer.cli.stories import needs
    from interviewer.ui import console

    plan = load_plan(db, bank_dir)
    out = console()
    if not plan.graded:
        out.print("No graded answers yet, so no weak spots to work on: start with these.")
    else:
        out.print(
            f"From your last {plan.sessions} session{'s' if plan.sessions != 1 else ''} "
            f"({plan.graded} graded answers):"
        )
        if plan.part_name and plan.part_average is not None:
            out.print(
                f"  weakest STAR part: [bold]{plan.part_name}[/bold] "
                f"(average {plan.part_average:.1f} of 5) - {plan.part_advice}"
            )
        if plan.theme_name and plan.theme_average is not None:
            out.print(
                f"  weakest key theme: [bold]{escape(plan.theme_name)}[/bold] "
                f"(average {plan.theme_average:.1f} of 5, {plan.bank_id})"
            )
    out.print(f"\nPractise next ({plan.bank_id}):")
    for pick in plan.picks:
        out.print(f"  {pick.question_id}: {escape(pick.text)}\n      why: {pick.why}")
    if plan.unanswered:
        shown = ", ".join(q for q, _ in plan.unanswered[:5])
        more = len(plan.unanswered) - 5
        extra = f" and {more} more" if more > 0 else ""
        out.print(f"\nNever answered in {plan.bank_id}: {shown}{extra}")
    if plan.stories:
        out.print("\nStories to strengthen:")
        for card in plan.stories:
            out.print(f"  story {card.id} {escape(card.title)}: needs {' and '.join(needs(card))}")
    out.print("\nRun it: interviewer practice --next")
