"""The terminal side of a practice run: which frontend (typed, scripted, spoken), what is
printed, and the exit codes. ``service.practice`` does the rest (questions, the session,
resume, regrade, the report file), the same for every shell.

Ctrl-C, ``/quit`` or the end of input stop the interview with every answer already saved,
and print how to resume.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from interviewer.cli.terminal import ScriptedFrontend, TerminalFrontend
from interviewer.core.bank import Bank, get_bank
from interviewer.core.records import SessionRecord
from interviewer.core.redaction import redact
from interviewer.core.settings import Settings, build_settings
from interviewer.grading.factory import describe_grader
from interviewer.service.practice import (
    Practice,
    Regraded,
    Run,
    Selection,
    StopInterview,
    coach_with,
)
from interviewer.ui import console
from interviewer.views.summary import plural

if TYPE_CHECKING:
    from interviewer.cli.voice_frontend import VoiceFrontend


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


def _settings(grader: str | None, model: str | None, bank_dir: Path | None) -> Settings:
    """The settings for this run, and which grader they choose (said on stderr)."""
    settings = build_settings(grader=grader, model=model, bank_dir=bank_dir)
    console(stderr=True).print(f"[dim]Grading with {describe_grader(settings)}.[/dim]")
    return settings


def start_practice(opts: PracticeOptions) -> None:
    """Start a new session and run it to the end (or until the person stops)."""
    settings = _settings(opts.grader, opts.model, opts.bank_dir)
    plan: dict[str, object] = {}
    if opts.job is not None:
        bank, opts.question_ids = _job_questions(opts, settings)
    elif opts.plan_next:
        bank, opts.question_ids, plan = _planned(opts, settings)
    else:
        bank = get_bank(opts.bank, settings.bank_dir)
    frontend: TerminalFrontend
    voice: VoiceFrontend | None = None
    if opts.answers is not None:
        from interviewer.cli.answers_file import load_answers

        scripted = load_answers(opts.answers, bank)
        frontend = ScriptedFrontend(feedback=opts.feedback, answers=scripted)
        ids = opts.question_ids or (None if opts.random_n or opts.theme else list(scripted))
        among = list(scripted)
        mode = "scripted"
    elif opts.spoken:
        from interviewer.cli.voice_frontend import VoiceFrontend

        frontend = voice = VoiceFrontend(
            feedback=opts.feedback, settings=settings, speak=opts.voice, audio_dir=opts.audio_dir
        )
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
    selection = Selection(
        ids=ids, theme=opts.theme, count=opts.random_n, seed=opts.seed, among=among
    )
    with Practice.open(settings, opts.db) as practice:
        question_ids = practice.choose(bank, selection)
        if voice is not None:  # check the audio files before a session is created for them
            from interviewer.voice.answers import audio_map

            voice.audio_root = practice.audio_root
            voice.files = audio_map(opts.audio or [], question_ids)
        run = practice.start(
            bank,
            question_ids,
            bank_ref=opts.bank,
            mode=mode,
            feedback=opts.feedback,  # type: ignore[arg-type]
            follow_ups=opts.follow_ups,
            plan=plan,
        )
        _run(practice, run, frontend, opts.report)


def _job_questions(opts: PracticeOptions, settings: Settings) -> tuple[Bank, list[str]]:
    """The best-fitting bank's picks for the job (a session keeps to one bank)."""
    from rich.markup import escape

    from interviewer.core.errors import ConfigError
    from interviewer.prep.job import read_job
    from interviewer.prep.jobmatch import match_job
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
    settings = _settings(grader, model, bank_dir)
    with Practice.open(settings, db) as practice:
        record = practice.resumable(session)
        if record.finished:
            console().print(
                f"Session {record.id} is finished, but "
                f"{plural(len(record.pending()), 'answer is', 'answers are')} not graded yet: "
                "grading them now."
            )
            _print_regraded(practice.regrade(record.id))
            return
        run = practice.resume(record)
        _run(practice, run, TerminalFrontend(editor=editor, feedback=run.feedback))


def _run(
    practice: Practice, run: Run, frontend: TerminalFrontend, report: str | None = "html"
) -> None:
    out = console()
    try:
        session = run.run(frontend)
    except (StopInterview, KeyboardInterrupt) as stop:
        out.print(
            f"\n[yellow]Interview paused.[/yellow] Your answers are saved in session "
            f"{run.session_id}; continue with `interviewer resume {run.session_id}`."
        )
        if isinstance(stop, KeyboardInterrupt) or stop.reason == "interrupted":
            raise SystemExit(130) from None
        return
    out.print(f"\nSession {session.id} saved to {practice.path}.")
    if report:
        path = _write_report(practice, session.id, report)
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


def _write_report(practice: Practice, sid: str, fmt: str) -> Path | None:
    """The session's report file; a problem with it is said but does not hide the save."""
    try:
        return practice.write_report(sid, fmt)
    except Exception as exc:  # the session is saved; a report problem must not hide that
        console().print(
            f"[yellow]Could not write the report[/yellow] ({type(exc).__name__}: {exc}); "
            f"try `interviewer report {sid}` later."
        )
        return None


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
    settings = _settings(grader, model, bank_dir)
    with Practice.open(settings, db) as practice:
        _print_regraded(practice.regrade(session, everything=everything))


def _print_regraded(done: Regraded) -> None:
    """A line per answer graded; GradingError (exit 1) when any could still not be graded."""
    from rich.markup import escape

    out = console()
    if done.transcribed is not None:
        out.print(f"Transcribed {plural(done.transcribed, 'saved recording')}.")
    if not done.graded:
        out.print(f"Nothing to grade in session {done.session_id} (use --all to grade again).")
        return
    for row in done.graded:
        if row.overall is None:
            out.print(
                f"  {row.question_id:<5} [red]failed[/red]: {escape(redact(row.error or ''))}"
            )
        else:
            out.print(f"  {row.question_id:<5} overall {row.overall:>3}/100")
    out.print(
        f"Graded {len(done.graded) - done.failed} of {len(done.graded)} "
        f"in session {done.session_id}."
    )
    if done.failed:
        from interviewer.core.errors import GradingError

        raise GradingError(f"{plural(done.failed, 'answer')} could not be graded; they stay saved")
