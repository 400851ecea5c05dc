"""Pages around the interview: choose a bank and questions, the report, the history."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from interviewer.web import service
from interviewer.web.render import render
from interviewer.web.security import REPORT_CSP


def _config(request: Request) -> service.WebConfigLike:
    return request.app.state.config


async def home(request: Request) -> Response:
    config = _config(request)
    banks, sessions = await run_in_threadpool(service.home_data, config)
    return render(
        request,
        "home.html",
        title="Start",
        banks=banks,
        unfinished=[s for s in sessions if not s.finished],
        finished=[s for s in sessions if s.finished][:10],
        grader_label=service.grader_label(config),
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
    config = _config(request)
    session = await run_in_threadpool(service.get_session, config, request.path_params["sid"])
    return render(
        request,
        "report.html",
        title=f"Report {session.id}",
        session=session,
        report_file=str(request.app.url_path_for("report_file", sid=session.id)),
    )


async def report_file(request: Request) -> Response:
    """The report module's own self-contained HTML, served as is (no script allowed)."""
    config = _config(request)
    html = await run_in_threadpool(service.report_html, config, request.path_params["sid"])
    return HTMLResponse(html, headers={"content-security-policy": REPORT_CSP})


async def history(request: Request) -> Response:
    config = _config(request)
    data = await run_in_threadpool(service.history_data, config)
    return render(request, "history.html", title="History", **data)
