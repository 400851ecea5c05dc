"""Record an answer from the microphone (optional extra: ``interviewer[voice]``).

Enter starts and Enter stops; a live timer and input level show while recording.
"""

from __future__ import annotations

import importlib
import threading
import time
from pathlib import Path
from types import ModuleType

from interviewer.core.errors import ConfigError
from interviewer.voice.audio import RATE, Audio, wav_bytes

EXTRA_HINT = "recording from the microphone needs the voice extra: pip install 'interviewer[voice]'"


def _sounddevice() -> ModuleType:
    try:  # sounddevice ships no type hints: import_module says what we get, a module
        return importlib.import_module("sounddevice")
    except (ImportError, OSError) as exc:  # OSError: the PortAudio library is missing
        raise ConfigError(EXTRA_HINT) from exc


def record_answer(out: Path) -> Path:
    """Record until Enter; write 16 kHz mono WAV to ``out``."""
    sd = _sounddevice()
    import numpy as np

    from interviewer.ui import console

    chunks: list[np.ndarray] = []
    level = [0.0]

    def callback(data: np.ndarray, frames: int, when: object, status: object) -> None:
        chunks.append(data[:, 0].copy())
        level[0] = float(np.sqrt((data**2).mean()))

    out_console = console()
    input("Press Enter to start recording...")
    stop = threading.Event()

    def wait_for_enter() -> None:
        input()
        stop.set()

    threading.Thread(target=wait_for_enter, daemon=True).start()
    started = time.monotonic()
    with sd.InputStream(samplerate=RATE, channels=1, dtype="float32", callback=callback):
        while not stop.wait(0.2):
            bar = "#" * min(20, int(level[0] * 200))
            out_console.print(
                f"\r  recording {time.monotonic() - started:5.1f}s  [{bar:<20}]  Enter stops",
                end="",
            )
    out_console.print()
    audio = Audio(np.concatenate(chunks) if chunks else np.zeros(0, dtype="float32"))
    out.write_bytes(wav_bytes(audio))
    return out
