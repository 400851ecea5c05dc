"""One way to send a chat-completion request, for grading and coaching alike.

The request body is already plain JSON, so it is posted through the SDK's own client
(``client.post``): the same auth, HTTP layer and error types as
``chat.completions.create``, without its per-request walk of every typed parameter
(about 1.5 ms a request, measured). Transport faults are retried with the one policy of
``retry.py``; what is left becomes a typed ``LLMUnavailableError`` (a 400 is passed on:
the conversation decides what it means).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import openai
from openai.types.chat import ChatCompletion
from tenacity import AsyncRetrying, RetryCallState, Retrying

from interviewer.core.errors import GradingError, LLMUnavailableError
from interviewer.core.redaction import safe_url
from interviewer.core.settings import Settings
from interviewer.grading.llm.retry import AsyncSleep, RetryPolicy, Sleep, is_transient, policy

CHAT_PATH = "/chat/completions"
Request = dict[str, Any]
RateLimited = Callable[[], None]


def _retrying(settings: Settings, on_rate_limited: RateLimited | None) -> RetryPolicy:
    def before_sleep(state: RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, openai.RateLimitError) and on_rate_limited is not None:
            on_rate_limited()  # an explicit event: a batch lowers its concurrency

    return policy(settings.max_retries, before_sleep=before_sleep)


def post_chat(
    client: Any,
    request: Request,
    settings: Settings,
    *,
    sleep: Sleep,
    on_rate_limited: RateLimited | None = None,
) -> ChatCompletion:
    """POST one request with retries; raises BadRequestError (400) or a GradingError."""
    try:
        for attempt in Retrying(sleep=sleep, **_retrying(settings, on_rate_limited)):
            with attempt:
                reply: ChatCompletion = client.post(CHAT_PATH, body=request, cast_to=ChatCompletion)
                return reply
    except openai.BadRequestError:
        raise
    except openai.APIError as exc:
        raise unavailable(exc, settings) from exc
    raise AssertionError("unreachable")  # pragma: no cover


async def apost_chat(
    client: Any,
    request: Request,
    settings: Settings,
    *,
    sleep: AsyncSleep,
    on_rate_limited: RateLimited | None = None,
) -> ChatCompletion:
    """The asyncio twin of ``post_chat``."""
    try:
        async for attempt in AsyncRetrying(sleep=sleep, **_retrying(settings, on_rate_limited)):
            with attempt:
                reply: ChatCompletion = await client.post(
                    CHAT_PATH, body=request, cast_to=ChatCompletion
                )
                return reply
    except openai.BadRequestError:
        raise
    except openai.APIError as exc:
        raise unavailable(exc, settings) from exc
    raise AssertionError("unreachable")  # pragma: no cover


def unavailable(exc: openai.APIError, settings: Settings) -> GradingError:
    """The typed error for a fault that retries did not cure, with what to check."""
    where = safe_url(settings.openai_base_url) or "api.openai.com"
    status = getattr(exc, "status_code", None)
    tries = settings.max_retries + 1
    if isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
        message = f"the server at {where} rejected the API key ({status}): check OPENAI_API_KEY"
    elif isinstance(exc, openai.NotFoundError):
        message = (
            f"model {settings.model!r} or the endpoint was not found at {where}: "
            "check INTERVIEWER_MODEL and OPENAI_BASE_URL"
        )
    elif isinstance(exc, openai.APIConnectionError):
        kind = "timed out" if isinstance(exc, openai.APITimeoutError) else "is unreachable"
        message = (
            f"the LLM server at {where} {kind} after {tries} attempts: check "
            "OPENAI_BASE_URL and that the server is running, or use --grader offline"
        )
    elif is_transient(exc):
        message = (
            f"the LLM server at {where} still failed ({status}) after {tries} attempts: "
            "try again later, raise INTERVIEWER_MAX_RETRIES, or use --grader offline"
        )
    else:
        detail = getattr(exc, "message", "") or ""
        message = f"the LLM server at {where} rejected the request ({status}): {detail}"
    return LLMUnavailableError(message, status=status, attempts=tries)
