""" "Show me a stronger version": an LLM rewrite of an answer in STAR form, own facts only.

The prompt forbids invented numbers, and code enforces it: any number in the rewrite that
the candidate never said becomes a visible placeholder (``[X%]``, ``[X]``), so a coach
never puts words in a candidate's mouth that they could be asked to defend.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

import openai

from interviewer.core.bank import Question
from interviewer.core.errors import LLMUnavailableError
from interviewer.core.grade import Grade
from interviewer.core.settings import Settings
from interviewer.grading.llm.chat import post_chat
from interviewer.grading.llm.render import fence, random_nonce
from interviewer.grading.llm.templates import render_prompt

NUMBER = re.compile(r"(?<![\w.])([$€£])?(\d[\d,]*(?:\.\d+)?)(\s?(?:%|x\b|k\b|m\b|ms\b))?")


def _digits(text: str) -> set[str]:
    return {m.group(2).replace(",", "") for m in NUMBER.finditer(text)}


def placeholder_numbers(rewrite: str, answer: str) -> str:
    """Replace every number the candidate did not say with a placeholder."""
    said = _digits(answer)

    def swap(m: re.Match[str]) -> str:
        if m.group(2).replace(",", "") in said:
            return m.group(0)
        currency, suffix = m.group(1) or "", (m.group(3) or "").strip()
        return f"[{currency}X{suffix}]"

    return NUMBER.sub(swap, rewrite)


def coach_answer(
    question: Question,
    answer: str,
    grade: Grade | None,
    settings: Settings,
    *,
    client: Any = None,
    sleep: Callable[[float], None] = time.sleep,
) -> str:
    """A stronger STAR version of ``answer`` built only from its own facts."""
    if client is None:
        settings.require_llm("a stronger version (the offline grader cannot rewrite answers)")
        from interviewer.grading.llm.client import build_client

        client = build_client(settings)
    feedback = "\n".join(f"- {i}" for i in (grade.improvements if grade else [])) or "- (none)"
    tag = f"answer-{random_nonce()}"
    messages = [
        {"role": "system", "content": render_prompt("coach_system")},
        {"role": "user", "content": render_prompt(
            "coach_user", question_id=question.id, question=question.text,
            feedback=feedback, tag=tag, answer=fence(answer, tag))},
    ]  # fmt: skip
    request = {"model": settings.model, "messages": messages, "temperature": 0.3}
    try:
        reply = post_chat(client, request, settings, sleep=sleep)
    except openai.BadRequestError as exc:
        raise LLMUnavailableError(f"the LLM refused the coaching request: {exc.message}") from exc
    text = reply.choices[0].message.content or ""
    return placeholder_numbers(text.strip(), answer)
