"""Follow-up probes, the way a structured interviewer asks them.

A weak STAR part (score <= 1) or a result with no number earns one targeted probe: the
grade's own ``follow_up`` first, then a bank probe whose wording matches the weak part,
then a generic probe for that part (``rubrics/session/probes.yaml``), then the bank's
other probes. A probe already asked for the question is never asked again, nor one that
only rewords it (``grading.coach.repeats_probe``: case, punctuation and near-duplicates).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pydantic import Field

from interviewer.core.bank import Question
from interviewer.core.datafile import StrictModel, load_model
from interviewer.core.grade import Grade
from interviewer.core.resources import rubrics_dir
from interviewer.core.rubric import STAR_DIMENSIONS
from interviewer.grading.coach import repeats_probe

WEAK = 1  # a STAR part at or below this score is probed


class ProbeData(StrictModel):
    """The contents of ``rubrics/session/probes.yaml``."""

    generic: dict[str, str] = Field(min_length=len(STAR_DIMENSIONS))
    keywords: dict[str, list[str]] = Field(default_factory=dict)


@cache
def load_probes(path: Path | None = None) -> ProbeData:
    return load_model(ProbeData, path or rubrics_dir() / "session" / "probes.yaml")


def weak_part(grade: Grade) -> str | None:
    """The STAR part a probe should target, or None when the answer needs no follow-up."""
    star = grade.star()
    weakest = min(STAR_DIMENSIONS, key=lambda d: star[d].score)
    if star[weakest].score <= WEAK:
        return weakest
    # the offline grader lists every number with its role; the LLM's have none (outcomes)
    if not grade.quantified_results.outcomes():
        return "quantified_results"
    return None


def choose_probe(
    grade: Grade, question: Question, asked: list[str], data: ProbeData | None = None
) -> str | None:
    """The probe to ask next, never one already asked (or a rewording of one); None when
    none is needed or every candidate was asked."""
    part = weak_part(grade)
    if part is None:
        return None
    data = data or load_probes()
    keywords = [k.lower() for k in data.keywords.get(part, [])]
    matching = [p for p in question.probes if any(k in p.lower() for k in keywords)]
    # Then any other bank probe: a second follow-up on the same gap is better spent there.
    others = [p for p in question.probes if p not in matching]
    candidates = [grade.follow_up.strip(), *matching, data.generic.get(part, ""), *others]
    for probe in candidates:
        if probe.strip() and not repeats_probe(probe, asked):
            return probe
    return None
