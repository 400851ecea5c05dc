"""The STAR rubric, and the per-answer rubric built from it plus the question's key themes.

``rubrics/star.yaml`` holds behaviourally anchored 0-5 scales for the STAR dimensions and a
generic scale for key themes. ``build_rubric`` combines them with the bank's themes: that
per-question rubric is what every grader receives, and its hash is stamped on every grade.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache, cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator

from interviewer.core.bank import Bank
from interviewer.core.datafile import StrictModel, load_model
from interviewer.core.resources import rubrics_dir

STAR_DIMENSIONS = ("situation", "task", "action", "result", "quantified_results", "lessons_learned")
LEVELS = range(0, 6)


def _check_levels(levels: dict[int, str]) -> dict[int, str]:
    missing = [lvl for lvl in LEVELS if lvl not in levels]
    if missing:
        raise ValueError(f"level {missing[0]} is missing (every level 0-5 needs an anchor)")
    extra = [lvl for lvl in levels if lvl not in LEVELS]
    if extra:
        raise ValueError(f"level {extra[0]} is outside the 0-5 scale")
    return levels


class ScaleDimension(StrictModel):
    """One STAR dimension of ``star.yaml``: what it measures and an anchor per level."""

    id: Literal[STAR_DIMENSIONS]  # type: ignore[valid-type]
    name: str
    description: str
    weight: float = Field(gt=0)
    levels: dict[int, str]

    _levels = field_validator("levels")(_check_levels)


class AnswerTarget(StrictModel):
    """How long an answer should be: one target, shown everywhere."""

    words: tuple[int, int] = (250, 400)
    minutes: tuple[int, int] = (2, 3)

    @property
    def words_text(self) -> str:
        return f"{self.words[0]}-{self.words[1]} words"

    @property
    def minutes_text(self) -> str:
        return f"{self.minutes[0]}-{self.minutes[1]} minutes"


class StarRubric(StrictModel):
    """The contents of ``star.yaml``."""

    version: str
    answer_target: AnswerTarget = Field(default_factory=AnswerTarget)
    dimensions: list[ScaleDimension]
    theme_weight: float = Field(ge=0, description="weight of each key-theme dimension")
    theme_levels: dict[int, str]

    _levels = field_validator("theme_levels")(_check_levels)

    @field_validator("dimensions")
    @classmethod
    def _all_star_dimensions(cls, dims: list[ScaleDimension]) -> list[ScaleDimension]:
        ids = [d.id for d in dims]
        for needed in STAR_DIMENSIONS:
            if needed not in ids:
                raise ValueError(f"dimension {needed!r} is missing")
        if len(set(ids)) != len(ids):
            raise ValueError("a dimension is listed twice")
        return dims


class RubricDimension(StrictModel):
    """A dimension of the rubric for one answer: a STAR part or a key theme."""

    id: str
    kind: Literal["star", "theme"]
    name: str
    description: str
    weight: float
    levels: dict[int, str]
    indicators: list[str] = Field(default_factory=list)


class Rubric(StrictModel):
    """The rubric one answer is graded against."""

    bank_id: str
    question_id: str
    version: str
    dimensions: list[RubricDimension]

    @property
    def star(self) -> list[RubricDimension]:
        return [d for d in self.dimensions if d.kind == "star"]

    @property
    def themes(self) -> list[RubricDimension]:
        return [d for d in self.dimensions if d.kind == "theme"]

    def dimension(self, dim_id: str) -> RubricDimension:
        for d in self.dimensions:
            if d.id == dim_id:
                return d
        raise KeyError(dim_id)

    @cached_property
    def hash(self) -> str:
        """A short content hash: two grades with the same hash used the same rubric.

        Computed once per rubric (rubrics are frozen): every LLM grade and cache key uses it.
        """
        return content_hash(self.model_dump(mode="json"))


def content_hash(obj: object) -> str:
    """sha256 of canonical JSON, first 16 hex digits; stable across runs and machines."""
    blob = json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]


def load_star_rubric(path: Path | None = None) -> StarRubric:
    """Load ``star.yaml`` (or another file in its format)."""
    return _load_star_cached(path or rubrics_dir() / "star.yaml")


def answer_target() -> AnswerTarget:
    """The answer length target from ``star.yaml``: one source for every place that shows it."""
    return load_star_rubric().answer_target


def dimension_names() -> dict[str, str]:
    """STAR dimension id -> display name, from ``star.yaml``: one source for every view."""
    return {d.id: d.name for d in load_star_rubric().dimensions}


@cache
def _load_star_cached(path: Path) -> StarRubric:
    return load_model(StarRubric, path)


def build_rubric(bank: Bank, question_id: str, star: StarRubric | None = None) -> Rubric:
    """STAR dimensions plus one dimension per key theme the question probes."""
    star = star or load_star_rubric()
    question = bank.question(question_id)
    dims = [
        RubricDimension(
            id=d.id,
            kind="star",
            name=d.name,
            description=d.description,
            weight=d.weight,
            levels=d.levels,
        )
        for d in star.dimensions
    ]
    for theme_id in question.themes:
        theme = bank.theme(theme_id)
        dims.append(
            RubricDimension(
                id=theme.id,
                kind="theme",
                name=theme.name,
                description=theme.description,
                weight=star.theme_weight,
                levels=star.theme_levels,
                indicators=theme.indicators,
            )
        )
    return Rubric(bank_id=bank.id, question_id=question_id, version=star.version, dimensions=dims)
