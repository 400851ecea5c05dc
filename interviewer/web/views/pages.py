"""Pages around the interview: choose a bank and questions, the report, the history."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response

from interviewer.web import service
from interviewer.web.render import STATIC_DIR, render
from interviewer.web.security import REPORT_CSP
from interviewer.web.views import stories

CONTINUE_LIMIT = 5  # unfinished sessions on the start page; the rest are in the history
FINISHED_LIMIT = 10  # finished sessions on the start page; the rest are in the history


def _config(request: Request) -> service.ServiceConfig:
    config: service.ServiceConfig = request.app.state.config  # set by create_app
    return config


async def home(request: Request) -> Response:
    config = _config(request)
    data = await run_in_threadpool(service.home_data, config, CONTINUE_LIMIT, FINISHED_LIMIT)
    plan = await run_in_threadpool(stories.plan_data, config)  # "What to practise next"
    return render(
        request,
        "home.html",
        title="Start",
        banks=data.banks,
        unfinished=data.unfinished,  # newest first
        more_unfinished=data.more_unfinished,
        finished=data.finished,
        grader_label=service.grader_label(config),
        plan=plan,
    )


async def choose_questions(request: Request) -> Response:
    config = _config(request)
    bank_id = request.path_params["bank_id"]
    bank, selected = await run_in_threadpool(service.bank_and_default, config, bank_id)
    return render(
        request,
        "bank.html",
        title=bank.title,
        bank=bank,
        selected=selected,
        follow_ups=service.DEFAULT_FOLLOW_UPS,
    )


async def report(request: Request) -> Response:
    """The report inline, under the page's own stylesheet and CSP (no frame, no inline style).

    ``?added=N``: the page an import lands on when the file brought a coach's reviews home
    (``views/portable.py``); it says how many were added."""
    config = _config(request)
    session, body = await run_in_threadpool(service.report_view, config, request.path_params["sid"])
    added = request.query_params.get("added", "")
    return render(
        request,
        "report.html",
        title=f"Report {session.id}",
        session=session,
        body=body,
        report_file=str(request.app.url_path_for("report_file", sid=session.id)),
        reviews_added=int(added) if added.isdigit() and len(added) < 6 else None,
    )


async def report_file(request: Request) -> Response:
    """The report module's own self-contained HTML, served as is (no script allowed)."""
    config = _config(request)
    html = await run_in_threadpool(service.report_download, config, request.path_params["sid"])
    return HTMLResponse(html, headers={"content-security-policy": REPORT_CSP})


async def history(request: Request) -> Response:
    """One page of sessions (``?page=N``, newest first); a page that is not a number is 1.
    ``?by=coach`` follows the coaches' scores where they gave one (``history --by coach``)."""
    config = _config(request)
    try:
        page = int(request.query_params.get("page", "1"))
    except ValueError:
        page = 1
    by = request.query_params.get("by", "grader")
    data = await run_in_threadpool(service.history_data, config, page, by)
    return render(request, "history.html", title="History", **data)


async def favicon(request: Request) -> Response:
    """``/favicon.ico``, for clients that ask for it without reading the pages' icon links."""
    return FileResponse(
        STATIC_DIR / "favicon.ico",
        media_type="image/x-icon",
        headers={"cache-control": "public, max-age=86400"},
    )
