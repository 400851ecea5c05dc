"""Reading use cases: a session's report and the history, the same for every shell.

The report's trend comes from the one-query session summaries (no answer text loaded),
so a report costs the same with ten sessions stored or ten thousand.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from interviewer.core.bank import Bank
from interviewer.core.records import SessionRecord
from interviewer.service.banks import session_bank

if TYPE_CHECKING:
    from markupsafe import Markup

    from interviewer.engine.store import Store
    from interviewer.prep.next import Progress
    from interviewer.views.report.model import History


@dataclass(frozen=True)
class ReportInputs:
    """What a report is made of: the session, its bank and the trend up to it."""

    session: SessionRecord
    bank: Bank
    history: History


def report_inputs(
    store: Store, sid: str, bank_dir: Path | None, *, paths: bool = False
) -> ReportInputs:
    """The session (``sid`` or "last"), the bank it was asked from and the trend of
    overall scores up to and including it, oldest first."""
    from interviewer.views.history import history_points

    session = store.get_session(sid)
    bank = session_bank(store, session, bank_dir, paths=paths)
    history = history_points(reversed(store.session_summaries()), session.id)
    return ReportInputs(session, bank, history)


def session_report(
    store: Store, sid: str, fmt: str, bank_dir: Path | None, *, paths: bool = False
) -> tuple[SessionRecord, str]:
    """The session and its whole report as text in ``fmt`` (html, md, json or csv)."""
    from interviewer.views.report import render_report

    got = report_inputs(store, sid, bank_dir, paths=paths)
    return got.session, render_report(got.session, got.bank, fmt, got.history)


def report_body(store: Store, sid: str, bank_dir: Path | None) -> tuple[SessionRecord, Markup]:
    """The session and its report's content, for a page that wraps it (HTML ``Markup``
    the report's autoescaped templates made, safe to insert)."""
    from interviewer.views.report.model import build_report
    from interviewer.views.report.render import render_body

    got = report_inputs(store, sid, bank_dir)
    return got.session, render_body(build_report(got.session, got.bank, got.history))


def history(store: Store) -> tuple[list[SessionRecord], Progress | None]:
    """Every session, oldest first, and the progress against the latest practice plan."""
    from interviewer.engine.plan import latest_plan
    from interviewer.prep.next import plan_progress

    sessions, planned = store.list_sessions(), latest_plan(store)
    return sessions, plan_progress(sessions, *planned) if planned else None
