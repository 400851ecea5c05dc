"""Run a suite through a grader: per-case pass/fail, agreement figures, stability.

A case passes when every labelled dimension falls in its band, the expected flags are
raised and the forbidden ones are not, and - for a metamorphic variant - its relation to
the original case holds: ``not_above`` (the default: no STAR score and not the overall
rises above the original's) or ``below`` (every compared score is lower than the
original's). A grading error fails the case.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from interviewer.core.bank import Bank, get_bank
from interviewer.core.errors import GradingError
from interviewer.core.grade import Grade, Grader
from interviewer.core.rubric import STAR_DIMENSIONS, build_rubric
from interviewer.evals import metrics
from interviewer.evals.metamorphic import skipped
from interviewer.evals.suite import OVERALL, Case, Suite


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
    variant_of: str | None = None
    relation_held: bool | None = None  # for a variant: did its relation to the original hold

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
    relations: dict[str, Any] | None = None  # variants held, and what a metamorphic suite skips

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
            "relations": self.relations,
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
                    "variant_of": c.variant_of,
                    "relation_held": c.relation_held,
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
    banks: dict[str, Bank] = {}
    results: dict[str, CaseResult] = {}
    grades: dict[str, Grade] = {}
    for case in suite.cases:
        result = CaseResult(case.id, case.question_id, variant_of=case.variant_of)
        bank_id = suite.bank_of(case)
        if bank_id not in banks:
            banks[bank_id] = get_bank(bank_id)
        bank = banks[bank_id]
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
            broken = _relation(case, grades[case.id], grades[case.variant_of])
            results[case.id].failures += broken
            results[case.id].relation_held = not broken
        elif case.variant_of:
            results[case.id].relation_held = False
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
        relations=_relations(suite, cases),
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


def _score(grade: Grade, dim: str) -> int:
    return grade.overall if dim == OVERALL else grade.star()[dim].score


def _relation(case: Case, variant: Grade, original: Grade) -> list[str]:
    """What breaks the variant's relation to its original (nothing when it holds)."""
    failures = []
    for dim in case.compared():
        was, now = _score(original, dim), _score(variant, dim)
        if case.relation == "not_above" and now > was:
            failures.append(f"{dim} rose {was} -> {now} over the original")
        elif case.relation == "below" and now >= was:
            failures.append(f"{dim} {was} -> {now}: not below the original")
    return failures


def _relations(suite: Suite, cases: list[CaseResult]) -> dict[str, Any] | None:
    """How many variants keep their relation; for a metamorphic suite, what it is and skips."""
    variants = [c for c in cases if c.variant_of]
    if not variants:
        return None
    out: dict[str, Any] = {
        "variants": len(variants),
        "held": sum(bool(c.relation_held) for c in variants),
        "broken": [c.id for c in variants if not c.relation_held],
    }
    meta = suite.metamorphic
    if meta is not None:
        out.update(
            transform=meta.transform,
            relation=meta.relation,
            compare=meta.compare,
            skipped=[{"base": b, "compare": d, "why": why} for b, d, why in skipped(suite)],
        )
    return out


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
