"""Progress over weeks: per-session averages and the trend of each STAR part.

A trend is the least-squares slope of a dimension's session averages over the last
``WINDOW`` sessions: rising by ``SLOPE`` points a session or more is improving, falling as
much is declining, anything else is stuck. (Which answers reuse one story is
``prep.stories``' concern, the one place the story bank and the history share.)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from interviewer.core.records import SessionRecord
from interviewer.core.rubric import STAR_DIMENSIONS
from interviewer.views.report.model import History
from interviewer.views.summary import SessionStats, session_stats

WINDOW = 5
SLOPE = 0.25

__all__ = ["WINDOW", "history_points", "slope", "summarise", "trends"]


def summarise(session: SessionRecord, by: str = "grader") -> SessionStats:
    """One session's figures (see ``views.summary``), by the grader's or the coaches' scores."""
    return session_stats(session, by)


class Dated(Protocol):
    """A session's figures as any list has them: stats, or a summary row of the store."""

    @property
    def id(self) -> str: ...

    @property
    def started(self) -> str: ...

    @property
    def overall(self) -> float | None: ...


def slope(values: list[float]) -> float:
    n = len(values)
    mean_x, mean_y = (n - 1) / 2, sum(values) / n
    num = sum((i - mean_x) * (v - mean_y) for i, v in enumerate(values))
    den = sum((i - mean_x) ** 2 for i in range(n))
    return num / den if den else 0.0


def trends(sessions: list[SessionRecord], by: str = "grader") -> dict[str, str]:
    """Per STAR dimension: improving, declining, stuck, or not enough sessions yet; ``by``
    "coach" follows the coaches' scores where they gave one."""
    summaries = [s for s in (summarise(x, by) for x in sessions) if s.averages][-WINDOW:]
    out = {}
    for dim in STAR_DIMENSIONS:
        values = [s.averages[dim] for s in summaries]
        if len(values) < 2:
            out[dim] = "not enough sessions yet"
            continue
        change = slope(values)
        out[dim] = "improving" if change >= SLOPE else "declining" if change <= -SLOPE else "stuck"
    return out


def history_points(
    sessions: Iterable[SessionRecord | Dated], up_to: str | None = None, by: str = "grader"
) -> History:
    """Overall averages over sessions, oldest first (up to and including ``up_to``), for
    the trend chart; ``sessions`` may be records (summarised ``by`` the grader's or the
    coaches' scores) or already-summarised rows."""
    points = []
    for session in sessions:
        summary = summarise(session, by) if isinstance(session, SessionRecord) else session
        if summary.overall is not None:
            points.append((f"{summary.started} {summary.id}", summary.overall))
        if summary.id == up_to:
            break
    return History(points)
