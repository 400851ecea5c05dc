"""What to practise next, and why: a practice plan from the latest sessions.

A candidate after a few sessions does not need every figure again; they need one thing
to work on and the questions that work on it. The plan reads the last ``WINDOW`` sessions
(the window the history's trends use): the weakest STAR part and the weakest key theme on
average (``views.summary.Averages``, the averages every view shows), the questions never
answered, and the stories told lately that still lack a number or a lesson. It picks
``COUNT`` questions of the weakest theme's bank, never-answered ones that probe that theme
first; ``practice --next`` asks exactly those, and records the plan's focus in the
session so ``history`` can show progress against it.

Deterministic: the same history gives the same plan.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from interviewer.core.bank import DEFAULT_BANK_ID, Bank
from interviewer.core.records import SessionRecord
from interviewer.core.rubric import load_star_rubric
from interviewer.prep.stories import StoryCard
from interviewer.views.history import WINDOW
from interviewer.views.summary import Averages

COUNT = 3  # questions in a planned session, as in a default practice session
SHOWN_UNANSWERED = 5  # never-answered questions listed by name; the rest are counted

__all__ = ["COUNT", "WINDOW", "Pick", "Plan", "Progress", "plan_progress", "practice_plan"]


@dataclass(frozen=True)
class Pick:
    """A question of the plan and why it was picked."""

    question_id: str
    text: str
    why: str


@dataclass(frozen=True)
class Plan:
    """What to practise next: the focus, the questions that train it, and why."""

    sessions: int  # how many recent sessions it read
    graded: int  # graded answers among them
    bank_id: str
    part: str | None  # weakest STAR part (dimension id)
    part_name: str | None
    part_average: float | None
    part_advice: str | None  # what the part asks for, from the rubric
    theme: str | None  # weakest key theme id (of ``bank_id``)
    theme_name: str | None
    theme_average: float | None
    picks: list[Pick]
    unanswered: list[tuple[str, str]]  # (question id, text) never answered, in this bank
    stories: list[StoryCard]  # told lately, lacking a number or a lesson

    @property
    def question_ids(self) -> list[str]:
        return [p.question_id for p in self.picks]

    def focus(self) -> dict[str, Any]:
        """What a session started from this plan records (options ``plan``)."""
        return {
            "part": self.part,
            "part_average": None if self.part_average is None else round(self.part_average, 2),
            "bank": self.bank_id,
            "theme": self.theme,
            "theme_average": None if self.theme_average is None else round(self.theme_average, 2),
            "questions": self.question_ids,
        }


def practice_plan(
    recent: Sequence[SessionRecord],
    banks: Sequence[Bank],
    answered: Mapping[tuple[str, str], int],
    stories: Sequence[StoryCard] = (),
) -> Plan:
    """The plan from the latest sessions (oldest first; only the last ``WINDOW`` are read),
    the banks there are, how often each (bank, question) was ever answered, and the story
    cards of those sessions."""
    window = list(recent)[-WINDOW:]
    known = {b.id: b for b in banks}
    overall = Averages()
    per_bank: dict[str, Averages] = {}
    for session in window:
        for view in session.questions():
            if view.grade is not None:
                overall.add(view.grade)
                per_bank.setdefault(session.bank_id, Averages()).add(view.grade)
    themes = [
        (avg, bank_id, theme)
        for bank_id, sums in per_bank.items()
        if bank_id in known
        for theme, avg in sums.themes.items()
    ]
    weakest = min(themes, default=None)
    if weakest is not None:
        bank = known[weakest[1]]
    else:  # nothing graded yet, or only in banks that are gone: the default bank
        fallback = known.get(window[-1].bank_id) if window else None
        bank = fallback or known.get(DEFAULT_BANK_ID) or banks[0]
    theme = weakest[2] if weakest else None
    part = overall.weakest
    star = {d.id: d for d in load_star_rubric().dimensions}
    never = [(q.id, q.text) for q in bank.questions if not answered.get((bank.id, q.id))]
    return Plan(
        sessions=len(window),
        graded=overall.count,
        bank_id=bank.id,
        part=part,
        part_name=star[part].name if part else None,
        part_average=overall.star[part] if part else None,
        part_advice=star[part].description if part else None,
        theme=theme,
        theme_name=bank.theme(theme).name if theme else None,
        theme_average=weakest[0] if weakest else None,
        picks=_picks(bank, theme, answered),
        unanswered=never,
        stories=[s for s in stories if s.needs_number or s.needs_lesson],
    )


def _picks(bank: Bank, theme: str | None, answered: Mapping[tuple[str, str], int]) -> list[Pick]:
    """Questions probing ``theme`` first, least answered first (bank order on ties); then
    questions never answered; then the least answered."""

    def times(qid: str) -> int:
        return answered.get((bank.id, qid), 0)

    name = bank.theme(theme).name if theme else None
    probing = sorted((q for q in bank.questions if theme in q.themes), key=lambda q: times(q.id))
    others = sorted((q for q in bank.questions if theme not in q.themes), key=lambda q: times(q.id))
    picks = []
    for q in [*probing, *others][:COUNT]:
        seen = times(q.id)
        done = (
            "never answered"
            if not seen
            else "answered once"
            if seen == 1
            else f"answered {seen} times"
        )
        why = f"probes {name}, your weakest key theme; {done}" if q in probing else done
        picks.append(Pick(q.id, q.text, why))
    return picks


@dataclass(frozen=True)
class Progress:
    """How the plan's STAR part moved since a plan was made."""

    part: str
    part_name: str
    started: str  # the day the plan's first session started
    before: float  # the part's average when the plan was made
    now: float  # its average over the sessions since (the plan's own included)
    sessions: int


def plan_progress(
    sessions: Sequence[SessionRecord], plan_session: str, focus: Mapping[str, Any]
) -> Progress | None:
    """The focus part's average over ``plan_session`` and every later session, against
    its average when the plan was made; None when nothing since is graded."""
    part, before = focus.get("part"), focus.get("part_average")
    ids = [s.id for s in sessions]
    if not part or before is None or plan_session not in ids:
        return None
    since = list(sessions)[ids.index(plan_session) :]
    averages = Averages.of(v.grade for s in since for v in s.questions() if v.grade is not None)
    if not averages.count or part not in averages.star:
        return None
    name = {d.id: d.name for d in load_star_rubric().dimensions}[part]
    graded = sum(1 for s in since if any(v.grade is not None for v in s.questions()))
    started = since[0].started_at.strftime("%Y-%m-%d")
    return Progress(part, name, started, float(before), averages.star[part], graded)
