"""Wire a practice run together: settings, bank, store, grader and the terminal frontend.

Kept apart from the CLI so the command functions stay thin and this is testable. Ctrl-C,
``/quit`` or the end of input stop the interview with every answer already saved, and
print how to resume.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from interviewer.cli.terminal import ScriptedFrontend, TerminalFrontend
from interviewer.core.bank import Bank, Question, get_bank
from interviewer.core.errors import NotFoundError
from interviewer.core.grade import Grader
from interviewer.core.records import QuestionView, SessionRecord
from interviewer.core.redaction import redact
from interviewer.core.settings import Settings, build_settings
from interviewer.engine.selection import select_questions
from interviewer.engine.session import Interview, StopInterview, regrade
from interviewer.engine.store import Store
from interviewer.grading.factory import describe_grader, make_grader
from interviewer.service.banks import session_bank
from interviewer.ui import console
from interviewer.views.summary import plural


@dataclass
class PracticeOptions:
    bank: str | None = None
    bank_dir: Path | None = None
    question_ids: list[str] | None = None
    random_n: int | None = None
    theme: str | None = None
    job: str | None = None  # a job description: the questions `plan` picks for it
    plan_next: bool = False  # the questions `interviewer next` suggests, its focus recorded
    seed: int | None = None
    feedback: str = "now"
    follow_ups: int = 1
    editor: bool = False
    answers: Path | None = None
    report: str | None = "html"
    grader: str | None = None
    model: str | None = None
    db: Path | None = None
    voice: bool = False
    audio: list[str] | None = None
    audio_dir: Path | None = None

    @property
    def spoken(self) -> bool:
        return self.voice or bool(self.audio) or self.audio_dir is not None


def _grader(
    grader: str | None, model: str | None, bank_dir: Path | None
) -> tuple[Settings, Grader]:
    settings = build_settings(grader=grader, model=model, bank_dir=bank_dir)
    console(stderr=True).print(f"[dim]Grading with {describe_grader(settings)}.[/dim]")
    return settings, make_grader(settings)


Coach = Callable[[Question, QuestionView], str]


def coach_with(settings: Settings) -> Coach:
    """The "/coach" action for the terminal: an LLM rewrite when an LLM is configured,
    else the answer's own sentences in STAR order with placeholders for missing parts."""
    if not settings.llm_configured:

        def own_sentences(question: Question, view: QuestionView) -> str:
            from interviewer.views.restructure import restructure

            return restructure(view.full_text).text(labels=True)

        return own_sentences

    def coach(question: Question, view: QuestionView) -> str:
        from interviewer.grading.coach import coach_answer

        return coach_answer(question, view.full_text, view.grade, settings)

    return coach


def start_practice(opts: PracticeOptions) -> None:
    """Start a new session and run it to the end (or until the person stops)."""
    settings, grader = _grader(opts.grader, opts.model, opts.bank_dir)
    plan: dict[str, object] = {}
    if opts.job is not None:
        bank, opts.question_ids = _job_questions(opts, settings)
    elif opts.plan_next:
        bank, opts.question_ids, plan = _planned(opts, settings)
    else:
        bank = get_bank(opts.bank, settings.bank_dir)
    frontend: TerminalFrontend
    if opts.answers is not None:
        from interviewer.cli.answers_file import load_answers

        scripted = load_answers(opts.answers, bank)
        frontend = ScriptedFrontend(feedback=opts.feedback, answers=scripted)
        ids = opts.question_ids or (None if opts.random_n or opts.theme else list(scripted))
        among = list(scripted)
        mode = "scripted"
    elif opts.spoken:
        from interviewer.cli.voice_frontend import VoiceFrontend

        frontend = VoiceFrontend(feedback=opts.feedback, settings=settings, speak=opts.voice,
                                 audio_dir=opts.audio_dir)  # fmt: skip
        ids = opts.question_ids
        among = None
        mode = "voice"
    else:
        frontend = TerminalFrontend(
            editor=opts.editor, feedback=opts.feedback, coach=coach_with(settings)
        )
        ids = opts.question_ids
        among = None
        mode = "typed"
    with Store.open(opts.db) as store:
        counts = {q: n for (b, q), n in store.question_counts().items() if b == bank.id}
        question_ids = select_questions(
            bank,
            ids=ids,
            theme=opts.theme,
            count=opts.random_n,
            seed=opts.seed,
            answered=counts,
            among=among,
        )
        if opts.spoken:  # check the audio files before a session is created for them
            from interviewer.voice.answers import audio_map

            frontend.audio_root = store.path.parent / "audio"  # type: ignore[attr-defined]
            frontend.files = audio_map(opts.audio or [], question_ids)  # type: ignore[attr-defined]
        engine = Interview.start(
            store,
            bank,
            question_ids,
            grader,
            mode=mode,
            feedback=opts.feedback,  # type: ignore[arg-type]
            follow_ups=opts.follow_ups,
            options={"bank": opts.bank or bank.id, **({"plan": plan} if plan else {})},
            max_answer_chars=settings.max_answer_chars,
        )
        _run(engine, frontend, opts.report)


def _job_questions(opts: PracticeOptions, settings: Settings) -> tuple[Bank, list[str]]:
    """The best-fitting bank's picks for the job (a session keeps to one bank)."""
    from rich.markup import escape

    from interviewer.core.errors import ConfigError
    from interviewer.prep.job import match_job, read_job
    from interviewer.prep.planner import banks_to_search, session_picks

    if opts.question_ids or opts.random_n or opts.theme:
        raise ConfigError("use either --job or --questions/--random/--theme, not both")
    if opts.job == "-" and opts.answers is None and not opts.spoken:
        raise ConfigError(
            "--job - reads the job description from stdin, so answers cannot be typed there: "
            "give the job as a file, or the answers with --answers FILE"
        )
    found = [get_bank(opts.bank, settings.bank_dir)] if opts.bank else None
    job = read_job(opts.job or "-")
    bank, ids = session_picks(match_job(job, found or banks_to_search(settings.bank_dir)))
    console(stderr=True).print(
        f"[dim]{plural(len(ids), 'question')} picked for {escape(job.title)} from {bank.id}, the "
        "best-fitting bank (`interviewer plan --job` lists picks from every bank).[/dim]"
    )
    return bank, ids


def _planned(
    opts: PracticeOptions, settings: Settings
) -> tuple[Bank, list[str], dict[str, object]]:
    """The bank and questions of `interviewer next`'s plan, and its focus to record."""
    from rich.markup import escape

    from interviewer.cli.commands.next import load_plan
    from interviewer.core.errors import ConfigError

    if opts.question_ids or opts.random_n or opts.theme or opts.bank:
        raise ConfigError("use either --next or --bank/--questions/--random/--theme, not both")
    plan = load_plan(opts.db, settings.bank_dir)
    focus = ", ".join(escape(n) for n in (plan.part_name, plan.theme_name) if n)
    console(stderr=True).print(
        f"[dim]The plan ({'working on ' + focus if focus else 'first questions'}): "
        f"{', '.join(plan.question_ids)} from {plan.bank_id} (`interviewer next` says why).[/dim]"
    )
    return get_bank(plan.bank_id, settings.bank_dir), plan.question_ids, plan.focus()


def resume_practice(
    session: str | None,
    *,
    editor: bool = False,
    grader: str | None = None,
    model: str | None = None,
    bank_dir: Path | None = None,
    db: Path | None = None,
) -> None:
    """Continue a session where it stopped: answered questions are not asked again."""
    settings, grader_obj = _grader(grader, model, bank_dir)
    with Store.open(db) as store:
        record = store.get_session(session) if session else store.latest_unfinished()
        if record is None:
            raise NotFoundError("no unfinished session to resume: start one with `practice`")
        if record.finished and not record.pending():
            raise NotFoundError(f"session {record.id} is already finished and fully graded")
        if record.finished:
            console().print(
                f"Session {record.id} is finished, but "
                f"{plural(len(record.pending()), 'answer is', 'answers are')} not graded yet: "
                "grading them now."
            )
            _regrade_and_report(store, record.id, settings, grader_obj, everything=False)
            return
        options = store.session_options(record.id)
        bank = session_bank(store, record, settings.bank_dir, paths=True)
        engine = Interview(
            store,
            bank,
            record.id,
            grader_obj,
            feedback=options.get("feedback", "now"),
            follow_ups=int(options.get("follow_ups", 1)),
            max_answer_chars=settings.max_answer_chars,
        )
        _run(engine, TerminalFrontend(editor=editor, feedback=engine.feedback))


def _run(engine: Interview, frontend: TerminalFrontend, report: str | None = "html") -> None:
    out = console()
    try:
        session = engine.run(frontend)
    except (StopInterview, KeyboardInterrupt) as stop:
        out.print(
            f"\n[yellow]Interview paused.[/yellow] Your answers are saved in session "
            f"{engine.session_id}; continue with `interviewer resume {engine.session_id}`."
        )
        if isinstance(stop, KeyboardInterrupt) or stop.reason == "interrupted":
            raise SystemExit(130) from None
        return
    out.print(f"\nSession {session.id} saved to {engine.store.path}.")
    if report:
        path = write_session_report(engine, session, report)
        if path is not None:
            out.print(f"Report: {path}")
    _fail_if_pending(session)


def _fail_if_pending(session: SessionRecord) -> None:
    """Exit 1 (with the way out) when answers are saved but not graded."""
    pending = session.pending()
    if pending:
        from interviewer.core.errors import GradingError

        raise GradingError(
            f"{plural(len(pending), 'answer')} saved but not graded; "
            f"`interviewer resume {session.id}` grades them"
        )


def write_session_report(engine: Interview, session: SessionRecord, fmt: str) -> Path | None:
    """Write the session report next to the database, if the reports module is installed."""
    import importlib.util

    if importlib.util.find_spec("interviewer.views.report") is None:
        return None  # reports are optional: the interview itself is complete
    path = engine.store.path.parent / "reports" / f"{session.id}.{fmt}"
    try:
        from interviewer.views.history import history_points
        from interviewer.views.report import write_report

        path.parent.mkdir(parents=True, exist_ok=True)
        trend = history_points(engine.store.list_sessions(), session.id)
        write_report(session, engine.bank, fmt, path, trend)
    except Exception as exc:  # the session is saved; a report problem must not hide that
        console().print(
            f"[yellow]Could not write the report[/yellow] ({type(exc).__name__}: {exc}); "
            f"try `interviewer report {session.id}` later."
        )
        return None
    return path


def regrade_session(
    session: str,
    *,
    everything: bool = False,
    grader: str | None = None,
    model: str | None = None,
    bank_dir: Path | None = None,
    db: Path | None = None,
) -> None:
    """Grade what is ungraded (or everything); old grades stay, the newest is shown."""
    settings, grader_obj = _grader(grader, model, bank_dir)
    with Store.open(db) as store:
        record = store.get_session(session)
        _regrade_and_report(store, record.id, settings, grader_obj, everything=everything)


def _regrade_and_report(
    store: Store, sid: str, settings: Settings, grader: Grader, *, everything: bool
) -> None:
    """Transcribe saved audio, grade the pending answers (or all), print a line each.

    Raises GradingError (exit 1) when any answer could still not be graded.
    """
    from rich.markup import escape

    out = console()
    record = store.get_session(sid)
    bank = session_bank(store, record, settings.bank_dir, paths=True)
    if any(a.status == "untranscribed" for a in record.answers):
        from interviewer.voice.answers import transcribe_pending

        heard = transcribe_pending(store, record.id, settings)
        out.print(f"Transcribed {plural(heard, 'saved recording')}.")
    results = regrade(
        store,
        bank,
        record.id,
        grader,
        everything=everything,
        max_answer_chars=settings.max_answer_chars,
    )
    if not results:
        out.print(f"Nothing to grade in session {record.id} (use --all to grade again).")
        return
    failed = 0
    for view, grade, error in results:
        if grade is None:
            failed += 1
            out.print(f"  {view.question_id:<5} [red]failed[/red]: {escape(redact(error or ''))}")
        else:
            out.print(f"  {view.question_id:<5} overall {grade.overall:>3}/100")
    out.print(f"Graded {len(results) - failed} of {len(results)} in session {record.id}.")
    if failed:
        from interviewer.core.errors import GradingError

        raise GradingError(f"{plural(failed, 'answer')} could not be graded; they stay saved")
