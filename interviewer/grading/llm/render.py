"""Render the grading conversation: system prompt, rubric, question and the fenced answer.

The answer goes inside ``<answer-NONCE>`` tags with a fresh random nonce per call, so the
answer cannot close the block: it cannot know the tag. Any ``<`` ``>`` look-alike of the
tag is escaped anyway, for a nonce fixed in tests and snapshots.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Callable
from functools import cache

from interviewer.core.bank import Question
from interviewer.core.rubric import Rubric
from interviewer.grading.llm.schema import rubric_theme_ids, strict_schema
from interviewer.grading.llm.templates import render_prompt

NonceFactory = Callable[[], str]
SYSTEM, USER, JSON_MODE, REASK = "grade_system", "grade_user", "grade_json_mode", "grade_reask"
PROMPT_NAMES = (SYSTEM, USER, JSON_MODE, REASK)


def random_nonce() -> str:
    return secrets.token_hex(8)


_RUBRIC_TEXTS: dict[int, tuple[Rubric, str]] = {}  # by rubric object (rubrics are frozen)


def render_rubric(rubric: Rubric) -> str:
    """The rubric as plain text, rendered once per rubric object: a batch sends the same
    rubric with every answer to its question."""
    cached = _RUBRIC_TEXTS.get(id(rubric))
    if cached is None or cached[0] is not rubric:
        if len(_RUBRIC_TEXTS) > 256:
            _RUBRIC_TEXTS.clear()
        cached = (rubric, _rubric_text(rubric))
        _RUBRIC_TEXTS[id(rubric)] = cached
    return cached[1]


def _rubric_text(rubric: Rubric) -> str:
    """Each dimension, its level anchors, a theme's indicators."""
    blocks = []
    for dim in rubric.dimensions:
        kind = "STAR dimension" if dim.kind == "star" else "Key theme"
        lines = [f"## {kind} `{dim.id}`: {dim.name}", dim.description]
        if dim.indicators:
            lines.append("Indicators:")
            lines += [f"- {ind}" for ind in dim.indicators]
        lines += [f"{level}: {text}" for level, text in sorted(dim.levels.items())]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def fence(answer: str, tag: str) -> str:
    """The answer with any opening or closing look-alike of the fence tag neutralised
    (``<`` becomes ``&lt;``), whatever its case or spacing (``< / ANSWER-x``).

    Every tag of the same family (``answer-`` with any nonce) is neutralised, so the
    pattern is compiled once per family rather than once per random nonce.
    """
    family = tag.rsplit("-", 1)[0] + "-" if "-" in tag else tag
    return _fence_pattern(family).sub(r"&lt;\1", answer)


@cache
def _fence_pattern(prefix: str) -> re.Pattern[str]:
    return re.compile(rf"<(\s*/?\s*{re.escape(prefix)})", re.IGNORECASE)


def render_messages(
    question: Question,
    rubric: Rubric,
    answer: str,
    *,
    nonce: str,
    json_mode: bool = False,
    reference: bool = True,
) -> list[dict[str, str]]:
    """The chat messages for one grading request."""
    system = render_prompt(SYSTEM)
    if json_mode:
        schema = strict_schema(rubric_theme_ids(rubric))
        system += "\n\n" + render_prompt(JSON_MODE, schema=json.dumps(schema, indent=1))
    ref = ""
    if reference and question.reference_answer:
        ref = (
            "For calibration only, a model answer written by the bank's author (do not "
            f"grade against its facts, only its quality):\n{question.reference_answer}\n"
        )
    tag = f"answer-{nonce}"
    user = render_prompt(
        USER,
        question_id=question.id,
        question=question.text,
        reference=ref,
        rubric=render_rubric(rubric),
        tag=tag,
        answer=fence(answer, tag),
    )
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def reask_message(error: str) -> dict[str, str]:
    """The follow-up user message that feeds a validation error back to the model."""
    return {"role": "user", "content": render_prompt(REASK, error=error)}
