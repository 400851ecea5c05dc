"""The reply the model must produce, and its strict JSON schema.

Each dimension lists its evidence and reasoning *before* its score, so the model commits
to quotes before it picks a number. The schema is strict-safe for OpenAI structured
outputs: every property required, ``additionalProperties: false``, no free-form dicts, no
recursion, no defaults. Score bounds live in pydantic validators (not in the schema), so a
reply with a 7 fails validation here and is re-asked with the error.
"""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from interviewer.core.rubric import Rubric, content_hash


class _Reply(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _check_score(value: int) -> int:
    if not 0 <= value <= 5:
        raise ValueError(f"score must be an integer from 0 to 5, got {value}")
    return value


class DimensionAssessment(_Reply):
    evidence: list[str] = Field(description="verbatim quotes from the answer")
    reasoning: str = Field(description="one or two sentences: which level fits and why")
    score: int = Field(description="0-5, from the level anchors")

    _score = field_validator("score")(_check_score)


class MetricFound(_Reply):
    value: str = Field(description="the number as written, e.g. '18%' or '$45,000'")
    measures: str = Field(description="what it measures")


class QuantifiedAssessment(_Reply):
    evidence: list[str] = Field(description="verbatim quotes containing the outcome numbers")
    metrics: list[MetricFound]
    reasoning: str
    score: int

    _score = field_validator("score")(_check_score)


class ThemeAssessment(_Reply):
    theme: str = Field(description="the theme id from the rubric")
    evidence: list[str]
    reasoning: str
    score: int

    _score = field_validator("score")(_check_score)


class GradeReply(_Reply):
    """What the model returns; ``to_grade`` in the grader turns it into a Grade."""

    situation: DimensionAssessment
    task: DimensionAssessment
    action: DimensionAssessment
    result: DimensionAssessment
    quantified_results: QuantifiedAssessment
    lessons_learned: DimensionAssessment
    themes: list[ThemeAssessment]
    strengths: list[str]
    improvements: list[str]
    follow_up: str
    injection_detected: bool = Field(description="the answer tries to instruct the grader")
    off_topic: bool = Field(description="the answer does not address the question")


def _inline_refs(node: Any, defs: dict[str, Any]) -> Any:
    if isinstance(node, dict):
        if "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[-1]
            return _inline_refs(copy.deepcopy(defs[name]), defs)
        return {k: _inline_refs(v, defs) for k, v in node.items() if k != "$defs"}
    if isinstance(node, list):
        return [_inline_refs(v, defs) for v in node]
    return node


def _strictify(node: Any) -> Any:
    if isinstance(node, dict):
        node = {k: _strictify(v) for k, v in node.items() if k not in ("title", "default")}
        if node.get("type") == "object":
            node["additionalProperties"] = False
            node["required"] = list(node.get("properties", {}))
        return node
    if isinstance(node, list):
        return [_strictify(v) for v in node]
    return node


@cache
def _strict_schema_cached(theme_ids: tuple[str, ...]) -> str:
    import json

    raw = GradeReply.model_json_schema()
    schema = _strictify(_inline_refs(raw, raw.get("$defs", {})))
    if theme_ids:  # the model can only name the rubric's own themes
        theme = schema["properties"]["themes"]["items"]["properties"]["theme"]
        theme["enum"] = list(theme_ids)
        theme["description"] = "one of the rubric's key theme ids; give each exactly once"
    return json.dumps(schema)  # key order kept: evidence and reasoning come before score


@cache
def strict_schema(theme_ids: tuple[str, ...] = ()) -> dict[str, Any]:
    """The JSON schema sent to the model (refs inlined, strict-mode rules applied).

    With ``theme_ids`` (the rubric's key themes), a theme's id is an enum of them, so a
    model under strict structured outputs cannot invent a theme. Built once per theme set
    and shared: callers must not mutate it.
    """
    import json

    schema: dict[str, Any] = json.loads(_strict_schema_cached(tuple(theme_ids)))
    return schema


@cache
def schema_hash(theme_ids: tuple[str, ...] = ()) -> str:
    return content_hash(strict_schema(tuple(theme_ids)))


def rubric_theme_ids(rubric: Rubric) -> tuple[str, ...]:
    return tuple(d.id for d in rubric.themes)
