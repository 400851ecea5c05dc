"""The web app's pages over the engine: the shared use cases (``interviewer.service``), plus
what only pages need: the start page and history lists, scorecard rows, the inline report,
the question's speech and recorded answers.

Handlers run these in a worker thread. Nothing is re-implemented here: grading, follow-up
choice, summaries, reports and trends come from the modules the CLI uses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from interviewer.core import bank as banks
from interviewer.core.bank import Bank
from interviewer.core.errors import InterviewerError
from interviewer.core.records import SessionRecord
from interviewer.service.interview import (
    DEFAULT_FOLLOW_UPS,
    GRADING,
    AlreadyAnswered,
    Outcome,
    QuestionState,
    ServiceConfig,
    answer_follow_up,
    answer_question,
    engine_for,
    finish_session,
    get_bank,
    get_session,
    grade_outcome,
    load_state,
    open_store,
    pending_probe,
    question_state,
    regrade_question,
    require_writable,
    start_session,
)

__all__ = [  # the use cases the web views call, from the engine; page-only work below
    "DEFAULT_FOLLOW_UPS",
    "AlreadyAnswered",
    "HomeData",
    "NotSaved",
    "Outcome",
    "QuestionState",
    "ServiceConfig",
    "answer_audio",
    "answer_follow_up",
    "answer_question",
    "bank_and_default",
    "can_speak",
    "finish_session",
    "get_bank",
    "get_session",
    "grader_label",
    "history_data",
    "home_data",
    "question_speech",
    "question_state",
    "regrade_question",
    "report_download",
    "report_view",
    "scorecard",
    "start_session",
    "unfinished_ids",
]

if TYPE_CHECKING:
    from interviewer.engine.store import SessionSummaryRow


def grader_label(config: ServiceConfig) -> str:
    """Which grader answers are graded with, said plainly (never the key)."""
    from interviewer.grading.factory import describe_grader

    return describe_grader(config.settings)


@dataclass(frozen=True)
class HomeData:
    """What the start page lists: banks, the latest unfinished and finished sessions."""

    banks: list[Bank]
    unfinished: list[SessionSummaryRow]  # newest first, at most ``continue_limit``
    more_unfinished: int  # older unfinished sessions, continued from the history
    finished: list[SessionSummaryRow]  # newest first, at most ``finished_limit``


def home_data(config: ServiceConfig, continue_limit: int = 5, finished_limit: int = 10) -> HomeData:
    """One page of each list from the summary query: no answer or grade is loaded."""
    found = [b for b, _ in banks.list_banks(config.settings.bank_dir)]
    with open_store(config) as store:
        unfinished = store.session_summaries(limit=continue_limit, unfinished=True)
        more = store.count_sessions(unfinished=True) - len(unfinished) if unfinished else 0
        finished = store.session_summaries(limit=finished_limit, unfinished=False)
    return HomeData(
        banks=found,
        unfinished=unfinished,
        more_unfinished=max(0, more),
        finished=finished,
    )


def bank_and_default(config: ServiceConfig, bank_id: str) -> tuple[Bank, list[str]]:
    """The bank and the engine's default choice of questions (least practised first)."""
    from interviewer.engine.selection import select_questions

    bank = get_bank(config, bank_id)
    with open_store(config) as store:
        counts = store.question_counts()
    answered = {qid: n for (b, qid), n in counts.items() if b == bank.id}
    return bank, select_questions(bank, answered=answered)


def scorecard(config: ServiceConfig, state: QuestionState) -> dict[str, Any]:
    """What the scorecard page shows: rows with each level's meaning, and the probe due."""
    from interviewer.core.rubric import build_rubric
    from interviewer.views.summary import star_rows, theme_rows

    grade = state.view.grade if state.view else None
    rubric = build_rubric(state.bank, state.question.id)
    delivery = state.view.answer.delivery if state.view else None
    return {
        "grade": grade,
        "star_rows": star_rows(grade, rubric) if grade else [],
        "theme_rows": theme_rows(grade, rubric) if grade else [],
        "probe": pending_probe(config, state),
        "delivery": _delivery_summary(delivery),
    }


def _delivery_summary(delivery: dict[str, Any] | None) -> dict[str, str]:
    """Spoken-answer figures worth showing (numbers and short text only)."""
    shown: dict[str, str] = {}
    for key, value in (delivery or {}).items():
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            value = " ".join(value)  # the delivery advice
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            continue
        if isinstance(value, float):
            value = f"{value:.1f}"
        if len(str(value)) <= 400:
            shown[key] = str(value)
    return shown


class NotSaved(InterviewerError):
    """The store could not save the answer (busy or unavailable); the text is shown back."""

    http_status = 503

    def __init__(self, text: str) -> None:
        self.text = text
        super().__init__(
            "Your answer could not be saved just now (the database is busy or unavailable). "
            "Copy your text below, then go back and submit it again."
        )


HISTORY_PAGE = 20  # sessions per page of the history table
TREND_SESSIONS = 20  # the latest sessions the trends, the chart and reused stories read


def history_data(config: ServiceConfig, page: int = 1, by: str = "grader") -> dict[str, Any]:
    """One page of sessions with averages (newest first, from the summary query), and each
    STAR part's trend, the chart and reused stories over the latest ``TREND_SESSIONS``
    sessions (history module). ``page`` is clamped to the pages there are.

    ``by`` "coach" (as ``interviewer history --by coach``): the averages, trends and chart
    follow the coaches' scores wherever a coach gave one (``views.history.summarise``: the
    page's sessions are read whole for it); anything else is the grader's."""
    from dataclasses import replace

    from interviewer.core.rubric import dimension_names
    from interviewer.engine.plan import latest_plan
    from interviewer.prep.next import plan_progress
    from interviewer.prep.stories import reused_stories
    from interviewer.views.history import history_points, summarise, trends
    from interviewer.views.report.render import trend_chart

    by = by if by == "coach" else "grader"
    with open_store(config) as store:
        total = store.count_sessions()
        pages = max(1, -(-total // HISTORY_PAGE))
        page = min(max(1, page), pages)
        rows = store.session_summaries(limit=HISTORY_PAGE, offset=(page - 1) * HISTORY_PAGE)
        recent = store.latest_sessions(TREND_SESSIONS) if total else []
        planned = latest_plan(store) if total else None
        records = store.sessions([r.id for r in rows]) if by == "coach" else []
    coach = {record.id: summarise(record, by) for record in records}
    rows = [  # the coaches' figures in place of the summary query's
        replace(r, overall=coach[r.id].overall, averages=coach[r.id].averages)
        if r.id in coach
        else r
        for r in rows
    ]
    return {
        "summaries": rows,
        "by": by,
        "reviewed": sum(bool(v.answer.reviews) for s in recent for v in s.questions()),
        "plan": plan_progress(recent, *planned) if planned else None,  # within ``recent``
        "unfinished": {r.id for r in rows if not r.finished},
        "trends": trends(recent, by),
        "reused": reused_stories(recent),
        "names": dimension_names(),
        "chart": trend_chart(history_points(recent, by=by).points),
        "page": page,
        "pages": pages,
        "total": total,
        "recent": len(recent),
        "newer": page - 1 if page > 1 else None,
        "older": page + 1 if page < pages else None,
    }


def can_speak(config: ServiceConfig) -> bool:
    """Questions are spoken by the server's TTS endpoint only when an LLM is configured."""
    return config.settings.llm_configured


def question_speech(config: ServiceConfig, sid: str, qid: str) -> tuple[bytes, str]:
    """The question as MP3 from the configured speech endpoint."""
    import tempfile
    from pathlib import Path

    from interviewer.voice.tts import speak_to_file

    state = question_state(config, sid, qid)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "question.mp3"
        speak_to_file(state.question.text, path, config.settings)
        return path.read_bytes(), "audio/mpeg"


def answer_audio(
    config: ServiceConfig,
    sid: str,
    qid: str,
    data: bytes,
    ext: str,
    *,
    elapsed_seconds: float | None = None,
) -> Outcome:
    """Save the recording and the answer first, then transcribe and grade it.

    A failed transcription leaves the answer ``untranscribed`` with its audio kept;
    ``interviewer regrade`` (or the page's "grade again") finishes it later.
    """
    from pathlib import Path

    from interviewer.engine.session import UNTRANSCRIBED, AnswerInput
    from interviewer.voice.answers import transcribe_answer

    with open_store(config) as store:
        state = load_state(store, config, sid, qid)
        require_writable(state)
        if state.view is not None:
            raise AlreadyAnswered(state.question.id, "(audio)")
        folder = Path(store.path).parent / "audio" / state.session.id
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{qid}.{ext.lstrip('.')}"
        path.write_bytes(data)
        engine = engine_for(store, config, state.session)
        answer_id = engine.submit_answer(
            qid,
            AnswerInput("", elapsed_seconds=elapsed_seconds, audio_path=str(path),
                        status="untranscribed"),
        )  # fmt: skip
        heard = transcribe_answer(path, config.settings).answer
        if heard.status == "untranscribed":
            return Outcome(answer_id, UNTRANSCRIBED)
        store.update_answer(answer_id, text=heard.text, status="ungraded", delivery=heard.delivery)
        with GRADING:
            return Outcome(answer_id, grade_outcome(engine, answer_id))


def report_view(config: ServiceConfig, sid: str) -> tuple[SessionRecord, str]:
    """The session and its report's content (with the trend up to it), for an inline page."""
    from interviewer.service.reports import report_body

    with open_store(config) as store:
        return report_body(store, sid, config.settings.bank_dir)


def report_download(config: ServiceConfig, sid: str) -> str:
    """The one-file HTML report, with the trend up to this session (as the CLI writes it)."""
    from interviewer.service.reports import session_report

    with open_store(config) as store:
        return session_report(store, sid, "html", config.settings.bank_dir)[1]


def unfinished_ids(config: ServiceConfig) -> set[str]:
    """Sessions not finished yet: the history page offers to continue them (ids only)."""
    with open_store(config) as store:
        return set(store.session_ids(unfinished=True))
