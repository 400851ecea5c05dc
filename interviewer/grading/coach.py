""" "Show me a stronger version": an LLM rewrite of an answer in STAR form, own facts only.

The prompt forbids invented numbers, and code enforces it: any number in the rewrite that
the candidate never said becomes a visible placeholder (``[X%]``, ``[X]``), so a coach
never puts words in a candidate's mouth that they could be asked to defend.

Also the one test of whether a follow-up was already asked (``repeats_probe``), shared by
the engine that chooses probes and the report that suggests one: coaching never asks the
same thing twice. The LLM client is imported only when a rewrite is asked for, so that
test stays cheap to import.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable
from difflib import SequenceMatcher
from typing import Any

from interviewer.core.bank import Question
from interviewer.core.errors import LLMUnavailableError
from interviewer.core.grade import Grade
from interviewer.core.settings import Settings

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
    import openai

    from interviewer.grading.llm.chat import post_chat
    from interviewer.grading.llm.render import fence, random_nonce
    from interviewer.grading.llm.templates import render_prompt

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


# --- follow-up probes ---------------------------------------------------------------------

_PROBE_WORD = re.compile(r"[a-z0-9]+")


def _probe_words(text: str) -> list[str]:
    """Lower-case words without punctuation, a plural "s" dropped ("users" ~ "user")."""
    words = _PROBE_WORD.findall(text.lower().replace("’", "'").replace("'", ""))
    return [w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w
            for w in words]  # fmt: skip


# Words every probe shares ("what did you ..."): ignored when comparing what probes ask.
_PROBE_GLUE = frozenset(
    _probe_words(
        """
        a an the and or but so of for from to in on at by with about as it its this that
        these those there what how why when where which who whom did do does done was were
        is are be been you your yours i me my we our can could would should will tell us
        just exactly
        """
    )
)
NEAR_DUPLICATE = 0.85  # wording similarity (0-1) at or above which two probes are one


def same_probe(a: str, b: str) -> bool:
    """Whether two follow-up questions ask the same thing.

    Equal ignoring case and punctuation, nearly equal in wording ("What did the fix change
    for users?" / "What did that fix change for your users?"), or the same content words
    ("What did you learn?" / "What did you learn from it?").
    """
    wa, wb = _probe_words(a), _probe_words(b)
    if not wa or not wb:
        return False
    if wa == wb:
        return True
    if SequenceMatcher(None, " ".join(wa), " ".join(wb)).ratio() >= NEAR_DUPLICATE:
        return True
    ca, cb = set(wa) - _PROBE_GLUE, set(wb) - _PROBE_GLUE
    return bool(ca and cb) and len(ca & cb) / len(ca | cb) >= 0.8


def repeats_probe(probe: str, asked: Iterable[str]) -> bool:
    """Whether ``probe`` repeats (or nearly repeats) one of the probes ``asked``."""
    return any(same_probe(probe, earlier) for earlier in asked)
