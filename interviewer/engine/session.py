"""The interview engine: ask, save, grade, probe - independent of any terminal.

Every answer is committed to the store the moment it is entered, before grading, so a
grading failure, Ctrl-C or a killed process loses nothing. The engine talks to the person
through a ``Frontend`` (the terminal, scripted answers, a web app); the web app can also
drive it step by step: ``submit_answer`` -> ``grade`` -> ``next_probe`` ->
``submit_follow_up`` -> ``grade`` ... -> ``finish``.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from interviewer.core.bank import Bank, Question
from interviewer.core.errors import GradingError, check_length
from interviewer.core.grade import Grade, Grader
from interviewer.core.records import AnswerStatus, QuestionView, SessionRecord
from interviewer.core.rubric import Rubric, build_rubric
from interviewer.core.settings import DEFAULT_MAX_ANSWER_CHARS
from interviewer.engine.followups import choose_probe
from interviewer.engine.store import Store

Feedback = Literal["now", "end"]
UNTRANSCRIBED = (
    "the audio could not be transcribed; it is saved with the session, and "
    "`interviewer regrade` transcribes and grades it later"
)
GARBLED_CAP = 1


def distrust(grade: Grade, rubric: Rubric) -> Grade:
    """A garbled transcript is not what the candidate said: flag it and cap every score."""
    from interviewer.core.grade import Flag, compute_overall

    data = grade.model_dump()
    for name in grade.star():
        data[name]["score"] = min(data[name]["score"], GARBLED_CAP)
    for theme in data["themes"]:
        theme["score"] = min(theme["score"], GARBLED_CAP)
    capped = Grade.model_validate(data)
    flags = sorted({*capped.flags, Flag.INSUFFICIENT_EVIDENCE})
    return capped.model_copy(
        update={"flags": flags, "overall": compute_overall(capped.scores(), rubric)}
    )


MAX_FOLLOW_UPS = 2


@dataclass
class AnswerInput:
    """What a frontend hands back for one question or probe."""

    text: str
    elapsed_seconds: float | None = None
    audio_path: str | None = None
    delivery: dict[str, Any] | None = None
    status: AnswerStatus = "ungraded"


class StopInterview(Exception):
    """The person stopped (``/quit``, end of input, Ctrl-C); ``partial`` is kept if given."""

    def __init__(self, partial: AnswerInput | None = None, reason: str = "stopped") -> None:
        super().__init__(reason)
        self.partial = partial
        self.reason = reason


class Frontend(Protocol):
    """How the engine talks to the person; the terminal, scripts and the web implement it."""

    def start(self, session: SessionRecord, bank: Bank, pending: list[Question]) -> None: ...

    def show_question(self, question: Question, index: int, total: int) -> None: ...

    def read_answer(self, question: Question, prompt: str, follow_up: bool) -> AnswerInput | None:
        """The answer (None skips the question / declines the probe); may raise StopInterview."""
        ...

    def answer_saved(self, question: Question, answer: AnswerInput, follow_up: bool) -> None:
        """Called only after the answer's transaction committed: now it may say "Saved"."""
        ...

    def grading(self, question: Question) -> AbstractContextManager[object]: ...

    def show_grading_failed(self, question: Question, error: str) -> None: ...

    def show_scorecard(self, question: Question, view: QuestionView, rubric: Rubric) -> None: ...

    def finish(self, session: SessionRecord, bank: Bank, scorecards: bool) -> None: ...


@dataclass
class Interview:
    """One session of one bank, stored in ``store`` and graded by ``grader``."""

    store: Store
    bank: Bank
    session_id: str
    grader: Grader
    feedback: Feedback = "now"
    follow_ups: int = 1
    max_answer_chars: int = DEFAULT_MAX_ANSWER_CHARS
    _rubrics: dict[str, Rubric] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if not 0 <= self.follow_ups <= MAX_FOLLOW_UPS:
            from interviewer.core.errors import ConfigError

            raise ConfigError(f"--follow-ups must be 0..{MAX_FOLLOW_UPS} (got {self.follow_ups})")

    @classmethod
    def start(
        cls,
        store: Store,
        bank: Bank,
        question_ids: list[str],
        grader: Grader,
        *,
        mode: str = "typed",
        grader_name: str | None = None,
        feedback: Feedback = "now",
        follow_ups: int = 1,
        options: dict[str, Any] | None = None,
        max_answer_chars: int = DEFAULT_MAX_ANSWER_CHARS,
    ) -> Interview:
        """Create the session in the store and return its engine."""
        for qid in question_ids:
            bank.question(qid)
        opts = {"feedback": feedback, "follow_ups": follow_ups, **(options or {})}
        sid = store.create_session(
            bank.id, question_ids, mode, grader_name or grader.kind, options=opts
        )
        return cls(
            store,
            bank,
            sid,
            grader,
            feedback=feedback,
            follow_ups=follow_ups,
            max_answer_chars=max_answer_chars,
        )

    # --- state ---

    @property
    def session(self) -> SessionRecord:
        return self.store.get_session(self.session_id)

    def rubric(self, question_id: str) -> Rubric:
        if question_id not in self._rubrics:
            self._rubrics[question_id] = build_rubric(self.bank, question_id)
        return self._rubrics[question_id]

    def pending_questions(self) -> list[Question]:
        """Questions not answered yet, in the planned order."""
        return [self.bank.question(q) for q in self.session.unanswered()]

    def view(self, answer_id: int) -> QuestionView:
        for v in self.session.questions():
            if v.answer.id == answer_id:
                return v
        raise KeyError(answer_id)

    @property
    def grade_after_each(self) -> bool:
        """Grade right away when feedback is immediate or a follow-up may depend on it."""
        return self.feedback == "now" or self.follow_ups > 0

    # --- steps ---

    def submit_answer(self, question_id: str, answer: AnswerInput) -> int:
        """Save a main answer (committed now, before grading); returns its id."""
        question = self.bank.question(question_id)
        return self.store.add_answer(
            self.session_id,
            question_id,
            question.text,
            answer.text,
            elapsed_seconds=answer.elapsed_seconds,
            audio_path=answer.audio_path,
            status=answer.status,
            delivery=answer.delivery,
        )

    def submit_follow_up(self, answer_id: int, probe: str, answer: AnswerInput) -> int:
        """Save the answer to a probe, attached to its main answer."""
        view = self.view(answer_id)
        main = view.answer
        return self.store.add_answer(
            self.session_id,
            main.question_id,
            probe,
            answer.text,
            kind="follow_up",
            parent_id=answer_id,
            slot=len(view.follow_ups),
            elapsed_seconds=answer.elapsed_seconds,
            audio_path=answer.audio_path,
            status=answer.status,
            delivery=answer.delivery,
        )

    def grade(self, answer_id: int) -> Grade:
        """Grade a main answer together with its follow-ups; store the grade or the failure.

        Raises GradingError after recording it: the answer stays, marked ``failed``.
        """
        view = self.view(answer_id)
        question = self.bank.question(view.question_id)
        try:
            check_length(view.full_text, self.max_answer_chars)
            grade = self.grader.grade(question, self.rubric(question.id), view.full_text)
        except GradingError as exc:
            self.store.mark_failed(answer_id, str(exc) or type(exc).__name__)
            raise
        if any((a.delivery or {}).get("garbled") for a in (view.answer, *view.follow_ups)):
            grade = distrust(grade, self.rubric(question.id))
        self.store.save_grade(answer_id, grade, covers=view.answer_ids)
        return grade

    def next_probe(self, answer_id: int) -> str | None:
        """The follow-up to ask now, or None (enough asked, graded well, or not graded)."""
        view = self.view(answer_id)
        grade = view.grade
        if len(view.follow_ups) >= self.follow_ups or view.answer.status != "graded" or not grade:
            return None
        asked = [f.prompt for f in view.follow_ups]
        return choose_probe(grade, self.bank.question(view.question_id), asked)

    def pending_grading(self, retry_failed: bool = True) -> list[int]:
        """Questions with pending work (``QuestionView.needs_grading``); without
        ``retry_failed``, not those whose last attempt failed (already said this run)."""
        return [
            v.answer.id
            for v in self.session.questions()
            if v.needs_grading and (retry_failed or v.answer.status != "failed")
        ]

    def finish(self) -> SessionRecord:
        self.store.finish_session(self.session_id)
        return self.session

    # --- the loop ---

    def run(self, frontend: Frontend) -> SessionRecord:
        """Ask every pending question; return the finished session.

        Raises StopInterview (after saving any partial answer) when the person stops;
        the session then stays unfinished so ``interviewer resume`` can continue it.
        """
        pending = self.pending_questions()
        frontend.start(self.session, self.bank, pending)
        self._grade_pending(frontend, retry_failed=True)  # left over from an earlier run
        answered = len(self.session.questions())
        total = answered + len(pending)
        for i, question in enumerate(pending, start=answered + 1):
            frontend.show_question(question, i, total)
            answer = self._read(frontend, question, question.text, follow_up=False, parent=None)
            if answer is None:
                continue
            answer_id = self.submit_answer(question.id, answer)
            frontend.answer_saved(question, answer, follow_up=False)
            if answer.status == "untranscribed":
                frontend.show_grading_failed(question, UNTRANSCRIBED)
                continue
            if not self.grade_after_each:
                continue
            if self._grade_shown(frontend, question, answer_id):
                self._ask_follow_ups(frontend, question, answer_id)
            if self.feedback == "now":
                self._scorecard(frontend, answer_id)
        self._grade_pending(frontend, retry_failed=False)  # deferred (--feedback end)
        session = self.finish()
        frontend.finish(session, self.bank, scorecards=self.feedback == "end")
        return session

    def _ask_follow_ups(self, frontend: Frontend, question: Question, answer_id: int) -> None:
        while probe := self.next_probe(answer_id):
            answer = self._read(frontend, question, probe, follow_up=True, parent=answer_id)
            if answer is None:
                return
            self.submit_follow_up(answer_id, probe, answer)
            frontend.answer_saved(question, answer, follow_up=True)
            if not self._grade_shown(frontend, question, answer_id):
                return

    def _read(
        self,
        frontend: Frontend,
        question: Question,
        prompt: str,
        *,
        follow_up: bool,
        parent: int | None,
    ) -> AnswerInput | None:
        try:
            return frontend.read_answer(question, prompt, follow_up)
        except StopInterview as stop:
            if stop.partial and stop.partial.text.strip():
                if parent is None:
                    self.submit_answer(question.id, stop.partial)
                else:
                    self.submit_follow_up(parent, prompt, stop.partial)
            raise

    def _grade_shown(self, frontend: Frontend, question: Question, answer_id: int) -> bool:
        try:
            with frontend.grading(question):
                self.grade(answer_id)
        except GradingError as exc:
            frontend.show_grading_failed(question, str(exc))
            return False
        return True

    def _scorecard(self, frontend: Frontend, answer_id: int) -> None:
        view = self.view(answer_id)
        if view.grade is not None:
            question = self.bank.question(view.question_id)
            frontend.show_scorecard(question, view, self.rubric(question.id))

    def _grade_pending(self, frontend: Frontend, retry_failed: bool) -> None:
        for answer_id in self.pending_grading(retry_failed):
            question = self.bank.question(self.view(answer_id).question_id)
            self._grade_shown(frontend, question, answer_id)


def regrade(
    store: Store,
    bank: Bank,
    session_id: str,
    grader: Grader,
    *,
    everything: bool = False,
    max_answer_chars: int = DEFAULT_MAX_ANSWER_CHARS,
) -> list[tuple[QuestionView, Grade | None, str | None]]:
    """Grade what is ungraded or failed (or every answer with ``everything``).

    Old grades are kept; the new one is appended and becomes the one shown. Returns, per
    question graded, the view before grading, the new grade (None on failure) and the error.
    """
    engine = Interview(
        store, bank, session_id, grader, follow_ups=0, max_answer_chars=max_answer_chars
    )
    session = engine.session
    targets = [
        v for v in session.questions() if v.answer.text.strip() and (everything or v.needs_grading)
    ]
    results: list[tuple[QuestionView, Grade | None, str | None]] = []
    for view in targets:
        try:
            results.append((view, engine.grade(view.answer.id), None))
        except GradingError as exc:
            results.append((view, None, str(exc)))
    return results
