"""Delivery metrics of a spoken answer: pace, fillers, length and pauses, with advice.

Computed from the transcript and the audio's duration (and segment timestamps when the
endpoint gives them). Targets, filler words and advice text live in
``rubrics/feedback/delivery.yaml``. A transcript that looks garbled (low model confidence,
or text that is not language) is reported so it is not graded as if the candidate said it.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache
from pathlib import Path
from string import Template

from pydantic import BaseModel

from interviewer.core.datafile import StrictModel, load_model
from interviewer.core.resources import rubrics_dir
from interviewer.voice.transcribe import Transcript

_WORD = re.compile(r"[a-z']+|\d+(?:[.,]\d+)?%?", re.IGNORECASE)
_VOWEL = re.compile(r"[aeiouy]", re.IGNORECASE)


class DeliveryConfig(StrictModel):
    target_seconds: tuple[float, float]
    target_wpm: tuple[float, float]
    long_pause_seconds: float
    fillers: list[str]
    max_fillers_per_minute: float
    advice: dict[str, str]


@cache
def load_config(path: Path | None = None) -> DeliveryConfig:
    return load_model(DeliveryConfig, path or rubrics_dir() / "feedback" / "delivery.yaml")


class Delivery(BaseModel):
    """What the scorecard and report show about how the answer was spoken."""

    seconds: float
    words: int
    words_per_minute: float
    fillers: int
    fillers_per_minute: float
    top_filler: str | None
    long_pauses: int
    garbled: bool
    advice: list[str]


def count_fillers(text: str, fillers: list[str]) -> Counter[str]:
    lowered = " " + " ".join(_WORD.findall(text.lower())) + " "
    found: Counter[str] = Counter()
    for filler in sorted(fillers, key=len, reverse=True):
        pattern = f" {filler} "
        n = lowered.count(pattern)
        if n:
            found[filler] = n
            lowered = lowered.replace(pattern, " | ")
    return found


def looks_garbled(transcript: Transcript) -> bool:
    """Very low model confidence, or text that is mostly not words."""
    segs = [s for s in transcript.segments if s.avg_logprob is not None]
    if segs and sum(s.avg_logprob for s in segs) / len(segs) < -1.2:  # type: ignore[misc]
        return True
    if segs and all((s.no_speech_prob or 0) > 0.8 for s in segs):
        return True
    tokens = transcript.text.split()
    if not tokens:
        return True
    wordlike = sum(1 for t in tokens if _VOWEL.search(t) and len(t) <= 20 and _WORD.search(t))
    if wordlike / len(tokens) < 0.6:
        return True
    return len(tokens) >= 20 and len({t.lower() for t in tokens}) / len(tokens) < 0.15


def measure(transcript: Transcript, config: DeliveryConfig | None = None) -> Delivery:
    cfg = config or load_config()
    words = len(_WORD.findall(transcript.text))
    minutes = max(transcript.duration, 1e-6) / 60
    fillers = count_fillers(transcript.text, cfg.fillers)
    n_fillers = sum(fillers.values())
    pauses = sum(
        1
        for a, b in zip(transcript.segments, transcript.segments[1:], strict=False)
        if b.start - a.end >= cfg.long_pause_seconds
    )
    wpm = words / minutes if transcript.duration else 0.0
    delivery = Delivery(
        seconds=round(transcript.duration, 1),
        words=words,
        words_per_minute=round(wpm, 1),
        fillers=n_fillers,
        fillers_per_minute=round(n_fillers / minutes, 1) if transcript.duration else 0.0,
        top_filler=fillers.most_common(1)[0][0] if fillers else None,
        long_pauses=pauses,
        garbled=looks_garbled(transcript),
        advice=[],
    )
    delivery.advice = _advice(delivery, cfg)
    return delivery


def _advice(d: Delivery, cfg: DeliveryConfig) -> list[str]:
    values = {
        "seconds": round(d.seconds),
        "wpm": round(d.words_per_minute),
        "fillers_per_minute": d.fillers_per_minute,
        "top_filler": d.top_filler or "",
        "pauses": d.long_pauses,
    }
    keys = []
    low, high = cfg.target_seconds
    if d.seconds:  # unknown when the audio could not be measured here
        keys.append("too_short" if d.seconds < low else "too_long" if d.seconds > high else None)
    slow, fast = cfg.target_wpm
    if d.words and d.seconds:
        keys.append(
            "too_slow" if d.words_per_minute < slow else "too_fast" if d.words_per_minute > fast
            else None
        )  # fmt: skip
    if d.fillers_per_minute > cfg.max_fillers_per_minute:
        keys.append("fillers")
    if d.long_pauses:
        keys.append("pauses")
    chosen = [k for k in keys if k]
    if not chosen:
        chosen = ["good"]
    return [Template(cfg.advice[k]).substitute(values) for k in chosen]
