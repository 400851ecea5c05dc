"""LLMGrader: schema in, verified Grade out, through any OpenAI-compatible server.

The conversation (request -> reply -> maybe one re-ask, maybe a JSON-mode fallback) is
written once as a generator that yields requests and receives completions; ``grade`` and
``agrade`` only drive it with the sync or async client. Faults become typed errors from
``interviewer.errors``; the caller keeps the answer as ungraded when one is raised.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable, Generator
from typing import Any, Literal

import openai
from openai.types.chat import ChatCompletion
from pydantic import ValidationError
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    Retrying,
)

from interviewer.bank import Question
from interviewer.errors import (
    GradingError,
    LLMContentFilterError,
    LLMInvalidReplyError,
    LLMRefusalError,
    LLMTruncatedError,
    LLMUnavailableError,
)
from interviewer.grade import (
    DimensionGrade,
    Flag,
    Grade,
    GradeMeta,
    Metric,
    QuantifiedResultsGrade,
    ThemeGrade,
    Usage,
    compute_overall,
)
from interviewer.llm import render, verify
from interviewer.llm.retry import AsyncSleep, Sleep, is_transient, policy
from interviewer.llm.schema import GradeReply, schema_hash, strict_schema
from interviewer.llm.templates import prompt_hash
from interviewer.redaction import safe_url
from interviewer.rubric import STAR_DIMENSIONS, Rubric
from interviewer.settings import Settings

GRADER_VERSION = "1.0"
# The request body is already plain JSON, so it is posted through the SDK's client as is:
# same auth, HTTP layer and error types as ``chat.completions.create``, without its
# per-request walk of every typed parameter (about 1.5 ms a request, measured).
CHAT_PATH = "/chat/completions"
Request = dict[str, Any]
Conversation = Generator[Request, Any, Grade]
# Deterministic flags the offline grader computes that an LLM grade carries too.
SHARED_FLAGS = {Flag.TOO_SHORT, Flag.NO_FIRST_PERSON, Flag.RAMBLING, Flag.OFF_TOPIC}


class LLMGrader:
    """Grades with a chat model; see the module docstring for the flow."""

    kind: Literal["llm"] = "llm"

    def __init__(
        self,
        settings: Settings,
        *,
        client: Any = None,
        async_client: Any = None,
        nonce: render.NonceFactory = render.random_nonce,
        sleep: Sleep = time.sleep,
        async_sleep: AsyncSleep = asyncio.sleep,
    ) -> None:
        from interviewer.offline import OfflineGrader

        self.settings = settings
        self._client = client
        self._async_client = async_client
        self.nonce = nonce
        self.sleep = sleep
        self.async_sleep = async_sleep
        self.json_mode = settings.structured_output == "json"
        # Sampling parameters this server rejected (400 naming them); left out from then on.
        self.dropped_params: set[str] = set()
        self.offline = OfflineGrader()
        # Called on every 429 before the retry waits, so a batch can lower its concurrency.
        self.on_rate_limited: Callable[[], None] | None = None

    @classmethod
    def from_settings(cls, settings: Settings, **kwargs: Any) -> LLMGrader:
        """Check the configuration now, so a missing key is one clear line up front."""
        from interviewer.llm.client import check_configured

        check_configured(settings)
        return cls(settings, **kwargs)

    @property
    def client(self) -> Any:
        if self._client is None:
            from interviewer.llm.client import build_client

            self._client = build_client(self.settings)
        return self._client

    @property
    def async_client(self) -> Any:
        if self._async_client is None:
            from interviewer.llm.client import build_async_client

            self._async_client = build_async_client(self.settings)
        return self._async_client

    # --- drivers -------------------------------------------------------------------

    def grade(self, question: Question, rubric: Rubric, answer: str) -> Grade:
        conversation = self.conversation(question, rubric, answer)
        request = next(conversation)
        while True:
            try:
                reply: Any = self.send(request)
            except openai.BadRequestError as exc:
                reply = exc
            try:
                request = conversation.send(reply)
            except StopIteration as done:
                return done.value

    async def agrade(self, question: Question, rubric: Rubric, answer: str) -> Grade:
        conversation = self.conversation(question, rubric, answer)
        request = next(conversation)
        while True:
            try:
                reply: Any = await self._asend(request)
            except openai.BadRequestError as exc:
                reply = exc
            try:
                request = conversation.send(reply)
            except StopIteration as done:
                return done.value

    def _retrying(self) -> dict[str, Any]:
        return policy(self.settings.max_retries, before_sleep=self._before_sleep)

    def _before_sleep(self, state: RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, openai.RateLimitError) and self.on_rate_limited is not None:
            self.on_rate_limited()

    def cache_identity(self) -> dict[str, Any]:
        """Everything besides the inputs that decides a grade: for the batch cache key."""
        s = self.settings
        return {
            "model": s.model,
            "temperature": s.temperature,
            "seed": s.seed,
            "structured_output": s.structured_output,
            "prompt_hash": prompt_hash(*render.PROMPT_NAMES),
            "schema_hash": schema_hash(),
            "version": GRADER_VERSION,
        }

    def send(self, request: Request) -> Any:
        """POST one chat-completion request with the transport retry policy."""
        try:
            for attempt in Retrying(sleep=self.sleep, **self._retrying()):
                with attempt:
                    return self.client.post(CHAT_PATH, body=request, cast_to=ChatCompletion)
        except openai.BadRequestError:
            raise
        except openai.APIError as exc:
            raise self._unavailable(exc) from exc
        raise AssertionError("unreachable")  # pragma: no cover

    async def _asend(self, request: Request) -> Any:
        try:
            async for attempt in AsyncRetrying(sleep=self.async_sleep, **self._retrying()):
                with attempt:
                    return await self.async_client.post(
                        CHAT_PATH, body=request, cast_to=ChatCompletion
                    )
        except openai.BadRequestError:
            raise
        except openai.APIError as exc:
            raise self._unavailable(exc) from exc
        raise AssertionError("unreachable")  # pragma: no cover

    def _unavailable(self, exc: openai.APIError) -> GradingError:
        where = safe_url(self.settings.openai_base_url) or "api.openai.com"
        if isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
            return LLMUnavailableError(
                f"the server at {where} rejected the API key ({exc.status_code}): "
                "check OPENAI_API_KEY"
            )
        if isinstance(exc, openai.NotFoundError):
            return LLMUnavailableError(
                f"model {self.settings.model!r} or the endpoint was not found at {where}: "
                "check INTERVIEWER_MODEL and OPENAI_BASE_URL"
            )
        tries = self.settings.max_retries + 1
        if isinstance(exc, openai.APIConnectionError):
            kind = "timed out" if isinstance(exc, openai.APITimeoutError) else "is unreachable"
            return LLMUnavailableError(
                f"the LLM server at {where} {kind} after {tries} attempts: check "
                "OPENAI_BASE_URL and that the server is running, or use --grader offline"
            )
        status = getattr(exc, "status_code", "?")
        if is_transient(exc):
            return LLMUnavailableError(
                f"the LLM server at {where} still failed ({status}) after {tries} attempts: "
                "try again later, raise INTERVIEWER_MAX_RETRIES, or use --grader offline"
            )
        message = getattr(exc, "message", "") or ""
        return LLMUnavailableError(
            f"the LLM server at {where} rejected the request ({status}): {message}"
        )

    # --- the conversation ------------------------------------------------------------

    def conversation(self, question: Question, rubric: Rubric, answer: str) -> Conversation:
        """Yield requests, receive completions (or BadRequestError); return the Grade."""
        started = time.perf_counter()
        usage = Usage()
        nonce = self.nonce()
        messages = render.render_messages(
            question, rubric, answer, nonce=nonce, json_mode=self.json_mode
        )
        reasked = False
        while True:
            request = self._request(messages)
            reply = yield request
            if isinstance(reply, openai.BadRequestError):
                dropped = _unsupported_param(reply, request)
                if dropped:
                    # e.g. a reasoning model that only takes its default temperature, or a
                    # server without seeds: drop it for this grader and ask again, once.
                    self.dropped_params.add(dropped)
                    continue
                if self.json_mode or not _rejects_schema(reply):
                    raise LLMInvalidReplyError(f"the server rejected the request: {reply.message}")
                # The server has no strict structured outputs: fall back to JSON mode.
                self.json_mode = True
                messages = render.render_messages(
                    question, rubric, answer, nonce=nonce, json_mode=True
                )
                continue
            _add_usage(usage, reply)
            content = _content(reply)
            parsed, problem = parse_reply(content, rubric)
            if parsed is None:
                if reasked:
                    raise LLMInvalidReplyError(
                        f"the model's reply did not match the grade schema twice: {problem}"
                    )
                reasked = True
                messages = [
                    *messages,
                    {"role": "assistant", "content": content},
                    render.reask_message(problem),
                ]
                continue
            latency = (time.perf_counter() - started) * 1000
            return self.to_grade(parsed, question, rubric, answer, reply, usage, latency)

    def _request(self, messages: list[dict[str, str]]) -> Request:
        s = self.settings
        request: Request = {"model": s.model, "messages": messages, "temperature": s.temperature}
        if s.seed is not None:
            request["seed"] = s.seed
        for name in self.dropped_params:
            request.pop(name, None)
        if self.json_mode:
            response_format: dict[str, Any] = {"type": "json_object"}
        else:
            response_format = {
                "type": "json_schema",
                "json_schema": {"name": "star_grade", "strict": True, "schema": strict_schema()},
            }
        request["response_format"] = response_format
        return request

    def to_grade(
        self,
        reply: GradeReply,
        question: Question,
        rubric: Rubric,
        answer: str,
        completion: Any,
        usage: Usage,
        latency_ms: float,
    ) -> Grade:
        """Verify the reply against the answer and build the Grade (overall in code)."""
        from interviewer.injection import find_injection

        checked = verify.verify_quotes(reply, answer)
        theme_ids = [d.id for d in rubric.themes]
        given = {t.theme: t for t in reply.themes if t.theme in theme_ids}
        raw = {d: getattr(reply, d).score for d in STAR_DIMENSIONS}
        raw.update({t: given[t].score if t in given else 0 for t in theme_ids})
        injected = bool(find_injection(answer))
        scores, flags = verify.cap_scores(raw, checked.evidence, answer, injected)
        offline = self.offline.grade(question, rubric, answer)
        flags |= {f for f in offline.flags if f in SHARED_FLAGS}
        if reply.off_topic:
            flags.add(Flag.OFF_TOPIC)
        if verify.disagreement(scores, offline):
            flags.add(Flag.GRADER_DISAGREEMENT)
        if checked.removed and not any(checked.evidence.values()):
            flags.add(Flag.INSUFFICIENT_EVIDENCE)

        def dim(name: str) -> dict[str, Any]:
            part = getattr(reply, name)
            return {
                "score": scores[name],
                "evidence": checked.evidence[name],
                "feedback": part.reasoning,
            }

        metrics = [
            Metric(value=m.value, measures=m.measures)
            for m in reply.quantified_results.metrics
            if verify.normalise(m.value) and verify.normalise(m.value) in verify.normalise(answer)
        ]
        meta = GradeMeta(
            grader="llm",
            grader_version=GRADER_VERSION,
            rubric_hash=rubric.hash,
            model=getattr(completion, "model", None) or self.settings.model,
            system_fingerprint=getattr(completion, "system_fingerprint", None),
            prompt_hash=prompt_hash(*render.PROMPT_NAMES),
            schema_hash=schema_hash(),
            usage=usage,
            latency_ms=round(latency_ms, 1),
            removed_quotes=checked.removed,
        )
        return Grade(
            situation=DimensionGrade(**dim("situation")),
            task=DimensionGrade(**dim("task")),
            action=DimensionGrade(**dim("action")),
            result=DimensionGrade(**dim("result")),
            quantified_results=QuantifiedResultsGrade(**dim("quantified_results"), metrics=metrics),
            lessons_learned=DimensionGrade(**dim("lessons_learned")),
            themes=[
                ThemeGrade(
                    theme=t,
                    score=scores[t],
                    evidence=checked.evidence.get(t, []),
                    feedback=given[t].reasoning if t in given else "",
                )
                for t in theme_ids
            ],
            strengths=reply.strengths,
            improvements=reply.improvements,
            follow_up=reply.follow_up,
            flags=sorted(flags),
            overall=compute_overall(scores, rubric),
            meta=meta,
        )


def parse_reply(content: str, rubric: Rubric) -> tuple[GradeReply | None, str]:
    """The validated reply, or None and a short account of what is wrong (for the re-ask).

    Beyond the schema, the themes must be exactly the rubric's key themes, once each: a
    theme the model skipped would otherwise score 0 without anyone noticing.
    """
    try:
        parsed = GradeReply.model_validate_json(content)
    except ValidationError as exc:
        return None, _brief(exc)
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


def _unsupported_param(exc: openai.BadRequestError, request: Request) -> str | None:
    """The sampling parameter a 400 complains about, if the request still sends it."""
    text = str(exc.message).lower()
    for name in DROPPABLE_PARAMS:
        if name in request and re.search(rf"\b{name}\b", text):
            return name
    return None


def _rejects_schema(exc: openai.BadRequestError) -> bool:
    text = str(exc.message).lower()
    return "response_format" in text or "json_schema" in text or "schema" in text


def _content(completion: Any) -> str:
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


def _add_usage(total: Usage, completion: Any) -> None:
    used = getattr(completion, "usage", None)
    if used is not None:
        total.prompt_tokens += used.prompt_tokens or 0
        total.completion_tokens += used.completion_tokens or 0
        total.total_tokens += used.total_tokens or 0


def _brief(exc: ValidationError) -> str:
    """A short, model-readable account of what failed validation."""
    parts = []
    for err in exc.errors()[:5]:
        loc = ".".join(str(p) for p in err["loc"]) or "(reply)"
        parts.append(f"{loc}: {err['msg']}")
    return "; ".join(parts)
