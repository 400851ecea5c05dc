"""Run a suite through a grader: per-case pass/fail, agreement figures, stability.

A case passes when every labelled dimension falls in its band, the expected flags are
raised and the forbidden ones are not, and - for a metamorphic variant - no STAR score and
not the overall rises above the original case's. A grading error fails the case.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from interviewer.core.bank import get_bank
from interviewer.core.errors import GradingError
from interviewer.core.grade import Grade, Grader
from interviewer.core.rubric import STAR_DIMENSIONS, build_rubric
from interviewer.evals import metrics
from interviewer.evals.suite import Case, Suite


@dataclass
class CaseResult:
    id: str
    question_id: str
    scores: dict[str, int] = field(default_factory=dict)
    overall: int | None = None
    flags: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    runs: list[dict[str, int]] = field(default_factory=list)
    error: str | None = None

    @property
    def passed(self) -> bool:
        return not self.failures and self.error is None


@dataclass
class EvalResult:
    suite: str
    grader: dict[str, Any]
    cases: list[CaseResult]
    agreement: dict[str, dict[str, float]]
    spearman_overall: float | None
    spread: dict[str, int]
    threshold_failures: list[str]

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.cases) and not self.threshold_failures

    def to_json(self) -> dict[str, Any]:
        return {
            "suite": self.suite,
            "grader": self.grader,
            "passed": self.passed,
            "agreement": self.agreement,
            "spearman_overall": self.spearman_overall,
            "spread": self.spread,
            "threshold_failures": self.threshold_failures,
            "cases": [
                {
                    "id": c.id,
                    "question_id": c.question_id,
                    "passed": c.passed,
                    "scores": c.scores,
                    "overall": c.overall,
                    "flags": c.flags,
                    "failures": c.failures,
                    "error": c.error,
                    "runs": c.runs,
                }
                for c in self.cases
            ],
        }


def grader_info(grader: Grader) -> dict[str, Any]:
    info: dict[str, Any] = {"kind": grader.kind}
    identity = getattr(grader, "cache_identity", None)
    if callable(identity):
        info.update(identity())
    else:
        info["version"] = getattr(grader, "version", None)
    return info


def run_suite(suite: Suite, grader: Grader, repeat: int = 1) -> EvalResult:
    """Grade every case ``repeat`` times; the first run is the one checked."""
    bank = get_bank(suite.bank)
    results: dict[str, CaseResult] = {}
    grades: dict[str, Grade] = {}
    for case in suite.cases:
        result = CaseResult(case.id, case.question_id)
        question = bank.question(case.question_id)
        rubric = build_rubric(bank, case.question_id)
        try:
            for _ in range(max(1, repeat)):
                grade = grader.grade(question, rubric, case.answer)
                result.runs.append({d: grade.star()[d].score for d in STAR_DIMENSIONS})
                grades.setdefault(case.id, grade)
        except GradingError as exc:
            result.error = str(exc)
            results[case.id] = result
            continue
        first = grades[case.id]
        result.scores = result.runs[0]
        result.overall = first.overall
        result.flags = [str(f) for f in first.flags]
        result.failures = _check(case, first)
        results[case.id] = result
    for case in suite.cases:
        if case.variant_of and case.id in grades and case.variant_of in grades:
            results[case.id].failures += _not_above(grades[case.id], grades[case.variant_of])
    cases = [results[c.id] for c in suite.cases]
    agreement, rho = _agreement(suite, cases)
    spread = {
        d: max((max(r[d] for r in c.runs) - min(r[d] for r in c.runs)) for c in cases if c.runs)
        for d in STAR_DIMENSIONS
    } if any(c.runs for c in cases) else {}  # fmt: skip
    return EvalResult(
        suite=suite.name,
        grader=grader_info(grader),
        cases=cases,
        agreement=agreement,
        spearman_overall=rho,
        spread=spread if repeat > 1 else {},
        threshold_failures=_thresholds(suite, agreement, rho),
    )


def _check(case: Case, grade: Grade) -> list[str]:
    failures = []
    star = grade.star()
    for dim, (lo, hi) in case.expect.items():
        score = star[dim].score
        if not lo <= score <= hi:
            want = str(lo) if lo == hi else f"{lo}-{hi}"
            failures.append(f"{dim} {score} not in {want}")
    for flag in case.flags:
        if flag not in grade.flags:
            failures.append(f"flag {flag} not raised")
    for flag in case.not_flags:
        if flag in grade.flags:
            failures.append(f"flag {flag} raised")
    return failures


def _not_above(variant: Grade, original: Grade) -> list[str]:
    failures = [
        f"{d} rose {original.star()[d].score} -> {variant.star()[d].score} over the original"
        for d in STAR_DIMENSIONS
        if variant.star()[d].score > original.star()[d].score
    ]
    if variant.overall > original.overall:
        failures.append(f"overall rose {original.overall} -> {variant.overall}")
    return failures


def _midpoint(band: tuple[int, int]) -> int:
    return round((band[0] + band[1]) / 2)


def _agreement(
    suite: Suite, cases: list[CaseResult]
) -> tuple[dict[str, dict[str, float]], float | None]:
    by_id = {c.id: c for c in cases}
    agreement: dict[str, dict[str, float]] = {}
    for dim in STAR_DIMENSIONS:
        pairs = [
            (_midpoint(case.expect[dim]), by_id[case.id].scores[dim])
            for case in suite.cases
            if dim in case.expect and by_id[case.id].scores
        ]
        if not pairs:
            continue
        exp, act = zip(*pairs, strict=True)
        agreement[dim] = {
            "n": len(pairs),
            "exact": round(metrics.exact_rate(exp, act), 3),
            "within_one": round(metrics.within_one_rate(exp, act), 3),
            "kappa": round(metrics.quadratic_weighted_kappa(exp, act), 3),
        }
    full: list[tuple[int, int]] = []
    for c in suite.cases:
        if not all(d in c.expect for d in STAR_DIMENSIONS):
            continue
        overall = by_id[c.id].overall
        if overall is not None:
            full.append((sum(_midpoint(c.expect[d]) for d in STAR_DIMENSIONS), overall))
    rho = None
    if len(full) >= 3:
        rho = round(metrics.spearman([f[0] for f in full], [f[1] for f in full]), 3)
    return agreement, rho


def _thresholds(
    suite: Suite, agreement: dict[str, dict[str, float]], rho: float | None
) -> list[str]:
    t = suite.thresholds
    out = []
    for dim, figures in agreement.items():
        if t.min_within_one is not None and figures["within_one"] < t.min_within_one:
            out.append(f"{dim}: within-one {figures['within_one']:.2f} < {t.min_within_one}")
        if t.min_exact is not None and figures["exact"] < t.min_exact:
            out.append(f"{dim}: exact {figures['exact']:.2f} < {t.min_exact}")
    for dim, minimum in t.min_kappa.items():
        if dim in agreement and agreement[dim]["kappa"] < minimum:
            out.append(f"{dim}: kappa {agreement[dim]['kappa']:.2f} < {minimum}")
    if t.min_spearman is not None and rho is not None and rho < t.min_spearman:
        out.append(f"overall: spearman {rho:.2f} < {t.min_spearman}")
    return out
