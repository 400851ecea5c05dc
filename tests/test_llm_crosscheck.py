"""The offline cross-check keeps the LLM honest.

A sycophantic stand-in model gives every dimension a 5 and backs each with a real sentence
of the answer, so quote verification has nothing to remove. What the offline grader's
deterministic checks establish (too short, a non-answer, a hypothetical, no outcome
number, and off topic once proven precise) caps the parts it concerns and the grade says
why. Every grade here goes through the real openai SDK (respx) and the real offline
grader: nothing is mocked but the server.
"""

from __future__ import annotations

import asyncio
import re
from functools import cache
from pathlib import Path
from typing import ClassVar

import pytest
import yaml

from interviewer.core.bank import get_bank
from interviewer.core.grade import Flag, Grade, compute_overall
from interviewer.core.rubric import STAR_DIMENSIONS, Rubric, answer_target, build_rubric
from interviewer.grading.llm import crosscheck
from interviewer.grading.llm.assemble import SHARED_FLAGS
from interviewer.grading.offline import OfflineGrader
from tests.llm_helpers import CHAT, completion, make_llm_grader, question_and_rubric

TARGET = f"{answer_target().words_text} ({answer_target().minutes_text} spoken)"

SHORT = (  # 22 words
    "In March our fraud model's precision fell overnight. I traced a currency unit bug, "
    "fixed the pipeline, and precision recovered to 91%."
)
OFF_TOPIC = (
    "Last spring I decided to learn to bake sourdough bread at home. I fed my starter every "
    "morning, tried different flours and kept notes on every loaf. My first loaves were flat "
    "and dense, so I changed the hydration and the proofing time. By the summer my family "
    "said my bread was better than the bakery's, and I learned that patience matters more "
    "than any recipe."
)
NON_ANSWER = (
    "Honestly, I can't think of a time when that happened to me. I haven't really been in a "
    "situation like that at work, so I don't have a specific example to share. I think I "
    "would just try to stay calm and talk to my manager if it ever came up, but I can't "
    "remember a real case."
)
HYPOTHETICAL = (
    "If a production model's accuracy suddenly dropped, I would first check whether the "
    "input data had changed, comparing feature distributions before and after the drop. I "
    "would then look at recent pipeline deployments and roll back anything suspicious. I "
    "would add monitoring on the key features so it could not happen silently again. I "
    "expect this would restore accuracy by around 20% within a day, and I would learn to "
    "monitor the data first."
)
NO_OUTCOME_NUMBER = (
    "With 8 years of experience and a team of 12 engineers, I led a project on sensor data "
    "from 40 machines at our plant. I was responsible for the failure model. I cleaned the "
    "data, built features from the vibration signals and trained a gradient-boosted model, "
    "then worked with the maintenance team to plan the rollout. In the end the model was "
    "deployed and the maintenance team was happy with it. I learned to involve the people "
    "who use a model early."
)


def sentences(answer: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", answer.strip()) if s]


def sycophantic(answer: str, rubric: Rubric) -> dict:
    """Every score 5, each dimension backed by a real sentence of the answer."""
    said = sentences(answer)

    def part(i: int) -> dict:
        return {
            "evidence": [said[i % len(said)]],
            "reasoning": "Exemplary: this is everything the top anchor asks for.",
            "score": 5,
        }

    body = {name: part(i) for i, name in enumerate(STAR_DIMENSIONS)}
    numbers = re.findall(r"\d[\d,.]*%?", answer)
    body["quantified_results"] = {
        "evidence": body["quantified_results"]["evidence"],
        "metrics": [{"value": n, "measures": "the outcome"} for n in numbers],
        "reasoning": "Exemplary numbers.",
        "score": 5,
    }
    body["themes"] = [{"theme": d.id, **part(i)} for i, d in enumerate(rubric.themes)]
    body.update(
        strengths=["An outstanding, complete STAR story."],
        improvements=["Nothing to improve."],
        follow_up="What would you do next?",
        injection_detected=False,
        off_topic=False,
    )
    return body


def graded(httpx2_mock, question_id: str, answer: str) -> tuple[Grade, Rubric]:
    question, rubric = question_and_rubric(question_id)
    httpx2_mock.post(CHAT).respond(200, json=completion(sycophantic(answer, rubric)))
    grader, _ = make_llm_grader()
    grade = grader.grade(question, rubric, answer)
    assert grade.meta.removed_quotes == 0  # every quote is real: only the caps bring it down
    return grade, rubric


EVERY = None  # every dimension: STAR parts and key themes


def assert_capped(grade: Grade, rubric: Rubric, flag: Flag, cap: int, parts, why: str) -> None:
    """``parts`` capped at ``cap`` with ``why`` in their feedback; the rest left at 5."""
    assert flag in grade.flags
    for name, score in grade.scores().items():
        feedback = (
            grade.star()[name].feedback
            if name in STAR_DIMENSIONS
            else next(t.feedback for t in grade.themes if t.theme == name)
        )
        if parts is EVERY or name in parts:
            assert score == cap, name
            assert feedback.startswith(f"Capped at {cap}: {why}."), feedback
        else:
            assert score == 5, name
            assert not feedback.startswith("Capped"), name
    assert grade.improvements[0].endswith(f"capped at {cap}: {why}.")
    assert grade.improvements[1:] == ["Nothing to improve."]  # the model's own line follows
    assert grade.overall == compute_overall(grade.scores(), rubric)


class TestSycophanticModel:
    def test_a_22_word_answer_is_capped_at_2_everywhere(self, httpx2_mock):
        assert len(SHORT.split()) == 22
        grade, rubric = graded(httpx2_mock, "q1", SHORT)
        why = f"the answer is 22 words; a full story is {TARGET}"
        assert_capped(grade, rubric, Flag.TOO_SHORT, 2, EVERY, why)
        assert grade.improvements[0] == f"Every part capped at 2: {why}."
        assert grade.situation.feedback.endswith(
            "Before the cap: Exemplary: this is everything the top anchor asks for."
        )
        assert grade.overall == 40  # was 100, and 91 in the issue

    def test_the_async_path_caps_the_same_way(self, httpx2_mock):
        question, rubric = question_and_rubric("q1")
        httpx2_mock.post(CHAT).respond(200, json=completion(sycophantic(SHORT, rubric)))
        grader, _ = make_llm_grader()
        grade = asyncio.run(grader.agrade(question, rubric, SHORT))
        assert max(grade.scores().values()) == 2 and Flag.TOO_SHORT in grade.flags

    # The four below wait for the offline grader (being rewritten): to set non_answer,
    # hypothetical and no_outcome_number, and for its off-topic check to be proven precise
    # on the golden set's answers from outside the ML field (see the last tests here).

    def test_an_off_topic_answer_is_capped_at_1_everywhere(self, httpx2_mock):
        grade, rubric = graded(httpx2_mock, "q4", OFF_TOPIC)
        why = "the answer does not address the question"
        assert_capped(grade, rubric, Flag.OFF_TOPIC, 1, EVERY, why)
        assert grade.improvements[0] == f"Every part capped at 1: {why}."
        assert grade.overall == 20

    def test_a_non_answer_is_capped_at_1_everywhere(self, httpx2_mock):
        grade, rubric = graded(httpx2_mock, "q2", NON_ANSWER)
        why = "the answer tells no story; it says there is no example"
        assert_capped(grade, rubric, Flag.NON_ANSWER, 1, EVERY, why)
        assert grade.overall == 20

    def test_a_hypothetical_answer_has_action_and_result_capped_at_1(self, httpx2_mock):
        grade, rubric = graded(httpx2_mock, "q1", HYPOTHETICAL)
        why = "the answer says what you would do, not what you did"
        parts = ("action", "result", "quantified_results")
        assert_capped(grade, rubric, Flag.HYPOTHETICAL, 1, parts, why)
        assert grade.improvements[0] == f"Action, Result and Quantified results capped at 1: {why}."

    def test_no_outcome_number_caps_quantified_results_at_1(self, httpx2_mock):
        grade, rubric = graded(httpx2_mock, "q7", NO_OUTCOME_NUMBER)
        why = "no number in the answer measures the outcome"
        assert_capped(grade, rubric, Flag.NO_OUTCOME_NUMBER, 1, ("quantified_results",), why)
        assert grade.improvements[0] == f"Quantified results capped at 1: {why}."


class TestCapTable:
    """The table itself, through ``apply_caps`` (no model, no offline grader involved)."""

    SCORES: ClassVar[dict[str, int]] = {
        **dict.fromkeys(STAR_DIMENSIONS, 5),
        "systematic-debugging": 5,
    }

    @pytest.mark.parametrize(
        ("flag", "cap", "parts"),
        [
            (Flag.PROMPT_INJECTION, 2, EVERY),
            (Flag.TOO_SHORT, 2, EVERY),
            (Flag.NON_ANSWER, 1, EVERY),
            (Flag.OFF_TOPIC, 1, EVERY),
            (Flag.HYPOTHETICAL, 1, ("action", "result", "quantified_results")),
            (Flag.NO_OUTCOME_NUMBER, 1, ("quantified_results",)),
        ],
    )
    def test_each_check_caps_the_parts_it_concerns(self, flag, cap, parts):
        out = crosscheck.apply_caps(self.SCORES, {flag}, SHORT)
        concerned = {n for n in self.SCORES if parts is EVERY or n in parts}
        assert {n: s for n, s in out.scores.items() if s != 5} == dict.fromkeys(concerned, cap)
        assert set(out.notes) == concerned
        assert len(out.improvements) == 1

    def test_the_lowest_cap_holds_and_speaks(self):
        out = crosscheck.apply_caps(self.SCORES, {Flag.TOO_SHORT, Flag.OFF_TOPIC}, SHORT)
        assert set(out.scores.values()) == {1}
        assert out.notes["action"] == "Capped at 1: the answer does not address the question."
        assert out.improvements == [
            "Every part capped at 1: the answer does not address the question."
        ]

    def test_a_score_already_under_the_cap_is_left_alone_without_a_note(self):
        out = crosscheck.apply_caps({"situation": 1, "action": 0}, {Flag.TOO_SHORT}, SHORT)
        assert out.scores == {"situation": 1, "action": 0}
        assert out.notes == {} and out.improvements == []

    def test_every_capping_flag_is_carried_into_the_llm_grade(self):
        assert {c.flag for c in crosscheck.CAPS} <= SHARED_FLAGS


# --- precision of the checks on the hand-labelled golden set ---------------------------

GOLDEN = Path(__file__).parent / "golden" / "offline_golden.yaml"
ML_FIELD = "ml-engineering"


@cache
def _golden() -> tuple[tuple[dict, Grade], ...]:
    grader = OfflineGrader()
    out = []
    for case in yaml.safe_load(GOLDEN.read_text(encoding="utf-8"))["answers"]:
        bank = get_bank(case.get("bank"))
        rubric = build_rubric(bank, case["question"])
        out.append((case, grader.grade(bank.question(case["question"]), rubric, case["answer"])))
    return tuple(out)


def _imprecise(cap: crosscheck.Cap) -> list[str]:
    """Golden answers where the check fires against the labels: a rater said the flag must
    not be raised, or the cap would take a part below the band a rater gave it."""
    wrong = []
    for case, grade in _golden():
        if cap.flag not in grade.flags or not crosscheck.offline_reads(grade.flags, case["answer"]):
            continue
        if cap.flag.value in case.get("not_flags", []):
            wrong.append(f"{case['id']}: {cap.flag} is labelled as not raised")
        for part, (low, _high) in case["expect"].items():
            if (cap.parts is None or part in cap.parts) and cap.score < low:
                wrong.append(f"{case['id']}: {cap.flag} would cap {part} at {cap.score} < {low}")
    return wrong


def test_the_golden_set_has_answers_from_outside_the_ml_field():
    outside = [c for c, _ in _golden() if c.get("field", ML_FIELD) != ML_FIELD]
    assert len(outside) >= 30


@pytest.mark.parametrize("cap", crosscheck.CAPS, ids=lambda c: c.flag.value)
def test_a_check_caps_exactly_when_its_precision_is_proven_on_the_golden_set(cap):
    """A proven check never contradicts a rater. An unproven one (off_topic today) still
    does; when it stops, this fails to say the cap can be switched on."""
    wrong = _imprecise(cap)
    if cap.proven:
        assert not wrong
    else:
        assert wrong, f"{cap.flag} is now precise on the golden set: set proven=True in CAPS"


def test_an_unproven_check_neither_caps_nor_is_carried():
    unproven = {c.flag for c in crosscheck.CAPS if not c.proven}
    assert crosscheck.established(unproven, SHORT) == set()
