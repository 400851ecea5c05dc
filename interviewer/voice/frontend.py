"""The spoken interview: questions read aloud, answers recorded or taken from files.

The audio is copied into the session's audio folder *before* transcription, so a failed
transcription loses nothing: the answer is saved ``untranscribed`` and ``interviewer
regrade`` transcribes and grades it later (``transcribe_pending``).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from interviewer.bank import Bank, Question
from interviewer.errors import DataError, GradingError, InterviewerError
from interviewer.records import SessionRecord
from interviewer.session import AnswerInput
from interviewer.settings import Settings
from interviewer.store import Store
from interviewer.terminal import TerminalFrontend

AUDIO_SUFFIXES = (".wav", ".flac", ".ogg", ".mp3", ".m4a", ".webm", ".opus", ".aac", ".mp4")
PLAYERS = (["aplay", "-q"], ["paplay"], ["play", "-q"], ["ffplay", "-nodisp", "-autoexit"])


def audio_map(files: list[str], question_ids: list[str]) -> dict[str, Path]:
    """``--audio`` values: ``q1=path`` pairs, or plain paths taken in question order."""
    out: dict[str, Path] = {}
    plain = [f for f in files if "=" not in f]
    for item in files:
        if "=" in item:
            qid, path = item.split("=", 1)
            out[qid.strip()] = Path(path)
    for qid, path in zip([q for q in question_ids if q not in out], plain, strict=False):
        out[qid] = Path(path)
    for qid, path in out.items():
        if not path.exists():
            raise DataError(path, None, f"audio file for {qid} not found")
    return out


def find_in_dir(folder: Path, name: str) -> Path | None:
    """``q1.wav``, ``q1.m4a`` ... in ``folder``, whatever the audio format."""
    for suffix in AUDIO_SUFFIXES:
        candidate = folder / f"{name}{suffix}"
        if candidate.exists():
            return candidate
    return None


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
        return transcribe_answer(kept, self.settings, self.out)

    def _source(self, name: str, follow_up: bool) -> Path | None:
        if name in self.files:
            return self.files[name]
        if self.audio_dir is not None:
            return find_in_dir(self.audio_dir, name)
        if self.files or (follow_up and not self.speak):
            return None
        from interviewer.voice.record import record_answer

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


def transcribe_answer(audio: Path, settings: Settings | None, out=None) -> AnswerInput:
    """Transcribe saved audio; a failure keeps it as an ``untranscribed`` answer.

    ``out`` (a console) shows the transcript and delivery; None keeps quiet.
    """
    from interviewer.settings import get_settings
    from interviewer.voice.delivery import measure
    from interviewer.voice.transcribe import Transcriber

    try:
        transcript = Transcriber(settings or get_settings()).transcribe_file(audio)
    except (GradingError, InterviewerError) as exc:
        if out is not None:
            out.print(f"[yellow]Not transcribed:[/yellow] {exc}")
        return AnswerInput(text="", audio_path=str(audio), status="untranscribed")
    delivery = measure(transcript)
    if out is None:  # a caller with no terminal (the web app, regrade)
        return AnswerInput(
            text=transcript.text,
            elapsed_seconds=delivery.seconds,
            audio_path=str(audio),
            delivery=delivery.model_dump(),
        )
    out.print(f"[dim]Transcript:[/dim] {transcript.text}")
    out.print(
        f"[dim]{delivery.seconds:.0f}s, {delivery.words_per_minute:.0f} words/min, "
        f"{delivery.fillers_per_minute:.1f} fillers/min.[/dim] " + " ".join(delivery.advice)
    )
    return AnswerInput(
        text=transcript.text,
        elapsed_seconds=delivery.seconds,
        audio_path=str(audio),
        delivery=delivery.model_dump(),
    )


def transcribe_pending(store: Store, session_id: str, settings: Settings) -> int:
    """Transcribe every ``untranscribed`` answer of a session; returns how many worked."""
    done = 0
    session = store.get_session(session_id)
    for answer in session.answers:
        if answer.status != "untranscribed" or not answer.audio_path:
            continue
        result = transcribe_answer(Path(answer.audio_path), settings)
        if result.status == "untranscribed":
            continue
        store.update_answer(
            answer.id, text=result.text, status="ungraded", delivery=result.delivery
        )
        done += 1
    return done
