"""The offline grader against the hand-labelled golden set (tests/golden/offline_golden.yaml).

Bars from issue 3: each dimension within its expected band for >= 85% of labels, on the
whole set and on the held-out split alike; every injection and off-topic answer flagged;
every strong answer above every weak answer.

The agreement figures (overall, tuning, held-out, per bank, per dimension) are printed by
the bar tests; see them with ``.venv/bin/pytest tests/test_offline_golden.py -rP``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path

import pytest
import yaml

from interviewer.core.bank import DEFAULT_BANK_ID, Bank, get_bank
from interviewer.core.grade import Flag, Grade
from interviewer.core.rubric import STAR_DIMENSIONS, build_rubric
from interviewer.grading.offline import OfflineGrader

GOLDEN = Path(__file__).parent / "golden" / "offline_golden.yaml"
BAND_AGREEMENT_BAR = 0.85
FIRST_GENERATION_SIZE = 49  # the golden set before the v2 banks: it must at least double
DEFAULT_FIELD = "ml-engineering"
ENGINEERING_FIELDS = frozenset(
    {"ml-engineering", "software", "data-engineering", "it-support"}
)  # fmt: skip
HOLDOUT = "holdout"


@cache
def _cases() -> tuple[dict, ...]:
    return tuple(yaml.safe_load(GOLDEN.read_text(encoding="utf-8"))["answers"])


def _bank_id(case: dict) -> str:
    return case.get("bank", DEFAULT_BANK_ID)


def _field(case: dict) -> str:
    return case.get("field", DEFAULT_FIELD)


def _split(case: dict) -> str:
    return case.get("split", "tuning")


@cache
def _bank(bank_id: str) -> Bank:
    return get_bank(bank_id)


@cache
def _graded() -> tuple[tuple[dict, Grade], ...]:
    grader = OfflineGrader()
    out = []
    for case in _cases():
        bank = _bank(_bank_id(case))
        question = bank.question(case["question"])
        rubric = build_rubric(bank, case["question"])
        out.append((case, grader.grade(question, rubric, case["answer"])))
    return tuple(out)


def _labels(keep: Callable[[dict], bool] = lambda _c: True) -> list[tuple[str, str, int, int, int]]:
    """(case id, dimension, low, high, score) for every label of the cases kept."""
    return [
        (case["id"], dim, lo, hi, grade.scores()[dim])
        for case, grade in _graded()
        if keep(case)
        for dim, (lo, hi) in case["expect"].items()
    ]


def _rate(labels: Iterable[tuple[str, str, int, int, int]]) -> tuple[float, int, int]:
    labels = list(labels)
    agree = sum(lo <= score <= hi for _, _, lo, hi, score in labels)
    return (agree / len(labels) if labels else 1.0), agree, len(labels)


def _misses(labels: Iterable[tuple[str, str, int, int, int]]) -> list[str]:
    return [
        f"{cid}.{dim}={score} not in [{lo}, {hi}]"
        for cid, dim, lo, hi, score in labels
        if not lo <= score <= hi
    ]


def agreement_report() -> str:
    """Share of labels within band: overall, per split, per bank, per field group, per dimension."""
    rows: list[tuple[str, Callable[[dict], bool]]] = [
        ("overall", lambda c: True),
        ("tuning split", lambda c: _split(c) != HOLDOUT),
        ("held-out split", lambda c: _split(c) == HOLDOUT),
    ]
    rows += [
        (f"bank {b}", lambda c, b=b: _bank_id(c) == b)
        for b in sorted({_bank_id(c) for c in _cases()})
    ]
    rows += [
        ("engineering answers", lambda c: _field(c) in ENGINEERING_FIELDS),
        ("answers outside engineering", lambda c: _field(c) not in ENGINEERING_FIELDS),
    ]
    lines = ["Golden-set agreement (labels within band):"]
    for name, keep in rows:
        rate, agree, total = _rate(_labels(keep))
        n = sum(1 for c in _cases() if keep(c))
        lines.append(f"  {name:<30} {rate:6.1%}  ({agree}/{total} labels, {n} answers)")
    for split_name, keep in rows[1:3]:
        dims = []
        for dim in STAR_DIMENSIONS:
            rate, _, _ = _rate(label for label in _labels(keep) if label[1] == dim)
            dims.append(f"{dim} {rate:.0%}")
        lines.append(f"  {split_name} per dimension: {', '.join(dims)}")
    return "\n".join(lines)


def test_golden_set_covers_what_the_issue_asks_for() -> None:
    cases = _cases()
    assert len(cases) >= 2 * FIRST_GENERATION_SIZE
    ids = [c["id"] for c in cases]
    assert len(ids) == len(set(ids)), [i for i, n in Counter(ids).items() if n > 1]
    banks = {_bank_id(c) for c in cases}
    assert {"ml-problem-solving", "general-behavioural", "customer-and-projects"} <= banks
    for bank_id in banks:
        asked = {c["question"] for c in cases if _bank_id(c) == bank_id}
        assert len(asked) >= 6, bank_id
        known = {q.id for q in _bank(bank_id).questions}
        assert asked <= known, (bank_id, asked - known)
    for case in cases:
        assert set(case["expect"]) == set(STAR_DIMENSIONS), case["id"]
        for lo, hi in case["expect"].values():
            assert 0 <= lo <= hi <= 5, case["id"]
        assert case["kind"] in {"strong", "medium", "weak"}, case["id"]
        assert _split(case) in {"tuning", HOLDOUT}, case["id"]
        for flag in [*case.get("flags", []), *case.get("not_flags", [])]:
            Flag(flag)  # a misspelt flag would silently never be checked
    assert {"strong", "weak"} <= {c["kind"] for c in cases}
    outside = [c for c in cases if _field(c) not in ENGINEERING_FIELDS]
    assert len(outside) >= 40
    assert {"strong", "weak"} <= {c["kind"] for c in outside}


def test_held_out_split_is_a_third_of_the_new_answers_and_has_every_kind() -> None:
    new = [c for c in _cases() if "field" in c or "bank" in c]
    held = [c for c in new if _split(c) == HOLDOUT]
    assert len(held) * 3 >= len(new), (len(held), len(new))
    assert {"strong", "medium", "weak"} <= {c["kind"] for c in held}
    hard = {"non_answer", "hypothetical", "off_topic", "prompt_injection", "no_outcome_number"}
    assert hard <= {f for c in held for f in c.get("flags", [])}


def test_the_hard_cases_are_there() -> None:
    """Non-answers, hypotheticals, generic stories, vague outcomes, effort numbers..."""
    flags = Counter(f for c in _cases() if "bank" in c for f in c.get("flags", []))
    for flag in ("non_answer", "hypothetical", "generic", "off_topic", "no_outcome_number"):
        assert flags[flag] >= 2, flag
    texts = [c["answer"].lower() for c in _cases() if "bank" in c]
    assert any("can't think of a time" in t for t in texts)
    assert any(t.startswith("if ") and " i would " in t for t in texts)
    assert sum("turned out fine" in t or "worked out okay" in t for t in texts) >= 2
    lessons_without_learned = [
        c
        for c in _cases()
        if "bank" in c
        and c["expect"]["lessons_learned"][0] >= 3
        and "learn" not in c["answer"].lower()
    ]
    assert len(lessons_without_learned) >= 4


def test_each_dimension_is_within_its_band_for_at_least_85_percent_of_labels() -> None:
    report = agreement_report()
    print(report)
    labels = _labels()
    rate, _, _ = _rate(labels)
    assert rate >= BAND_AGREEMENT_BAR, f"{report}\nmisses: {_misses(labels)}"


def test_held_out_answers_meet_the_bar_too() -> None:
    """Answers with ``split: holdout`` were labelled before grading and are never tuned on."""
    report = agreement_report()
    print(report)
    labels = _labels(lambda c: _split(c) == HOLDOUT)
    assert len(labels) >= 60
    rate, _, _ = _rate(labels)
    assert rate >= BAND_AGREEMENT_BAR, f"{report}\nheld-out misses: {_misses(labels)}"


def test_every_injection_and_off_topic_answer_is_flagged() -> None:
    checked = 0
    unflagged = []
    for case, grade in _graded():
        for flag in ("prompt_injection", "off_topic"):
            if flag in case.get("flags", []):
                checked += 1
                if flag not in grade.flags:
                    unflagged.append(f"{case['id']}: {flag}")
    assert checked >= 6
    assert not unflagged, unflagged


def test_expected_flags_are_raised_and_unexpected_ones_are_not() -> None:
    problems = []
    for case, grade in _graded():
        raised = {f.value for f in grade.flags}
        missing = set(case.get("flags", [])) - raised
        wrong = set(case.get("not_flags", [])) & raised
        if missing:
            problems.append(f"{case['id']}: missing {sorted(missing)}")
        if wrong:
            problems.append(f"{case['id']}: unexpected {sorted(wrong)}")
    assert not problems, "\n".join(problems)


def test_every_strong_answer_scores_above_every_weak_answer() -> None:
    strong = {c["id"]: g.overall for c, g in _graded() if c["kind"] == "strong"}
    weak = {c["id"]: g.overall for c, g in _graded() if c["kind"] == "weak"}
    assert strong and weak
    low = {k: v for k, v in strong.items() if v <= max(weak.values())}
    high = {k: v for k, v in weak.items() if v >= min(strong.values())}
    assert min(strong.values()) > max(weak.values()), (low, high)


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
