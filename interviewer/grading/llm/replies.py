"""What a server's reply means: the grade it holds, or the fault it reports.

Pure functions the conversation in ``grader.py`` calls on each completion or 400, plus the
``ServerCapabilities`` record where what a conversation learns about the server is kept.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from typing import Any

import openai
from pydantic import ValidationError

from interviewer.core.errors import LLMContentFilterError, LLMRefusalError, LLMTruncatedError
from interviewer.core.grade import Usage
from interviewer.core.rubric import Rubric
from interviewer.grading.llm.chat import Request
from interviewer.grading.llm.schema import GradeReply


@dataclass
class ServerCapabilities:
    """What conversations learned about the server, shared by all calls of one grader.

    A conversation reads a snapshot when it starts and reports what it learns (the server
    has no strict JSON-schema outputs; it rejects a sampling parameter) through these
    lock-protected methods; it never changes another conversation's state mid-flight.
    """

    json_mode: bool = False
    dropped: frozenset[str] = frozenset()
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def snapshot(self) -> tuple[bool, frozenset[str]]:
        with self._lock:
            return self.json_mode, self.dropped

    def needs_json_mode(self) -> None:
        with self._lock:
            self.json_mode = True

    def drop(self, param: str) -> None:
        with self._lock:
            self.dropped = self.dropped | {param}


def parse_reply(content: str, rubric: Rubric) -> tuple[GradeReply | None, str]:
    """The validated reply, or None and a short account of what is wrong (for the re-ask).

    Beyond the schema, the themes must be exactly the rubric's key themes, once each: a
    theme the model skipped would otherwise score 0 without anyone noticing.
    """
    try:
        parsed = GradeReply.model_validate_json(content)
    except ValidationError as exc:
        return None, brief(exc)
    wanted = [d.id for d in rubric.themes]
    got = [t.theme for t in parsed.themes]
    problems = []
    if missing := [t for t in wanted if t not in got]:
        problems.append(f"themes: no entry for {', '.join(missing)}")
    if unknown := [t for t in dict.fromkeys(got) if t not in wanted]:
        problems.append(
            f"themes: {', '.join(unknown)} is not a key theme of this rubric "
            f"(use exactly: {', '.join(wanted) or 'none'})"
        )
    if repeated := [t for t in dict.fromkeys(got) if got.count(t) > 1]:
        problems.append(f"themes: {', '.join(repeated)} given more than once")
    if problems:
        return None, "; ".join(problems)
    return parsed, ""


# Sampling parameters a server may not accept; the grade does not depend on having them.
DROPPABLE_PARAMS = ("seed", "temperature")


def unsupported_param(exc: openai.BadRequestError, request: Request) -> str | None:
    """The sampling parameter a 400 complains about, if the request still sends it."""
    text = str(exc.message).lower()
    for name in DROPPABLE_PARAMS:
        if name in request and re.search(rf"\b{name}\b", text):
            return name
    return None


def rejects_schema(exc: openai.BadRequestError) -> bool:
    """A 400 that says structured outputs are not supported (not any 400 saying "schema").

    It must name the feature (``response_format``, ``json_schema`` or structured outputs)
    and say it is not available; a 400 about an invalid schema keyword is a real error.
    """
    text = str(exc.message).lower()
    names_it = any(k in text for k in ("response_format", "json_schema", "structured output"))
    refuses = any(
        k in text
        for k in ("not supported", "unsupported", "not support", "unknown", "invalid type",
                  "not allowed", "must be one of", "not available", "unrecognized")
    )  # fmt: skip
    return names_it and refuses


def reply_content(completion: Any) -> str:
    """The reply text, or the typed error for a refusal, truncation or filter."""
    choice = completion.choices[0]
    message = choice.message
    if getattr(message, "refusal", None):
        raise LLMRefusalError(f"the model refused to grade: {message.refusal}")
    if choice.finish_reason == "length":
        raise LLMTruncatedError(
            "the model's reply was cut off (finish_reason=length): the answer may be too long "
            "for the model's output limit"
        )
    if choice.finish_reason == "content_filter":
        raise LLMContentFilterError("the provider's content filter stopped the reply")
    return message.content or ""


def add_usage(total: Usage, completion: Any) -> None:
    used = getattr(completion, "usage", None)
    if used is not None:
        total.prompt_tokens += used.prompt_tokens or 0
        total.completion_tokens += used.completion_tokens or 0
        total.total_tokens += used.total_tokens or 0


def brief(exc: ValidationError) -> str:
    """A short, model-readable account of what failed validation."""
    parts = []
    for err in exc.errors()[:5]:
        loc = ".".join(str(p) for p in err["loc"]) or "(reply)"
        parts.append(f"{loc}: {err['msg']}")
    return "; ".join(parts)
