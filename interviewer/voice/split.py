"""Split audio too long for the transcription endpoint, on silence where possible.

The endpoint takes at most 25 MB a request; as 16 kHz 16-bit WAV that is about 13 minutes,
and ``max_seconds`` (default 10 minutes) keeps well inside it. Each cut is made at the
latest of the quietest 30 ms frames in the last 20% before the limit, so words are not
cut in half; with no quiet frame the cut falls at the limit.
"""

from __future__ import annotations

from interviewer.voice.audio import Audio

MAX_SECONDS = 600.0
FRAME_SECONDS = 0.03
SEARCH_FRACTION = 0.2


def split_audio(audio: Audio, max_seconds: float = MAX_SECONDS) -> list[Audio]:
    import numpy as np

    limit = int(max_seconds * audio.rate)
    if len(audio.samples) <= limit:
        return [audio]
    frame = max(1, int(FRAME_SECONDS * audio.rate))
    parts: list[Audio] = []
    start = 0
    samples = audio.samples
    while len(samples) - start > limit:
        lo = start + int(limit * (1 - SEARCH_FRACTION))
        hi = start + limit
        window = samples[lo:hi]
        n = len(window) // frame
        if n:
            energy = (window[: n * frame].reshape(n, frame) ** 2).mean(axis=1)
            # the latest of the quietest frames: the longest part that still ends in silence
            quiet = np.flatnonzero(energy <= energy.min() * 4 + 1e-8)
            cut = lo + int(quiet[-1]) * frame + frame // 2
        else:
            cut = hi
        parts.append(Audio(samples[start:cut], audio.rate))
        start = cut
    parts.append(Audio(samples[start:], audio.rate))
    return parts
