"""Every summary shown about answers and sessions, computed in one place.

The terminal scorecard, the session summary, the report, the history, the web pages and
the batch table all take their figures from here, so they cannot disagree: a session's
average overall and STAR averages, its weakest STAR part, the score rows with each
level's meaning, and how a follow-up moved the grade. Pure functions of stored records;
no printing, no storage.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from interviewer.core.bank import Bank
from interviewer.core.grade import Grade
from interviewer.core.records import QuestionView, SessionRecord
from interviewer.core.rubric import STAR_DIMENSIONS, Rubric, dimension_names

LABELS = dimension_names()


@dataclass
class Averages:
    """Running sums of overall and STAR scores: add grades one by one (a batch streams
    thousands), read the averages and the weakest part at any time."""

    count: int = 0
    overall_sum: int = 0
    sums: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STAR_DIMENSIONS, 0))
    # key themes: (sum, how many grades scored it), as only some questions probe each
    theme_sums: dict[str, tuple[int, int]] = field(default_factory=dict)

    def add(self, grade: Grade) -> None:
        self.count += 1
        self.overall_sum += grade.overall
        for name, dim in grade.star().items():
            self.sums[name] += dim.score
        for theme in grade.themes:
            total, n = self.theme_sums.get(theme.theme, (0, 0))
            self.theme_sums[theme.theme] = (total + theme.score, n + 1)

    @classmethod
    def of(cls, grades: Iterable[Grade]) -> Averages:
        out = cls()
        for grade in grades:
            out.add(grade)
        return out

    @property
    def overall(self) -> float | None:
        """Mean overall score (0-100), None when nothing is graded."""
        return self.overall_sum / self.count if self.count else None

    @property
    def star(self) -> dict[str, float]:
        """Mean score (0-5) per STAR part; empty when nothing is graded."""
        if not self.count:
            return {}
        return {d: self.sums[d] / self.count for d in STAR_DIMENSIONS}

    @property
    def themes(self) -> dict[str, float]:
        """Mean score (0-5) per key theme id, over the grades that scored it."""
        return {t: total / n for t, (total, n) in self.theme_sums.items()}

    @property
    def weakest(self) -> str | None:
        """The STAR part with the lowest mean (first in rubric order on ties)."""
        star = self.star
        return min(STAR_DIMENSIONS, key=lambda d: star[d]) if star else None


@dataclass(frozen=True)
class SessionStats:
    """One session in figures: what every list of sessions shows."""

    id: str
    started: str
    answered: int
    graded: int
    pending: int
    overall: float | None
    averages: dict[str, float]
    weakest: str | None


BY = ("grader", "coach")  # whose scores a summary follows


def shown_grade(view: QuestionView, by: str = "grader") -> Grade | None:
    """The answer's grade as ``by`` sees it: the grader's, or with the coaches' scores
    where they gave one (``core.review.reviewed_grade``); None when not graded."""
    grade = view.grade
    if grade is None or by != "coach" or not view.answer.reviews:
        return grade
    from interviewer.core.review import reviewed_grade

    return reviewed_grade(grade, view.answer.reviews)


def session_stats(session: SessionRecord, by: str = "grader") -> SessionStats:
    """A session's figures from the grader's scores, or (``by="coach"``) with the coaches'
    scores in place of the grader's wherever a coach gave one."""
    views = session.questions()
    averages = Averages.of(g for g in (shown_grade(v, by) for v in views) if g is not None)
    return SessionStats(
        id=session.id,
        started=session.started_at.strftime("%Y-%m-%d"),
        answered=len(views),
        graded=averages.count,
        pending=len(session.pending()),
        overall=averages.overall,
        averages=averages.star,
        weakest=averages.weakest,
    )


@dataclass(frozen=True)
class ScoreRow:
    """A scored dimension with what its level means, as every scorecard shows it."""

    id: str
    name: str
    score: int
    meaning: str
    feedback: str
    evidence: list[str]


def level_meaning(rubric: Rubric, dimension: str, score: int) -> str:
    """What ``score`` means for ``dimension``; empty when the rubric has no such level."""
    return rubric.dimension(dimension).levels.get(score, "")


def star_rows(grade: Grade, rubric: Rubric) -> list[ScoreRow]:
    """The six STAR parts in rubric order."""
    star = grade.star()
    return [
        ScoreRow(d, LABELS[d], star[d].score, level_meaning(rubric, d, star[d].score),
                 star[d].feedback, star[d].evidence)
        for d in STAR_DIMENSIONS
    ]  # fmt: skip


def theme_rows(grade: Grade, rubric: Rubric, bank: Bank | None = None) -> list[ScoreRow]:
    """The key themes the rubric knows, named as the bank names them."""
    known = {d.id: d for d in rubric.themes}
    return [
        ScoreRow(t.theme, known[t.theme].name, t.score, level_meaning(rubric, t.theme, t.score),
                 t.feedback, t.evidence)
        for t in grade.themes
        if t.theme in known
    ]  # fmt: skip


@dataclass(frozen=True)
class ReviewRow:
    """One dimension a coach scored or commented on, next to the grader's score."""

    id: str
    name: str
    grader: int | None  # the grader's score (None: not graded)
    coach: int | None  # the coach's score (None: a comment only)
    comment: str


@dataclass(frozen=True)
class ReviewView:
    """One coach's review as every view shows it: who, when, the rows, the note."""

    reviewer: str
    created: str  # YYYY-MM-DD HH:MM, UTC
    rows: list[ReviewRow]
    note: str


def review_views(view: QuestionView, rubric: Rubric) -> list[ReviewView]:
    """Each coach's current review of the answer, in rubric order of dimensions, with the
    grader's score beside the coach's (both kept, both shown)."""
    grade = view.grade
    graded = grade.scores() if grade is not None else {}
    out = []
    for review in view.answer.reviews:
        rows = [
            ReviewRow(d.id, LABELS.get(d.id, d.name), graded.get(d.id), review.scores.get(d.id),
                      review.comments.get(d.id, ""))
            for d in rubric.dimensions
            if d.id in review.scores or d.id in review.comments
        ]  # fmt: skip
        created = review.created_at.strftime("%Y-%m-%d %H:%M")
        out.append(ReviewView(review.reviewer, created, rows, review.note))
    return out


@dataclass(frozen=True)
class ScoreChange:
    """How one follow-up answer moved the grade: STAR parts that changed, and the overall."""

    prompt: str
    parts: list[tuple[str, int, int]]  # (dimension id, before, after), changed ones only
    overall: tuple[int, int]


def follow_up_changes(view: QuestionView) -> list[ScoreChange]:
    """Per follow-up: the grade stored just before it against the grade that came after.

    A main answer keeps every grade (oldest first), so "before" is the last grade stored
    before the follow-up was given and "after" the last one stored before the next
    follow-up (or the latest). A follow-up not graded yet has no change to show.
    """
    grades = view.answer.grades
    changes = []
    for i, follow in enumerate(view.follow_ups):
        until = view.follow_ups[i + 1].created_at if i + 1 < len(view.follow_ups) else None
        before = [g for g in grades if g.created_at < follow.created_at]
        after = [
            g
            for g in grades
            if g.created_at > follow.created_at and (until is None or g.created_at < until)
        ]
        if not before or not after:
            continue
        old, new = before[-1].grade, after[-1].grade
        old_star, new_star = old.star(), new.star()
        parts = [
            (dim, old_star[dim].score, new_star[dim].score)
            for dim in new_star
            if old_star[dim].score != new_star[dim].score
        ]
        changes.append(ScoreChange(follow.prompt, parts, (old.overall, new.overall)))
    return changes


def plural(n: int, word: str, many: str | None = None) -> str:
    """``1 follow-up``, ``2 follow-ups``: counts in product text read right."""
    return f"{n} {word if n == 1 else many or word + 's'}"
