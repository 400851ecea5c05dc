"""``interviewer history`` in the terminal: the analysis comes from ``views.history``."""

from __future__ import annotations

from interviewer.core.records import SessionRecord
from interviewer.core.rubric import STAR_DIMENSIONS
from interviewer.prep.next import Progress
from interviewer.prep.stories import reused_stories
from interviewer.views.history import summarise, trends
from interviewer.views.report.model import LABELS


def print_history(
    sessions: list[SessionRecord], by: str = "grader", plan: Progress | None = None
) -> None:
    """``by`` "coach": averages and trends use the coaches' scores wherever a coach gave one;
    ``plan``: progress against the latest practice plan (``practice --next``)."""
    from interviewer.ui import console, print_table

    out = console()
    if not sessions:
        out.print("No sessions yet: start one with `interviewer practice`.")
        return
    short = dict(zip(STAR_DIMENSIONS, ("S", "T", "A", "R", "Q", "L"), strict=True))
    reviewed = {s.id: sum(bool(v.answer.reviews) for v in s.questions()) for s in sessions}
    extra = ["reviewed"] if any(reviewed.values()) else []
    kinds = {s.id: "debrief" if s.mode == "debrief" else "mock" for s in sessions}
    kind = ["kind"] if "debrief" in kinds.values() else []  # a real interview, debriefed
    origin = {s.id: (" (imported, edited)" if s.edited else " (imported)")
              if s.options.get("imported") else "" for s in sessions}  # fmt: skip
    rows = []
    for s in (summarise(x, by) for x in sessions):
        cells = [f"{s.averages[d]:.1f}" if s.averages else "-" for d in STAR_DIMENSIONS]
        overall = f"{s.overall:.0f}" if s.overall is not None else "-"
        counts = [str(reviewed[s.id])] if extra else []
        rows.append([s.id + origin[s.id], *([kinds[s.id]] if kind else []), s.started,
                     str(s.graded), *counts, overall, *cells])  # fmt: skip
    title = "History (coach scores where a coach gave one)" if by == "coach" else "History"
    print_table(["session", *kind, "date", "graded", *extra, "overall", *short.values()], rows,
                title=title)  # fmt: skip
    out.print(f"\nTrend per STAR part (last sessions, {by} scores):")
    for dim, verdict in trends(sessions, by).items():
        out.print(f"  {LABELS[dim]:<19} {verdict}")
    if plan is not None:
        out.print(
            f"\nPlan (since {plan.started}): {plan.part_name} {plan.before:.1f} -> {plan.now:.1f}"
            f" over {plan.sessions} session{'s' if plan.sessions != 1 else ''}"
        )
    reused = reused_stories(sessions)
    if reused:
        out.print("\nThe same story told for different questions (vary your examples):")
        for a, b, score in reused:
            out.print(f"  {a} ~ {b} (similarity {score:.2f})")
