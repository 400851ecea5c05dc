"""The offline cross-check's say over an LLM grade.

What the offline grader's deterministic checks establish with high precision caps the
LLM's scores for the parts it concerns, whatever the model said, and the grade says why:
the capped dimension's feedback starts with the reason, and one improvement line per cap
leads the improvements (the line the scorecard shows first). The caps are one table,
``CAPS``; the flags behind them are copied into the LLM grade. A check whose precision is
not yet proven on the golden set waits: its row is there, marked ``proven=False``.

The offline grader reads English only: for an answer in another language (flagged
``unsupported_language`` by the offline grader, or not reading as English) only the
language-neutral checks count. An answer with no number at all has no outcome number,
in any language that writes digits: that check is made here, on the text.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from string import Template
from typing import TYPE_CHECKING

from interviewer.core.grade import Flag
from interviewer.core.rubric import STAR_DIMENSIONS, Rubric, answer_target, dimension_names
from interviewer.grading.llm import verify

if TYPE_CHECKING:
    from interviewer.core.bank import Question
    from interviewer.grading.offline import OfflineGrader

EVERY = None  # every dimension: the six STAR parts and the key themes


@dataclass(frozen=True)
class Cap:
    """A deterministic check's flag, the dimensions it concerns and the highest score
    they may keep. ``reason`` is a template: ``$words`` (the answer's length in words) and
    ``$target`` (the answer-length target from ``rubrics/star.yaml``).

    ``proven`` says the check's precision holds on the hand-labelled golden set, answers
    from outside the ML field included (tests/test_llm_crosscheck.py checks it both ways:
    a proven check never contradicts a label; an unproven one still does). An unproven
    check neither caps nor is carried into the LLM grade.
    """

    flag: Flag
    score: int
    parts: tuple[str, ...] | None
    reason: str
    proven: bool = True


# Where several caps concern a dimension the lowest holds (the first listed on a tie).
CAPS: tuple[Cap, ...] = (
    Cap(Flag.PROMPT_INJECTION, 2, EVERY, "the answer contains instructions to the grader"),
    Cap(Flag.NON_ANSWER, 1, EVERY, "the answer tells no story; it says there is no example"),
    # Proven with the offline grader v2: relevance is judged against the question, its
    # situation words and a general work/life vocabulary, and no on-topic golden answer
    # (ML or any other field) is flagged (tests/test_llm_crosscheck.py holds it to that).
    Cap(Flag.OFF_TOPIC, 1, EVERY, "the answer does not address the question"),
    Cap(Flag.TOO_SHORT, 2, EVERY, "the answer is $words words; a full story is $target"),
    Cap(
        Flag.HYPOTHETICAL,
        1,
        ("action", "result", "quantified_results"),
        "the answer says what you would do, not what you did",
    ),
    Cap(
        Flag.NO_OUTCOME_NUMBER,
        1,
        ("quantified_results",),
        "no number in the answer measures the outcome",
    ),
)
UNPROVEN = frozenset(c.flag for c in CAPS if not c.proven)
# Checks that hold in any language (the injection patterns are read wherever they appear).
LANGUAGE_NEUTRAL = frozenset({Flag.PROMPT_INJECTION})

_WORD = re.compile(r"\w+(?:['\u2019]\w+)*")


@dataclass(frozen=True)
class AnswerCheck:
    """The deterministic side of one LLM grade, worked out once per answer: the offline
    grader's STAR scores, whether it can read the answer, what its checks establish, and
    the answer as quotes are compared (``verify.normalise``).

    It depends on the answer and rubric only, never on the model's reply, so a wide batch
    computes it in a worker process while the request is in flight (``offload.py``); it
    is small, so it crosses processes cheaply (a whole Grade took longer to unpickle).
    """

    star_scores: dict[str, int]
    readable: bool
    established: frozenset[Flag]
    haystack: str


def check_answer(
    grader: OfflineGrader, question: Question, rubric: Rubric, answer: str
) -> AnswerCheck:
    """Grade the answer offline and read off everything the LLM grade is checked against."""
    offline = grader.grade(question, rubric, answer)
    scores = offline.scores()
    readable = offline_reads(offline.flags, answer)
    return AnswerCheck(
        star_scores={d: scores[d] for d in STAR_DIMENSIONS},
        readable=readable,
        established=frozenset(established(offline.flags, answer, readable)),
        haystack=verify.normalise(answer),
    )


def offline_reads(offline_flags: Collection[Flag], answer: str) -> bool:
    """Whether the offline grader can read the answer (its word lists are English)."""
    return Flag.UNSUPPORTED_LANGUAGE not in offline_flags and verify.reads_as_english(answer)


def established(
    offline_flags: Collection[Flag], answer: str, readable: bool | None = None
) -> set[Flag]:
    """What the deterministic checks establish about this answer: the offline grader's
    flags but those of unproven checks (only the language-neutral ones for an answer it
    cannot read), and no outcome number where the answer surely has no number at all.
    ``readable`` is ``offline_reads(offline_flags, answer)`` when the caller has it."""
    flags = set(offline_flags) - UNPROVEN
    if readable is None:
        readable = offline_reads(offline_flags, answer)
    if not readable:
        flags &= LANGUAGE_NEUTRAL
    if not verify.has_number(answer):
        flags.add(Flag.NO_OUTCOME_NUMBER)
    return flags


@dataclass
class Capped:
    """Scores after the caps, the reason per capped dimension and the improvement lines."""

    scores: dict[str, int]
    notes: dict[str, str] = field(default_factory=dict)
    improvements: list[str] = field(default_factory=list)


def apply_caps(scores: dict[str, int], flags: Collection[Flag], answer: str) -> Capped:
    """Cap ``scores`` (STAR parts and themes by id) by the rows of ``CAPS`` whose flag is in
    ``flags``; a note and an improvement line are written only where a score came down."""
    rows = [c for c in CAPS if c.flag in flags]
    out = Capped(scores=dict(scores))
    binding: dict[Cap, list[str]] = {}
    for name, score in scores.items():
        concerned = [c for c in rows if c.parts is EVERY or name in c.parts]
        if not concerned:
            continue
        cap = min(concerned, key=lambda c: c.score)
        if score > cap.score:
            out.scores[name] = cap.score
            out.notes[name] = f"Capped at {cap.score}: {reason(cap, answer)}."
            binding.setdefault(cap, []).append(name)
    for cap, names in binding.items():
        why = reason(cap, answer)
        out.improvements.append(f"{_which(cap, names)} capped at {cap.score}: {why}.")
    return out


def reason(cap: Cap, answer: str) -> str:
    target = answer_target()
    return Template(cap.reason).safe_substitute(
        words=str(len(_WORD.findall(answer))),
        target=f"{target.words_text} ({target.minutes_text} spoken)",
    )


def _which(cap: Cap, names: list[str]) -> str:
    if cap.parts is EVERY:
        return "Every part"
    labels = dimension_names()
    shown = [labels.get(n, n) for n in STAR_DIMENSIONS if n in names]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]
