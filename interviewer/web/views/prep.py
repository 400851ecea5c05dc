"""The "Prepare for a job" page: paste a job description, see the questions picked for it
and why, and start an interview on them.

Matching is offline here (deterministic, no request leaves the machine); ``interviewer
plan`` also asks an LLM when one is configured. A session keeps to one bank, so the start
form holds the best-fitting bank's picks; picks from other banks are listed with a link
to their bank. What the candidate pasted always comes back in the text box on an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from interviewer.core.bank import Bank
from interviewer.core.errors import DataError
from interviewer.service.interview import ServiceConfig
from interviewer.web.render import render
from interviewer.web.security import checked_form

if TYPE_CHECKING:  # the matcher loads the grader's word lists: only when a job is pasted
    from interviewer.prep.jobmatch import QuestionPick

SOURCE = "the job description"
COUNTS = (3, 4, 5, 6, 8)
DEFAULT_COUNT = 5


@dataclass(frozen=True)
class PrepResult:
    title: str
    picks: list[QuestionPick]  # across every bank, in plan order
    bank: Bank  # the session's bank: the best fit
    session_ids: list[str]  # its picks, asked in this order
    bank_titles: dict[str, str]


def plan_for(config: ServiceConfig, text: str, count: int) -> PrepResult:
    """Match the pasted text against every bank (raises DataError with what to fix)."""
    from interviewer.prep.job import parse_job
    from interviewer.prep.jobmatch import match_job
    from interviewer.prep.planner import banks_to_search, session_picks

    banks = banks_to_search(config.settings.bank_dir)
    match = match_job(parse_job(text, SOURCE), banks)
    bank, ids = session_picks(match, count)
    return PrepResult(
        title=match.job.title,
        picks=match.picks(count),
        bank=bank,
        session_ids=ids,
        bank_titles={b.id: b.title for b in banks},
    )


def _page(request: Request, *, status: int = 200, **context: object) -> Response:
    context.setdefault("job_text", "")
    context.setdefault("count", DEFAULT_COUNT)
    context.setdefault("error", "")
    context.setdefault("result", None)
    return render(
        request, "prep.html", status_code=status, title="Prepare for a job", counts=COUNTS,
        **context,
    )  # fmt: skip


async def prepare(request: Request) -> Response:
    """GET: the empty form. POST: the picks for the pasted job description."""
    if request.method == "GET":
        return _page(request)
    form = await checked_form(request)
    text = str(form.get("job") or "")
    try:
        count = int(str(form.get("count", DEFAULT_COUNT)))
    except ValueError:
        count = DEFAULT_COUNT
    count = min(max(count, 1), max(COUNTS))
    config: ServiceConfig = request.app.state.config
    try:
        result = await run_in_threadpool(plan_for, config, text, count)
    except DataError as exc:
        return _page(request, status=400, job_text=text, count=count, error=exc.message)
    return _page(request, job_text=text, count=count, result=result)
