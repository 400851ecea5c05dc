"""Checks in code on what the model said: the model is never trusted with the evidence.

- Every quote must occur in the answer (ignoring case, whitespace and punctuation);
  others are removed and counted.
- A dimension scored 3 or more with no verified evidence is capped at 2 and flagged
  ``unsupported_score``.
- ``quantified_results`` cannot exceed 1 when the answer contains no number at all.
- Injection is detected deterministically and flagged whatever the model says; a gaming
  attempt caps every score at 2, as the offline grader does.
- A STAR dimension where the offline grader and the model differ by 3 or more is flagged
  ``grader_disagreement``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from interviewer.core.grade import Flag, Grade
from interviewer.grading.llm.schema import GradeReply

UNSUPPORTED_CAP = 2
NO_NUMBER_CAP = 1
INJECTION_CAP = 2
DISAGREEMENT = 3

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
# "one" is left out: as a pronoun ("one of our models") it is in nearly every answer and
# would switch the no-number cap off; "one" as a count is rarely an outcome measure.
_NUMBER = re.compile(
    r"\d|\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|"
    r"forty|fifty|hundred|thousand|million|billion|half|double|twice|triple|tripled|doubled|"
    r"halved|percent)\b",
    re.IGNORECASE,
)


def normalise(text: str) -> str:
    """Lower case, punctuation and runs of whitespace folded to single spaces."""
    return " ".join(_NON_WORD.sub(" ", text.lower()).split())


def has_number(text: str) -> bool:
    return bool(_NUMBER.search(text))


@dataclass
class Verified:
    """Quotes kept per dimension, how many were removed, and the flags raised."""

    evidence: dict[str, list[str]] = field(default_factory=dict)
    removed: int = 0
    flags: set[Flag] = field(default_factory=set)


def verify_quotes(reply: GradeReply, answer: str) -> Verified:
    """Keep only quotes found in the answer, per STAR dimension and theme."""
    haystack = f" {normalise(answer)} "
    out = Verified()
    items = [(name, getattr(reply, name).evidence) for name in _STAR]
    items += [(t.theme, t.evidence) for t in reply.themes]
    for name, quotes in items:
        kept = []
        for q in quotes:
            needle = normalise(q)
            if needle and f" {needle} " in haystack:
                kept.append(q)
            else:
                out.removed += 1
        out.evidence[name] = kept
    return out


_STAR = ("situation", "task", "action", "result", "quantified_results", "lessons_learned")


def cap_scores(
    scores: dict[str, int], evidence: dict[str, list[str]], answer: str, injected: bool
) -> tuple[dict[str, int], set[Flag]]:
    """Apply the caps in the module docstring; returns new scores and the flags raised."""
    capped = dict(scores)
    flags: set[Flag] = set()
    for name, score in scores.items():
        if score >= 3 and not evidence.get(name):
            capped[name] = UNSUPPORTED_CAP
            flags.add(Flag.UNSUPPORTED_SCORE)
    if not has_number(answer) and capped.get("quantified_results", 0) > NO_NUMBER_CAP:
        capped["quantified_results"] = NO_NUMBER_CAP
    if injected:
        flags.add(Flag.PROMPT_INJECTION)
        capped = {k: min(v, INJECTION_CAP) for k, v in capped.items()}
    return capped, flags


def disagreement(llm_scores: dict[str, int], offline: Grade) -> bool:
    """True when a STAR dimension differs by DISAGREEMENT or more between the graders."""
    theirs = offline.scores()
    return any(abs(llm_scores[d] - theirs[d]) >= DISAGREEMENT for d in _STAR)
