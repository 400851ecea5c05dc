"""The web app's only link to the engine: thin, blocking calls into the store, the
session engine, the graders, the report and history modules.

Handlers run these in a worker thread. Each call opens its own ``Store`` (SQLite
connections belong to one thread) and closes it. No logic is re-implemented here: the
grading, follow-up choice, report and trends all come from the modules the CLI uses.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from interviewer import bank as banks
from interviewer.bank import Bank
from interviewer.errors import NotFoundError
from interviewer.records import SessionRecord
from interviewer.settings import Settings

if TYPE_CHECKING:
    from interviewer.store import Store

DEFAULT_FOLLOW_UPS = 1


class WebConfigLike(Protocol):
    settings: Settings
    audio_limit: int
    form_limit: int


@dataclass(frozen=True)
class SessionSummary:
    """One line of the start page's session lists."""

    id: str
    bank_id: str
    answered: int
    total: int
    started: str
    finished: bool


@contextmanager
def open_store(config: WebConfigLike) -> Iterator[Store]:
    from interviewer.store import Store

    store = Store.open(config.settings.db)
    try:
        yield store
    finally:
        store.close()


def grader_label(config: WebConfigLike) -> str:
    """Which grader answers are graded with, said plainly (never the key)."""
    s = config.settings
    if s.grader == "offline" or (s.grader == "auto" and not s.llm_configured):
        return "offline (deterministic, no LLM)"
    return f"LLM ({s.model})"


def get_bank(config: WebConfigLike, bank_id: str) -> Bank:
    return banks.get_bank(bank_id, config.settings.bank_dir)


def _summary(s: SessionRecord) -> SessionSummary:
    return SessionSummary(
        id=s.id,
        bank_id=s.bank_id,
        answered=len([a for a in s.answers if a.kind == "answer"]),
        total=len(s.question_ids),
        started=_when(s.started_at),
        finished=s.finished,
    )


def _when(t: datetime) -> str:
    return t.strftime("%Y-%m-%d %H:%M")


def home_data(config: WebConfigLike) -> tuple[list[Bank], list[SessionSummary]]:
    found = [b for b, _ in banks.list_banks(config.settings.bank_dir)]
    with open_store(config) as store:
        sessions = sorted(store.list_sessions(), key=lambda s: s.started_at, reverse=True)
    return found, [_summary(s) for s in sessions]


def bank_and_default(config: WebConfigLike, bank_id: str) -> tuple[Bank, list[str]]:
    """The bank and the engine's default choice of questions for it."""
    from interviewer.session import select_questions

    bank = get_bank(config, bank_id)
    return bank, [q.id for q in select_questions(bank)]


def get_session(config: WebConfigLike, sid: str) -> SessionRecord:
    with open_store(config) as store:
        return store.get_session(sid)


def report_html(config: WebConfigLike, sid: str) -> str:
    from interviewer.report import render_report

    with open_store(config) as store:
        session = store.get_session(sid)
    return render_report(session, get_bank(config, session.bank_id), "html")


def history_data(config: WebConfigLike) -> dict[str, Any]:
    raise NotFoundError("history is not wired yet")
