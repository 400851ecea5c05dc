"""The Starlette application: routes, middleware and error pages.

Server-rendered pages with a little JavaScript; every asset is served by the app (no
CDN), so it works offline. Blocking work (the store, grading, transcription) runs in a
thread so one slow grade does not stall other pages.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from interviewer.core.errors import (
    InterviewerError,
    NotFoundError,
    SessionFinishedError,
)
from interviewer.core.grade import Grader
from interviewer.core.redaction import redact
from interviewer.core.settings import Settings, get_settings
from interviewer.grading.factory import make_grader
from interviewer.web import service
from interviewer.web.messages import not_found_detail
from interviewer.web.render import STATIC_DIR, render
from interviewer.web.security import LOOPBACK_HOSTS, SecurityMiddleware
from interviewer.web.views import audio, interview, pages, portable
from interviewer.web.views import debrief as debrief_views
from interviewer.web.views import prep as prep_views
from interviewer.web.views import review as review_views
from interviewer.web.views import stories as stories_views

AUDIO_LIMIT = 25_000_000  # the transcription endpoint's own limit
FORM_LIMIT = 1_000_000  # a typed answer is a few kB; a megabyte is generous


@dataclass(frozen=True)
class WebConfig:
    """What the app needs to know; built once by ``interviewer serve`` or a test."""

    settings: Settings = field(default_factory=get_settings)
    audio_limit: int = AUDIO_LIMIT
    form_limit: int = FORM_LIMIT
    # how a session's grader is built from (settings, kind); the CLI's factory by default
    grader_factory: Callable[[Settings, str], Grader] = make_grader
    # Host names served (DNS rebinding guard): loopback, plus --host and --allowed-host
    allowed_hosts: frozenset[str] = LOOPBACK_HOSTS

    @property
    def grader(self) -> str:
        return self.settings.grader

    @property
    def bank_dir(self) -> Path | None:
        return self.settings.bank_dir


def _limit_for(config: WebConfig) -> Callable[[str], int]:
    def limit(path: str) -> int:
        big = path.endswith("/audio") or path == "/import"  # an export may carry recordings
        return config.audio_limit if big else config.form_limit

    return limit


_TITLES = {
    400: "Bad request",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Already answered",
    503: "Not saved",
    413: "Too long",
    415: "Unsupported file type",
    421: "Wrong host",
    500: "Something went wrong",
    502: "Grading failed",
}


def _url(request: Request, name: str, **params: str) -> str:
    return str(request.app.url_path_for(name, **params))


async def _error_page(request: Request, exc: Exception) -> Response:
    """One clear page for every error; never a traceback, never a setting or a secret.

    The status comes from the error itself (``InterviewerError.http_status``); the page
    keeps the candidate's text when it was not saved, and links where to go on.
    """
    sid = request.path_params.get("sid")
    extra: dict[str, object] = {}
    if isinstance(exc, HTTPException):
        status, detail = exc.status_code, str(exc.detail)
        if status == 404 and detail == "Not Found":
            detail = f"There is no page at {request.url.path}."
        elif status == 405:
            detail = f"{request.method} is not allowed here."
    elif isinstance(exc, InterviewerError):
        status, detail = exc.http_status, str(exc)
        if isinstance(exc, NotFoundError):
            detail = not_found_detail(exc)
    else:
        status, detail = 500, "The server hit an unexpected error."
    title = _TITLES.get(status, "Error")
    if isinstance(exc, service.AlreadyAnswered | service.NotSaved) and sid:
        extra = {"answer_text": exc.text, "next_url": _url(request, "session", sid=sid)}
    elif isinstance(exc, SessionFinishedError):
        title = "Session finished"
        extra = {"next_url": _url(request, "report", sid=exc.session_id)}
        extra["next_label"] = "See the report"
    return render(
        request,
        "error.html",
        status_code=status,
        title=title,
        status=status,
        detail=redact(detail),
        **extra,
    )


def create_app(config: WebConfig | None = None) -> Starlette:
    """Build the app. ``config`` defaults to the process settings (env and ``.env``)."""
    config = config or WebConfig()
    routes = [
        Route("/", pages.home, name="home"),
        Route("/banks/{bank_id}", pages.choose_questions, name="bank"),
        Route("/sessions", interview.start, methods=["POST"], name="start"),
        Route("/sessions/{sid}", interview.next_step, name="session"),
        Route("/sessions/{sid}/q/{qid}", interview.question, name="question"),
        Route("/sessions/{sid}/q/{qid}/answer", interview.answer, methods=["POST"], name="answer"),
        Route("/sessions/{sid}/q/{qid}/audio", audio.upload, methods=["POST"], name="audio"),
        Route("/sessions/{sid}/q/{qid}/speech", audio.speech, name="speech"),
        Route("/sessions/{sid}/q/{qid}/scorecard", interview.scorecard, name="scorecard"),
        Route(
            "/sessions/{sid}/q/{qid}/follow-up",
            interview.follow_up,
            methods=["POST"],
            name="follow_up",
        ),
        Route(
            "/sessions/{sid}/q/{qid}/regrade", interview.regrade, methods=["POST"], name="regrade"
        ),
        Route("/sessions/{sid}/finish", interview.finish, methods=["POST"], name="finish"),
        Route("/sessions/{sid}/report", pages.report, name="report"),
        Route("/sessions/{sid}/report.html", pages.report_file, name="report_file"),
        Route("/sessions/{sid}/review", review_views.page, name="review"),
        Route("/sessions/{sid}/review", review_views.save, methods=["POST"], name="review_save"),
        Route("/prep", prep_views.prepare, methods=["GET", "POST"], name="prep"),
        Route("/history", pages.history, name="history"),
        Route("/debrief", debrief_views.page, name="debrief"),
        Route("/debrief", debrief_views.submit, methods=["POST"], name="debrief_submit"),
        Route("/stories", stories_views.page, name="stories"),
        Route("/stories", stories_views.for_job, methods=["POST"], name="stories_job"),
        Route("/sessions/{sid}/export.json", portable.export, name="export"),
        Route("/import", portable.upload, methods=["POST"], name="import"),
        Route("/favicon.ico", pages.favicon, name="favicon"),
        Mount("/static", app=StaticFiles(directory=STATIC_DIR), name="static"),
    ]
    handlers = {HTTPException: _error_page, InterviewerError: _error_page, Exception: _error_page}
    app = Starlette(
        routes=routes,
        middleware=[
            Middleware(
                SecurityMiddleware,
                limit_for=_limit_for(config),
                allowed_hosts=config.allowed_hosts,
            )
        ],
        exception_handlers=handlers,
    )
    app.state.config = config
    return app
