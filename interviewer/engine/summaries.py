"""Sessions in figures straight from SQL, for lists of many sessions (the start page, the
history): one query per page, no answer loaded, no grade validated. ``views.summary``
computes the same figures from records; tests hold the two to agreement.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import datetime

from interviewer.core.records import PENDING_STATUSES
from interviewer.core.rubric import STAR_DIMENSIONS


@dataclass(frozen=True)
class SessionSummaryRow:
    """One session as the start page and the history list it, read by one SQL query
    (``Store.session_summaries``) without loading answers or validating any grade.

    Counts are of questions (main answers): ``graded`` have at least one grade,
    ``pending`` have the main answer or a follow-up in ``PENDING_STATUSES``. ``overall``
    and ``averages`` (per STAR dimension) average each graded question's newest grade,
    as ``history.summarise`` does; None and ``{}`` when nothing is graded.
    """

    id: str
    bank_id: str
    mode: str
    grader: str
    started_at: datetime
    finished_at: datetime | None
    planned: int
    answered: int
    graded: int
    pending: int
    overall: float | None
    averages: dict[str, float] = field(default_factory=dict)
    imported_from: str | None = None  # the origin id of an imported session (portable.py)
    edited: bool = False  # imported, and changed after it was graded or exported

    @property
    def finished(self) -> bool:
        return self.finished_at is not None

    @property
    def started(self) -> str:
        """The day it started, as every list of sessions shows it."""
        return self.started_at.strftime("%Y-%m-%d")


def where_finished(unfinished: bool | None) -> str:
    if unfinished is None:
        return ""
    return "WHERE finished_at IS NULL" if unfinished else "WHERE finished_at IS NOT NULL"


NEWEST_FIRST = "ORDER BY started_at DESC, rowid DESC"
_DIM_AVERAGES = ", ".join(
    f"AVG(json_extract(m.grade, '$.{d}.score')) AS avg_{d}" for d in STAR_DIMENSIONS
)
_PENDING_MARKS = ",".join("?" * len(PENDING_STATUSES))
# One page of sessions, newest first; per session, its main answers with the newest grade
# of each (the grades_answer index finds it) and whether any part of it is pending work.
_SUMMARY_SQL = f"""
    WITH page AS MATERIALIZED (
        SELECT rowid AS rid, id, bank_id, mode, grader, started_at, finished_at,
               json_array_length(question_ids) AS planned,
               json_extract(options, '$.imported.from') AS imported_from,
               COALESCE(json_extract(options, '$.imported.edited'), 0) AS edited
        FROM sessions {{where}} {NEWEST_FIRST} LIMIT ? OFFSET ?
    ),
    main AS (
        SELECT a.session_id,
               (SELECT g.grade FROM grades g WHERE g.answer_id = a.id
                ORDER BY g.id DESC LIMIT 1) AS grade,
               (a.status IN ({_PENDING_MARKS}) OR EXISTS (
                    SELECT 1 FROM answers f WHERE f.kind = 'follow_up' AND f.parent_id = a.id
                    AND f.status IN ({_PENDING_MARKS}))) AS pending
        FROM page p JOIN answers a ON a.session_id = p.id
        WHERE a.kind = 'answer'
    )
    SELECT p.id, p.bank_id, p.mode, p.grader, p.started_at, p.finished_at, p.planned,
           p.imported_from, p.edited,
           COUNT(m.session_id) AS answered, COUNT(m.grade) AS graded,
           COALESCE(SUM(m.pending), 0) AS pending,
           AVG(json_extract(m.grade, '$.overall')) AS overall, {_DIM_AVERAGES}
    FROM page p LEFT JOIN main m ON m.session_id = p.id
    GROUP BY p.rid
    ORDER BY p.started_at DESC, p.rid DESC
"""


def summary_query(
    limit: int | None, offset: int, unfinished: bool | None
) -> tuple[str, tuple[object, ...]]:
    """The SQL and arguments for one page of ``SessionSummaryRow``."""
    sql = _SUMMARY_SQL.format(where=where_finished(unfinished))
    return sql, (-1 if limit is None else limit, offset, *PENDING_STATUSES, *PENDING_STATUSES)


def summary_row(r: sqlite3.Row) -> SessionSummaryRow:
    return SessionSummaryRow(
        id=r["id"],
        bank_id=r["bank_id"],
        mode=r["mode"],
        grader=r["grader"],
        started_at=datetime.fromisoformat(r["started_at"]),
        finished_at=datetime.fromisoformat(r["finished_at"]) if r["finished_at"] else None,
        planned=int(r["planned"]),
        answered=int(r["answered"]),
        graded=int(r["graded"]),
        pending=int(r["pending"]),
        overall=r["overall"],
        averages={d: r[f"avg_{d}"] for d in STAR_DIMENSIONS} if r["graded"] else {},
        imported_from=r["imported_from"],
        edited=bool(r["edited"]),
    )
