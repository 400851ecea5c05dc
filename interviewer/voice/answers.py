"""Spoken answers apart from any frontend: find the audio, transcribe it, measure delivery.

The terminal (``cli/voice_frontend.py``) and the web app both use these. The audio is
copied into the session's audio folder *before* transcription, so a failed transcription
loses nothing: the answer is saved ``untranscribed`` and ``interviewer regrade``
transcribes and grades it later (``transcribe_pending``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from interviewer.core.errors import DataError, InterviewerError
from interviewer.core.settings import Settings
from interviewer.engine.session import AnswerInput
from interviewer.engine.store import Store

AUDIO_SUFFIXES = (".wav", ".flac", ".ogg", ".mp3", ".m4a", ".webm", ".opus", ".aac", ".mp4")


def audio_map(files: list[str], question_ids: list[str]) -> dict[str, Path]:
    """``--audio`` values: ``q1=path`` pairs, or plain paths taken in question order."""
    out: dict[str, Path] = {}
    plain = [f for f in files if "=" not in f]
    for item in files:
        if "=" in item:
            qid, name = item.split("=", 1)
            out[qid.strip()] = Path(name)
    for qid, name in zip([q for q in question_ids if q not in out], plain, strict=False):
        out[qid] = Path(name)
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


@dataclass(frozen=True)
class Heard:
    """A transcribed answer (``answer``), or why it could not be (``error``)."""

    answer: AnswerInput
    error: str | None = None
    transcript: str = ""
    summary: str = ""  # seconds, words and fillers per minute, and the delivery advice


def transcribe_answer(audio: Path, settings: Settings | None) -> Heard:
    """Transcribe saved audio; a failure keeps it as an ``untranscribed`` answer."""
    from interviewer.core.settings import get_settings
    from interviewer.voice.delivery import measure
    from interviewer.voice.transcribe import Transcriber

    try:
        transcript = Transcriber(settings or get_settings()).transcribe_file(audio)
    except InterviewerError as exc:
        kept = AnswerInput(text="", audio_path=str(audio), status="untranscribed")
        return Heard(kept, error=str(exc))
    delivery = measure(transcript)
    answer = AnswerInput(
        text=transcript.text,
        elapsed_seconds=delivery.seconds,
        audio_path=str(audio),
        delivery=delivery.model_dump(),
    )
    summary = (
        f"{delivery.seconds:.0f}s, {delivery.words_per_minute:.0f} words/min, "
        f"{delivery.fillers_per_minute:.1f} fillers/min. " + " ".join(delivery.advice)
    )
    return Heard(answer, transcript=transcript.text, summary=summary)


def transcribe_pending(store: Store, session_id: str, settings: Settings) -> int:
    """Transcribe every ``untranscribed`` answer of a session; returns how many worked."""
    done = 0
    session = store.get_session(session_id)
    for answer in session.answers:
        if answer.status != "untranscribed" or not answer.audio_path:
            continue
        heard = transcribe_answer(Path(answer.audio_path), settings).answer
        if heard.status == "untranscribed":
            continue
        store.update_answer(answer.id, text=heard.text, status="ungraded", delivery=heard.delivery)
        done += 1
    return done
