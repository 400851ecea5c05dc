"""The practice use cases of a shell that talks to one person: start a session from a bank
and a choice of questions, resume one, regrade one, write its report.

The interview loop itself is the engine's ``Interview.run(frontend)``; a shell gets a
``Run`` from here and hands it its ``Frontend`` (the terminal, scripted answers, voice).
Everything else - which questions, the options recorded with the session, the engine of
a stored session, transcribing saved audio before a regrade, the report file (the same
text as ``interviewer report``) - happens here, once. ``AnswerInput``, ``Frontend`` and
``StopInterview`` are re-exported so a shell needs nothing from the engine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from interviewer.core.bank import Bank, Question
from interviewer.core.errors import NotFoundError
from interviewer.core.grade import Grader
from interviewer.core.records import QuestionView, SessionRecord
from interviewer.core.settings import Settings
from interviewer.engine.session import AnswerInput, Feedback, Frontend, Interview, StopInterview
from interviewer.engine.store import Store
from interviewer.service.banks import session_bank
from interviewer.service.interview import stored_engine

__all__ = [
    "AnswerInput",
    "Coach",
    "Frontend",
    "Graded",
    "Practice",
    "Regraded",
    "Run",
    "Selection",
    "StopInterview",
    "coach_with",
]


Coach = Callable[[Question, QuestionView], str]


def coach_with(settings: Settings) -> Coach:
    """The "/coach" action of a practice run: an LLM rewrite when an LLM is configured,
    else the answer's own sentences in STAR order with placeholders for missing parts."""
    if not settings.llm_configured:

        def own_sentences(question: Question, view: QuestionView) -> str:
            from interviewer.views.restructure import restructure

            return restructure(view.full_text).text(labels=True)

        return own_sentences

    def coach(question: Question, view: QuestionView) -> str:
        from interviewer.grading.coach import coach_answer

        return coach_answer(question, view.full_text, view.grade, settings)

    return coach


@dataclass(frozen=True)
class Selection:
    """Which questions of a bank to ask: these ids, or ``count`` at random (``seed``), or
    those probing ``theme``; never-answered questions first, only from ``among`` if given."""

    ids: list[str] | None = None
    theme: str | None = None
    count: int | None = None
    seed: int | None = None
    among: list[str] | None = None


@dataclass
class Run:
    """A session ready to be asked; ``run`` drives the given frontend through it."""

    _engine: Interview = field(repr=False)

    @property
    def session_id(self) -> str:
        return self._engine.session_id

    @property
    def feedback(self) -> Feedback:
        return self._engine.feedback

    def run(self, frontend: Frontend) -> SessionRecord:
        """Ask every pending question; the finished session. Raises ``StopInterview`` when
        the person stops (every answer given so far is saved; the session stays open)."""
        return self._engine.run(frontend)


@dataclass(frozen=True)
class Graded:
    """One answer graded again: its new overall score, or why it failed (unredacted)."""

    question_id: str
    overall: int | None
    error: str | None = None


@dataclass(frozen=True)
class Regraded:
    """What a regrade did: recordings transcribed first (None: there were none) and the
    answers graded, in session order."""

    session_id: str
    transcribed: int | None
    graded: list[Graded]

    @property
    def failed(self) -> int:
        return sum(1 for g in self.graded if g.overall is None)


class Practice:
    """One store opened for one command, with the settings and grader it runs with."""

    def __init__(self, store: Store, settings: Settings, grader: Grader) -> None:
        self.store = store
        self.settings = settings
        self.grader = grader

    @classmethod
    @contextmanager
    def open(
        cls, settings: Settings, db: Path | None = None, grader: Grader | None = None
    ) -> Iterator[Practice]:
        """The store at ``db`` (default: INTERVIEWER_DB or the data dir) and the grader the
        settings choose (built first, so a grader that cannot be built stops before it)."""
        if grader is None:
            from interviewer.grading.factory import make_grader

            grader = make_grader(settings)
        with Store.open(db) as store:
            yield cls(store, settings, grader)

    @property
    def path(self) -> Path:
        """The session database."""
        return self.store.path

    @property
    def audio_root(self) -> Path:
        """Where spoken answers' recordings are kept, beside the database."""
        return self.store.path.parent / "audio"

    # --- starting ---

    def choose(self, bank: Bank, selection: Selection) -> list[str]:
        """The question ids to ask, fresh ones (fewest answers in this store) first."""
        from interviewer.engine.selection import select_questions

        counts = {q: n for (b, q), n in self.store.question_counts().items() if b == bank.id}
        return select_questions(
            bank,
            ids=selection.ids,
            theme=selection.theme,
            count=selection.count,
            seed=selection.seed,
            answered=counts,
            among=selection.among,
        )

    def start(
        self,
        bank: Bank,
        question_ids: list[str],
        *,
        bank_ref: str | None = None,
        mode: str = "typed",
        feedback: Feedback = "now",
        follow_ups: int = 1,
        plan: dict[str, Any] | None = None,
    ) -> Run:
        """Create the session; its options record how the bank was named (``bank_ref``, an
        id or a file, so ``resume`` finds it again), the feedback, the follow-ups and the
        practice plan it was started from, if any."""
        engine = Interview.start(
            self.store,
            bank,
            question_ids,
            self.grader,
            mode=mode,
            feedback=feedback,
            follow_ups=follow_ups,
            options={"bank": bank_ref or bank.id, **({"plan": plan} if plan else {})},
            max_answer_chars=self.settings.max_answer_chars,
        )
        return Run(engine)

    # --- continuing ---

    def resumable(self, session: str | None) -> SessionRecord:
        """The session ``resume`` continues: ``session`` (an id or "last"), else the latest
        unfinished one. Refused when there is none or it is finished and fully graded."""
        record = self.store.get_session(session) if session else self.store.latest_unfinished()
        if record is None:
            raise NotFoundError("no unfinished session to resume: start one with `practice`")
        if record.finished and not record.pending():
            raise NotFoundError(f"session {record.id} is already finished and fully graded")
        return record

    def resume(self, record: SessionRecord) -> Run:
        """Continue an unfinished session with its bank and its stored feedback and
        follow-ups: answered questions are not asked again."""
        bank = session_bank(self.store, record, self.settings.bank_dir, paths=True)
        return Run(
            stored_engine(
                self.store,
                record,
                bank,
                self.grader,
                max_answer_chars=self.settings.max_answer_chars,
            )
        )

    def regrade(self, session: str, *, everything: bool = False) -> Regraded:
        """Transcribe saved recordings, then grade what is pending (or every answer); old
        grades are kept, the newest is the one shown."""
        from interviewer.engine.session import regrade

        record = self.store.get_session(session)
        bank = session_bank(self.store, record, self.settings.bank_dir, paths=True)
        transcribed = None
        if any(a.status == "untranscribed" for a in record.answers):
            from interviewer.voice.answers import transcribe_pending

            transcribed = transcribe_pending(self.store, record.id, self.settings)
        results = regrade(
            self.store,
            bank,
            record.id,
            self.grader,
            everything=everything,
            max_answer_chars=self.settings.max_answer_chars,
        )
        graded = [
            Graded(view.question_id, grade.overall if grade else None, error)
            for view, grade, error in results
        ]
        return Regraded(record.id, transcribed, graded)

    # --- after a session ---

    def write_report(self, session: str, fmt: str) -> Path | None:
        """Write the session's report (``interviewer report``'s text, the same trend) to
        ``reports/<id>.<fmt>`` beside the database; None when reports are not installed."""
        import importlib.util

        if importlib.util.find_spec("interviewer.views.report") is None:
            return None  # reports are optional: the interview itself is complete
        from interviewer.service.reports import session_report

        record, text = session_report(self.store, session, fmt, self.settings.bank_dir, paths=True)
        path = self.store.path.parent / "reports" / f"{record.id}.{fmt}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path
