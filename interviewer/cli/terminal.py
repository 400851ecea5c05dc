"""The terminal frontend of the interview engine: questions, typed answers, scorecards.

Rich output on a terminal, plain text when piped (rich drops colour and markup itself;
bars fall back to ``#``). A typed answer is several lines; two empty lines in a row or
Ctrl-D finish it, ``/skip`` skips the question and ``/quit`` stops (everything entered so
far is saved; ``interviewer resume`` continues). ``--editor`` opens $EDITOR instead.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field

from rich.console import Console
from rich.markup import escape

from interviewer.core.bank import Bank, Question
from interviewer.core.records import QuestionView, SessionRecord
from interviewer.core.redaction import redact
from interviewer.core.rubric import Rubric, answer_target
from interviewer.engine.session import AnswerInput, StopInterview
from interviewer.ui import console

FINISH_HINT = "Finish with an empty line twice (or Ctrl-D). /skip skips, /quit stops."
EDITOR_TEMPLATE = (
    "\n\n# {prompt}\n# Write your answer above. Lines starting with # are ignored.\n"
    "# Save and close the editor to submit; leave it empty to skip.\n"
)


def word_count(text: str) -> int:
    return len(text.split())


def format_elapsed(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    m, s = divmod(round(seconds), 60)
    return f"{m}m {s:02d}s" if m else f"{s}s"


@dataclass
class TerminalFrontend:
    """Reads answers from stdin (or $EDITOR) and prints to the shared console."""

    editor: bool = False
    feedback: str = "now"
    # Rewrites an answer in STAR form (set when an LLM is configured): "/coach" after a
    # scorecard shows a stronger version.
    coach: Callable[[Question, QuestionView], str] | None = None
    _started: float = field(default=0.0, repr=False)
    _scorecards: list[tuple[Question, QuestionView, Rubric]] = field(default_factory=list)

    @property
    def out(self) -> Console:
        return console()

    # --- Frontend protocol ---

    def start(self, session: SessionRecord, bank: Bank, pending: list[Question]) -> None:
        done = len(session.unanswered()) < len(session.question_ids)
        verb = "Resuming" if done else "Session"
        self.out.print(
            f"[bold]{verb} {session.id}[/bold] - {escape(bank.title)}, "
            f"{len(pending)} question{'s' if len(pending) != 1 else ''} to go",
        )
        self.out.print(
            f"[dim]Aim for about {answer_target().minutes_text} spoken: "
            f"{answer_target().words_text}, in STAR order.[/dim]"
        )

    def show_question(self, question: Question, index: int, total: int) -> None:
        self.out.print()
        self.out.rule(f"Question {index} of {total} ({question.id})", style="cyan")
        self.out.print(f"[bold]{escape(question.text)}[/bold]")

    def read_answer(self, question: Question, prompt: str, follow_up: bool) -> AnswerInput | None:
        if follow_up:
            self.out.print(f"\n[bold yellow]Follow-up:[/bold yellow] {escape(prompt)}")
        self._started = time.monotonic()
        text = self._edit(prompt) if self.editor else self._type()
        if text is None:
            self.out.print("[dim](skipped)[/dim]")
            return None
        elapsed = time.monotonic() - self._started
        return AnswerInput(text=text, elapsed_seconds=round(elapsed, 1))

    def answer_saved(self, question: Question, answer: AnswerInput, follow_up: bool) -> None:
        """Only now, with the answer committed, is "Saved." true."""
        if answer.status == "untranscribed":
            self.out.print("[dim]Saved the recording.[/dim]")
            return
        self._show_length(answer.text, answer.elapsed_seconds or 0.0, follow_up)

    def grading(self, question: Question) -> AbstractContextManager[object]:
        if self.out.is_terminal:
            return self.out.status("Grading...")
        return nullcontext()

    def show_grading_failed(self, question: Question, error: str) -> None:
        self.out.print(
            f"[red]Could not grade {question.id}:[/red] {escape(redact(error))}\n"
            "[dim]Your answer is saved; grade it later with `interviewer regrade last`.[/dim]"
        )

    def show_scorecard(self, question: Question, view: QuestionView, rubric: Rubric) -> None:
        from interviewer.cli.scorecard import print_scorecard

        print_scorecard(self.out, question, view, rubric)
        if self.coach is not None and sys.stdin.isatty():
            self._offer_coach(question, view)

    def _offer_coach(self, question: Question, view: QuestionView) -> None:
        from interviewer.core.errors import InterviewerError

        self.out.print(
            "[dim]Enter to go on, or /coach for a stronger version of this answer.[/dim]"
        )
        if sys.stdin.readline().strip().lower() != "/coach":
            return
        try:
            with self.grading(question):
                better = self.coach(question, view)  # type: ignore[misc]
        except InterviewerError as exc:
            self.out.print(f"[yellow]No stronger version:[/yellow] {escape(str(exc))}")
            return
        self.out.print("[bold]A stronger version[/bold] (fill in the [brackets]):")
        self.out.print(escape(better))

    def finish(self, session: SessionRecord, bank: Bank, scorecards: bool) -> None:
        from interviewer.cli.scorecard import print_scorecard, print_summary
        from interviewer.core.rubric import build_rubric

        if scorecards:
            for view in session.questions():
                if view.grade is not None:
                    question = bank.question(view.question_id)
                    print_scorecard(self.out, question, view, build_rubric(bank, question.id))
        print_summary(self.out, session)

    # --- input ---

    def _type(self) -> str | None:
        self.out.print(f"[dim]{FINISH_HINT}[/dim]")
        lines: list[str] = []
        blanks = 0
        interactive = sys.stdin.isatty()  # a "> " line prompt only for a person at a terminal
        while True:
            try:
                if interactive:
                    sys.stdout.write("> ")
                    sys.stdout.flush()
                line = sys.stdin.readline()
            except KeyboardInterrupt:
                raise StopInterview(self._partial(lines), "interrupted") from None
            if line == "":  # Ctrl-D / end of input
                if any(s.strip() for s in lines):
                    break
                raise StopInterview(None, "end of input")
            line = line.rstrip("\r\n")
            command = line.strip().lower()
            if not any(s.strip() for s in lines) and command in ("/skip", "/quit"):
                if command == "/skip":
                    return None
                raise StopInterview(None, "quit")
            if command == "/quit":
                raise StopInterview(self._partial(lines), "quit")
            if not line.strip():
                if not lines:  # blank lines before any text are ignored
                    continue
                blanks += 1
                if blanks >= 2:
                    break
            else:
                blanks = 0
            lines.append(line)
        return "\n".join(lines).strip()

    def _partial(self, lines: list[str]) -> AnswerInput | None:
        text = "\n".join(lines).strip()
        if not text:
            return None
        return AnswerInput(text=text, elapsed_seconds=round(time.monotonic() - self._started, 1))

    def _edit(self, prompt: str) -> str | None:
        import click

        self.out.print("[dim]Opening your editor... save and close it to submit.[/dim]")
        try:
            raw = click.edit(EDITOR_TEMPLATE.format(prompt=prompt.replace("\n", " ")))
        except KeyboardInterrupt:
            raise StopInterview(None, "interrupted") from None
        text = "\n".join(
            line for line in (raw or "").splitlines() if not line.lstrip().startswith("#")
        ).strip()
        return text or None

    def _show_length(self, text: str, elapsed: float, follow_up: bool) -> None:
        words = word_count(text)
        low, high = answer_target().words
        if follow_up:
            self.out.print(f"[dim]Saved. {words} words, {format_elapsed(elapsed)}.[/dim]")
            return
        timing = (
            f", {format_elapsed(elapsed)} typing (aim for {answer_target().minutes_text} spoken)"
            if elapsed >= 1
            else ""  # piped input: no meaningful time
        )
        colour = "green" if low <= words <= high else "yellow"
        note = "" if low <= words <= high else (" - too short" if words < low else " - too long")
        self.out.print(
            f"[dim]Saved.[/dim] [{colour}]{words} words[/{colour}] (target {low}-{high}{note})"
            + timing
        )


@dataclass
class ScriptedFrontend(TerminalFrontend):
    """Answers come from an answers file instead of the keyboard; output is the same."""

    answers: dict[str, tuple[str, list[str]]] = field(default_factory=dict)
    _used: dict[str, int] = field(default_factory=dict, repr=False)

    def read_answer(self, question: Question, prompt: str, follow_up: bool) -> AnswerInput | None:
        main, follow_ups = self.answers.get(question.id, ("", []))
        if follow_up:
            self.out.print(f"\n[bold yellow]Follow-up:[/bold yellow] {escape(prompt)}")
            n = self._used.get(question.id, 0)
            if n >= len(follow_ups):
                self.out.print("[dim](no scripted follow-up answer: moving on)[/dim]")
                return None
            self._used[question.id] = n + 1
            text = follow_ups[n]
        else:
            if not main:
                self.out.print("[dim](no scripted answer: skipped)[/dim]")
                return None
            text = main
        self.out.print(f"[dim]{escape(text)}[/dim]")
        return AnswerInput(text=text)

    def _show_length(self, text: str, elapsed: float, follow_up: bool) -> None:
        low, high = answer_target().words
        words = word_count(text)
        if not follow_up:
            self.out.print(f"[dim]Saved. {words} words (target {low}-{high}).[/dim]")
