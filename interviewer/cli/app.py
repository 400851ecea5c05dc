"""The command line: a thin layer that parses flags and calls the modules that do the work.

Each command lives in ``interviewer/cli/commands/<name>.py`` and imports its heavy modules
inside the function, so ``interviewer --help`` stays fast. Any ``InterviewerError`` becomes
one line on stderr and its exit code, never a traceback.
"""

from __future__ import annotations

import typer
from typer.core import TyperGroup

from interviewer import __version__
from interviewer.cli.commands import banks as banks_cmd
from interviewer.cli.commands import debrief as debrief_cmd
from interviewer.cli.commands import eval as eval_cmd
from interviewer.cli.commands import grade as grade_cmd
from interviewer.cli.commands import importer as import_cmd
from interviewer.cli.commands import next as next_cmd
from interviewer.cli.commands import plan as plan_cmd
from interviewer.cli.commands import practice as practice_cmd
from interviewer.cli.commands import report as report_cmd
from interviewer.cli.commands import review as review_cmd
from interviewer.cli.commands import serve as serve_cmd
from interviewer.cli.commands import sessions as sessions_cmd
from interviewer.cli.commands import stories as stories_cmd
from interviewer.cli.commands import voice as voice_cmd
from interviewer.core.errors import InterviewerError


class _FriendlyErrors(TyperGroup):
    """Turn the tool's own errors into one clear line and an exit code."""

    # typer's stubs name the parameter with its vendored click's Context (typer._click), a
    # private module; typer.Context subclasses it and is what typer passes at run time.
    def invoke(self, ctx: typer.Context) -> object:  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except InterviewerError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(exc.exit_code) from None


app = typer.Typer(
    cls=_FriendlyErrors,
    help="Mock interviews graded against a STAR rubric - offline by default, any LLM if set.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"interviewer {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version."
    ),
) -> None:
    """Mock interviews graded against a STAR rubric."""


# in the order a candidate meets them in --help
app.command("practice")(practice_cmd.practice)
app.command("resume")(practice_cmd.resume)
app.command("plan")(plan_cmd.plan)
app.command("next")(next_cmd.next_step)
app.add_typer(stories_cmd.app, name="stories")
app.command("report")(report_cmd.report)
app.command("history")(report_cmd.history)
app.command("coach")(report_cmd.coach)
app.command("debrief")(debrief_cmd.debrief)
app.add_typer(sessions_cmd.app, name="sessions")  # export/import of one session
app.command("review")(review_cmd.review)
app.command("serve")(serve_cmd.serve)
app.command("regrade")(practice_cmd.regrade)
app.command("grade")(grade_cmd.grade)
app.command("eval")(eval_cmd.eval_suite)
app.add_typer(banks_cmd.app, name="banks")
app.command("import")(import_cmd.import_bank)
app.command("transcribe")(voice_cmd.transcribe)
app.command("speak")(voice_cmd.speak)


def main() -> None:
    """Console-script entry point."""
    app()
