"""The eval suite file: labelled cases, metamorphic variants and agreement thresholds.

```yaml
name: injection-gate
bank: ml-problem-solving
thresholds: {min_within_one: 0.8, min_kappa: {action: 0.4}, min_spearman: 0.5}
cases:
  - id: strong-q1
    question_id: q1
    answer: "..."
    expect: {situation: [3, 5], quantified_results: 4}   # band or exact score
    flags: [prompt_injection]                            # must be raised
    not_flags: [off_topic]                               # must not be raised
  - id: strong-q1-padded
    variant_of: strong-q1                                # scores may not rise above it
    question_id: q1
    answer: "..."
  - id: strong-q1-no-result
    variant_of: strong-q1
    relation: below                                      # must score lower ...
    compare: [result, quantified_results]                # ... on these (or "overall")
    question_id: q1
    answer: "..."
```

A case may name its own ``bank`` (default: the suite's), and may give its answer as
``parts`` (situation, task, action, result, lessons_learned: text joined in that order)
so that metamorphic transforms can remove or rewrite one part.

A metamorphic suite builds its variants instead of listing them (see
``interviewer.evals.metamorphic``): every case of the ``bases`` suite becomes an original,
and the transform of it a variant that must keep the relation::

    name: metamorphic-drop-result
    metamorphic:
      bases: metamorphic-bases.yaml          # a suite file, relative to this one
      transform: drop_result                 # append_filler, drop_result, vague_numbers,
                                             # i_to_we or shuffle
      relation: below                        # below or not_above
      compare: [result, quantified_results]  # STAR dimensions and/or overall
      skip:                                  # base id -> dimension (or all) -> why
        base-7: {quantified_results: "no outcome number in the base"}
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator

from interviewer.core.datafile import StrictModel, load_model
from interviewer.core.grade import Flag
from interviewer.core.rubric import STAR_DIMENSIONS

Band = tuple[int, int]
Relation = Literal["not_above", "below"]
Transform = Literal["append_filler", "drop_result", "vague_numbers", "i_to_we", "shuffle"]
OVERALL = "overall"
COMPARABLE = (*STAR_DIMENSIONS, OVERALL)
PARTS = (*STAR_DIMENSIONS[:4], "lessons_learned")  # the parts an answer can be told in


def _comparable(values: list[str]) -> list[str]:
    for value in values:
        if value not in COMPARABLE:
            raise ValueError(f"cannot compare {value!r} (use {', '.join(COMPARABLE)})")
    return values


def _band(value: int | list[int]) -> Band:
    lo, hi = (value, value) if isinstance(value, int) else tuple(value)
    if not (0 <= lo <= hi <= 5):
        raise ValueError(f"band {value!r} must be a score 0-5 or [low, high] within 0-5")
    return lo, hi


class Thresholds(StrictModel):
    min_within_one: float | None = Field(default=None, ge=0, le=1)
    min_exact: float | None = Field(default=None, ge=0, le=1)
    min_kappa: dict[str, float] = Field(default_factory=dict)
    min_spearman: float | None = Field(default=None, ge=-1, le=1)


class Case(StrictModel):
    id: str = Field(min_length=1)
    question_id: str
    bank: str | None = None  # default: the suite's bank
    field: str = ""  # the candidate's field, for reading the results
    answer: str = ""
    parts: dict[str, str] = Field(default_factory=dict)
    expect: dict[str, Band] = Field(default_factory=dict)
    flags: list[Flag] = Field(default_factory=list)
    not_flags: list[Flag] = Field(default_factory=list)
    variant_of: str | None = None
    relation: Relation = "not_above"
    compare: list[str] = Field(default_factory=list)  # default: every STAR part and overall
    note: str = ""

    @model_validator(mode="before")
    @classmethod
    def _answer_from_parts(cls, data: object) -> object:
        """An answer given as parts is the parts' text joined in story order."""
        if (
            isinstance(data, dict)
            and isinstance(data.get("parts"), dict)
            and not data.get("answer")
        ):
            parts = data["parts"]
            text = [str(parts[p]).strip() for p in PARTS if str(parts.get(p) or "").strip()]
            data = {**data, "answer": " ".join(text)}
        return data

    @field_validator("parts")
    @classmethod
    def _known_parts(cls, parts: dict[str, str]) -> dict[str, str]:
        for name in parts:
            if name not in PARTS:
                raise ValueError(f"unknown part {name!r} (use {', '.join(PARTS)})")
        return {name: parts[name] for name in PARTS if name in parts}

    @field_validator("compare")
    @classmethod
    def _compare(cls, value: list[str]) -> list[str]:
        return _comparable(value)

    @model_validator(mode="after")
    def _answer_or_parts(self) -> Case:
        if not self.answer.strip():
            raise ValueError("give the answer, or its parts")
        if self.relation == "below" and not self.variant_of:
            raise ValueError("relation 'below' needs variant_of")
        return self

    def compared(self) -> list[str]:
        """What the relation to the original covers."""
        if self.compare:
            return self.compare
        return [] if self.relation == "below" else list(COMPARABLE)

    @field_validator("expect", mode="before")
    @classmethod
    def _bands(cls, value: object) -> object:
        if not isinstance(value, dict):
            return value
        out = {}
        for dim, band in value.items():
            if dim not in STAR_DIMENSIONS:
                raise ValueError(f"unknown dimension {dim!r} (use {', '.join(STAR_DIMENSIONS)})")
            out[dim] = _band(band)
        return out


class Metamorphic(StrictModel):
    """Variants built from a suite of base answers by one transform, and the relation kept."""

    bases: str = Field(min_length=1)
    transform: Transform
    relation: Relation
    compare: list[str] = Field(min_length=1)
    skip: dict[str, dict[str, str]] = Field(default_factory=dict)

    @field_validator("compare")
    @classmethod
    def _compare(cls, value: list[str]) -> list[str]:
        return _comparable(value)

    @field_validator("skip")
    @classmethod
    def _skip(cls, value: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
        for base, dims in value.items():
            _comparable([d for d in dims if d != "all"])
            if not dims or not all(why.strip() for why in dims.values()):
                raise ValueError(f"skip of {base!r} must say why, per dimension or 'all'")
        return value


class Suite(StrictModel):
    name: str
    bank: str = "ml-problem-solving"
    description: str = ""
    thresholds: Thresholds = Field(default_factory=Thresholds)
    metamorphic: Metamorphic | None = None
    cases: list[Case] = Field(default_factory=list)

    def bank_of(self, case: Case) -> str:
        return case.bank or self.bank

    @model_validator(mode="after")
    def _references(self) -> Suite:
        if not self.cases and self.metamorphic is None:
            raise ValueError("cases: a suite needs at least one case")
        ids = [c.id for c in self.cases]
        for i, case in enumerate(self.cases):
            if ids.count(case.id) > 1:
                raise ValueError(f"cases[{i}]: duplicate case id {case.id!r}")
            if case.variant_of and case.variant_of not in ids:
                raise ValueError(f"cases[{i}]: variant_of names unknown case {case.variant_of!r}")
        return self


def load_suite(path: Path) -> Suite:
    """Load a suite; errors name the file and the field, and unknown question ids too.

    A metamorphic suite comes back with its cases built: the bases, then their variants.
    """
    from interviewer.core.bank import get_bank
    from interviewer.core.errors import DataError

    suite = load_model(Suite, path)
    for i, case in enumerate(suite.cases):
        known = {q.id for q in get_bank(suite.bank_of(case)).questions}
        if case.question_id not in known:
            raise DataError(
                path, f"cases[{i}].question_id", f"unknown question {case.question_id!r}"
            )
    if suite.metamorphic is not None:
        from interviewer.evals.metamorphic import expand

        bases_path = path.parent / suite.metamorphic.bases
        if bases_path.resolve() == path.resolve():
            raise DataError(path, "metamorphic.bases", "a suite cannot be its own bases")
        bases = load_suite(bases_path)
        try:
            suite = expand(suite, bases)
        except ValueError as exc:
            raise DataError(path, "metamorphic", str(exc)) from exc
    return suite
