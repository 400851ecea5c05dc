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
```
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, field_validator, model_validator

from interviewer.core.datafile import StrictModel, load_model
from interviewer.core.grade import Flag
from interviewer.core.rubric import STAR_DIMENSIONS

Band = tuple[int, int]


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
    answer: str = Field(min_length=1)
    expect: dict[str, Band] = Field(default_factory=dict)
    flags: list[Flag] = Field(default_factory=list)
    not_flags: list[Flag] = Field(default_factory=list)
    variant_of: str | None = None
    note: str = ""

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


class Suite(StrictModel):
    name: str
    bank: str = "ml-problem-solving"
    description: str = ""
    thresholds: Thresholds = Field(default_factory=Thresholds)
    cases: list[Case] = Field(min_length=1)

    @model_validator(mode="after")
    def _references(self) -> Suite:
        ids = [c.id for c in self.cases]
        for i, case in enumerate(self.cases):
            if ids.count(case.id) > 1:
                raise ValueError(f"cases[{i}]: duplicate case id {case.id!r}")
            if case.variant_of and case.variant_of not in ids:
                raise ValueError(f"cases[{i}]: variant_of names unknown case {case.variant_of!r}")
        return self


def load_suite(path: Path) -> Suite:
    """Load a suite; errors name the file and the field, and unknown question ids too."""
    from interviewer.core.bank import get_bank
    from interviewer.core.errors import DataError

    suite = load_model(Suite, path)
    bank = get_bank(suite.bank)
    known = {q.id for q in bank.questions}
    for i, case in enumerate(suite.cases):
        if case.question_id not in known:
            raise DataError(
                path, f"cases[{i}].question_id", f"unknown question {case.question_id!r}"
            )
    return suite
