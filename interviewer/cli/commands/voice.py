"""``interviewer transcribe`` and ``interviewer speak``: check a speech set-up."""

from __future__ import annotations

from pathlib import Path

import typer


def transcribe(
    file: Path = typer.Argument(..., help="Audio: wav, flac, ogg, mp3 (m4a, webm with ffmpeg)."),
    model: str | None = typer.Option(None, "--model", help="Transcription model."),
    delivery: bool = typer.Option(False, "--delivery", help="Also show pace, fillers, pauses."),
) -> None:
    """Print the transcript of an audio file."""
    from interviewer.core.settings import build_settings
    from interviewer.voice.transcribe import Transcriber

    settings = build_settings(transcribe_model=model)
    transcript = Transcriber(settings).transcribe_file(file)
    typer.echo(transcript.text)
    if delivery:
        from interviewer.views.summary import plural
        from interviewer.voice.delivery import measure

        d = measure(transcript)
        typer.echo(
            f"\n{d.seconds:.0f}s, {d.words} words, {d.words_per_minute:.0f} wpm, "
            f"{d.fillers_per_minute:.1f} fillers/min, {plural(d.long_pauses, 'long pause')}"
        )
        for line in d.advice:
            typer.echo(f"- {line}")


def speak(
    text: str = typer.Argument(..., help="What to say."),
    out: Path = typer.Option(
        ...,
        "-o",
        "--out",
        help="Audio file to write; its extension names the format: wav, flac, ogg, mp3, opus "
        "(m4a, aac, webm with ffmpeg).",
    ),
) -> None:
    """Write speech to a file, with the speech endpoint or a local engine.

    An extension that cannot be written here is refused, naming the formats that can.
    """
    from interviewer.core.settings import build_settings
    from interviewer.voice.tts import speak_to_file

    engine = speak_to_file(text, out, build_settings())
    typer.echo(f"wrote {out} ({engine})", err=True)
