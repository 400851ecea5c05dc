"""The grade contract shared by every grader (offline and LLM).

Serialised, the STAR dimensions sit at the top level (``grade.situation.score`` ...
``grade.overall``, ``grade.flags``). ``overall`` is always computed here from the rubric
weights, never taken from a model.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Literal, Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field

from interviewer.bank import Question
from interviewer.rubric import STAR_DIMENSIONS, Rubric

Score = int  # 0..5, enforced by Field bounds below


class Flag(StrEnum):
    """Conditions a reader of the grade must know about."""

    PROMPT_INJECTION = "prompt_injection"
    TOO_SHORT = "too_short"
    OFF_TOPIC = "off_topic"
    NO_FIRST_PERSON = "no_first_person"
    RAMBLING = "rambling"
    INSUFFICIENT_EVIDENCE = "insufficient_evidence"
    UNSUPPORTED_SCORE = "unsupported_score"
    GRADER_DISAGREEMENT = "grader_disagreement"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DimensionGrade(_Model):
    """Score of one STAR dimension, with verbatim evidence and short feedback."""

    score: int = Field(ge=0, le=5)
    evidence: list[str] = Field(default_factory=list, description="verbatim quotes")
    feedback: str = ""


class Metric(_Model):
    """A number found in the answer and what it measures."""

    value: str = Field(description="as written, e.g. '18%', '$45,000', '3 weeks'")
    measures: str = Field(description="what the number measures, e.g. 'conversion rate drop'")


class QuantifiedResultsGrade(DimensionGrade):
    """The quantified-results dimension also lists the metrics it found."""

    metrics: list[Metric] = Field(default_factory=list)


class ThemeGrade(_Model):
    """Coverage of one key theme the question probes."""

    theme: str
    score: int = Field(ge=0, le=5)
    evidence: list[str] = Field(default_factory=list)
    feedback: str = ""


class Usage(_Model):
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0


class GradeMeta(_Model):
    """Who graded, with what: enough to reproduce or compare a grade."""

    grader: Literal["offline", "llm"]
    grader_version: str
    rubric_hash: str
    model: str | None = None
    system_fingerprint: str | None = None
    prompt_hash: str | None = None
    schema_hash: str | None = None
    usage: Usage | None = None
    latency_ms: float | None = None
    removed_quotes: int = 0


class Grade(_Model):
    """A graded answer."""

    situation: DimensionGrade
    task: DimensionGrade
    action: DimensionGrade
    result: DimensionGrade
    quantified_results: QuantifiedResultsGrade
    lessons_learned: DimensionGrade
    themes: list[ThemeGrade] = Field(default_factory=list)
    strengths: list[str] = Field(default_factory=list)
    improvements: list[str] = Field(default_factory=list)
    follow_up: str = ""
    flags: list[Flag] = Field(default_factory=list)
    overall: int = Field(ge=0, le=100)
    meta: GradeMeta

    def star(self) -> dict[str, DimensionGrade]:
        """The six STAR dimensions by id, in rubric order."""
        return {dim: getattr(self, dim) for dim in STAR_DIMENSIONS}

    def scores(self) -> dict[str, int]:
        """Every dimension's score by id: STAR parts, then themes."""
        out = {dim: g.score for dim, g in self.star().items()}
        out.update({t.theme: t.score for t in self.themes})
        return out

    def weakest(self) -> str:
        """The STAR dimension with the lowest score (first in rubric order on ties)."""
        star = self.star()
        return min(star, key=lambda d: star[d].score)


def compute_overall(scores: dict[str, int], rubric: Rubric) -> int:
    """Weighted mean of the rubric's dimensions, scaled to 0-100; missing scores count 0."""
    total_weight = sum(d.weight for d in rubric.dimensions)
    if total_weight <= 0:
        return 0
    weighted = sum(d.weight * scores.get(d.id, 0) for d in rubric.dimensions)
    return round(100 * weighted / (5 * total_weight))


class Grader(Protocol):
    """What the session engine, the batch grader and the evals call."""

    @property
    def kind(self) -> Literal["offline", "llm"]: ...

    def grade(self, question: Question, rubric: Rubric, answer: str) -> Grade:
        """Grade one answer to ``question`` against ``rubric``; raises GradingError."""
        ...


@runtime_checkable
class AsyncGrader(Protocol):
    """A grader that can also grade on an event loop (the LLM grader), for batches.

    ``on_rate_limited`` is an explicit event: called on every 429 before the retry waits,
    so the batch lowers its concurrency. ``aclose`` closes connections in the same loop.
    """

    async def agrade(
        self,
        question: Question,
        rubric: Rubric,
        answer: str,
        *,
        on_rate_limited: Callable[[], None] | None = None,
    ) -> Grade: ...

    async def aclose(self) -> None: ...
