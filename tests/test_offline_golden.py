"""The offline grader against the hand-labelled golden set (tests/golden/offline_golden.yaml).

Bars from issue 3: each dimension within its expected band for >= 85% of labels; every
injection and off-topic answer flagged; every strong answer above every weak answer.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
import yaml

from interviewer.core.bank import get_bank
from interviewer.core.grade import Grade
from interviewer.core.rubric import STAR_DIMENSIONS, build_rubric
from interviewer.grading.offline import OfflineGrader

GOLDEN = Path(__file__).parent / "golden" / "offline_golden.yaml"
BAND_AGREEMENT_BAR = 0.85


@cache
def _cases() -> tuple[dict, ...]:
    return tuple(yaml.safe_load(GOLDEN.read_text(encoding="utf-8"))["answers"])


@cache
def _graded() -> tuple[tuple[dict, Grade], ...]:
    bank = get_bank()
    grader = OfflineGrader()
    return tuple(
        (
            case,
            grader.grade(
                bank.question(case["question"]),
                build_rubric(bank, case["question"]),
                case["answer"],
            ),
        )
        for case in _cases()
    )


def test_golden_set_covers_what_the_issue_asks_for() -> None:
    cases = _cases()
    assert len(cases) >= 30
    assert len({c["question"] for c in cases}) >= 6
    for case in cases:
        assert set(case["expect"]) == set(STAR_DIMENSIONS), case["id"]
        for lo, hi in case["expect"].values():
            assert 0 <= lo <= hi <= 5, case["id"]
    kinds = {c["kind"] for c in cases}
    assert {"strong", "weak"} <= kinds


def test_each_dimension_is_within_its_band_for_at_least_85_percent_of_labels() -> None:
    total = agree = 0
    misses = []
    for case, grade in _graded():
        scores = grade.scores()
        for dim, (lo, hi) in case["expect"].items():
            total += 1
            if lo <= scores[dim] <= hi:
                agree += 1
            else:
                misses.append(f"{case['id']}.{dim}={scores[dim]} not in [{lo}, {hi}]")
    rate = agree / total
    assert rate >= BAND_AGREEMENT_BAR, f"{rate:.1%} agreement; misses: {misses}"


def test_held_out_answers_meet_the_bar_too() -> None:
    """Answers marked ``holdout`` were labelled after tuning: a guard against overfitting."""
    pairs = [
        (lo <= grade.scores()[dim] <= hi)
        for case, grade in _graded()
        if case.get("holdout")
        for dim, (lo, hi) in case["expect"].items()
    ]
    assert len(pairs) >= 60
    assert sum(pairs) / len(pairs) >= BAND_AGREEMENT_BAR


def test_every_injection_and_off_topic_answer_is_flagged() -> None:
    checked = 0
    for case, grade in _graded():
        for flag in ("prompt_injection", "off_topic"):
            if flag in case.get("flags", []):
                checked += 1
                assert flag in grade.flags, case["id"]
    assert checked >= 6


def test_expected_flags_are_raised_and_unexpected_ones_are_not() -> None:
    for case, grade in _graded():
        raised = {f.value for f in grade.flags}
        missing = set(case.get("flags", [])) - raised
        wrong = set(case.get("not_flags", [])) & raised
        assert not missing, f"{case['id']}: missing {sorted(missing)}"
        assert not wrong, f"{case['id']}: unexpected {sorted(wrong)}"


def test_every_strong_answer_scores_above_every_weak_answer() -> None:
    strong = {c["id"]: g.overall for c, g in _graded() if c["kind"] == "strong"}
    weak = {c["id"]: g.overall for c, g in _graded() if c["kind"] == "weak"}
    assert strong and weak
    assert min(strong.values()) > max(weak.values()), (strong, weak)


def test_evidence_is_verbatim_and_backs_every_score_above_zero() -> None:
    for case, grade in _graded():
        answer = case["answer"]
        for dim, g in grade.star().items():
            if g.score > 0:
                assert g.evidence, f"{case['id']}.{dim} scored {g.score} with no evidence"
            for q in g.evidence:
                assert q in answer, f"{case['id']}.{dim}: {q!r} is not in the answer"
        for t in grade.themes:
            assert t.score == 0 or t.evidence, f"{case['id']}.{t.theme}"
            assert all(q in answer for q in t.evidence), f"{case['id']}.{t.theme}"


@pytest.mark.parametrize("flag", ["prompt_injection", "off_topic"])
def test_flagged_answers_score_low_whatever_they_claim(flag: str) -> None:
    for case, grade in _graded():
        if flag in case.get("flags", []):
            assert max(grade.scores().values()) <= 2, case["id"]
            assert grade.overall <= 40, case["id"]
