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
from types import ModuleType
from typing import TYPE_CHECKING

from interviewer.core.errors import ConfigError, DataError

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


def _libs() -> tuple[ModuleType, ModuleType, ModuleType]:
    """numpy, soundfile and soxr, imported on first use (they are the voice extra)."""
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


# Writing: an output file's extension names its format. libsndfile (soundfile) writes these
# itself when its build has the codec; ffmpeg, when installed, writes them and a few more.
WRITE_NATIVE = {
    ".wav": ("WAV", "PCM_16"),
    ".flac": ("FLAC", "PCM_16"),
    ".ogg": ("OGG", "VORBIS"),
    ".mp3": ("MP3", "MPEG_LAYER_III"),
    ".opus": ("OGG", "OPUS"),
}
WRITE_VIA_FFMPEG = (".wav", ".flac", ".ogg", ".mp3", ".opus", ".m4a", ".aac", ".webm")
OPUS_RATES = (8000, 12000, 16000, 24000, 48000)
# What the first bytes of a file must be for each extension (see ``sniff_format``).
CONTAINS = {
    ".wav": {"wav"},
    ".flac": {"flac"},
    ".ogg": {"ogg", "opus"},
    ".opus": {"opus"},
    ".mp3": {"mp3"},
    ".aac": {"aac"},
    ".m4a": {"m4a"},
    ".webm": {"webm"},
}


def sniff_format(data: bytes) -> str | None:
    """The audio format ``data`` starts with: wav, flac, ogg, opus, mp3, aac, m4a, webm."""
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        return "wav"
    if data[:4] == b"fLaC":
        return "flac"
    if data[:4] == b"OggS":
        return "opus" if b"OpusHead" in data[:128] else "ogg"
    if data[:3] == b"ID3":
        return "mp3"
    if len(data) >= 2 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0:
        # an MPEG frame sync: layer bits 00 is AAC in ADTS, anything else MPEG audio
        return "aac" if data[1] & 0x06 == 0 else "mp3"
    if data[4:8] == b"ftyp":
        return "m4a"
    if data[:4] == b"\x1a\x45\xdf\xa3":
        return "webm"
    return None


def _native_writer(suffix: str) -> tuple[str, str] | None:
    """libsndfile's (format, subtype) for ``suffix`` when this build writes it, else None."""
    spec = WRITE_NATIVE.get(suffix)
    if spec is None:
        return None
    try:
        _, soundfile, _ = _libs()
    except (ConfigError, OSError):
        return None
    fmt, subtype = spec
    if fmt in soundfile.available_formats() and subtype in soundfile.available_subtypes(fmt):
        return spec
    return None


def writable_formats() -> list[str]:
    """Extensions (with the dot) ``write_audio_file`` can turn a WAV into here."""
    found = [suffix for suffix in WRITE_NATIVE if _native_writer(suffix)]
    if shutil.which("ffmpeg"):
        found += [suffix for suffix in WRITE_VIA_FFMPEG if suffix not in found]
    return found or [".wav"]  # a WAV is always copied as it is


def write_audio_file(
    source: Path, out: Path, *, name: Path | None = None, what: str = "this audio"
) -> str:
    """Write ``source`` to ``out`` in the format ``out``'s extension names; says how.

    Audio already in that format is copied as it is; else libsndfile re-encodes it, else
    ffmpeg when installed. Raises ``DataError`` naming ``name`` (default ``out``: pass the
    user's file when ``out`` is a temporary one) and ``what`` the source is when neither can.
    """
    name = name or out
    suffix = out.suffix.lower()
    found = sniff_format(source.read_bytes()[:128])
    if found in CONTAINS.get(suffix, set()):
        shutil.copyfile(source, out)
        return "as is"
    reason = ""
    spec = _native_writer(suffix)
    if spec is not None:
        _, soundfile, soxr = _libs()
        try:
            data, rate = soundfile.read(str(source), dtype="float32")
        except (RuntimeError, soundfile.LibsndfileError) as exc:
            reason = str(getattr(exc, "error_string", exc))  # without the temporary path
        else:
            fmt, subtype = spec
            if subtype == "OPUS" and rate not in OPUS_RATES:
                data, rate = soxr.resample(data, rate, 48_000), 48_000
            soundfile.write(str(out), data, rate, format=fmt, subtype=subtype)
            return "soundfile"
    if suffix in WRITE_VIA_FFMPEG and shutil.which("ffmpeg"):
        cmd = ["ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-i", str(source), str(out)]
        done = subprocess.run(cmd, capture_output=True, check=False)
        if done.returncode == 0:
            return "ffmpeg"
        last = done.stderr.decode(errors="replace").strip().splitlines()[-1:] or ["failed"]
        raise DataError(name, None, f"ffmpeg cannot turn {what} into {suffix}: {last[0]}")
    if reason:
        raise DataError(name, None, f"cannot turn {what} into {suffix}: {reason}")
    if found is not None and suffix in CONTAINS:  # e.g. a reply in another format than asked
        formats = ", ".join(s.lstrip(".") for s in writable_formats())
        message = f"cannot turn {what} ({found}) into {suffix} here; formats: {formats}"
        raise DataError(name, None, message)
    raise cannot_write(name, writable_formats())


def cannot_write(out: Path, formats: list[str]) -> DataError:
    """The one-line refusal for an output extension, naming the formats that can be written."""
    suffix = out.suffix.lower()
    what = f"cannot write {suffix} audio" if suffix else "no extension to name the audio format"
    return DataError(out, None, f"{what}; formats: {', '.join(s.lstrip('.') for s in formats)}")
