"""The Stories page (the story bank and its key-theme coverage, optionally for a pasted job
description) and the start page's "What to practise next". The figures come from
``prep.stories`` and ``prep.next`` through the engine, as for ``interviewer stories`` and
``interviewer next``."""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from interviewer.core import bank as banks
from interviewer.core.errors import DataError
from interviewer.core.rubric import STAR_DIMENSIONS, dimension_names
from interviewer.prep.next import Plan
from interviewer.prep.stories import LESSON, MAX_QUESTIONS, STRONG, theme_names
from interviewer.service.interview import ServiceConfig, open_store
from interviewer.web.render import render
from interviewer.web.security import checked_form

JOB_LIMIT = 30_000  # characters of a pasted job description (prep.job's own limit)


def _config(request: Request) -> ServiceConfig:
    config: ServiceConfig = request.app.state.config  # set by create_app
    return config


def stories_data(config: ServiceConfig, job_text: str | None = None) -> dict[str, Any]:
    """Story cards and the coverage matrix (the job's themes first when one is given)."""
    from interviewer.engine.stories import story_bank
    from interviewer.prep.stories import coverage, story_cards

    found = [b for b, _ in banks.list_banks(config.settings.bank_dir)]
    rows = weights = None
    job_title = None
    if job_text is not None:
        from interviewer.prep.job import parse_job
        from interviewer.prep.jobmatch import match_job

        job = parse_job(job_text, "the job description")
        matched = match_job(job, found)
        job_title = job.title
        rows = [(t.bank_id, t.theme_id) for t in matched.themes] or None
        weights = {(t.bank_id, t.theme_id): (t.score, list(t.phrases)) for t in matched.themes}
    with open_store(config) as store:
        stories, sessions = story_bank(store)
    cards = story_cards(stories, sessions)
    questions = {(b.id, q.id): q.text for b in found for q in b.questions}
    return {
        "cards": cards,
        "matrix": coverage(cards, found, rows, weights),
        "themes": theme_names(found),
        "questions": questions,
        "names": dimension_names(),
        "dimensions": STAR_DIMENSIONS,
        "strong": STRONG,
        "max_questions": MAX_QUESTIONS,
        "lesson": LESSON,
        "job_title": job_title,
        "job_text": job_text or "",
        "job_matched": rows is not None,
        "job_error": None,
    }


async def page(request: Request) -> Response:
    data = await run_in_threadpool(stories_data, _config(request))
    return render(request, "stories.html", title="Stories", **data)


async def for_job(request: Request) -> Response:
    """The same page, the matrix's rows the themes a pasted job description asks for."""
    form = await checked_form(request)
    text = str(form.get("job") or "")[: JOB_LIMIT + 1]
    try:
        data = await run_in_threadpool(stories_data, _config(request), text)
    except DataError as exc:  # say what is wrong, and keep what was pasted in the box
        data = await run_in_threadpool(stories_data, _config(request))
        data.update(job_text=text, job_error=str(exc))
        return render(request, "stories.html", status_code=400, title="Stories", **data)
    return render(request, "stories.html", title="Stories for a job", **data)


def plan_data(config: ServiceConfig) -> Plan:
    """What to practise next, from the stories placed so far (the start page stays fast:
    it never reads every session; the Stories page and the CLI place new answers)."""
    from interviewer.engine.plan import plan_for

    found = [b for b, _ in banks.list_banks(config.settings.bank_dir)]
    with open_store(config) as store:
        return plan_for(store, found, place_new=False)
