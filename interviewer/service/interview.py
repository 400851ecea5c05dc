"""The interview use cases: start a session, answer, answer a follow-up, regrade, finish,
read a session. One implementation for the web app and any other shell.

Each call opens its own ``Store`` (SQLite connections belong to one thread) and closes
it, so a shell may run calls in worker threads. Answers are committed before grading;
a double submit stores one answer; a finished session is read-only; answers over the
length limit are refused before anything is saved.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Protocol

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
from interviewer.core.settings import DEFAULT_MAX_ANSWER_CHARS, Settings
from interviewer.service.banks import bank_by_id
from interviewer.service.banks import session_bank as stored_bank

if TYPE_CHECKING:
    from interviewer.engine.session import Interview
    from interviewer.engine.store import Store

DEFAULT_FOLLOW_UPS = 1
DUPLICATE_WAIT_S = 15.0  # how long a resent answer waits for the first one's grade
# Grading is CPU work (offline) or a slow request (LLM): a few at a time keeps every
# candidate's page fast instead of all of them slow; saving never waits for this.
GRADING = threading.BoundedSemaphore(max(2, (os.cpu_count() or 2)))


class ServiceConfig(Protocol):
    """What the service needs: the settings and how to build a grader of a kind."""

    settings: Settings
    audio_limit: int
    form_limit: int
    grader_factory: Callable[[Settings, str], Grader]


@contextmanager
def open_store(config: ServiceConfig) -> Iterator[Store]:
    from interviewer.engine.store import Store

    store = Store.open(config.settings.db)
    try:
        yield store
    finally:
        store.close()


def get_bank(config: ServiceConfig, bank_id: str) -> Bank:
    """A bank by id, only from the built-in and ``--bank-dir`` banks: never a path."""
    return bank_by_id(bank_id, config.settings.bank_dir)


def session_bank(config: ServiceConfig, store: Store, session: SessionRecord) -> Bank:
    """The bank a session was asked from (``service.banks.session_bank``), ids only."""
    return stored_bank(store, session, config.settings.bank_dir)


def get_session(config: ServiceConfig, sid: str) -> SessionRecord:
    with open_store(config) as store:
        return store.get_session(sid)


def start_session(
    config: ServiceConfig,
    bank_id: str,
    question_ids: list[str],
    follow_ups: int,
    options: dict[str, Any] | None = None,
) -> str:
    """Create the session through the engine (questions checked against the bank);
    ``options`` are recorded with it (e.g. the practice plan it was started from)."""
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
            options=options,
        )
        return engine.session_id


class _LazyGrader:
    """The session's grader, built only when an answer is graded (viewing needs none).

    A grader that cannot be built (say, the LLM key was removed since the session
    started) is a grading failure: the engine records it on the answer, which stays saved.
    """

    def __init__(self, config: ServiceConfig, kind: str) -> None:
        self.config = config
        self._kind: Literal["offline", "llm"] = "llm" if kind == "llm" else "offline"
        self._grader: Grader | None = None

    @property
    def kind(self) -> Literal["offline", "llm"]:
        return self._kind

    def grade(self, question: Question, rubric: Rubric, answer: str) -> Grade:
        if self._grader is None:
            try:
                self._grader = self.config.grader_factory(self.config.settings, self._kind)
            except InterviewerError as exc:
                raise GradingError(str(exc)) from exc
        return self._grader.grade(question, rubric, answer)


def engine_for(store: Store, config: ServiceConfig, session: SessionRecord) -> Interview:
    return stored_engine(
        store, session, session_bank(config, store, session), _LazyGrader(config, session.grader)
    )


def stored_engine(
    store: Store,
    session: SessionRecord,
    bank: Bank,
    grader: Grader,
    *,
    max_answer_chars: int = DEFAULT_MAX_ANSWER_CHARS,
) -> Interview:
    """The engine of a stored session, with the feedback and follow-ups it was started
    with (the web app's answers and the command line's ``resume`` both continue it so)."""
    from interviewer.engine.session import Interview

    options = store.session_options(session.id)
    return Interview(
        store,
        bank,
        session.id,
        grader,
        feedback=options.get("feedback", "now"),
        follow_ups=int(options.get("follow_ups", DEFAULT_FOLLOW_UPS)),
        max_answer_chars=max_answer_chars,
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


def question_state(config: ServiceConfig, sid: str, qid: str) -> QuestionState:
    with open_store(config) as store:
        return load_state(store, config, sid, qid)


def load_state(store: Store, config: ServiceConfig, sid: str, qid: str) -> QuestionState:
    session = store.get_session(sid)
    return _state(session, qid, session_bank(config, store, session))


def _state(session: SessionRecord, qid: str, bank: Bank) -> QuestionState:
    if qid not in session.question_ids:
        raise NotFoundError(
            f"question {qid!r} is not part of session {session.id} "
            f"(its questions: {', '.join(session.question_ids)})"
        )
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


def grade_outcome(engine: Interview, answer_id: int) -> str | None:
    """Grade through the engine; the error text when it failed (the engine recorded it)."""
    try:
        engine.grade(answer_id)
    except GradingError as exc:
        return str(exc) or type(exc).__name__
    return None


def require_writable(state: QuestionState) -> None:
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
    config: ServiceConfig,
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
        state = load_state(store, config, sid, qid)
        require_writable(state)
        if state.view is not None:
            return _same_answer_again(store, state, text)
        engine = engine_for(store, config, state.session)
        try:
            answer_id = engine.submit_answer(
                qid,
                AnswerInput(
                    text, elapsed_seconds=elapsed_seconds, audio_path=audio_path, delivery=delivery
                ),
            )
        except AnswerExistsError:  # the other submit won the race: it is the one kept
            return _same_answer_again(store, load_state(store, config, sid, qid), text)
        with GRADING:
            return Outcome(answer_id, grade_outcome(engine, answer_id))


def pending_probe(config: ServiceConfig, state: QuestionState) -> str | None:
    """The follow-up the engine would ask now, or None (limit reached, or none needed)."""
    if state.view is None:
        return None
    with open_store(config) as store:
        return engine_for(store, config, state.session).next_probe(state.view.answer.id)


def answer_follow_up(
    config: ServiceConfig, sid: str, qid: str, text: str, *, elapsed_seconds: float | None = None
) -> Outcome:
    """Save the answer to the probe due now, then grade the question again with it."""
    from interviewer.engine.session import AnswerInput

    check_length(text, config.settings.max_answer_chars)
    with open_store(config) as store:
        state = load_state(store, config, sid, qid)
        require_writable(state)
        engine = engine_for(store, config, state.session)
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
            return Outcome(main_id, grade_outcome(engine, main_id))


def regrade_question(config: ServiceConfig, sid: str, qid: str) -> Outcome:
    """Grade a saved answer again (after a failure, or on request)."""
    with open_store(config) as store:
        state = load_state(store, config, sid, qid)
        if state.view is None:
            raise NotFoundError(f"question {qid} of session {state.session.id} has no answer yet")
        engine = engine_for(store, config, state.session)
        with GRADING:
            return Outcome(state.view.answer.id, grade_outcome(engine, state.view.answer.id))


def finish_session(config: ServiceConfig, sid: str) -> None:
    with open_store(config) as store:
        session = store.get_session(sid)
        engine_for(store, config, session).finish()


class AlreadyAnswered(InterviewerError):
    """A second answer to a question (e.g. a form sent twice); the text is shown back."""

    exit_code = 2
    http_status = 409

    def __init__(self, qid: str, text: str, follow_up: bool = False, message: str = "") -> None:
        self.text = text
        what = "no follow-up is due for" if follow_up else "you have already answered"
        super().__init__(message or f"{what} question {qid}; this text was not saved")
