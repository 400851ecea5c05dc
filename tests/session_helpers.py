"""Test doubles for the session tests: grades built by hand, graders that record calls, and
a frontend that answers from a list and records what the person would have seen."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from typing import Any

from interviewer.core.bank import Question
from interviewer.core.errors import GradingError
from interviewer.core.grade import (
    DimensionGrade,
    Grade,
    GradeMeta,
    Metric,
    QuantifiedResultsGrade,
    compute_overall,
)
from interviewer.core.rubric import STAR_DIMENSIONS, Rubric
from interviewer.engine.session import AnswerInput


def make_grade(
    score: int = 4,
    *,
    rubric: Rubric | None = None,
    metrics: bool = True,
    follow_up: str = "",
    improvements: list[str] | None = None,
    **scores: int,
) -> Grade:
    """A grade with every STAR part at ``score`` unless named in ``scores``."""
    dims = {d: scores.get(d, score) for d in STAR_DIMENSIONS}
    parts = {d: DimensionGrade(score=s, feedback=f"{d} feedback") for d, s in dims.items()}
    found = [Metric(value="30%", measures="error rate drop")] if metrics else []
    parts["quantified_results"] = QuantifiedResultsGrade(
        score=dims["quantified_results"], metrics=found
    )
    overall = compute_overall(dims, rubric) if rubric else round(20 * sum(dims.values()) / 6)
    return Grade(
        **parts,
        improvements=improvements if improvements is not None else ["Quantify the result."],
        follow_up=follow_up,
        overall=overall,
        meta=GradeMeta(grader="offline", grader_version="test", rubric_hash="test"),
    )


class RecordingGrader:
    """Grades with ``decide(answer_text)`` and records every call (question id, text)."""

    kind = "offline"

    def __init__(self, decide: Callable[[str], Grade] | None = None) -> None:
        self.decide = decide or (lambda text: make_grade(4))
        self.calls: list[tuple[str, str]] = []

    def grade(self, question: Question, rubric: Rubric, answer: str) -> Grade:
        self.calls.append((question.id, answer))
        return self.decide(answer)


class FailingGrader:
    """Always fails the way an unreachable LLM does."""

    kind = "llm"

    def __init__(self, message: str = "server unreachable") -> None:
        self.message = message
        self.calls = 0

    def grade(self, question: Question, rubric: Rubric, answer: str) -> Grade:
        self.calls += 1
        raise GradingError(self.message)


class ListFrontend:
    """A frontend double: answers from a list (text; an AnswerInput as it is; an exception
    is raised; None skips or declines) and records what the person would have seen."""

    def __init__(self, answers: list[str | AnswerInput | BaseException | None]) -> None:
        self.answers = list(answers)
        self.started_with: list[str] = []  # the pending question ids, at start
        self.asked: list[tuple[str, bool]] = []  # (question id, is a follow-up)
        self.prompts: list[tuple[str, bool]] = []  # (what was asked, is a follow-up)
        self.saved: list[tuple[str, bool]] = []  # (text, is a follow-up), once committed
        self.failures: list[str] = []
        self.scorecards: list[str] = []  # question ids, as each scorecard was shown
        self.scorecards_at_end: Any = None
        self.finished: Any = None

    def start(self, session: Any, bank: Any, pending: list[Question]) -> None:
        self.started_with = [q.id for q in pending]

    def show_question(self, question: Question, index: int, total: int) -> None:
        pass

    def read_answer(self, question: Question, prompt: str, follow_up: bool) -> AnswerInput | None:
        self.asked.append((question.id, follow_up))
        self.prompts.append((prompt, follow_up))
        nxt = self.answers.pop(0)
        if isinstance(nxt, BaseException):
            raise nxt
        if isinstance(nxt, AnswerInput) or nxt is None:
            return nxt
        return AnswerInput(nxt, elapsed_seconds=30.0)

    def answer_saved(self, question: Question, answer: AnswerInput, follow_up: bool) -> None:
        self.saved.append((answer.text, follow_up))

    def grading(self, question: Question) -> Any:
        return nullcontext()

    def show_grading_failed(self, question: Question, error: str) -> None:
        self.failures.append(error)

    def show_scorecard(self, question: Question, view: Any, rubric: Any) -> None:
        self.scorecards.append(question.id)

    def finish(self, session: Any, bank: Any, scorecards: Any) -> None:
        self.finished = session
        self.scorecards_at_end = scorecards
