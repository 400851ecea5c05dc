"""The web app's only link to the engine: thin, blocking calls into the store, the
session engine, the graders, the report and history modules.

Handlers run these in a worker thread. Each call opens its own ``Store`` (SQLite
connections belong to one thread) and closes it. No logic is re-implemented here: the
grading, follow-up choice, report and trends all come from the modules the CLI uses.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from interviewer.core import bank as banks
from interviewer.core.bank import Bank, Question
from interviewer.core.errors import (
    AnswerExistsError,
    GradingError,
    InterviewerError,
    NotFoundError,
    SessionFinishedError,
    check_length,
)
from interviewer.core.grade import Grade, Grader
from interviewer.core.records import QuestionView, SessionRecord
from interviewer.core.rubric import Rubric
from interviewer.core.settings import Settings

if TYPE_CHECKING:
    from interviewer.engine.session import Interview
    from interviewer.engine.store import SessionSummaryRow, Store

DEFAULT_FOLLOW_UPS = 1
DUPLICATE_WAIT_S = 15.0  # how long a resent answer waits for the first one's grade
# Grading is CPU work (offline) or a slow request (LLM): a few at a time keeps every
# candidate's page fast instead of all of them slow; saving never waits for this.
GRADING = threading.BoundedSemaphore(max(2, (os.cpu_count() or 2)))


class WebConfigLike(Protocol):
    settings: Settings
    audio_limit: int
    form_limit: int
    grader_factory: Callable[[Settings, str], Grader]


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
    from interviewer.engine.store import Store

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
    """A bank by id, only from the built-in and ``--bank-dir`` banks: never a path."""
    found = {b.id: b for b, _ in banks.list_banks(config.settings.bank_dir)}
    if bank_id not in found:
        raise NotFoundError(f"there is no bank {bank_id[:60]!r}: choose one on the start page")
    return found[bank_id]


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


def _row_summary(row: SessionSummaryRow) -> SessionSummary:
    return SessionSummary(
        id=row.id,
        bank_id=row.bank_id,
        answered=row.answered,
        total=row.planned,
        started=_when(row.started_at),
        finished=row.finished,
    )


@dataclass(frozen=True)
class HomeData:
    """What the start page lists: banks, the latest unfinished and finished sessions."""

    banks: list[Bank]
    unfinished: list[SessionSummary]  # newest first, at most ``continue_limit``
    more_unfinished: int  # older unfinished sessions, continued from the history
    finished: list[SessionSummary]  # newest first, at most ``finished_limit``


def home_data(config: WebConfigLike, continue_limit: int = 5, finished_limit: int = 10) -> HomeData:
    """One page of each list from the summary query: no answer or grade is loaded."""
    found = [b for b, _ in banks.list_banks(config.settings.bank_dir)]
    with open_store(config) as store:
        unfinished = store.session_summaries(limit=continue_limit, unfinished=True)
        more = store.count_sessions(unfinished=True) - len(unfinished) if unfinished else 0
        finished = store.session_summaries(limit=finished_limit, unfinished=False)
    return HomeData(
        banks=found,
        unfinished=[_row_summary(r) for r in unfinished],
        more_unfinished=max(0, more),
        finished=[_row_summary(r) for r in finished],
    )


def bank_and_default(config: WebConfigLike, bank_id: str) -> tuple[Bank, list[str]]:
    """The bank and the engine's default choice of questions (least practised first)."""
    from interviewer.engine.selection import select_questions

    bank = get_bank(config, bank_id)
    with open_store(config) as store:
        counts = store.question_counts()
    answered = {qid: n for (b, qid), n in counts.items() if b == bank.id}
    return bank, select_questions(bank, answered=answered)


def get_session(config: WebConfigLike, sid: str) -> SessionRecord:
    with open_store(config) as store:
        return store.get_session(sid)


def start_session(
    config: WebConfigLike, bank_id: str, question_ids: list[str], follow_ups: int
) -> str:
    """Create the session through the engine (questions checked against the bank)."""
    from interviewer.engine.selection import select_questions
    from interviewer.engine.session import Interview
    from interviewer.grading.factory import resolve_kind

    bank = get_bank(config, bank_id)
    ids = select_questions(bank, ids=question_ids)
    kind, _ = resolve_kind(config.settings)
    with open_store(config) as store:
        engine = Interview.start(
            store,
            bank,
            ids,
            _LazyGrader(config, kind),
            mode="web",
            grader_name=kind,
            follow_ups=follow_ups,
        )
        return engine.session_id


class _LazyGrader:
    """The session's grader, built only when an answer is graded (viewing needs none).

    A grader that cannot be built (say, the LLM key was removed since the session
    started) is a grading failure: the engine records it on the answer, which stays saved.
    """

    def __init__(self, config: WebConfigLike, kind: str) -> None:
        self.config = config
        self.kind = kind
        self._grader: Grader | None = None

    def grade(self, question: Question, rubric: Rubric, answer: str) -> Grade:
        if self._grader is None:
            try:
                self._grader = self.config.grader_factory(self.config.settings, self.kind)
            except InterviewerError as exc:
                raise GradingError(str(exc)) from exc
        return self._grader.grade(question, rubric, answer)


def _engine(store: Store, config: WebConfigLike, session: SessionRecord) -> Interview:
    from interviewer.engine.session import Interview

    options = store.session_options(session.id)
    return Interview(
        store,
        get_bank(config, session.bank_id),
        session.id,
        _LazyGrader(config, session.grader),
        follow_ups=int(options.get("follow_ups", DEFAULT_FOLLOW_UPS)),
    )


@dataclass
class QuestionState:
    """A question of a session: where it stands and what was answered."""

    session: SessionRecord
    bank: Bank
    question: Question
    position: int
    total: int
    view: QuestionView | None
    next_qid: str | None


def question_state(config: WebConfigLike, sid: str, qid: str) -> QuestionState:
    with open_store(config) as store:
        return _load_state(store, config, sid, qid)


def _load_state(store: Store, config: WebConfigLike, sid: str, qid: str) -> QuestionState:
    return _state(config, store.get_session(sid), qid)


def _state(config: WebConfigLike, session: SessionRecord, qid: str) -> QuestionState:
    if qid not in session.question_ids:
        raise NotFoundError(
            f"question {qid!r} is not part of session {session.id} "
            f"(its questions: {', '.join(session.question_ids)})"
        )
    bank = get_bank(config, session.bank_id)
    views = {v.question_id: v for v in session.questions()}
    todo = [q for q in session.unanswered() if q != qid]
    return QuestionState(
        session=session,
        bank=bank,
        question=bank.question(qid),
        position=session.question_ids.index(qid) + 1,
        total=len(session.question_ids),
        view=views.get(qid),
        next_qid=todo[0] if todo else None,
    )


@dataclass(frozen=True)
class Outcome:
    """What happened to a submitted answer: always saved; graded unless ``error``."""

    answer_id: int
    error: str | None = None


def _grade(engine: Interview, answer_id: int) -> str | None:
    """Grade through the engine; the error text when it failed (the engine recorded it)."""
    try:
        engine.grade(answer_id)
    except GradingError as exc:
        return str(exc) or type(exc).__name__
    return None


def _writable(state: QuestionState) -> None:
    if state.session.finished:
        raise SessionFinishedError(state.session.id)


def _same_answer_again(store: Store, state: QuestionState, text: str) -> Outcome:
    """A second submit of the form already saved (a double click, a resent POST): the
    first one's outcome, once its grading is done. Different text is refused (409)."""
    view = state.view
    assert view is not None
    if view.answer.text.strip() != text.strip():
        raise AlreadyAnswered(state.question.id, text)
    deadline = time.monotonic() + DUPLICATE_WAIT_S
    while view.answer.status == "ungraded" and time.monotonic() < deadline:
        time.sleep(0.1)  # the first submit is still grading: show its scorecard when done
        view = _state_view(store, state)
        assert view is not None
    return Outcome(view.answer.id, view.answer.error if view.answer.status == "failed" else None)


def _state_view(store: Store, state: QuestionState) -> QuestionView | None:
    session = store.get_session(state.session.id)
    return next((v for v in session.questions() if v.question_id == state.question.id), None)


def answer_question(
    config: WebConfigLike,
    sid: str,
    qid: str,
    text: str,
    *,
    elapsed_seconds: float | None = None,
    audio_path: str | None = None,
    delivery: dict[str, Any] | None = None,
) -> Outcome:
    """Save the main answer (committed first), then grade it.

    A finished session refuses (409); an answer over the length limit is refused before
    it is saved (413, the text goes back to the textarea); the same answer sent twice is
    stored once and both submits get its scorecard.
    """
    from interviewer.engine.session import AnswerInput

    check_length(text, config.settings.max_answer_chars)
    with open_store(config) as store:
        state = _load_state(store, config, sid, qid)
        _writable(state)
        if state.view is not None:
            return _same_answer_again(store, state, text)
        engine = _engine(store, config, state.session)
        try:
            answer_id = engine.submit_answer(
                qid,
                AnswerInput(
                    text, elapsed_seconds=elapsed_seconds, audio_path=audio_path, delivery=delivery
                ),
            )
        except AnswerExistsError:  # the other submit won the race: it is the one kept
            return _same_answer_again(store, _load_state(store, config, sid, qid), text)
        with GRADING:
            return Outcome(answer_id, _grade(engine, answer_id))


def pending_probe(config: WebConfigLike, state: QuestionState) -> str | None:
    """The follow-up the engine would ask now, or None (limit reached, or none needed)."""
    if state.view is None:
        return None
    with open_store(config) as store:
        return _engine(store, config, state.session).next_probe(state.view.answer.id)


def answer_follow_up(
    config: WebConfigLike, sid: str, qid: str, text: str, *, elapsed_seconds: float | None = None
) -> Outcome:
    """Save the answer to the probe due now, then grade the question again with it."""
    from interviewer.engine.session import AnswerInput

    check_length(text, config.settings.max_answer_chars)
    with open_store(config) as store:
        state = _load_state(store, config, sid, qid)
        _writable(state)
        engine = _engine(store, config, state.session)
        probe = engine.next_probe(state.view.answer.id) if state.view else None
        if probe is None or state.view is None:
            if state.view and any(f.text.strip() == text.strip() for f in state.view.follow_ups):
                return Outcome(state.view.answer.id)  # sent twice: the first is kept
            raise AlreadyAnswered(state.question.id, text, follow_up=True)
        main_id = state.view.answer.id
        try:
            engine.submit_follow_up(
                main_id, probe, AnswerInput(text, elapsed_seconds=elapsed_seconds)
            )
        except AnswerExistsError:
            return Outcome(main_id)
        with GRADING:
            return Outcome(main_id, _grade(engine, main_id))


def regrade_question(config: WebConfigLike, sid: str, qid: str) -> Outcome:
    """Grade a saved answer again (after a failure, or on request)."""
    with open_store(config) as store:
        state = _load_state(store, config, sid, qid)
        if state.view is None:
            raise NotFoundError(f"question {qid} of session {state.session.id} has no answer yet")
        engine = _engine(store, config, state.session)
        with GRADING:
            return Outcome(state.view.answer.id, _grade(engine, state.view.answer.id))


def scorecard(config: WebConfigLike, state: QuestionState) -> dict[str, Any]:
    """What the scorecard page shows: rows with each level's meaning, and the probe due."""
    from interviewer.core.rubric import build_rubric

    grade = state.view.grade if state.view else None
    star_rows: list[dict[str, Any]] = []
    theme_rows: list[dict[str, Any]] = []
    if grade is not None:
        rubric = build_rubric(state.bank, state.question.id)
        for dim, g in grade.star().items():
            d = rubric.dimension(dim)
            star_rows.append(
                {
                    "name": d.name,
                    "score": g.score,
                    "meaning": d.levels.get(g.score, ""),
                    "feedback": g.feedback,
                    "evidence": g.evidence,
                }
            )
        names = {t.id: t.name for t in state.bank.themes}
        theme_rows = [
            {"name": names.get(t.theme, t.theme), "score": t.score, "feedback": t.feedback}
            for t in grade.themes
        ]
    delivery = state.view.answer.delivery if state.view else None
    return {
        "grade": grade,
        "star_rows": star_rows,
        "theme_rows": theme_rows,
        "probe": pending_probe(config, state),
        "delivery": _delivery_summary(delivery),
    }


def _delivery_summary(delivery: dict[str, Any] | None) -> dict[str, str]:
    """Spoken-answer figures worth showing (numbers and short text only)."""
    shown: dict[str, str] = {}
    for key, value in (delivery or {}).items():
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            value = " ".join(value)  # the delivery advice
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            continue
        if isinstance(value, float):
            value = f"{value:.1f}"
        if len(str(value)) <= 400:
            shown[key] = str(value)
    return shown


def finish_session(config: WebConfigLike, sid: str) -> None:
    with open_store(config) as store:
        session = store.get_session(sid)
        _engine(store, config, session).finish()


class NotSaved(InterviewerError):
    """The store could not save the answer (busy or unavailable); the text is shown back."""

    http_status = 503

    def __init__(self, text: str) -> None:
        self.text = text
        super().__init__(
            "Your answer could not be saved just now (the database is busy or unavailable). "
            "Copy your text below, then go back and submit it again."
        )


class AlreadyAnswered(InterviewerError):
    """A second answer to a question (e.g. a form sent twice); the text is shown back."""

    exit_code = 2
    http_status = 409

    def __init__(self, qid: str, text: str, follow_up: bool = False, message: str = "") -> None:
        self.text = text
        what = "no follow-up is due for" if follow_up else "you have already answered"
        super().__init__(message or f"{what} question {qid}; this text was not saved")


def report_html(config: WebConfigLike, sid: str) -> str:
    from interviewer.views.report import render_report

    with open_store(config) as store:
        session = store.get_session(sid)
    return render_report(session, get_bank(config, session.bank_id), "html")


HISTORY_PAGE = 20  # sessions per page of the history table
TREND_SESSIONS = 20  # the latest sessions the trends, the chart and reused stories read


def history_data(config: WebConfigLike, page: int = 1) -> dict[str, Any]:
    """One page of sessions with averages (newest first, from the summary query), and each
    STAR part's trend, the chart and reused stories over the latest ``TREND_SESSIONS``
    sessions (history module). ``page`` is clamped to the pages there are."""
    from interviewer.core.rubric import dimension_names
    from interviewer.views.history import SessionSummary as HistoryRow
    from interviewer.views.history import history_points, reused_stories, trends
    from interviewer.views.report.render import trend_chart

    with open_store(config) as store:
        total = store.count_sessions()
        pages = max(1, -(-total // HISTORY_PAGE))
        page = min(max(1, page), pages)
        rows = store.session_summaries(limit=HISTORY_PAGE, offset=(page - 1) * HISTORY_PAGE)
        recent = store.latest_sessions(TREND_SESSIONS) if total else []
    summaries = [
        HistoryRow(r.id, r.started_at.strftime("%Y-%m-%d"), r.graded, r.overall, r.averages)
        for r in rows
    ]
    return {
        "summaries": summaries,
        "unfinished": {r.id for r in rows if not r.finished},
        "trends": trends(recent),
        "reused": reused_stories(recent),
        "names": dimension_names(),
        "chart": trend_chart(history_points(recent).points),
        "page": page,
        "pages": pages,
        "total": total,
        "recent": len(recent),
        "newer": page - 1 if page > 1 else None,
        "older": page + 1 if page < pages else None,
    }


def can_speak(config: WebConfigLike) -> bool:
    """Questions are spoken by the server's TTS endpoint only when an LLM is configured."""
    return config.settings.llm_configured


def question_speech(config: WebConfigLike, sid: str, qid: str) -> tuple[bytes, str]:
    """The question as MP3 from the configured speech endpoint."""
    import tempfile
    from pathlib import Path

    from interviewer.voice.tts import speak_to_file

    state = question_state(config, sid, qid)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "question.mp3"
        speak_to_file(state.question.text, path, config.settings)
        return path.read_bytes(), "audio/mpeg"


def answer_audio(
    config: WebConfigLike,
    sid: str,
    qid: str,
    data: bytes,
    ext: str,
    *,
    elapsed_seconds: float | None = None,
) -> Outcome:
    """Save the recording and the answer first, then transcribe and grade it.

    A failed transcription leaves the answer ``untranscribed`` with its audio kept;
    ``interviewer regrade`` (or the page's "grade again") finishes it later.
    """
    from pathlib import Path

    from interviewer.engine.session import UNTRANSCRIBED, AnswerInput
    from interviewer.voice.answers import transcribe_answer

    with open_store(config) as store:
        state = _load_state(store, config, sid, qid)
        _writable(state)
        if state.view is not None:
            raise AlreadyAnswered(state.question.id, "(audio)")
        folder = Path(store.path).parent / "audio" / state.session.id
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{qid}.{ext.lstrip('.')}"
        path.write_bytes(data)
        engine = _engine(store, config, state.session)
        answer_id = engine.submit_answer(
            qid,
            AnswerInput("", elapsed_seconds=elapsed_seconds, audio_path=str(path),
                        status="untranscribed"),
        )  # fmt: skip
        heard = transcribe_answer(path, config.settings).answer
        if heard.status == "untranscribed":
            return Outcome(answer_id, UNTRANSCRIBED)
        store.update_answer(answer_id, text=heard.text, status="ungraded", delivery=heard.delivery)
        with GRADING:
            return Outcome(answer_id, _grade(engine, answer_id))


def report_view(config: WebConfigLike, sid: str) -> tuple[SessionRecord, str]:
    """The session and its report's content (with the trend up to it), for an inline page.

    The content is ``Markup``: HTML the report's autoescaped templates made, safe to insert.
    """
    from interviewer.views.history import history_points
    from interviewer.views.report.model import build_report
    from interviewer.views.report.render import render_body

    with open_store(config) as store:
        session = store.get_session(sid)
        history = history_points(store.list_sessions(), session.id)
    report = build_report(session, get_bank(config, session.bank_id), history)
    return session, render_body(report)


def report_download(config: WebConfigLike, sid: str) -> str:
    """The one-file HTML report, with the trend up to this session (as the CLI writes it)."""
    from interviewer.views.history import history_points
    from interviewer.views.report import render_report

    with open_store(config) as store:
        session = store.get_session(sid)
        history = history_points(store.list_sessions(), session.id)
    return render_report(session, get_bank(config, session.bank_id), "html", history)


@dataclass(frozen=True)
class ScoreChange:
    """How one follow-up answer moved the grade: STAR parts that changed, and the overall."""

    prompt: str
    parts: list[tuple[str, int, int]]  # (dimension id, before, after), changed ones only
    overall: tuple[int, int]


def follow_up_changes(view: QuestionView) -> list[ScoreChange]:
    """Per follow-up: the grade stored just before it against the grade that came after.

    A main answer keeps every grade (oldest first), so "before" is the last grade stored
    before the follow-up was given and "after" the last one stored before the next
    follow-up (or the latest). A follow-up not graded yet has no change to show.
    """
    grades = view.answer.grades
    changes = []
    for i, follow in enumerate(view.follow_ups):
        until = view.follow_ups[i + 1].created_at if i + 1 < len(view.follow_ups) else None
        before = [g for g in grades if g.created_at < follow.created_at]
        after = [
            g
            for g in grades
            if g.created_at > follow.created_at and (not until or g.created_at < until)
        ]
        if not before or not after:
            continue
        old, new = before[-1].grade, after[-1].grade
        old_star, new_star = old.star(), new.star()
        parts = [
            (dim, old_star[dim].score, new_star[dim].score)
            for dim in new_star
            if dim in old_star and old_star[dim].score != new_star[dim].score
        ]
        changes.append(ScoreChange(follow.prompt, parts, (old.overall, new.overall)))
    return changes


def unfinished_ids(config: WebConfigLike) -> set[str]:
    """Sessions not finished yet: the history page offers to continue them (ids only)."""
    with open_store(config) as store:
        return set(store.session_ids(unfinished=True))
