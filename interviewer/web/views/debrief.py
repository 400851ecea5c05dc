"""Debrief a real interview in the browser: upload (or paste) its transcript, check what
was found and who you are, then store and grade it and go to its report.

Two steps, like ``interviewer debrief --dry-run`` and then without it: the preview shows
the speakers, the guess of who you are (a picker offers the others) and each question's
match; its form carries the transcript's text on, so nothing is uploaded twice and nothing
typed is lost when the file cannot be read.
"""

from __future__ import annotations

import sqlite3
from pathlib import PurePath
from typing import TYPE_CHECKING

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from interviewer.core.errors import InterviewerError
from interviewer.core.redaction import redact
from interviewer.web.render import render
from interviewer.web.security import checked_form
from interviewer.web.uploads import check_transcript

if TYPE_CHECKING:
    from interviewer.debrief.plan import DebriefPlan
    from interviewer.service.interview import ServiceConfig

PASTED = "pasted.txt"


def _config(request: Request) -> ServiceConfig:
    config: ServiceConfig = request.app.state.config  # set by create_app
    return config


async def page(request: Request) -> Response:
    """The upload form."""
    return render(request, "debrief.html", title="Debrief a real interview", plan=None,
                  error=None, text="", filename="", me="")  # fmt: skip


def _plan(config: ServiceConfig, data: bytes, name: str, me: str | None) -> DebriefPlan:
    from interviewer.core.bank import list_banks
    from interviewer.debrief.plan import plan_debrief
    from interviewer.debrief.transcript import parse_transcript

    banks = [b for b, _ in list_banks(config.settings.bank_dir)]
    return plan_debrief(parse_transcript(data, name), banks, me=me)


def _store(config: ServiceConfig, plan: DebriefPlan) -> str:
    """Save every answer, then grade (through the configured grader factory)."""
    from interviewer.engine.debrief import store_debrief
    from interviewer.grading.factory import resolve_kind
    from interviewer.service.interview import open_store

    kind, _ = resolve_kind(config.settings)
    grader = config.grader_factory(config.settings, kind)
    with open_store(config) as store:
        sid, _ = store_debrief(store, plan, grader,
                               max_answer_chars=config.settings.max_answer_chars)  # fmt: skip
    return sid


async def submit(request: Request) -> Response:
    """``action=preview`` shows what was found; ``action=store`` stores, grades and goes to
    the report. A transcript that cannot be read comes back with the error and the text."""
    config = _config(request)
    form = await checked_form(request, max_files=1, max_fields=8)
    upload = form.get("transcript")
    text = str(form.get("text") or "")
    name = PurePath(str(form.get("name") or "")).name[:100]
    me = str(form.get("me") or "").strip() or None
    if isinstance(upload, UploadFile) and upload.filename:
        data = await upload.read()
        check_transcript(upload.filename, upload.content_type, data)
        name = PurePath(upload.filename).name[:100] or PASTED
    elif text.strip():
        data, name = text.encode("utf-8"), name or PASTED
    else:
        raise HTTPException(400, "Choose a transcript file or paste the transcript first.")
    try:
        plan = await run_in_threadpool(_plan, config, data, name, me)
    except InterviewerError as exc:  # unreadable, no questions, a name that is no speaker
        return _form_again(request, str(exc), data, name, me)
    if form.get("action") != "store":
        return render(request, "debrief.html", title="Debrief: what was found", plan=plan,
                      error=None, text=_as_text(data, name), filename=name,
                      me=plan.segmented.candidate or "")  # fmt: skip
    try:
        sid = await run_in_threadpool(_store, config, plan)
    except (InterviewerError, sqlite3.Error) as exc:  # e.g. the database is busy: keep the text
        return _form_again(request, f"The debrief was not saved ({exc}); try again.", data,
                           name, me, status=503)  # fmt: skip
    return RedirectResponse(str(request.app.url_path_for("report", sid=sid)), status_code=303)


def _as_text(data: bytes, name: str) -> str:
    from interviewer.debrief.transcript import decode

    return decode(data, name)[0]


def _form_again(
    request: Request, error: str, data: bytes, name: str, me: str | None, status: int = 400
) -> Response:
    """The form with the error and whatever text could be read, so nothing is lost."""
    try:
        text = _as_text(data, name)
    except InterviewerError:
        text = ""  # empty or binary: there is no text to give back
    return render(
        request,
        "debrief.html",
        status_code=status,
        title="Debrief a real interview",
        plan=None,
        error=redact(error),
        text=text,
        filename=name,
        me=me or "",
    )
