"""Transcription through an OpenAI-compatible ``/audio/transcriptions`` endpoint.

Works with whisper-1, gpt-4o(-mini)-transcribe, or a local faster-whisper / whisper.cpp
server speaking the same API (``OPENAI_BASE_URL``). Long audio is split on silence and the
parts' transcripts joined, with segment times shifted. Transport faults are retried with
the same predicate and wait as grading (``interviewer.grading.llm.retry``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openai
from tenacity import Retrying

from interviewer.core.errors import DataError, LLMUnavailableError
from interviewer.core.redaction import safe_url
from interviewer.core.settings import Settings
from interviewer.grading.llm.retry import policy
from interviewer.voice.audio import Audio, load_audio, wav_bytes
from interviewer.voice.split import MAX_SECONDS, split_audio

# Models that return segments with timestamps (verbose_json); others return plain json.
VERBOSE_MODELS = ("whisper",)
# What the endpoint itself accepts, and its upload limit.
ENDPOINT_FORMATS = {".flac", ".m4a", ".mp3", ".mp4", ".mpeg", ".mpga", ".oga", ".ogg", ".wav",
                    ".webm"}  # fmt: skip
MAX_BYTES = 25 * 1024 * 1024


def _mime(path: Path) -> str:
    """An audio MIME type by suffix (the mimetypes table calls webm video)."""
    suffix = path.suffix.lower().lstrip(".")
    return {"m4a": "audio/mp4", "mp3": "audio/mpeg", "mpga": "audio/mpeg", "oga": "audio/ogg",
            "wav": "audio/wav"}.get(suffix, f"audio/{suffix}")  # fmt: skip


@dataclass
class Segment:
    start: float
    end: float
    text: str
    avg_logprob: float | None = None
    no_speech_prob: float | None = None


@dataclass
class Transcript:
    text: str
    duration: float
    segments: list[Segment] = field(default_factory=list)


class Transcriber:
    """Turns audio into text with the configured endpoint."""

    def __init__(
        self,
        settings: Settings,
        client: Any = None,
        sleep: Callable[[float], None] = time.sleep,
        max_seconds: float = MAX_SECONDS,
    ) -> None:
        if client is None:
            from interviewer.grading.llm.client import build_client

            settings.require_llm(
                "transcription", "a local whisper server (faster-whisper, whisper.cpp)"
            )

            client = build_client(settings)
        self.settings = settings
        self.client = client
        self.sleep = sleep
        self.max_seconds = max_seconds

    def transcribe_file(self, path: Path) -> Transcript:
        """Decode, split if long, transcribe; a file we cannot decode here (a browser's webm
        without ffmpeg) but the endpoint accepts is sent as it is, when small enough."""
        try:
            audio = load_audio(path)
        except DataError:
            if path.suffix.lower() not in ENDPOINT_FORMATS or path.stat().st_size > MAX_BYTES:
                raise
            reply = self._request(path.read_bytes(), path.name, _mime(path))
            duration = float(_get(reply, "duration", 0.0) or 0.0)
            return Transcript((getattr(reply, "text", "") or "").strip(), duration,
                              self._segments(reply, 0.0))  # fmt: skip
        return self.transcribe(audio)

    def transcribe(self, audio: Audio) -> Transcript:
        texts: list[str] = []
        segments: list[Segment] = []
        offset = 0.0
        for i, part in enumerate(split_audio(audio, self.max_seconds)):
            reply = self._request(wav_bytes(part), f"answer-{i + 1}.wav")
            texts.append((getattr(reply, "text", "") or "").strip())
            segments += self._segments(reply, offset)
            offset += part.seconds
        return Transcript(" ".join(t for t in texts if t), audio.seconds, segments)

    @staticmethod
    def _segments(reply: Any, offset: float) -> list[Segment]:
        return [
            Segment(
                start=offset + float(_get(seg, "start", 0.0)),
                end=offset + float(_get(seg, "end", 0.0)),
                text=str(_get(seg, "text", "")).strip(),
                avg_logprob=_get(seg, "avg_logprob", None),
                no_speech_prob=_get(seg, "no_speech_prob", None),
            )
            for seg in getattr(reply, "segments", None) or []
        ]

    def _request(self, payload: bytes, name: str, mime: str = "audio/wav") -> Any:
        model = self.settings.transcribe_model
        verbose = model.startswith(VERBOSE_MODELS)
        kwargs: dict[str, Any] = {"model": model, "file": (name, payload, mime)}
        if verbose:
            kwargs["response_format"] = "verbose_json"
        try:
            for attempt in Retrying(sleep=self.sleep, **policy(self.settings.max_retries)):
                with attempt:
                    return self.client.audio.transcriptions.create(**kwargs)
        except openai.APIError as exc:
            where = safe_url(self.settings.openai_base_url) or "api.openai.com"
            raise LLMUnavailableError(f"transcription at {where} failed: {exc}") from exc
        raise AssertionError("unreachable")  # pragma: no cover


def _get(obj: Any, key: str, default: Any) -> Any:
    if isinstance(obj, dict):
        return obj.get(key, default)
    return getattr(obj, key, default)
