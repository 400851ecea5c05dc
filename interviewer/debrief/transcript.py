"""A real interview's transcript as speaker turns: WebVTT, SRT or plain text with labels.

Why its own reader: video-call tools write WebVTT (Teams: ``<v Jane Smith>`` voice tags;
Zoom: ``Jane Smith: text`` in each cue) or SRT, and people paste plain text with labels
("Interviewer:", "Me:", "[00:01:02] Jane Smith:"). Whatever the file, the result is the
same list of ``Turn`` (speaker, text, start time, line), with consecutive cues of one
speaker joined, so the segmenter never sees the format.

Bytes are decoded forgivingly (BOMs, UTF-16, Windows-1252, CRLF); a file that is empty
or binary is refused with one line naming it. Everything is one pass over the lines, so a
transcript of several hours parses in time linear in its length.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

from interviewer.core.errors import DataError

Format = Literal["vtt", "srt", "text"]
MAX_BYTES = 5_000_000  # a ten-hour call is about 1 MB of text
BINARY_SHARE = 0.01  # more control characters than this: not a text file


@dataclass(frozen=True)
class Turn:
    """What one person said without interruption; ``speaker`` None when unlabelled."""

    speaker: str | None
    text: str
    start: float | None = None  # seconds from the start of the recording
    line: int = 1  # where it starts in the file (1-based)

    @property
    def words(self) -> int:
        return len(self.text.split())


@dataclass
class Transcript:
    """The turns of one file, and what was noticed while reading it."""

    name: str
    format: Format
    turns: list[Turn]
    notes: list[str] = field(default_factory=list)

    @property
    def speakers(self) -> list[str]:
        """Labelled speakers in the order they first speak."""
        return list(dict.fromkeys(t.speaker for t in self.turns if t.speaker))


@cache
def cues() -> dict[str, Any]:
    """The phrase lists of ``rubrics/debrief/cues.yaml`` (questions, small talk, labels)."""
    from interviewer.core.datafile import load_yaml
    from interviewer.core.resources import rubrics_dir

    data: dict[str, Any] = load_yaml(rubrics_dir() / "debrief" / "cues.yaml")
    return data


# --- bytes to text -----------------------------------------------------------------------


def decode(data: bytes, name: str) -> tuple[str, list[str]]:
    """The text of ``data`` with newlines as ``\\n``, and a note when it was not UTF-8."""
    if len(data) > MAX_BYTES:
        raise DataError(name, None, f"is {len(data):,} bytes; a transcript is at most "
                        f"{MAX_BYTES:,}: is this the right file?")  # fmt: skip
    if not data.strip():
        raise DataError(name, None, "the file is empty: export the transcript again")
    notes: list[str] = []
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")
    elif data.startswith(b"\xef\xbb\xbf"):
        text = data[3:].decode("utf-8", errors="replace")
    elif b"\x00" in data[:4000]:
        raise DataError(name, None, "is not a text file (it holds binary data): "
                        "export the transcript as .vtt, .srt or .txt")  # fmt: skip
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
            notes.append("not UTF-8: read as Windows-1252")
    text = text.lstrip("\ufeff")
    control = sum(1 for c in text[:20000] if c < " " and c not in "\n\r\t\f")
    if control > BINARY_SHARE * min(len(text), 20000) or "\x00" in text[:20000]:
        raise DataError(name, None, "is not a text file (it holds binary data): "
                        "export the transcript as .vtt, .srt or .txt")  # fmt: skip
    return text.replace("\r\n", "\n").replace("\r", "\n"), notes


# --- speaker labels ----------------------------------------------------------------------

_TIME = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
# "[00:01:02] Jane Smith: text", "Jane Smith (00:01): text", "Q: text", "Speaker 1: text"
_LABEL = re.compile(
    rf"^\s*(?:[\[(]?(?P<t1>{_TIME})[\])]?\s*[-–]?\s*)?"
    r"(?P<name>[A-Za-z][\w.'’-]*(?:[ \t]+[\w.'’-]+){0,3}?)"
    rf"\s*(?:[\[(](?P<t2>{_TIME})[\])])?\s*:(?!//)[ \t]*(?P<rest>.*)$"
)
# Otter and similar: "Jane Smith  0:05" alone on a line, the words on the next lines
_HEADING = re.compile(
    r"^\s*(?P<name>[A-Za-z][\w.'’-]*(?:[ \t]+[\w.'’-]+){0,3}?)[ \t]+"
    rf"[\[(]?(?P<t2>{_TIME})[\])]?\s*$"
)
_TIME_ONLY = re.compile(rf"^\s*[\[(]?{_TIME}[\])]?\s*$")


def seconds(stamp: str | None) -> float | None:
    """``01:02:03.5`` / ``02:03`` / ``00:00:01,000`` -> seconds; None for None."""
    if not stamp:
        return None
    parts = stamp.replace(",", ".").split(":")
    total = 0.0
    for p in parts:
        total = total * 60 + float(p)
    return total


def _role_words() -> frozenset[str]:
    c = cues()
    return frozenset(str(w).lower() for w in (*c["candidate_labels"], *c["interviewer_labels"]))


def _plausible_name(name: str) -> bool:
    """A speaker label looks like a name or a role, not "Result" or a sentence."""
    low = name.lower().strip(" .")
    if low in _role_words():
        return True
    if low in {str(w) for w in cues()["not_speakers"]} or len(name) > 40:
        return False
    words = name.split()
    if low.startswith("speaker") and len(words) <= 2:
        return True
    return all(w[:1].isupper() for w in words)


def split_label(line: str) -> tuple[str, str, float | None] | None:
    """``(speaker, rest of the line, time)`` when the line opens with a speaker label."""
    m = _HEADING.match(line)
    if m is not None and _plausible_name(m["name"]):
        return m["name"].strip(), "", seconds(m["t2"])
    m = _LABEL.match(line)
    if m is None or not _plausible_name(m["name"]):
        return None
    return m["name"].strip(), m["rest"].strip(), seconds(m["t1"] or m["t2"])


# --- turns -------------------------------------------------------------------------------


class _Turns:
    """Collects pieces of speech into turns: one speaker's consecutive pieces are one turn."""

    def __init__(self) -> None:
        self.turns: list[Turn] = []
        self._speaker: str | None = None
        self._parts: list[str] = []
        self._start: float | None = None
        self._line = 1
        self._open = False  # a label line began a turn whose words come on the next lines

    def begin(self, speaker: str | None, start: float | None, line: int) -> None:
        """A new turn starts here (a label), even for the speaker of the last one."""
        self.flush()
        self._speaker, self._start, self._line, self._open = speaker, start, line, True

    def add(self, speaker: str | None, text: str, start: float | None, line: int) -> None:
        text = text.strip()
        if not text:
            return
        if (self._parts or self._open) and speaker != self._speaker:
            self.flush()
        if not self._parts and not self._open:
            self._speaker, self._start, self._line = speaker, start, line
        self._parts.append(text)

    def paragraph(self) -> None:
        if self._parts and self._parts[-1] != "\n\n":
            self._parts.append("\n\n")

    def flush(self) -> None:
        parts = self._parts
        while parts and parts[-1] == "\n\n":
            parts.pop()
        if parts:
            text = " ".join(parts).replace(" \n\n ", "\n\n")
            self.turns.append(Turn(self._speaker, text, self._start, self._line))
        self._parts = []
        self._open = False


def label_counts(lines: list[str]) -> tuple[list[tuple[str, str, float | None] | None], set[str]]:
    """Each line's label (or None), and the labels taken as speakers: a role, a name with
    a time stamp, or a name seen at least twice (a word before a colon once, "Anyway:
    ...", is not a speaker)."""
    labelled = [split_label(line) for line in lines]
    counts: dict[str, int] = {}
    for found in labelled:
        if found is not None:
            key = found[0].lower()
            counts[key] = counts.get(key, 0) + (2 if found[2] is not None else 1)
    roles = _role_words()
    return labelled, {k for k, c in counts.items() if c >= 2 or k.strip(" .") in roles}


_TIMING = re.compile(rf"^\s*(?P<start>{_TIME})\s*-->\s*(?P<end>{_TIME})")
_VOICE = re.compile(r"<v(?:\.[\w.-]+)?[ \t]+([^>]+)>", re.IGNORECASE)
_TAG = re.compile(r"</?[a-z][^>]*>|<\d[\d:.]*>", re.IGNORECASE)
_DASH = re.compile(r"^\s*[-–]\s+")


def _cue_pieces(lines: list[str], speaker: str | None) -> list[tuple[str | None, str]]:
    """A cue's payload as (speaker, text) pieces: voice tags and "Name:" prefixes (at the
    start of a cue's line a name-like label is a speaker, as Zoom and SRT files write it)."""
    pieces: list[tuple[str | None, str]] = []
    for raw in lines:
        spans = _VOICE.split(raw)  # [before, name1, text1, name2, text2, ...]
        chunks = [(speaker, spans[0])] + [
            (spans[i].strip(), spans[i + 1]) for i in range(1, len(spans) - 1, 2)
        ]
        for who, chunk in chunks:
            text = html.unescape(_TAG.sub("", chunk)).strip()
            if not text:
                continue
            if who == speaker:  # no voice tag: maybe "Jane Smith: text" or "- text"
                label = split_label(text)
                if label is not None and label[1]:
                    who, text = label[0], label[1]
                else:
                    text = _DASH.sub("", text)
            pieces.append((who, text))
            speaker = who
    return pieces


def _parse_cues(lines: list[str], fmt: Format) -> list[Turn]:
    """WebVTT and SRT: blocks separated by blank lines; a block with a timing is a cue."""
    turns = _Turns()
    speaker: str | None = None
    i, n = 0, len(lines)
    while i < n:
        while i < n and not lines[i].strip():
            i += 1
        block_start = i
        while i < n and lines[i].strip():
            i += 1
        block = lines[block_start:i]
        if not block:
            continue
        head = block[0].strip()
        if head.startswith(("WEBVTT", "NOTE", "STYLE", "REGION")) and "-->" not in head:
            continue  # the header, comments and styling: never speech
        timing = next((k for k, line in enumerate(block[:3]) if _TIMING.match(line)), None)
        if timing is None:
            if fmt == "srt" and not head.isdigit():
                pass  # a stray line in an SRT file: keep its words with the last cue
            else:
                continue
            start, payload = None, block
        else:
            m = _TIMING.match(block[timing])
            start = seconds(m["start"]) if m else None
            payload = block[timing + 1 :]
        for who, text in _cue_pieces(payload, speaker):
            turns.add(who, text, start, block_start + 1)
            speaker = who
    turns.flush()
    return turns.turns


def _parse_text(lines: list[str]) -> list[Turn]:
    """Plain text: a labelled line starts a turn and unlabelled lines continue it; without
    any label, each paragraph is a turn."""
    labelled, speakers = label_counts(lines)
    turns = _Turns()
    current: str | None = None
    for number, (line, found) in enumerate(zip(lines, labelled, strict=True), start=1):
        if found is not None and found[0].lower() in speakers:
            current = found[0]
            turns.begin(current, found[2], number)
            turns.add(current, found[1], found[2], number)
        elif not line.strip():
            if speakers:
                turns.paragraph()
            else:
                turns.flush()
        elif not _TIME_ONLY.match(line):
            turns.add(current, line, None, number)
    turns.flush()
    return turns.turns


def detect_format(text: str, name: str) -> Format:
    head = text.lstrip()[:200]
    if head.startswith("WEBVTT"):
        return "vtt"
    sample = text[:5000].split("\n")
    if any(_TIMING.match(line) for line in sample[:40]):
        return "srt" if not name.lower().endswith(".vtt") else "vtt"
    return "text"


def parse_transcript(data: bytes, name: str) -> Transcript:
    """The turns of a transcript file's bytes; ``name`` is what errors call the file."""
    text, notes = decode(data, name)
    fmt = detect_format(text, name)
    lines = text.split("\n")
    turns = _parse_text(lines) if fmt == "text" else _parse_cues(lines, fmt)
    if not turns:
        raise DataError(name, None, "has no words in it: export the transcript again")
    return Transcript(name, fmt, turns, notes)


def read_transcript(path: Path) -> Transcript:
    """Read and parse a transcript file; errors name the file."""
    try:
        data = path.read_bytes()
    except IsADirectoryError:
        raise DataError(path, None, "is a folder, not a transcript file") from None
    except OSError as exc:
        raise DataError(path, None, f"cannot read the file: {exc.strerror or exc}") from None
    return parse_transcript(data, str(path))
