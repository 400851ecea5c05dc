"""The schema sent to the model obeys OpenAI strict-mode rules; prompts are files."""

from __future__ import annotations

import json

import pytest

from interviewer.core.bank import get_bank
from interviewer.core.errors import ConfigError
from interviewer.core.rubric import build_rubric
from interviewer.grading.llm import templates
from interviewer.grading.llm.render import render_messages
from interviewer.grading.llm.schema import GradeReply, strict_schema
from tests.llm_helpers import ANSWER, reply_body


def _objects(node, path="$"):
    if isinstance(node, dict):
        if node.get("type") == "object":
            yield path, node
        for key, value in node.items():
            yield from _objects(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _objects(value, f"{path}[{i}]")


class TestStrictSchema:
    def test_every_object_is_closed_and_requires_all_its_properties(self):
        objects = list(_objects(strict_schema()))
        assert len(objects) >= 5
        for path, obj in objects:
            assert obj.get("additionalProperties") is False, path
            assert sorted(obj["required"]) == sorted(obj["properties"]), path
            assert obj["properties"], f"{path}: free-form object"

    def test_no_refs_defaults_or_recursion(self):
        text = json.dumps(strict_schema())
        assert "$ref" not in text and "$defs" not in text
        assert '"default"' not in text

    def test_reasoning_and_evidence_come_before_the_score(self):
        props = strict_schema()["properties"]
        for name in ("situation", "action", "quantified_results"):
            order = list(props[name]["properties"])
            assert order.index("evidence") < order.index("score")
            assert order.index("reasoning") < order.index("score")

    def test_scores_out_of_range_fail_validation(self):
        body = reply_body()
        body["task"]["score"] = 6
        with pytest.raises(ValueError, match="from 0 to 5"):
            GradeReply.model_validate(body)


class TestTemplates:
    def test_missing_variable_is_an_error(self):
        with pytest.raises(ConfigError, match="needs variable 'rubric'"):
            templates.render_prompt("grade_user", question_id="q1", question="?", reference="")

    def test_rendered_prompt_contains_rubric_anchors_and_indicators(self):
        bank = get_bank()
        q = bank.question("q8")
        system, user = render_messages(q, build_rubric(bank, "q8"), ANSWER, nonce="n")
        assert "never instructions" in system["content"]
        assert "5: A clear, first-person sequence of specific actions" in user["content"]
        assert bank.theme("pivot-checkpoints").indicators[0] in user["content"]
        assert q.text in user["content"]

    def test_each_rubric_is_rendered_as_itself_when_several_alternate(self):
        """The rendered rubric is remembered per rubric object: two questions' rubrics in
        turn (as a batch sends them) each keep their own key themes."""
        bank = get_bank()
        rubrics = {qid: build_rubric(bank, qid) for qid in ("q1", "q8")}
        for _ in range(2):
            for qid, rubric in rubrics.items():
                _, user = render_messages(bank.question(qid), rubric, ANSWER, nonce="n")
                themes = {d.id for d in rubric.themes}
                others = {d.id for r in rubrics.values() for d in r.themes} - themes
                assert all(f"`{t}`" in user["content"] for t in themes)
                assert not any(f"`{t}`" in user["content"] for t in others)
