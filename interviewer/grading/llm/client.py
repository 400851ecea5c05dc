"""The one place that builds an OpenAI client.

Works with OpenAI, Azure OpenAI (its v1 endpoint as ``OPENAI_BASE_URL``) and any
OpenAI-compatible server (Ollama, vLLM, llama.cpp server, LM Studio). The SDK's own retries
are switched off (``max_retries=0``): tenacity in the caller owns retries, so the two never
multiply. The key goes only into the Authorization header the SDK sends.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any, TypedDict

from interviewer.core.settings import Settings

if TYPE_CHECKING:
    from openai import AsyncOpenAI, OpenAI

# Local servers accept any key; the SDK insists on one being set.
LOCAL_SERVER_KEY = "not-needed"


def check_configured(settings: Settings) -> None:
    """One clear line saying what to set when no LLM is configured."""
    _client_kwargs(settings)


class _ClientKwargs(TypedDict):
    """What every client is built with, typed as the SDK's constructors take it."""

    api_key: str
    base_url: str | None
    timeout: float
    max_retries: int


def _client_kwargs(settings: Settings) -> _ClientKwargs:
    settings.require_llm("this command", "a local OpenAI-compatible server")
    key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else ""
    return {
        "api_key": key or LOCAL_SERVER_KEY,
        "base_url": settings.openai_base_url or None,
        "timeout": settings.timeout,
        "max_retries": 0,
    }


def build_client(settings: Settings, http_client: Any = None) -> OpenAI:
    """A synchronous client configured from settings.

    ``http_client`` (an ``httpx2.Client``) swaps the transport, e.g. to replay recorded
    replies in evals; everything above the transport stays the real SDK.
    """
    from openai import OpenAI

    return OpenAI(**_client_kwargs(settings), http_client=http_client)


def build_async_client(settings: Settings) -> AsyncOpenAI:
    """An asyncio client configured from settings, for concurrent batches.

    Its HTTP client shares one TLS context with every other async client of the process:
    loading the CA bundle costs about 70 ms, and a batch may open several clients.
    """
    from openai import AsyncOpenAI, DefaultAsyncHttpxClient

    http_client = DefaultAsyncHttpxClient(verify=_tls_context())
    return AsyncOpenAI(**_client_kwargs(settings), http_client=http_client)


@cache
def _tls_context() -> Any:
    import httpx2

    return httpx2.create_ssl_context()
