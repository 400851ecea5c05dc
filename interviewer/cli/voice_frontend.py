"""The spoken interview in the terminal: questions read aloud, answers recorded or taken
from files, transcribed on arrival (``interviewer.voice.answers``)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from rich.markup import escape

from interviewer.cli.terminal import TerminalFrontend
from interviewer.core.bank import Bank, Question
from interviewer.core.errors import InterviewerError
from interviewer.core.records import SessionRecord
from interviewer.core.settings import Settings
from interviewer.engine.session import AnswerInput
from interviewer.voice.answers import find_in_dir, transcribe_answer

PLAYERS = (["aplay", "-q"], ["paplay"], ["play", "-q"], ["ffplay", "-nodisp", "-autoexit"])


@dataclass
class VoiceFrontend(TerminalFrontend):
    """A TerminalFrontend whose answers are audio, transcribed on arrival."""

    settings: Settings | None = None
    audio_root: Path = Path("audio")
    files: dict[str, Path] = field(default_factory=dict)
    audio_dir: Path | None = None
    speak: bool = False
    _session_id: str = ""
    _transcriber: object | None = None
    _follow_up_count: dict[str, int] = field(default_factory=dict)

    def start(self, session: SessionRecord, bank: Bank, pending: list[Question]) -> None:
        self._session_id = session.id
        super().start(session, bank, pending)

    def show_question(self, question: Question, index: int, total: int) -> None:
        super().show_question(question, index, total)
        if self.speak:
            self._say(question.text)

    def read_answer(self, question: Question, prompt: str, follow_up: bool) -> AnswerInput | None:
        if follow_up:
            self.out.print(f"\n[bold yellow]Follow-up:[/bold yellow] {prompt}")
            if self.speak:
                self._say(prompt)
        name = question.id
        if follow_up:
            n = self._follow_up_count.get(question.id, 0) + 1
            self._follow_up_count[question.id] = n
            name = f"{question.id}-followup{n}"
        source = self._source(name, follow_up)
        if source is None:
            self.out.print("[dim](no audio: skipped)[/dim]")
            return None
        kept = self._keep(source, name)
        heard = transcribe_answer(kept, self.settings)
        if heard.error is not None:
            self.out.print(f"[yellow]Not transcribed:[/yellow] {escape(heard.error)}")
        else:
            self.out.print(f"[dim]Transcript:[/dim] {escape(heard.transcript)}")
            self.out.print(f"[dim]{escape(heard.summary)}[/dim]")
        return heard.answer

    def _source(self, name: str, follow_up: bool) -> Path | None:
        if name in self.files:
            return self.files[name]
        if self.audio_dir is not None:
            return find_in_dir(self.audio_dir, name)
        if self.files or (follow_up and not self.speak):
            return None
        from interviewer.cli.record import record_answer

        target = Path(tempfile.mkdtemp()) / f"{name}.wav"
        return record_answer(target)

    def _keep(self, source: Path, name: str) -> Path:
        """Copy the audio next to the session database before anything can fail."""
        folder = self.audio_root / self._session_id
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{name}{source.suffix.lower()}"
        shutil.copyfile(source, target)
        return target

    def _say(self, text: str) -> None:
        from interviewer.voice.tts import speak_to_file

        try:
            path = Path(tempfile.mkdtemp()) / "question.wav"
            speak_to_file(text, path, self.settings)  # type: ignore[arg-type]
        except (InterviewerError, OSError, subprocess.CalledProcessError) as exc:
            self.out.print(f"[dim](not read aloud: {exc})[/dim]")
            return
        for player in PLAYERS:
            if shutil.which(player[0]):
                subprocess.run([*player, str(path)], check=False, capture_output=True)
                return
        self.out.print("[dim](no audio player found: install alsa-utils or sox to hear it)[/dim]")
