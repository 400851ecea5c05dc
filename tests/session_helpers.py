"""Test doubles for the session tests: grades built by hand and graders that record calls."""

from __future__ import annotations

from collections.abc import Callable

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
