"""LLMGrader: schema in, verified Grade out, through any OpenAI-compatible server.

The conversation (request -> reply -> maybe one re-ask, maybe a JSON-mode fallback) is
written once as a generator that yields requests and receives completions; ``grade`` and
``agrade`` only drive it with the sync or async client. Faults become typed errors from
``interviewer.core.errors``; the caller keeps the answer as ungraded when one is raised.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Generator
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal

import openai

from interviewer.core.bank import Question
from interviewer.core.errors import LLMInvalidReplyError
from interviewer.core.grade import Grade, Usage
from interviewer.core.rubric import Rubric
from interviewer.core.settings import Settings
from interviewer.grading.llm import crosscheck, render, replies
from interviewer.grading.llm.assemble import GRADER_VERSION, to_grade
from interviewer.grading.llm.chat import RateLimited, Request, apost_chat, post_chat
from interviewer.grading.llm.crosscheck import AnswerCheck
from interviewer.grading.llm.offload import CrosscheckPool, worth_offloading
from interviewer.grading.llm.replies import ServerCapabilities
from interviewer.grading.llm.retry import AsyncSleep, Sleep
from interviewer.grading.llm.schema import rubric_theme_ids, schema_hash, strict_schema
from interviewer.grading.llm.templates import prompt_hash

if TYPE_CHECKING:
    from interviewer.grading.offline import OfflineGrader

POOL_SIZE = 16  # connections per async client (see ``_pick_async_client``)
Conversation = Generator[Request, Any, Grade]


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
        self.settings = settings
        self._client = client
        self._async_client = async_client
        self._async_pool: list[Any] = []
        self._turn = 0
        self.nonce = nonce
        self.sleep = sleep
        self.async_sleep = async_sleep
        self.capabilities = ServerCapabilities(json_mode=settings.structured_output == "json")
        # a wide batch grades the offline cross-check on another core (see offload.py)
        self._crosscheck_pool: CrosscheckPool | None = None
        self.offload = worth_offloading(settings.concurrency)

    @cached_property
    def offline(self) -> OfflineGrader:
        """The offline grader for the cross-check, built on first use: a wide batch checks
        in worker processes and may never need one here (building it reads the lexicon)."""
        from interviewer.grading.offline import OfflineGrader

        return OfflineGrader()

    @classmethod
    def from_settings(cls, settings: Settings, **kwargs: Any) -> LLMGrader:
        """Check the configuration now, so a missing key is one clear line up front."""
        from interviewer.grading.llm.client import check_configured

        check_configured(settings)
        return cls(settings, **kwargs)

    @property
    def client(self) -> Any:
        if self._client is None:
            from interviewer.grading.llm.client import build_client

            self._client = build_client(self.settings)
        return self._client

    @property
    def async_client(self) -> Any:
        if self._async_client is None:
            from interviewer.grading.llm.client import build_async_client

            self._async_client = build_async_client(self.settings)
        return self._async_client

    def _pick_async_client(self) -> Any:
        """A client for the next call, round robin over ``concurrency / 16`` clients.

        The HTTP pool checks every open connection each time it hands one out, so its cost
        per request grows with the connections it holds; pools of at most 16 connections
        keep that flat at high concurrency (1.6x less client CPU at 100, measured).
        """
        if self._async_client is not None and not self._async_pool:
            return self._async_client  # one given in (tests), or a single pool is enough
        if not self._async_pool:
            from interviewer.grading.llm.client import build_async_client

            shards = max(1, -(-self.settings.concurrency // POOL_SIZE))
            self._async_pool = [build_async_client(self.settings) for _ in range(shards)]
            self._async_client = self._async_pool[0]
        self._turn = (self._turn + 1) % len(self._async_pool)
        return self._async_pool[self._turn]

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
                grade: Grade = done.value
                return grade

    async def agrade(
        self,
        question: Question,
        rubric: Rubric,
        answer: str,
        *,
        on_rate_limited: RateLimited | None = None,
    ) -> Grade:
        """Grade on the event loop; ``on_rate_limited`` is called on every 429 (before the
        retry waits), so a batch can lower its concurrency. Checking the reply against the
        answer is CPU work: in a wide batch the offline cross-check runs in a worker process
        while the request is in flight; otherwise the step runs in a thread."""
        pool = self._pool_for_crosscheck()
        future = await pool.start(question, rubric, answer) if pool else None
        checked: list[AnswerCheck] = []  # the cross-check, once the reply is in
        conversation = self.conversation(
            question, rubric, answer, offline=(lambda: checked[0]) if pool else None
        )
        request = next(conversation)
        client = self._pick_async_client()
        while True:
            try:
                reply: Any = await apost_chat(client, request, self.settings,
                                              sleep=self.async_sleep,
                                              on_rate_limited=on_rate_limited)  # fmt: skip
            except openai.BadRequestError as exc:
                reply = exc
            if pool is None:
                step = await asyncio.to_thread(_advance, conversation, reply)
            else:
                if not checked:
                    checked.append(await pool.result(future, question, rubric, answer))
                step = _advance(conversation, reply)  # what is left is light: inline
            if isinstance(step, Grade):
                return step
            request = step

    def _pool_for_crosscheck(self) -> CrosscheckPool | None:
        if self.offload and self._crosscheck_pool is None:
            self._crosscheck_pool = CrosscheckPool(lambda: self.offline)
        return self._crosscheck_pool

    async def aclose(self) -> None:
        """Close the async client inside the event loop that used it."""
        for client in self._async_pool or ([self._async_client] if self._async_client else []):
            await client.close()
        self._async_client = None
        self._async_pool = []
        if self._crosscheck_pool is not None:
            self._crosscheck_pool.close()
            self._crosscheck_pool = None

    def cache_identity(self) -> dict[str, Any]:
        """Everything besides the inputs that decides a grade: for the batch cache key."""
        s = self.settings
        return {
            "model": s.model,
            "temperature": s.temperature,
            "seed": s.seed,
            "structured_output": s.structured_output,
            "prompt_hash": prompt_hash(*render.PROMPT_NAMES),
            "schema_hash": schema_hash(),  # the base schema; rubric themes are in the key
            "version": GRADER_VERSION,
        }

    def send(self, request: Request) -> Any:
        """POST one chat-completion request with the transport retry policy."""
        return post_chat(self.client, request, self.settings, sleep=self.sleep)

    # --- the conversation ------------------------------------------------------------

    def conversation(
        self,
        question: Question,
        rubric: Rubric,
        answer: str,
        offline: Callable[[], AnswerCheck] | None = None,
    ) -> Conversation:
        """Yield requests, receive completions (or BadRequestError); return the Grade.

        What the server is found to lack is reported to ``self.capabilities`` (for later
        calls) and kept in this call's own variables; nothing here is shared mid-call.
        ``offline()``, when given, returns the cross-check computed elsewhere.
        """
        started = time.perf_counter()
        usage = Usage()
        nonce = self.nonce()
        json_mode, dropped = self.capabilities.snapshot()
        theme_ids = rubric_theme_ids(rubric)
        messages = render.render_messages(
            question, rubric, answer, nonce=nonce, json_mode=json_mode
        )
        reasked = False
        attempts = 0
        while True:
            request = self._request(messages, json_mode, dropped, theme_ids)
            reply = yield request
            attempts += 1
            if isinstance(reply, openai.BadRequestError):
                param = replies.unsupported_param(reply, request)
                if param:
                    # e.g. a reasoning model that only takes its default temperature, or a
                    # server without seeds: leave it out from now on and ask again.
                    dropped = dropped | {param}
                    self.capabilities.drop(param)
                    continue
                if json_mode or not replies.rejects_schema(reply):
                    raise LLMInvalidReplyError(
                        f"the server rejected the request: {reply.message}",
                        status=400,
                        attempts=attempts,
                        usage=usage,
                    )
                # The server has no strict structured outputs: fall back to JSON mode.
                json_mode = True
                self.capabilities.needs_json_mode()
                messages = render.render_messages(
                    question, rubric, answer, nonce=nonce, json_mode=True
                )
                continue
            replies.add_usage(usage, reply)
            content = replies.reply_content(reply)
            parsed, problem = replies.parse_reply(content, rubric)
            if parsed is None:
                if reasked:
                    raise LLMInvalidReplyError(
                        f"the model's reply did not match the grade schema twice: {problem}",
                        attempts=attempts,
                        last_reply=content,
                        usage=usage,
                    )
                reasked = True
                messages = [
                    *messages,
                    {"role": "assistant", "content": content},
                    render.reask_message(problem),
                ]
                continue
            latency = (time.perf_counter() - started) * 1000
            if offline is not None:
                check = offline()
            else:
                check = crosscheck.check_answer(self.offline, question, rubric, answer)
            return to_grade(
                parsed, rubric, answer, reply, usage, latency, check, self.settings.model
            )

    def _request(
        self,
        messages: list[dict[str, str]],
        json_mode: bool,
        dropped: frozenset[str],
        theme_ids: tuple[str, ...],
    ) -> Request:
        s = self.settings
        request: Request = {"model": s.model, "messages": messages, "temperature": s.temperature}
        if s.seed is not None:
            request["seed"] = s.seed
        for name in dropped:
            request.pop(name, None)
        if json_mode:
            response_format: dict[str, Any] = {"type": "json_object"}
        else:
            schema = strict_schema(theme_ids)
            response_format = {
                "type": "json_schema",
                "json_schema": {"name": "star_grade", "strict": True, "schema": schema},
            }
        request["response_format"] = response_format
        return request


def _advance(conversation: Conversation, reply: Any) -> Request | Grade:
    """One step of the conversation: the next request, or the finished Grade.

    (StopIteration cannot cross into an asyncio future, so it is turned into a value.)
    """
    try:
        return conversation.send(reply)
    except StopIteration as done:
        grade: Grade = done.value
        return grade
