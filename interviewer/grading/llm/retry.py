"""The one retry policy for transport faults: 429, 5xx, timeouts, connection errors.

The SDK's own retries are off (``max_retries=0`` in ``client.py``), so these never
multiply. Each retry has a predicate (``is_transient``) and a wait that honours the
server's ``Retry-After`` header and otherwise backs off exponentially with jitter.
Validation re-asks are a different kind of retry and live in the grader.
"""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import NotRequired, TypedDict

import openai
from tenacity import RetryCallState, retry_if_exception, stop_after_attempt
from tenacity.retry import retry_base
from tenacity.stop import stop_base

MAX_WAIT = 60.0
BASE_WAIT = 0.5


def is_transient(exc: BaseException) -> bool:
    """Worth retrying unchanged: rate limits, server errors, timeouts, dropped connections."""
    if isinstance(exc, openai.APIConnectionError):  # includes APITimeoutError
        return True
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code == 429 or exc.status_code >= 500
    return False


def retry_after(exc: BaseException | None) -> float | None:
    """Seconds the server asked us to wait, from ``retry-after-ms`` or ``Retry-After``
    (seconds or an HTTP date); None when it did not say, or said something unreadable."""
    response = getattr(exc, "response", None)
    if response is None:
        return None
    headers = response.headers
    try:
        if "retry-after-ms" in headers:
            return float(headers["retry-after-ms"]) / 1000
    except ValueError:
        pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    try:  # the HTTP-date form: "Wed, 21 Oct 2026 07:28:00 GMT"
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def wait_for(state: RetryCallState) -> float:
    """Retry-After when given (capped), else exponential backoff with full jitter."""
    exc = state.outcome.exception() if state.outcome else None
    asked = retry_after(exc)
    if asked is not None:
        return min(max(asked, 0.0), MAX_WAIT)
    ceiling = min(MAX_WAIT, BASE_WAIT * 2 ** (state.attempt_number - 1))
    return random.uniform(0, ceiling)


Sleep = Callable[[float], None]
AsyncSleep = Callable[[float], Awaitable[None]]


BeforeSleep = Callable[[RetryCallState], None]


class RetryPolicy(TypedDict):
    """Keyword arguments for tenacity's ``Retrying``/``AsyncRetrying``, typed as they take
    them; the caller adds its own ``sleep`` (shortened in tests)."""

    retry: retry_base
    wait: Callable[[RetryCallState], float]
    stop: stop_base
    reraise: bool
    before_sleep: NotRequired[BeforeSleep]


def policy(max_retries: int, *, before_sleep: BeforeSleep | None = None) -> RetryPolicy:
    """Keyword arguments for tenacity's ``Retrying``/``AsyncRetrying``: the one transport
    retry policy (predicate, wait, attempts), shared by grading, transcription and coaching.
    ``before_sleep`` runs before each wait (e.g. to tell a batch it was rate limited)."""
    kwargs: RetryPolicy = {
        "retry": retry_if_exception(is_transient),
        "wait": wait_for,
        "stop": stop_after_attempt(max_retries + 1),
        "reraise": True,
    }
    if before_sleep is not None:
        kwargs["before_sleep"] = before_sleep
    return kwargs
