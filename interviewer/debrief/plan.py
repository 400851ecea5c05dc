"""A debrief before it is stored: the transcript, its exchanges, their matches, the bank.

One function, ``plan_debrief``, so the command line's ``--dry-run``, the stored session
and the web page all show the same reading of the same file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from interviewer.core.bank import Bank
from interviewer.core.errors import NotFoundError
from interviewer.debrief.match import GENERAL_BANK, Match, Matcher, debrief_bank
from interviewer.debrief.segment import Exchange, Segmented, segment
from interviewer.debrief.transcript import Transcript


@dataclass
class DebriefPlan:
    """What will be stored: exchange i is question ``q{i+1}`` of ``bank``, matched by
    ``matches[i]``."""

    transcript: Transcript
    segmented: Segmented
    matches: list[Match]
    bank: Bank

    @property
    def exchanges(self) -> list[Exchange]:
        return self.segmented.exchanges

    def summary(self) -> dict[str, object]:
        """What a debrief session records about its reading (session options)."""
        return {
            "source": Path(self.transcript.name).name,
            "format": self.transcript.format,
            "speakers": self.segmented.speakers,
            "candidate": self.segmented.candidate,
            "how": self.segmented.how,
            "questions": [
                {
                    "id": f"q{i}",
                    "bank": m.bank_id if m.matched else None,
                    "question": m.question_id,
                    "similarity": m.similarity,
                }
                for i, m in enumerate(self.matches, start=1)
            ],
        }


def _fold(exchange: Exchange) -> Exchange:
    """An exchange with no main answer but an answered follow-up: the follow-up's answer is
    the answer (the question becomes both questions), so there is something to grade."""
    if exchange.answer or not exchange.follow_ups:
        return exchange
    (question, parts), *rest = exchange.follow_ups
    return Exchange(f"{exchange.question} {question}", exchange.line, exchange.start,
                    parts, rest, exchange.end)  # fmt: skip


def plan_debrief(
    transcript: Transcript,
    banks: Sequence[Bank],
    me: str | None = None,
    bank_id: str | None = None,
) -> DebriefPlan:
    """Segment the transcript and match each question: across ``banks``, or only the bank
    ``bank_id``; unmatched questions go to the general behavioural bank's rubric."""
    segmented = segment(transcript, me)
    segmented.exchanges = [_fold(e) for e in segmented.exchanges]
    pool = list(banks)
    if bank_id is not None:
        pool = [b for b in banks if b.id == bank_id]
        if not pool:
            known = ", ".join(b.id for b in banks)
            raise NotFoundError(f"no bank {bank_id!r} (known: {known})")
    general = next((b for b in banks if b.id == GENERAL_BANK), None)
    matcher = Matcher(pool, general)
    matches = [matcher.match(e.question) for e in segmented.exchanges]
    title = f"Debrief of {Path(transcript.name).name}"
    return DebriefPlan(transcript, segmented, matches, debrief_bank(title, matches, banks))
