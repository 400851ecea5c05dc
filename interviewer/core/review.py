"""A coach's review of one graded answer: their own scores, comments and an overall note.

A review is stored beside the grader's grades and never replaces them: reports show both,
clearly labelled, and ``interviewer eval --reviews`` measures how far the grader is from
the coach. Each coach keeps one current review per answer; reviewing again stores a new
version (the old one is kept in the store) and the newest is the one shown.

Dimensions are the answer's rubric dimensions: the six STAR parts and the question's key
themes (what ``Grade.scores`` holds). Stored reviews carry ``schema_version`` and are read
leniently, like grades.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from interviewer.core.datafile import StrictModel
from interviewer.core.errors import DataError
from interviewer.core.grade import Grade, compute_overall
from interviewer.core.rubric import STAR_DIMENSIONS, Rubric, RubricDimension, load_star_rubric
from interviewer.core.stored import read_stored

REVIEW_SCHEMA_VERSION = 1  # raise it when a stored review can no longer be read as before
MAX_REVIEWER = 80  # characters of a reviewer's name
MAX_COMMENT = 4000  # characters of one comment or note


class Review(BaseModel):
    """One coach's judgement of one main answer (with its follow-ups)."""

    model_config = ConfigDict(extra="forbid")

    schema_version: int = REVIEW_SCHEMA_VERSION
    reviewer: str = Field(min_length=1, max_length=MAX_REVIEWER)
    created_at: datetime
    answer_id: int
    scores: dict[str, int] = Field(default_factory=dict, description="dimension id -> 0-5")
    comments: dict[str, str] = Field(default_factory=dict, description="dimension id -> text")
    note: str = Field(default="", max_length=MAX_COMMENT)

    @field_validator("reviewer")
    @classmethod
    def _name(cls, value: str) -> str:
        name = " ".join(value.split())
        if not name:
            raise ValueError("the reviewer's name is empty")
        return name

    @field_validator("scores")
    @classmethod
    def _scale(cls, scores: dict[str, int]) -> dict[str, int]:
        for dim, score in scores.items():
            if not 0 <= score <= 5:
                raise ValueError(f"{dim}: score {score} is outside the 0-5 scale")
        return scores

    @field_validator("comments")
    @classmethod
    def _comments(cls, comments: dict[str, str]) -> dict[str, str]:
        out = {dim: text.strip() for dim, text in comments.items() if text.strip()}
        for dim, text in out.items():
            if len(text) > MAX_COMMENT:
                raise ValueError(f"{dim}: comment longer than {MAX_COMMENT} characters")
        return out

    @property
    def key(self) -> str:
        """Who wrote it, for telling one coach from another ("Ana" and "ana " are one)."""
        return reviewer_key(self.reviewer)

    @property
    def empty(self) -> bool:
        return not self.scores and not self.comments and not self.note.strip()

    def check(self, rubric: Rubric, where: str = "review") -> Review:
        """This review, or a DataError naming a dimension the rubric does not have."""
        valid = [d.id for d in rubric.dimensions]
        for field, dims in (("scores", self.scores), ("comments", self.comments)):
            for dim in dims:
                if dim not in valid:
                    raise DataError(
                        None,
                        where,
                        f"{field}: the rubric of {rubric.question_id} has no dimension "
                        f"{dim!r} (valid: {', '.join(valid)})",
                    )
        return self


def reviewer_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def current_reviews(reviews: Iterable[Review]) -> list[Review]:
    """The newest review of each coach, in the order the coaches first reviewed."""
    first_seen: dict[str, datetime] = {}
    latest: dict[str, Review] = {}
    for review in sorted(reviews, key=lambda r: r.created_at):  # stable: equal times in order
        first_seen.setdefault(review.key, review.created_at)
        latest[review.key] = review
    return sorted(latest.values(), key=lambda r: first_seen[r.key])


def coach_scores(reviews: Iterable[Review]) -> dict[str, int]:
    """Per dimension any coach scored: the coaches' mean, rounded half up."""
    given: dict[str, list[int]] = {}
    for review in reviews:
        for dim, score in review.scores.items():
            given.setdefault(dim, []).append(score)
    return {dim: int(sum(s) / len(s) + 0.5) for dim, s in given.items()}


def reviewed_grade(grade: Grade, reviews: Iterable[Review]) -> Grade:
    """The grade as the coaches see it: their scores where they gave one (the coaches'
    mean), the grader's elsewhere, and the overall computed again from the same weights.

    What ``history --by coach`` follows; the grade itself is never changed.
    """
    scores = coach_scores(reviews)
    if not scores:
        return grade
    update: dict[str, Any] = {}
    for dim in STAR_DIMENSIONS:
        if dim in scores:
            update[dim] = getattr(grade, dim).model_copy(update={"score": scores[dim]})
    themes = [
        t.model_copy(update={"score": scores[t.theme]}) if t.theme in scores else t
        for t in grade.themes
    ]
    merged = {**grade.scores(), **{d: s for d, s in scores.items() if d in grade.scores()}}
    update["themes"] = themes
    update["overall"] = compute_overall(merged, _weights_rubric(grade))
    return grade.model_copy(update=update)


def _weights_rubric(grade: Grade) -> Rubric:
    """The rubric's weights for this grade's dimensions (STAR from star.yaml, one theme
    weight for each theme graded): enough to compute an overall without the bank."""
    star = load_star_rubric()
    dims = [
        RubricDimension(id=d.id, kind="star", name=d.name, description="", weight=d.weight,
                        levels=d.levels)
        for d in star.dimensions
    ] + [
        RubricDimension(id=t.theme, kind="theme", name=t.theme, description="",
                        weight=star.theme_weight, levels=star.theme_levels)
        for t in grade.themes
    ]  # fmt: skip
    return Rubric(bank_id="", question_id="", version=star.version, dimensions=dims)


def load_stored_review(
    raw: str | bytes | Mapping[str, Any], where: str = "stored review"
) -> Review:
    """Read a review written by this or an earlier version, leniently (see
    ``core.grade.load_stored_grade``): unknown fields are ignored, a newer schema refused."""
    return read_stored(Review, raw, where, kind="review", newest=REVIEW_SCHEMA_VERSION)


class AnswerReviewInput(StrictModel):
    """One answer's part of a review file."""

    scores: dict[str, int] = Field(default_factory=dict)
    comments: dict[str, str] = Field(default_factory=dict)
    note: str | None = None


class ReviewFile(StrictModel):
    """A review written as YAML, for ``interviewer review SESSION --from FILE``::

    reviewer: Ana Ruiz
    answers:
      q1:                       # a question id of the session, or an answer id
        scores: {result: 2, data-quality: 4}
        comments: {result: "Say what the 9% meant for the business."}
        note: "Strong story; tighten the ending."
    """

    reviewer: str | None = None
    answers: dict[str, AnswerReviewInput] = Field(min_length=1)
