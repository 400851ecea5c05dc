"""Speak text: the OpenAI-compatible speech endpoint when an LLM is configured, else a
local engine (espeak-ng or piper) when installed, else nothing (the caller prints it).

The output file's extension names its format. The endpoint is asked for that format when
it can make it (mp3, opus, aac, flac, wav); anything else, and a reply in another format
than asked, is converted by ``audio.write_audio_file`` (libsndfile, else ffmpeg). An
extension that cannot be written is refused before anything is synthesised.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Literal

from interviewer.core.errors import ConfigError
from interviewer.core.settings import Settings

# extension -> the speech endpoint's ``response_format`` (its "pcm" has no file format)
SpeechFormat = Literal["mp3", "opus", "aac", "flac", "wav"]
ENDPOINT_FORMATS: dict[str, SpeechFormat] = {
    ".mp3": "mp3",
    ".opus": "opus",
    ".aac": "aac",
    ".flac": "flac",
    ".wav": "wav",
}


def local_engine() -> str | None:
    for name in ("espeak-ng", "piper"):
        if shutil.which(name):
            return name
    return None


def writable_formats(settings: Settings) -> list[str]:
    """Extensions (with the dot) ``speak_to_file`` can write with these settings."""
    from interviewer.voice.audio import writable_formats as convertible

    found = convertible()
    if settings.llm_configured:  # the endpoint makes these itself: nothing to convert
        found += [suffix for suffix in ENDPOINT_FORMATS if suffix not in found]
    return found


def check_output(out: Path, settings: Settings) -> None:
    """Refuse an extension that cannot be written, naming the formats that can."""
    from interviewer.voice.audio import cannot_write

    formats = writable_formats(settings)
    if out.suffix.lower() not in formats:
        raise cannot_write(out, formats)


def speak_to_file(text: str, out: Path, settings: Settings) -> str:
    """Write speech for ``text`` to ``out`` in the format its extension names; returns the
    engine used (and the converter, when the audio had to be converted)."""
    from interviewer.voice.audio import sniff_format, write_audio_file

    check_output(out, settings)
    suffix = out.suffix.lower()
    with tempfile.TemporaryDirectory(prefix="interviewer-tts-") as tmp:
        if settings.llm_configured:
            from interviewer.grading.llm.client import build_client

            client = build_client(settings)
            fmt = ENDPOINT_FORMATS.get(suffix, "wav")
            audio = client.audio.speech.create(
                model=settings.tts_model, voice=settings.tts_voice, input=text, response_format=fmt
            )
            content = audio.content
            raw = Path(tmp) / f"speech.{sniff_format(content[:128]) or fmt}"
            raw.write_bytes(content)
            engine = f"speech endpoint ({settings.tts_model})"
            what = "the speech endpoint's reply"
        else:
            engine = local_engine() or ""
            raw = Path(tmp) / "speech.wav"
            what = f"{engine}'s audio"
            if engine == "espeak-ng":
                subprocess.run(["espeak-ng", "-w", str(raw), text], check=True,
                               capture_output=True)  # fmt: skip
            elif engine == "piper":
                subprocess.run(["piper", "--output_file", str(raw)], input=text.encode(),
                               check=True, capture_output=True)  # fmt: skip
            else:
                raise ConfigError(
                    "no text-to-speech available: configure an LLM (OPENAI_API_KEY) "
                    "or install espeak-ng"
                )
        staged = Path(tmp) / f"out{suffix}"
        how = write_audio_file(raw, staged, name=out, what=what)
        shutil.move(staged, out)  # only a complete file of the right format reaches ``out``
    if how == "as is":
        return engine
    return f"{engine}; {suffix.lstrip('.')} via {how}"
