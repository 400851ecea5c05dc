"""The interview itself: start, ask, save the answer (before grading), scorecard, follow-up,
finish. Each POST saves what the candidate typed first; grading comes after."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from interviewer.core.errors import AnswerTooLongError, SessionFinishedError
from interviewer.core.redaction import redact
from interviewer.web import service
from interviewer.web.render import render
from interviewer.web.security import checked_form

log = logging.getLogger("interviewer.web")


def _config(request: Request) -> service.ServiceConfig:
    config: service.ServiceConfig = request.app.state.config  # set by create_app
    return config


def _go(request: Request, name: str, **params: str) -> RedirectResponse:
    return RedirectResponse(str(request.app.url_path_for(name, **params)), status_code=303)


def _elapsed(raw: object) -> float | None:
    try:
        value = float(str(raw))
    except ValueError:
        return None
    return value if 0 <= value < 24 * 3600 else None


def _text(form_value: object, what: str) -> str:
    text = form_value.strip() if isinstance(form_value, str) else ""
    if not text:
        raise HTTPException(400, f"The {what} was empty: type something, then submit again.")
    return text


async def start(request: Request) -> Response:
    form = await checked_form(request)
    bank_id = str(form.get("bank") or "")
    question_ids = [str(q) for q in form.getlist("question")]
    if not question_ids:
        raise HTTPException(400, "Choose at least one question to start an interview.")
    try:
        follow_ups = int(str(form.get("follow_ups", service.DEFAULT_FOLLOW_UPS)))
    except ValueError:
        follow_ups = -1
    if not 0 <= follow_ups <= 2:
        raise HTTPException(400, "Follow-ups per answer must be 0, 1 or 2.")
    options = None
    if form.get("plan") == "next":  # the start page's plan: record its focus, as --next does
        from interviewer.web.views.stories import plan_data

        plan = await run_in_threadpool(plan_data, _config(request))
        if (plan.bank_id, plan.question_ids) == (bank_id, question_ids):
            options = {"plan": plan.focus()}
    sid = await run_in_threadpool(
        service.start_session, _config(request), bank_id, question_ids, follow_ups, options
    )
    return _go(request, "session", sid=sid)


async def next_step(request: Request) -> Response:
    """Where a session goes on: the next unanswered question, else the last scorecard."""
    session = await run_in_threadpool(
        service.get_session, _config(request), request.path_params["sid"]
    )
    if session.finished:
        return _go(request, "report", sid=session.id)
    todo = session.unanswered()
    if todo:
        return _go(request, "question", sid=session.id, qid=todo[0])
    return _go(request, "scorecard", sid=session.id, qid=session.question_ids[-1])


async def question(request: Request, draft: str = "", too_long: str = "") -> Response:
    """The question page; after a refused answer, with the text back in the textarea."""
    config = _config(request)
    state = await run_in_threadpool(service.question_state, config, **request.path_params)
    if state.view is not None:  # answered already: show its scorecard instead
        return _go(request, "scorecard", sid=state.session.id, qid=state.question.id)
    if state.session.finished:
        raise SessionFinishedError(state.session.id)
    return render(
        request,
        "question.html",
        status_code=413 if too_long else 200,
        draft=draft,
        too_long=too_long,
        title=f"Question {state.position}",
        session=state.session,
        question=state.question,
        position=state.position,
        total=state.total,
        speech_url=(
            str(request.app.url_path_for("speech", **request.path_params))
            if service.can_speak(config)
            else ""
        ),
        can_transcribe=config.settings.llm_configured,
        audio_limit_mb=f"{config.audio_limit / 1_000_000:g}",
    )


def grading_failed(request: Request, outcome: service.Outcome) -> Response:
    """The grader failed: say so plainly, the answer is saved, offer a retry."""
    sid, qid = request.path_params["sid"], request.path_params["qid"]
    return render(
        request,
        "error.html",
        status_code=502,
        title="Grading failed",
        status=502,
        detail=f"The answer could not be graded: {outcome.error}",
        saved=True,
        retry_url=str(request.app.url_path_for("regrade", sid=sid, qid=qid)),
        next_url=str(request.app.url_path_for("scorecard", sid=sid, qid=qid)),
    )


async def _submit(request: Request, save: Callable[..., service.Outcome], what: str) -> Response:
    """Save a typed answer through ``save`` (committed before grading), then show the card."""
    form = await checked_form(request)
    text = _text(form.get("answer"), what)
    try:
        outcome = await run_in_threadpool(
            save,
            _config(request),
            request.path_params["sid"],
            request.path_params["qid"],
            text,
            elapsed_seconds=_elapsed(form.get("elapsed_seconds")),
        )
    except sqlite3.Error as exc:  # the store failed: say so, and give the text back
        log.warning("could not save an answer: %s", redact(str(exc)))
        raise service.NotSaved(text) from None
    except AnswerTooLongError as exc:  # refused before saving: the text goes back to edit
        why = (
            f"Your answer is {exc.length:,} characters; answers are graded up to "
            f"{exc.limit:,}. Cut about {exc.length - exc.limit:,} characters and submit again."
        )
        if save is service.answer_question:
            return await question(request, draft=text, too_long=why)
        raise service.AlreadyAnswered(request.path_params["qid"], text, message=why) from None
    if outcome.error:
        return grading_failed(request, outcome)
    return _go(request, "scorecard", **request.path_params)


async def answer(request: Request) -> Response:
    return await _submit(request, service.answer_question, "answer")


async def scorecard(request: Request) -> Response:
    config = _config(request)
    state = await run_in_threadpool(service.question_state, config, **request.path_params)
    if state.view is None:
        return _go(request, "question", **request.path_params)
    card = await run_in_threadpool(service.scorecard, config, state)
    return render(
        request,
        "scorecard.html",
        title=f"Scorecard {state.position}",
        session=state.session,
        question=state.question,
        position=state.position,
        total=state.total,
        view=state.view,
        next_qid=state.next_qid,
        **card,
    )


async def follow_up(request: Request) -> Response:
    return await _submit(request, service.answer_follow_up, "follow-up answer")


async def regrade(request: Request) -> Response:
    await checked_form(request)
    outcome = await run_in_threadpool(
        service.regrade_question, _config(request), **request.path_params
    )
    if outcome.error:
        return grading_failed(request, outcome)
    return _go(request, "scorecard", **request.path_params)


async def finish(request: Request) -> Response:
    await checked_form(request)
    sid = request.path_params["sid"]
    await run_in_threadpool(service.finish_session, _config(request), sid)
    return _go(request, "report", sid=sid)
