"""Read any common audio file as 16 kHz mono float samples, and write WAV.

``soundfile`` (libsndfile, bundled in its wheel) reads wav, flac, ogg and mp3; anything
else (m4a, webm, ...) goes through ``ffmpeg`` when it is installed. ``soxr`` resamples:
small, fast and high quality, which beats hand-rolled interpolation. A file that cannot be
read is one clear line naming it and what to install.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from interviewer.errors import ConfigError, DataError

if TYPE_CHECKING:
    import numpy as np

RATE = 16_000
NATIVE = {".wav", ".flac", ".ogg", ".oga", ".mp3", ".aiff", ".aif"}
VIA_FFMPEG = {".m4a", ".mp4", ".webm", ".aac", ".opus", ".wma", ".mkv"}


@dataclass
class Audio:
    samples: np.ndarray  # float32 mono at RATE
    rate: int = RATE

    @property
    def seconds(self) -> float:
        return len(self.samples) / self.rate


def _libs():
    try:
        import numpy as np
        import soundfile
        import soxr
    except ImportError as exc:
        raise ConfigError(
            "reading audio needs the voice extra: pip install 'interviewer[voice]'"
        ) from exc
    return np, soundfile, soxr


def load_audio(path: Path) -> Audio:
    """Decode ``path`` to 16 kHz mono."""
    np, soundfile, soxr = _libs()
    if not path.exists():
        raise DataError(path, None, "audio file not found")
    suffix = path.suffix.lower()
    try:
        if suffix in VIA_FFMPEG:
            data, rate = soundfile.read(io.BytesIO(_ffmpeg_wav(path)), dtype="float32")
        else:
            data, rate = soundfile.read(str(path), dtype="float32")
    except (RuntimeError, soundfile.LibsndfileError) as exc:
        if suffix not in NATIVE and suffix not in VIA_FFMPEG and shutil.which("ffmpeg"):
            data, rate = soundfile.read(io.BytesIO(_ffmpeg_wav(path)), dtype="float32")
        else:
            raise DataError(path, None, f"cannot read this audio ({exc})") from exc
    if data.ndim > 1:
        data = data.mean(axis=1)
    if rate != RATE:
        data = soxr.resample(data, rate, RATE)
    return Audio(np.ascontiguousarray(data, dtype=np.float32))


def _ffmpeg_wav(path: Path) -> bytes:
    if not shutil.which("ffmpeg"):
        raise DataError(
            path, None, f"reading {path.suffix} audio needs ffmpeg (Debian: apt-get install ffmpeg)"
        )
    cmd = ["ffmpeg", "-nostdin", "-loglevel", "error", "-i", str(path), "-ac", "1", "-ar",
           str(RATE), "-f", "wav", "-"]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, check=False)
    if done.returncode != 0:
        reason = done.stderr.decode(errors="replace").strip().splitlines()[-1:] or ["unknown"]
        raise DataError(path, None, f"ffmpeg cannot read this audio: {reason[0]}")
    return done.stdout


def wav_bytes(audio: Audio) -> bytes:
    """16-bit PCM WAV, the most widely accepted upload format."""
    _, soundfile, _ = _libs()
    buffer = io.BytesIO()
    soundfile.write(buffer, audio.samples, audio.rate, format="WAV", subtype="PCM_16")
    return buffer.getvalue()
