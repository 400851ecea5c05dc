"""Reading a job description: a text or markdown file, ``-`` for stdin, or pasted text.

A job description is copied by hand from a careers page or a PDF, so what arrives is
often not what was meant: an empty file, a PDF or Word file saved with a ``.txt`` name,
a Latin-1 file, a whole web page, or a posting in another language. Each of these is one
line naming the file and saying what to do, never a traceback and never a silent
"nothing matched". The matching itself is in ``jobmatch.py``, which reads what this
module returns (the import goes one way: jobmatch -> job).
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, TextIO, cast

from interviewer.core.datafile import decode_utf8
from interviewer.core.errors import DataError

if TYPE_CHECKING:
    from interviewer.grading.offline.lexicon import Lexicon

__all__ = [
    "MAX_JOB_CHARS",
    "JobDescription",
    "parse_job",
    "read_job",
]

# A long posting is 5,000-8,000 characters; four times that is a whole web page pasted.
MAX_JOB_CHARS = 30_000
STDIN = "<stdin>"

# Files that are not text, told by their first bytes, and what to do instead.
_SIGNATURES = (
    (b"%PDF", "a PDF file: copy its text into a .txt or .md file"),
    (b"PK\x03\x04", "a Word (.docx) or zip file: save the description as plain text"),
    (b"\xd0\xcf\x11\xe0", "a Word (.doc) file: save the description as plain text"),
    (b"{\\rtf", "an RTF file: save the description as plain text"),
    (b"\x89PNG", "a PNG image: copy the text of the description into a .txt file"),
    (b"\xff\xd8\xff", "a JPEG image: copy the text of the description into a .txt file"),
)
# Markdown and web leftovers that are not words of the job: link targets, URLs, e-mail
# addresses, HTML tags, emphasis and heading marks.
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_URL = re.compile(r"\b(?:https?://|www\.)\S+|\S+@\S+\.\w+")
_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_MARKS = re.compile(r"[#*_`>|~]+")


@dataclass(frozen=True)
class JobDescription:
    """A job description as read: where from, its text, and the text matched offline."""

    source: str  # the path as given, or "<stdin>" / "the job description" (web)
    text: str  # as written (sent to an LLM, shown back)
    plain: str  # without markdown marks, links and URLs: what the offline matcher reads

    @property
    def title(self) -> str:
        """The first non-empty line, as a short name for the job (a bank title)."""
        for line in self.plain.splitlines():
            if line.strip():
                return " ".join(line.split())[:80]
        return "the job"


def read_job(
    source: str | Path, stdin: TextIO | None = None, *, require_english: bool = True
) -> JobDescription:
    """Read a job description from a file, or from stdin when ``source`` is ``-``.

    ``require_english``: refuse a description in another language (the offline matcher
    reads English); an LLM reads others, so the LLM planner passes False.
    """
    if str(source) == "-":
        return parse_job(_read_stdin(stdin), STDIN, require_english=require_english)
    path = Path(source)
    if path.is_dir():
        raise DataError(path, None, "is a folder: give the job description's text file")
    try:
        with path.open("rb") as f:
            raw = f.read(MAX_JOB_CHARS * 4 + 1)  # enough to tell "too long" in any encoding
    except FileNotFoundError:
        raise DataError(path, None, "no such file") from None
    except OSError as exc:
        raise DataError(path, None, f"cannot read file: {exc.strerror or exc}") from exc
    if len(raw) > MAX_JOB_CHARS * 4:
        raise DataError(path, None, _too_long(path.stat().st_size, "bytes"))
    return parse_job(decode_job(raw, str(path)), str(path), require_english=require_english)


def _read_stdin(stdin: TextIO | None) -> str:
    stream = stdin if stdin is not None else sys.stdin
    buffer = getattr(stream, "buffer", None)
    if buffer is not None:  # the real stdin: bytes, so a binary pipe is told as such
        raw = buffer.read(MAX_JOB_CHARS * 4 + 1)
        if len(raw) > MAX_JOB_CHARS * 4:
            raise DataError(STDIN, None, _too_long(len(raw), "bytes or more"))
        return decode_job(raw, STDIN)
    try:
        return stream.read(MAX_JOB_CHARS + 1)
    except UnicodeDecodeError as exc:
        raise DataError(STDIN, None, f"not UTF-8 text ({exc.reason})") from exc


def decode_job(raw: bytes, source: str) -> str:
    """The text of ``raw``; a binary or undecodable file says which and what to do."""
    for magic, what in _SIGNATURES:
        if raw.startswith(magic):
            raise DataError(source, None, f"not text: this looks like {what}")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise DataError(source, None, "not text: broken UTF-16") from exc
    nul = raw.find(b"\x00")
    if nul >= 0:
        raise DataError(
            source,
            None,
            f"not text: binary bytes (a NUL byte at offset {nul}); save the job "
            "description as plain text or markdown",
        )
    return decode_utf8(raw, source)


def parse_job(text: str, source: str, *, require_english: bool = True) -> JobDescription:
    """Check a job description's text (a file's, stdin's or a pasted one) and prepare it."""
    if not text.strip():
        raise DataError(
            source, None, "is empty: paste the job description (role, duties, requirements)"
        )
    if len(text) > MAX_JOB_CHARS:
        raise DataError(source, None, _too_long(len(text), "characters"))
    if "\x00" in text:
        raise DataError(source, None, "not text: it holds binary (NUL) characters")
    plain = _plain(text)
    if not re.search(r"[^\W\d_]{2,}", plain):
        raise DataError(source, None, "has no words: paste the job description's text")
    if require_english and not_english(plain):
        raise DataError(
            source,
            None,
            "does not look like English, and the offline matcher reads English only: "
            "configure an LLM (OPENAI_API_KEY or OPENAI_BASE_URL), which reads other "
            "languages, or translate the description first",
        )
    return JobDescription(source=source, text=text.strip(), plain=plain)


def _too_long(size: int, unit: str) -> str:
    return (
        f"is {size:,} {unit}, over the {MAX_JOB_CHARS:,} characters read: keep the role, "
        f"duties and requirements and cut about {size - MAX_JOB_CHARS:,}"
    )


def _plain(text: str) -> str:
    text = _LINK.sub(r"\1", text.replace("\r\n", "\n"))
    text = _TAG.sub(" ", _URL.sub(" ", text))
    return _MARKS.sub(" ", text).strip()


def not_english(text: str) -> bool:
    """Whether the offline grader's language check reads ``text`` as another language."""
    from interviewer.grading.offline.flags import unsupported_language

    return unsupported_language(text, _language_lists())


@cache
def _language_lists() -> Lexicon:
    """Just the word lists the language check reads (``rubrics/lexicon/language.yaml``):
    building the whole lexicon's cue tries would cost a quarter of a second for nothing."""
    from interviewer.core.datafile import load_model
    from interviewer.grading.offline.lexicon import Language, lexicon_dir

    language = load_model(Language, lexicon_dir() / "language.yaml")
    english = frozenset(language.english.split())
    others = frozenset(w for text in language.others.values() for w in text.split())
    lists = SimpleNamespace(language=language, english=english, other_languages=others - english)
    return cast("Lexicon", lists)  # the three attributes unsupported_language reads
