"""The grade contract shared by every grader (offline and LLM).

Serialised, the STAR dimensions sit at the top level (``grade.situation.score`` ...
``grade.overall``, ``grade.flags``). ``overall`` is always computed here from the rubric
weights, never taken from a model.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any, Literal, Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field

from interviewer.core.bank import Question
from interviewer.core.rubric import STAR_DIMENSIONS, Rubric
from interviewer.core.stored import read_stored

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
    NON_ANSWER = "non_answer"  # "I can't think of a time": no story is told
    HYPOTHETICAL = "hypothetical"  # "I would first...": what one would do, not what one did
    GENERIC = "generic"  # a story with no concrete setting, object, time or figure
    NO_OUTCOME_NUMBER = "no_outcome_number"  # numbers, if any, are not outcomes
    UNSUPPORTED_LANGUAGE = "unsupported_language"  # the offline grader cannot read it


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DimensionGrade(_Model):
    """Score of one STAR dimension, with verbatim evidence and short feedback."""

    score: int = Field(ge=0, le=5)
    evidence: list[str] = Field(default_factory=list, description="verbatim quotes")
    feedback: str = ""


class Metric(_Model):
    """A number found in the answer and what it measures.

    ``phrase`` and ``role`` are optional (graders that do not set them, and grades stored
    before they existed, leave them empty): the verbatim span of the answer around the
    number, and what the number does in the story (``outcome``, ``baseline``, ``target``,
    ``problem``, ``effort`` or ``other``).
    """

    value: str = Field(description="as written, e.g. '18%', '$45,000', '3 weeks'")
    measures: str = Field(description="what the number measures, e.g. 'conversion rate drop'")
    phrase: str = Field(default="", description="the verbatim span of the answer around it")
    role: str = Field(default="", description="outcome, baseline, target, problem, effort, other")


class QuantifiedResultsGrade(DimensionGrade):
    """The quantified-results dimension also lists the metrics it found."""

    metrics: list[Metric] = Field(default_factory=list)

    def outcomes(self) -> list[Metric]:
        """The numbers that measure what changed (a grader that gives no roles: all of
        them); baselines, targets, team sizes and durations are not results."""
        return [m for m in self.metrics if m.role in ("", "outcome")]


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


GRADE_SCHEMA_VERSION = 1  # raise it when a stored grade can no longer be read as before


class Grade(_Model):
    """A graded answer.

    ``schema_version`` travels with every stored or written grade; ``load_stored_grade``
    reads any version up to this one leniently (see there).
    """

    schema_version: int = GRADE_SCHEMA_VERSION

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


def load_stored_grade(raw: str | bytes | dict[str, Any], where: str = "stored grade") -> Grade:
    """Read a grade written by this or an earlier version, leniently.

    The strict model (``extra="forbid"``) is right for checking a model's reply, wrong for
    reading back what we stored: a field that a newer or older version added is ignored,
    a missing optional field takes its default. A grade from a version newer than this
    code is a DataError that says to upgrade, never a raw ValidationError.
    """
    return read_stored(Grade, raw, where, kind="grade", newest=GRADE_SCHEMA_VERSION)
