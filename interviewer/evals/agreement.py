"""The grader against the coaches: every reviewed dimension is a labelled case.

A coach's score for a dimension of an answer, set beside the score the grader gave that
dimension, is one case. For an answer graded by both kinds of grader (offline and LLM),
the newest grade of each kind gives a case of that kind, so each kind is measured on its
own. Agreement is reported per grader kind and dimension (exact, within one, quadratic
weighted kappa, from ``evals.metrics``), and the cases of largest disagreement are listed.

The same cases, written as a suite (``suite_yaml``), make the coaches' corrections the
regression tests of the next grader or prompt change: ``interviewer eval FILE`` fails
when the grader's score for a STAR part leaves the band around the coach's score.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from interviewer.core.records import SessionRecord
from interviewer.core.rubric import STAR_DIMENSIONS
from interviewer.evals import metrics

TOP = 10  # cases of largest disagreement listed


@dataclass(frozen=True)
class LabelledCase:
    """One dimension of one answer, scored by a coach and by a grader."""

    session_id: str
    question_id: str
    answer_id: int
    bank: str  # the session's bank (id or file), for a suite
    answer: str  # what was graded: the main answer with its follow-ups
    dimension: str
    reviewer: str
    coach: int
    grader: int
    grader_kind: str  # offline or llm, as the grade records it
    comment: str = ""

    @property
    def gap(self) -> int:
        return abs(self.coach - self.grader)

    @property
    def star(self) -> bool:
        return self.dimension in STAR_DIMENSIONS


def labelled_cases(
    sessions: Iterable[SessionRecord], banks: Mapping[str, str] | None = None
) -> list[LabelledCase]:
    """Every (coach score, grader score) pair of these sessions; ``banks`` maps a session
    id to the bank it was started with (default: its bank id)."""
    out = []
    for session in sessions:
        bank = (banks or {}).get(session.id, session.bank_id)
        for view in session.questions():
            if not view.answer.reviews:
                continue
            newest = {}  # grader kind -> its newest grade of this answer
            for record in view.answer.grades:
                newest[record.grade.meta.grader] = record.grade
            for kind, grade in newest.items():
                graded = grade.scores()
                for review in view.answer.reviews:
                    for dim, score in review.scores.items():
                        if dim in graded:
                            out.append(LabelledCase(
                                session.id, view.question_id, view.answer.id, bank,
                                view.full_text, dim, review.reviewer, score, graded[dim], kind,
                                review.comments.get(dim, ""),
                            ))  # fmt: skip
    return out


@dataclass(frozen=True)
class Figures:
    n: int
    exact: float
    within_one: float
    kappa: float

    @classmethod
    def of(cls, cases: list[LabelledCase]) -> Figures:
        coach = [c.coach for c in cases]
        grader = [c.grader for c in cases]
        return cls(
            n=len(cases),
            exact=metrics.exact_rate(coach, grader),
            within_one=metrics.within_one_rate(coach, grader),
            kappa=metrics.quadratic_weighted_kappa(coach, grader),
        )


@dataclass
class Agreement:
    """The figures per grader kind (``overall``: every dimension together) and per
    (kind, dimension), and the cases of largest disagreement, largest first."""

    overall: dict[str, Figures] = field(default_factory=dict)
    by_dimension: dict[tuple[str, str], Figures] = field(default_factory=dict)
    largest: list[LabelledCase] = field(default_factory=list)
    cases: int = 0

    def to_json(self) -> dict[str, Any]:
        def fig(f: Figures) -> dict[str, Any]:
            return {"n": f.n, "exact": round(f.exact, 3), "within_one": round(f.within_one, 3),
                    "kappa": round(f.kappa, 3)}  # fmt: skip

        return {
            "cases": self.cases,
            "by_grader": {kind: fig(f) for kind, f in self.overall.items()},
            "by_dimension": [
                {"grader": kind, "dimension": dim, **fig(f)}
                for (kind, dim), f in self.by_dimension.items()
            ],
            "largest_disagreements": [
                {
                    "session": c.session_id,
                    "question_id": c.question_id,
                    "answer_id": c.answer_id,
                    "dimension": c.dimension,
                    "reviewer": c.reviewer,
                    "coach": c.coach,
                    "grader": c.grader,
                    "grader_kind": c.grader_kind,
                    "comment": c.comment,
                }
                for c in self.largest
            ],
        }


def agreement(cases: list[LabelledCase], top: int = TOP) -> Agreement:
    """Agreement figures of ``cases`` (see ``Agreement``); dimensions in rubric order,
    STAR parts first, then key themes by name."""
    order = {d: i for i, d in enumerate(STAR_DIMENSIONS)}
    kinds = sorted({c.grader_kind for c in cases})
    result = Agreement(cases=len(cases))
    for kind in kinds:
        mine = [c for c in cases if c.grader_kind == kind]
        result.overall[kind] = Figures.of(mine)
        dims = sorted({c.dimension for c in mine}, key=lambda d: (order.get(d, len(order)), d))
        for dim in dims:
            result.by_dimension[(kind, dim)] = Figures.of([c for c in mine if c.dimension == dim])
    ranked = sorted(cases, key=lambda c: (-c.gap, c.session_id, c.answer_id, c.dimension))
    result.largest = [c for c in ranked if c.gap > 0][:top]
    return result


def suite_yaml(cases: list[LabelledCase], name: str = "coach-reviews", tolerance: int = 1) -> str:
    """The reviewed STAR parts as an eval suite (``evals/suite.py``'s format): one case per
    answer and coach, expecting the grader within ``tolerance`` of the coach's score.

    Key themes are not written: a suite labels STAR parts only.
    """
    import yaml

    grouped: dict[tuple[str, int, str], list[LabelledCase]] = {}
    for case in cases:
        if case.star:
            grouped.setdefault((case.session_id, case.answer_id, case.reviewer), []).append(case)
    written = []
    for (session_id, _, reviewer), group in grouped.items():
        first = group[0]
        expect: dict[str, Any] = {}
        notes = []
        for case in sorted(group, key=lambda c: STAR_DIMENSIONS.index(c.dimension)):
            if case.dimension in expect:
                continue  # the same label seen beside another grader kind's grade
            lo, hi = max(0, case.coach - tolerance), min(5, case.coach + tolerance)
            expect[case.dimension] = case.coach if lo == hi else [lo, hi]
            if case.comment:
                notes.append(f"{case.dimension}: {case.comment}")
        slug = "".join(ch if ch.isalnum() else "-" for ch in reviewer.lower()).strip("-")
        written.append({
            "id": f"{session_id}-{first.question_id}-{slug or 'coach'}",
            "question_id": first.question_id,
            "bank": first.bank,
            "answer": first.answer,
            "expect": expect,
            "note": f"reviewed by {reviewer}" + (f"; {'; '.join(notes)}" if notes else ""),
        })  # fmt: skip
    suite = {
        "name": name,
        "description": f"Coaches' scores as labels: the grader within {tolerance} of the coach.",
        "bank": written[0]["bank"] if written else "ml-problem-solving",
        "cases": written,
    }
    return yaml.safe_dump(suite, sort_keys=False, allow_unicode=True, width=100)
