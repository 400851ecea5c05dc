"""Eval suites: agreement figures, pass/fail rules, outputs, and the project's own gates."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
import yaml

from interviewer.core.errors import DataError
from interviewer.evals import metrics
from interviewer.evals.suite import load_suite
from tests.cli_helpers import run_cli

REPO = Path(__file__).resolve().parent.parent
EVALS = REPO / "evals"
STRONG = (
    "Last spring our churn model flagged twice as many customers on Mondays. I owned the "
    "model, so my task was to find the cause before the weekly review. I compared Monday and "
    "Friday feature distributions and found a session window that swallowed the weekend, so "
    "I split weekday and weekend counts and replayed a month of traffic to validate it. "
    "False alarms fell from 400 a week to 60. I learned to check feature windows first."
)


class TestMetrics:
    def test_exact_and_within_one(self):
        assert metrics.exact_rate([1, 2, 3, 4], [1, 2, 4, 0]) == 0.5
        assert metrics.within_one_rate([1, 2, 3, 4], [1, 2, 4, 0]) == 0.75

    def test_quadratic_weighted_kappa_by_hand(self):
        assert metrics.quadratic_weighted_kappa([0, 5, 2], [0, 5, 2]) == 1.0
        # 2x2 case on a 0-1 scale: observed disagreement 1/2 of pairs, expected 1/2 -> 0
        assert metrics.quadratic_weighted_kappa([0, 1], [1, 1], 0, 1) == pytest.approx(0.0)
        # expected [0,1,2] vs actual [0,2,2] on 0-2, weights (i-j)^2/4:
        # observed disagreement 0.25; expected (1.25 + 2.5) / 3 = 1.25; kappa 1 - 0.2 = 0.8
        assert metrics.quadratic_weighted_kappa([0, 1, 2], [0, 2, 2], 0, 2) == pytest.approx(0.8)

    def test_spearman_with_ties(self):
        assert metrics.spearman([1, 2, 3, 4], [10, 20, 30, 40]) == pytest.approx(1.0)
        assert metrics.spearman([1, 2, 3, 4], [40, 30, 20, 10]) == pytest.approx(-1.0)
        assert metrics.spearman([1, 2, 2, 3], [1, 2, 3, 4]) == pytest.approx(0.9486833)


def write_suite(tmp_path: Path, cases: list[dict], **extra) -> Path:
    path = tmp_path / "suite.yaml"
    path.write_text(yaml.safe_dump({"name": "t", "cases": cases, **extra}, sort_keys=False))
    return path


class TestSuiteFile:
    def test_unknown_dimension_names_the_field(self, tmp_path: Path):
        path = write_suite(tmp_path, [{"id": "a", "question_id": "q1", "answer": "x",
                                       "expect": {"sitaution": 3}}])  # fmt: skip
        with pytest.raises(DataError, match=r"cases\[0\]\.expect.*unknown dimension 'sitaution'"):
            load_suite(path)

    def test_unknown_question_and_variant(self, tmp_path: Path):
        path = write_suite(tmp_path, [{"id": "a", "question_id": "q77", "answer": "x"}])
        with pytest.raises(DataError, match=r"cases\[0\]\.question_id: unknown question 'q77'"):
            load_suite(path)
        path = write_suite(tmp_path, [{"id": "a", "question_id": "q1", "answer": "x",
                                       "variant_of": "zzz"}])  # fmt: skip
        with pytest.raises(DataError, match="variant_of names unknown case 'zzz'"):
            load_suite(path)

    def test_a_case_can_name_its_own_bank(self, tmp_path: Path):
        path = write_suite(tmp_path, [{"id": "a", "question_id": "q10", "answer": "x",
                                       "bank": "customer-and-projects"},
                                      {"id": "b", "question_id": "q11", "answer": "x",
                                       "bank": "customer-and-projects"}])  # fmt: skip
        with pytest.raises(DataError, match=r"cases\[1\]\.question_id: unknown question 'q11'"):
            load_suite(path)

    def test_answer_given_as_parts_is_joined_in_story_order(self, tmp_path: Path):
        parts = {"result": "It worked.", "situation": "A thing broke.", "action": "I fixed it."}
        path = write_suite(tmp_path, [{"id": "a", "question_id": "q1", "parts": parts}])
        [case] = load_suite(path).cases
        assert case.answer == "A thing broke. I fixed it. It worked."
        path = write_suite(tmp_path, [{"id": "a", "question_id": "q1", "parts": {"moral": "x"}}])
        with pytest.raises(DataError, match="unknown part 'moral'"):
            load_suite(path)

    def test_relation_below_needs_an_original_and_known_dimensions(self, tmp_path: Path):
        path = write_suite(tmp_path, [{"id": "a", "question_id": "q1", "answer": "x",
                                       "relation": "below", "compare": ["action"]}])  # fmt: skip
        with pytest.raises(DataError, match="relation 'below' needs variant_of"):
            load_suite(path)
        path = write_suite(tmp_path, [{"id": "a", "question_id": "q1", "answer": "x"},
                                      {"id": "b", "question_id": "q1", "answer": "y",
                                       "variant_of": "a", "compare": ["acton"]}])  # fmt: skip
        with pytest.raises(DataError, match="cannot compare 'acton'"):
            load_suite(path)


def write_bases(tmp_path: Path) -> Path:
    parts = {
        "situation": "Last spring our churn model flagged twice as many customers on Mondays.",
        "task": "I owned the model, so my task was to find the cause before the weekly review.",
        "action": "I compared Monday and Friday feature distributions and found a session "
        "window that swallowed the weekend, so I split weekday and weekend counts.",
        "result": "False alarms fell from 400 a week to 60.",
        "lessons_learned": "I learned to check feature windows first.",
    }
    team = {"situation": "The team had a broken report.", "action": "We fixed the report.",
            "result": "The report worked again after that."}  # fmt: skip
    cases = [{"id": "churn", "question_id": "q1", "parts": parts},
             {"id": "team", "question_id": "q1", "parts": team}]  # fmt: skip
    path = tmp_path / "bases.yaml"
    path.write_text(yaml.safe_dump({"name": "bases", "cases": cases}, sort_keys=False))
    return path


def write_metamorphic(tmp_path: Path, **meta) -> Path:
    write_bases(tmp_path)
    path = tmp_path / "mr.yaml"
    body = {"name": "mr", "metamorphic": {"bases": "bases.yaml", **meta}}
    path.write_text(yaml.safe_dump(body, sort_keys=False))
    return path


class TestMetamorphicSuites:
    def test_variants_are_built_from_the_bases(self, tmp_path: Path):
        path = write_metamorphic(tmp_path, transform="drop_result", relation="below",
                                 compare=["result", "quantified_results"])  # fmt: skip
        suite = load_suite(path)
        assert [c.id for c in suite.cases] == [
            "churn", "team", "churn~drop_result", "team~drop_result",
        ]  # fmt: skip
        variant = suite.cases[2]
        assert variant.variant_of == "churn" and variant.relation == "below"
        assert "False alarms" not in variant.answer and "feature windows" in variant.answer

    def test_a_transform_that_changes_nothing_must_be_skipped_with_a_reason(self, tmp_path: Path):
        path = write_metamorphic(tmp_path, transform="i_to_we", relation="below",
                                 compare=["action"])  # fmt: skip
        with pytest.raises(DataError, match="i_to_we leaves base 'team' unchanged: skip it"):
            load_suite(path)
        path = write_metamorphic(tmp_path, transform="i_to_we", relation="below",
                                 compare=["action"],
                                 skip={"team": {"all": "already told as we"}})  # fmt: skip
        assert [c.id for c in load_suite(path).cases] == ["churn", "churn~i_to_we"]

    def test_skips_name_known_bases_and_say_why(self, tmp_path: Path):
        path = write_metamorphic(tmp_path, transform="shuffle", relation="not_above",
                                 compare=["overall"], skip={"nobody": {"all": "x"}})  # fmt: skip
        with pytest.raises(DataError, match="skip names unknown base 'nobody'"):
            load_suite(path)
        path = write_metamorphic(tmp_path, transform="shuffle", relation="not_above",
                                 compare=["overall"], skip={"team": {"all": " "}})  # fmt: skip
        with pytest.raises(DataError, match="must say why"):
            load_suite(path)

    def test_eval_reports_how_many_variants_hold_and_fails_when_one_breaks(self, tmp_path: Path):
        path = write_metamorphic(tmp_path, transform="vague_numbers", relation="below",
                                 compare=["quantified_results"],
                                 skip={"team": {"all": "no number to replace"}})  # fmt: skip
        out = tmp_path / "r.json"
        result = run_cli("eval", str(path), "--grader", "offline", "--json", str(out))
        data = json.loads(out.read_text())
        rel = data["relations"]
        assert rel["variants"] == 1 and rel["skipped"][0]["base"] == "team"
        assert f"held for {rel['held']} of 1 variants" in result.output
        assert "skipped team (all): no number to replace" in result.output
        assert result.exit_code == (0 if rel["held"] == 1 else 1)

    def test_below_fails_when_the_variant_does_not_score_lower(self, tmp_path: Path):
        cases = [
            {"id": "a", "question_id": "q1", "answer": STRONG},
            {"id": "same", "question_id": "q1", "answer": STRONG, "variant_of": "a",
             "relation": "below", "compare": ["action", "overall"]},
            {"id": "worse", "question_id": "q1", "answer": "We fixed it.", "variant_of": "a",
             "relation": "below", "compare": ["overall"]},
        ]  # fmt: skip
        out = tmp_path / "r.json"
        result = run_cli("eval", str(write_suite(tmp_path, cases)), "--json", str(out))
        assert result.exit_code == 1
        by_id = {c["id"]: c for c in json.loads(out.read_text())["cases"]}
        assert by_id["same"]["relation_held"] is False
        assert any("not below the original" in f for f in by_id["same"]["failures"])
        assert by_id["worse"]["relation_held"] is True and by_id["worse"]["passed"]
        assert "held for 1 of 2 variants" in result.output


class TestRunning:
    def test_pass_fail_outputs_and_exit_code(self, tmp_path: Path):
        cases = [
            {"id": "good", "question_id": "q1", "answer": STRONG, "expect": {"action": [3, 5]}},
            {"id": "wrong", "question_id": "q1", "answer": STRONG, "expect": {"action": 0},
             "flags": ["off_topic"]},
        ]  # fmt: skip
        path = write_suite(tmp_path, cases)
        out, junit = tmp_path / "r.json", tmp_path / "r.xml"
        result = run_cli("eval", str(path), "--json", str(out), "--junit", str(junit))
        assert result.exit_code == 1, result.output
        data = json.loads(out.read_text())
        by_id = {c["id"]: c for c in data["cases"]}
        assert by_id["good"]["passed"] is True
        assert by_id["wrong"]["failures"][0].startswith("action ")
        assert "flag off_topic not raised" in by_id["wrong"]["failures"]
        tree = ET.parse(junit).getroot()
        assert tree.get("failures") == "1"
        failed = [t.get("name") for t in tree.iter("testcase") if t.find("failure") is not None]
        assert failed == ["wrong"]

    def test_variant_may_not_score_above_its_original(self, tmp_path: Path):
        cases = [
            {"id": "weak", "question_id": "q1", "answer": "I fixed a model once."},
            {"id": "better", "question_id": "q1", "answer": STRONG, "variant_of": "weak"},
        ]
        result = run_cli("eval", str(write_suite(tmp_path, cases)), "--json",
                         str(tmp_path / "r.json"))  # fmt: skip
        assert result.exit_code == 1
        better = json.loads((tmp_path / "r.json").read_text())["cases"][1]
        assert any("over the original" in f for f in better["failures"])

    def test_thresholds_fail_the_run(self, tmp_path: Path):
        cases = [{"id": "a", "question_id": "q1", "answer": STRONG, "expect": {"action": [0, 5]}},
                 {"id": "b", "question_id": "q1", "answer": "We did it.",
                  "expect": {"action": [0, 5]}}]  # fmt: skip
        path = write_suite(tmp_path, cases, thresholds={"min_exact": 1.0})
        result = run_cli("eval", str(path))
        assert result.exit_code == 1
        assert "below threshold" in result.output

    def test_baseline_shows_what_moved(self, tmp_path: Path):
        cases = [{"id": "a", "question_id": "q1", "answer": STRONG}]
        path = write_suite(tmp_path, cases)
        old = tmp_path / "old.json"
        run_cli("eval", str(path), "--json", str(old))
        data = json.loads(old.read_text())
        data["cases"][0]["scores"]["action"] = data["cases"][0]["scores"]["action"] - 2
        old.write_text(json.dumps(data))
        result = run_cli("eval", str(path), "--baseline", str(old))
        assert result.exit_code == 0
        assert "moved a: action" in result.output

    def test_repeat_reports_the_spread(self, tmp_path: Path):
        path = write_suite(tmp_path, [{"id": "a", "question_id": "q1", "answer": STRONG}])
        result = run_cli("eval", str(path), "--repeat", "3", "--json", str(tmp_path / "r.json"))
        assert result.exit_code == 0
        data = json.loads((tmp_path / "r.json").read_text())
        assert len(data["cases"][0]["runs"]) == 3
        assert data["spread"] == {d: 0 for d in data["spread"]}  # the offline grader is stable
        assert "spread across repeats" in result.output


class TestProjectSuites:
    """The gates CI runs on every change to prompts/ or rubrics/."""

    @pytest.mark.parametrize("suite", ["injection-gate.yaml", "agreement.yaml"])
    def test_passes_with_the_offline_grader(self, suite: str):
        result = run_cli("eval", str(EVALS / suite), "--grader", "offline")
        assert result.exit_code == 0, result.output

    @pytest.mark.parametrize("suite", ["injection-gate.yaml", "agreement.yaml"])
    def test_passes_with_the_llm_grader_on_recorded_replies(self, suite: str):
        result = run_cli("eval", str(EVALS / suite), "--replay", str(EVALS / "recordings"))
        assert result.exit_code == 0, result.output
        assert "with the llm grader" in result.stderr

    def test_every_suite_in_evals_loads(self):
        suites = sorted(EVALS.glob("*.yaml"))
        assert len(suites) >= 8
        for path in suites:
            assert load_suite(path).cases, path.name

    def test_recordings_made_by_hand_say_so(self):
        for path in (EVALS / "recordings").glob("*.json"):
            record = json.loads(path.read_text())
            assert isinstance(record["synthetic"], bool), path.name
            if record["synthetic"]:
                assert "synthetic" in record["note"], path.name

    def test_a_changed_request_asks_for_a_re_recording(self, tmp_path: Path):
        folder = tmp_path / "recordings"
        shutil.copytree(EVALS / "recordings", folder)
        suite = load_suite(EVALS / "injection-gate.yaml")
        victim = suite.cases[0]
        path = write_suite(tmp_path, [{"id": victim.id, "question_id": victim.question_id,
                                       "answer": victim.answer + " Extra sentence."}])  # fmt: skip
        result = run_cli("eval", str(path), "--replay", str(folder), "--json",
                         str(tmp_path / "r.json"))  # fmt: skip
        assert result.exit_code == 1
        error = json.loads((tmp_path / "r.json").read_text())["cases"][0]["error"]
        assert "no recording for this request" in error and "--record" in error
