"""Speak text: the OpenAI-compatible speech endpoint when an LLM is configured, else a
local engine (espeak-ng or piper) when installed, else nothing (the caller prints it)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from interviewer.errors import ConfigError
from interviewer.settings import Settings


def local_engine() -> str | None:
    for name in ("espeak-ng", "piper"):
        if shutil.which(name):
            return name
    return None


def speak_to_file(text: str, out: Path, settings: Settings) -> str:
    """Write speech for ``text`` to ``out``; returns the engine used."""
    if settings.llm_configured:
        from interviewer.llm.client import build_client

        client = build_client(settings)
        fmt = "wav" if out.suffix.lower() == ".wav" else "mp3"
        audio = client.audio.speech.create(
            model=settings.tts_model, voice=settings.tts_voice, input=text, response_format=fmt
        )
        out.write_bytes(audio.content)
        return f"speech endpoint ({settings.tts_model})"
    engine = local_engine()
    if engine == "espeak-ng":
        subprocess.run(["espeak-ng", "-w", str(out), text], check=True, capture_output=True)
        return "espeak-ng"
    if engine == "piper":
        subprocess.run(["piper", "--output_file", str(out)], input=text.encode(), check=True,
                       capture_output=True)  # fmt: skip
        return "piper"
    raise ConfigError(
        "no text-to-speech available: configure an LLM (OPENAI_API_KEY) or install espeak-ng"
    )
