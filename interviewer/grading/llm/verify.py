"""Checks in code on what the model said: the model is never trusted with the evidence.

- Every quote must occur in the answer, compared after Unicode normalisation (NFKC, case
  folding; punctuation, curly quotes and runs of whitespace ignored), so accented Latin
  and CJK quotes verify; others are removed and counted. Scripts written without spaces
  (Chinese, Japanese, Thai ...) match anywhere, not only at word boundaries.
- A dimension scored 3 or more with no verified evidence is capped at 2 and flagged
  ``unsupported_score``.
- A STAR dimension where the offline grader and the model differ by 3 or more is flagged
  ``grader_disagreement``.

What the deterministic checks establish (injection, too short, off topic, no number at
all ...) caps the parts they concern: see ``crosscheck``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

from interviewer.core.grade import Flag
from interviewer.grading.llm.schema import GradeReply

UNSUPPORTED_CAP = 2
DISAGREEMENT = 3

_NON_WORD = re.compile(r"[\W_]+")
# Scripts written without spaces between words: a quote may start or end anywhere in a run.
_UNSPACED_CHARS = (
    "\u0e00-\u0eff"  # Thai, Lao
    "\u1000-\u109f"  # Myanmar
    "\u1780-\u17ff"  # Khmer
    "\u2e80-\u2fdf"  # CJK radicals
    "\u3005-\u3007\u3021-\u3029"  # CJK iteration mark, ideographic numbers
    "\u3040-\u30ff\u31f0-\u31ff"  # Hiragana, Katakana
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # CJK ideographs
    "\U00020000-\U0003ffff"  # CJK extensions
)
_UNSPACED = re.compile(f"[{_UNSPACED_CHARS}]")
_SPACE_BY_UNSPACED = re.compile(f" (?=[{_UNSPACED_CHARS}])|(?<=[{_UNSPACED_CHARS}]) ")
# "one" is left out: as a pronoun ("one of our models") it is in nearly every answer and
# would switch the no-number cap off; "one" as a count is rarely an outcome measure.
_NUMBER_WORD = re.compile(
    r"\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|"
    r"forty|fifty|hundred|thousand|million|billion|half|double|twice|triple|tripled|doubled|"
    r"halved|percent)\b",
    re.IGNORECASE,
)
_DIGIT = re.compile(r"[\d%\uff05]")  # any script's digits, or a percent sign
_WORD = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)*")
# Words that make up a third of any English text and almost none of other languages' (no
# "a", "an", "so", "was", "me", "on" ...: common words in German, Spanish or French too).
_ENGLISH_WORDS = (
    "the and of to were is are i my we our us it its that this with for at by from had have "
    "has they their them he she his her but which when after before because not would could "
    "been be or if then there into about out up you your did do just what how who than also "
    "i'm i've i'd it's we're didn't don't wasn't"
)
_ENGLISH = frozenset(_ENGLISH_WORDS.split())
ENGLISH_SHARE = 0.1  # English answers measure 0.2-0.4; Spanish, German, French under 0.05
MIN_WORDS_TO_TELL = 8


def normalise(text: str) -> str:
    """The text as quotes are compared: NFKC, case folded, punctuation and runs of
    whitespace folded to single spaces, no spaces beside characters of unspaced scripts."""
    text = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    if text.isascii():  # no unspaced script either: nothing more to fold
        return " ".join(_NON_WORD.sub(" ", text).split())
    else:  # combining marks (Indic vowel signs, ...) are part of a word, not a break
        folded = "".join(
            c if c.isalnum() or unicodedata.category(c).startswith("M") else " " for c in text
        )
    return _SPACE_BY_UNSPACED.sub("", " ".join(folded.split()))


def contains(haystack: str, needle: str) -> bool:
    """``needle`` occurs in ``haystack`` (both ``normalise``d) as whole words.

    A word boundary is needed only where a spaced script meets a spaced script: a quote
    in Chinese may start and end anywhere, as the text has no spaces to respect.
    """
    if not needle:
        return False
    first, last = _UNSPACED.match(needle[0]), _UNSPACED.match(needle[-1])
    start = haystack.find(needle)
    while start >= 0:
        end = start + len(needle)
        before = haystack[start - 1] if start else " "
        after = haystack[end] if end < len(haystack) else " "
        if (before == " " or first or _UNSPACED.match(before)) and (
            after == " " or last or _UNSPACED.match(after)
        ):
            return True
        start = haystack.find(needle, start + 1)
    return False


_ASCII_RUN = re.compile(r"[\x00-\x7f]+")


def reads_as_english(text: str) -> bool:
    """Whether the text is English as far as a few function words tell (the offline
    grader's word lists are English; what they find in other languages means nothing).

    Mostly non-Latin letters is not English; a text too short to tell counts as English.
    """
    if not text.isascii():  # counted in C: a per-character loop cost 1 ms on 300 words
        foreign = sum(map(str.isalpha, _ASCII_RUN.sub("", text)))
        if foreign and foreign > 0.2 * sum(map(str.isalpha, text)):
            return False
    words = _WORD.findall(text.casefold().replace("\u2019", "'"))
    if len(words) < MIN_WORDS_TO_TELL:
        return True
    return sum(w in _ENGLISH for w in words) >= ENGLISH_SHARE * len(words)


def has_number(text: str) -> bool:
    """False only when the answer surely has no number: no digit in any script, no percent
    sign and, in English, no number word (in another language, any answer may have one)."""
    if _DIGIT.search(text) or _NUMBER_WORD.search(text):
        return True
    return not reads_as_english(text)


@dataclass
class Verified:
    """Quotes kept per dimension, how many were removed, and the flags raised."""

    evidence: dict[str, list[str]] = field(default_factory=dict)
    removed: int = 0
    flags: set[Flag] = field(default_factory=set)


def verify_quotes(reply: GradeReply, haystack: str) -> Verified:
    """Keep only quotes found in the answer (``haystack``: the answer ``normalise``d),
    per STAR dimension and theme."""
    out = Verified()
    items = [(name, getattr(reply, name).evidence) for name in _STAR]
    items += [(t.theme, t.evidence) for t in reply.themes]
    for name, quotes in items:
        kept = []
        for q in quotes:
            if contains(haystack, normalise(q)):
                kept.append(q)
            else:
                out.removed += 1
        out.evidence[name] = kept
    return out


_STAR = ("situation", "task", "action", "result", "quantified_results", "lessons_learned")


def cap_unsupported(
    scores: dict[str, int], evidence: dict[str, list[str]]
) -> tuple[dict[str, int], set[Flag]]:
    """Cap scores of 3 or more that have no verified evidence; new scores and flags."""
    capped = dict(scores)
    flags: set[Flag] = set()
    for name, score in scores.items():
        if score >= 3 and not evidence.get(name):
            capped[name] = UNSUPPORTED_CAP
            flags.add(Flag.UNSUPPORTED_SCORE)
    return capped, flags


def disagreement(llm_scores: Mapping[str, int], offline_scores: Mapping[str, int]) -> bool:
    """True when a STAR dimension differs by DISAGREEMENT or more between the graders."""
    return any(abs(llm_scores[d] - offline_scores[d]) >= DISAGREEMENT for d in _STAR)
