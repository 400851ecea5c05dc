"""Planning with an LLM: the model ranks the banks' questions for the job and writes up
to K new ones; code assembles them into a bank and checks it against the bank schema.

A reply that is not the JSON asked for, names a question that does not exist, or makes a
bank that fails validation (a theme id that is not a slug, a question tagged with a theme
nobody defined) is re-asked once with the exact error; a second failure is one clear
``LLMInvalidReplyError`` and the caller writes nothing. The request goes through the one
chat call style (``grading/llm/chat.py``) and the one client builder; the prompt files are
``prompts/plan_*.md``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from interviewer.core.bank import Bank, Question
from interviewer.core.errors import (
    DataError,
    LLMContentFilterError,
    LLMInvalidReplyError,
    LLMRefusalError,
    LLMTruncatedError,
    LLMUnavailableError,
)
from interviewer.core.settings import Settings
from interviewer.prep.jobbank import (
    Plan,
    PlanItem,
    ThemeIds,
    bank_data,
    check_bank,
    job_bank_id,
)

if TYPE_CHECKING:
    from interviewer.prep.job import JobDescription

MAX_CANDIDATES = 60  # questions shown to the model: all of the usual banks, fewer of huge ones
SYSTEM, USER, REASK = "plan_system", "plan_user", "plan_reask"
WHERE = "the generated job bank"


class _Pick(BaseModel):
    bank_id: str
    question_id: str
    why: str = ""


class _NewQuestion(BaseModel):
    text: str
    themes: list[str] = []
    probes: list[str] = []
    why: str = ""


class PlanReply(BaseModel):
    """What the model must send back (JSON object)."""

    picks: list[_Pick] = []
    new_questions: list[_NewQuestion] = []
    new_themes: list[dict[str, Any]] = []  # checked as bank themes once assembled


class _Unusable(Exception):
    """The reply cannot be used; the message is what to tell the model."""


def llm_plan(
    job: JobDescription,
    banks: Sequence[Bank],
    candidates: Sequence[tuple[str, str]],
    settings: Settings,
    *,
    count: int,
    new: int,
    client: Any = None,
    sleep: Callable[[float], None] = time.sleep,
    nonce: Callable[[], str] | None = None,
) -> Plan:
    """Ask the model for a plan; ``candidates`` are (bank id, question id), best first."""

    from interviewer.grading.llm.render import fence, random_nonce
    from interviewer.grading.llm.templates import render_prompt

    if client is None:
        from interviewer.grading.llm.client import build_client

        client = build_client(settings)
    by_id = {b.id: b for b in banks}
    shown = [(by_id[b], by_id[b].question(q)) for b, q in candidates[:MAX_CANDIDATES]]
    catalog = ThemeIds()
    for bank, q in shown:
        for t in q.themes:
            catalog.add(bank, t)
    tag = f"job-{(nonce or random_nonce)()}"
    messages: list[dict[str, str]] = [
        {"role": "system", "content": render_prompt(SYSTEM)},
        {"role": "user", "content": render_prompt(
            USER, count=count, new=new, tag=tag, job=fence(job.text, tag),
            themes=_themes_text(catalog), questions=_questions_text(shown, catalog))},
    ]  # fmt: skip
    request: dict[str, Any] = {
        "model": settings.model,
        "messages": messages,
        "temperature": settings.temperature,
        "response_format": {"type": "json_object"},
    }
    if settings.seed is not None:
        request["seed"] = settings.seed
    problem = ""
    for attempt in (1, 2):
        reply = _send(client, request, settings, sleep)
        content = _content(reply)
        try:
            return _assemble(content, job, shown, catalog, count, new, settings.model)
        except _Unusable as exc:
            problem = str(exc)
        if attempt == 1:
            request["messages"] = [
                *messages,
                {"role": "assistant", "content": content},
                {"role": "user", "content": render_prompt(REASK, problem=problem)},
            ]
    raise LLMInvalidReplyError(
        f"the model's job bank failed validation twice ({problem}); nothing was written",
        attempts=2,
    )


# Request parameters a server may not take; the plan does not depend on them (the prompt
# asks for JSON itself, and the reply is validated whatever the server promised).
DROPPABLE = ("response_format", "seed", "temperature")


def _send(
    client: Any, request: dict[str, Any], settings: Settings, sleep: Callable[[float], None]
) -> Any:
    """POST through the one chat call style; a 400 naming a droppable parameter the request
    still has is sent again without it (the server is told what it lacks only this way)."""
    import openai

    from interviewer.grading.llm.chat import post_chat

    while True:
        try:
            return post_chat(client, request, settings, sleep=sleep)
        except openai.BadRequestError as exc:
            text = str(exc.message).lower()
            param = next((p for p in DROPPABLE if p in request and p in text), None)
            if param is None:
                raise LLMUnavailableError(
                    f"the LLM refused the planning request: {exc.message}"
                ) from exc
            del request[param]


def _themes_text(catalog: ThemeIds) -> str:
    return "\n".join(f"- {t.id}: {t.name} - {t.description}" for t in catalog.themes.values())


def _questions_text(shown: Sequence[tuple[Bank, Question]], catalog: ThemeIds) -> str:
    lines = []
    for bank, q in shown:
        themes = ", ".join(catalog.add(bank, t) for t in q.themes)
        lines.append(f"- {bank.id} {q.id} [{themes}]: {q.text}")
    return "\n".join(lines)


def _content(completion: Any) -> str:
    choice = completion.choices[0]
    if getattr(choice.message, "refusal", None):
        raise LLMRefusalError(f"the model refused to plan: {choice.message.refusal}")
    if choice.finish_reason == "length":
        raise LLMTruncatedError("the model's plan was cut off (finish_reason=length)")
    if choice.finish_reason == "content_filter":
        raise LLMContentFilterError("the provider's content filter stopped the plan")
    return choice.message.content or ""


def _assemble(
    content: str,
    job: JobDescription,
    shown: Sequence[tuple[Bank, Question]],
    catalog: ThemeIds,
    count: int,
    new: int,
    model: str,
) -> Plan:
    """The reply as a plan and a checked bank; ``_Unusable`` says what is wrong."""
    try:
        reply = PlanReply.model_validate_json(content)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "the reply"
        raise _Unusable(f"not the JSON object asked for: {where}: {err['msg']}") from None
    known = {(b.id, q.id): (b, q) for b, q in shown}
    items: list[PlanItem] = []
    used: dict[str, Any] = {}
    for i, pick in enumerate(reply.picks):
        found = known.get((pick.bank_id, pick.question_id))
        if found is None:
            raise _Unusable(
                f"picks[{i}]: {pick.bank_id} {pick.question_id} is not one of the listed "
                "questions (use their bank_id and question_id exactly)"
            )
        bank, q = found
        if any(it.bank_id == bank.id and it.question_id == q.id for it in items):
            continue
        themes = tuple(catalog.add(bank, t) for t in q.themes)
        used.update({t: catalog.themes[t] for t in themes})
        items.append(PlanItem(q.text, pick.why, themes, bank.id, q.id, tuple(q.probes)))
    items = items[:count]
    defined = {str(t.get("id")): t for t in reply.new_themes}
    for nq in reply.new_questions[:new]:
        for t in nq.themes:
            if t in catalog.themes:
                used.setdefault(t, catalog.themes[t])
            elif t in defined:
                used.setdefault(t, defined[t])
        items.append(PlanItem(nq.text, nq.why, tuple(nq.themes), probes=tuple(nq.probes)))
    if not items:
        raise _Unusable("no picks and no new questions: choose at least one question")
    data = bank_data(
        job_bank_id(job.title),
        f"Job: {job.title}",
        f"Questions picked and written for this job description by `interviewer plan` "
        f"with {model}.",
        [],
        items,
    )
    data["themes"] = [t if isinstance(t, dict) else t.model_dump() for t in used.values()]
    try:
        bank = check_bank(data, WHERE)
    except DataError as exc:
        raise _Unusable(
            f"the bank it makes is invalid: {exc.location or ''}: {exc.message}"
        ) from None
    return Plan(items, bank, f"the LLM ({model})")
