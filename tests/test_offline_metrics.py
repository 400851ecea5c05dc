"""Numbers in an answer: which measure the outcome, and which are only context."""

from __future__ import annotations

import pytest

from interviewer.grading.offline.metrics import extract_metrics
from interviewer.grading.offline.text import split_sentences


def outcomes(text: str, result: bool = True) -> dict[str, str]:
    """Outcome metrics found in ``text`` (every sentence a result), value -> what it measures."""
    sents = split_sentences(text)
    ids = {s.index for s in sents} if result else set()
    return {m.value: m.measures for m in extract_metrics(sents, ids, set()) if m.outcome}


def test_a_before_and_after_is_one_metric_with_its_baseline() -> None:
    sents = split_sentences("Latency went from 800 ms to 120 ms after my change.")
    [m] = extract_metrics(sents, {0}, set())
    assert m.value == "800 ms to 120 ms" and m.baseline and m.outcome
    assert "Latency" in m.measures


def test_a_count_of_a_total_is_one_figure() -> None:
    found = outcomes("We kept 6 of the 9 flagged accounts, and 8 out of 10 renewed.")
    assert set(found) == {"6 of the 9", "8 out of 10"}  # not 6, 9, 8 and 10 apart


@pytest.mark.parametrize(
    "text",
    [
        "Feature freshness went from 24 hours to under a minute.",
        "The nightly job went from 9 hours down to an hour.",
        "Onboarding went from three weeks to about a week.",
    ],
)
def test_the_other_end_of_a_before_and_after_may_be_written_in_words(text: str) -> None:
    [m] = extract_metrics(split_sentences(text), {0}, set())
    assert m.baseline and m.outcome
    assert m.value.endswith(("a minute", "an hour", "a week"))  # not the baseline alone


def test_a_duration_in_words_without_a_from_is_no_run() -> None:
    found = {
        m.value for m in extract_metrics(split_sentences("It took 2 days to a week."), {0}, set())
    }
    assert "2 days to a week" not in found


@pytest.mark.parametrize(
    ("text", "value", "measured"),
    [
        ("False positives dropped by 30% after the fix.", "30%", "False positives"),
        ("I cut inference cost by 3x.", "3x", "cost"),
        ("It saved the company $45,000 a year.", "$45,000", "saved"),
        ("Recall improved from 0.62 -> 0.81.", "0.62 -> 0.81", "Recall"),
        ("Support tickets fell by twenty percent.", "twenty percent", "tickets"),
        ("We halved the error rate.", "halved", "error rate"),
        ("Training time came down to 3 hours from 20.", "3 hours", "Training time"),
    ],
)
def test_outcome_metrics_and_what_they_measure(text: str, value: str, measured: str) -> None:
    found = outcomes(text)
    assert value in found, found
    assert measured.lower() in found[value].lower()


@pytest.mark.parametrize(
    "text",
    [
        "I led a team of 5 engineers.",
        "I have 8 years of experience in ML.",
        "I worked 60 hours a week for a month.",
        "This was back in 2021.",
        "We were a 4-person team.",
    ],
)
def test_team_size_tenure_effort_and_dates_are_not_results(text: str) -> None:
    sents = split_sentences(text)
    found = extract_metrics(sents, {0}, set())
    assert found, "the number should still be seen"
    assert not any(m.outcome for m in found)
    assert any(m.standin for m in found) or "2021" in text


def test_numbers_that_set_the_scene_are_neither_results_nor_stand_ins() -> None:
    sents = split_sentences("Precision dropped from 0.82 to 0.55 overnight.")
    [m] = extract_metrics(sents, set(), {0})
    assert not m.outcome and not m.standin


def test_business_and_technical_metrics_are_told_apart() -> None:
    sents = split_sentences(
        "Accuracy rose from 71% to 84%. Churn fell by 2 points, worth $1.2M in revenue."
    )
    found = extract_metrics(sents, {0, 1}, set())
    assert any(m.technical and not m.business for m in found if "71%" in m.value)
    assert any(m.business for m in found if m.value.startswith("$"))


def test_what_a_customer_spent_with_us_is_an_outcome_what_i_spent_is_effort() -> None:
    won_back = "She wrote to thank us and has spent about £1,200 with us since."
    assert "£1,200" in outcomes(won_back)
    assert outcomes("I spent 50 hours on the migration.") == {}
