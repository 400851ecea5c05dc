"""The data a report shows, computed once from a session and its bank."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from interviewer.core.bank import Bank
from interviewer.core.records import QuestionView, SessionRecord
from interviewer.core.rubric import STAR_DIMENSIONS, build_rubric
from interviewer.views.restructure import Restructured, restructure
from interviewer.views.summary import (
    LABELS,
    Averages,
    ReviewView,
    ScoreRow,
    review_views,
    star_rows,
    theme_rows,
)

__all__ = [
    "LABELS",
    "PART_TAGS",
    "History",
    "QuestionReport",
    "Report",
    "ScoreRow",
    "Span",
    "build_report",
    "mark_evidence",
]


@cache
def practise_next() -> dict[str, str]:
    """Advice by weakest dimension, from ``rubrics/feedback/report.yaml``."""
    from interviewer.core.datafile import load_yaml
    from interviewer.core.resources import rubrics_dir

    advice: dict[str, str] = load_yaml(rubrics_dir() / "feedback" / "report.yaml")["practise_next"]
    return advice


@dataclass
class History:
    """Earlier sessions' average overall, oldest first, for the trend chart."""

    points: list[tuple[str, float]] = field(default_factory=list)


# A short visible tag per STAR dimension, so a highlight never relies on colour alone.
PART_TAGS = {
    "situation": "S",
    "task": "T",
    "action": "A",
    "result": "R",
    "quantified_results": "Q",
    "lessons_learned": "L",
}


@dataclass(frozen=True)
class Span:
    """A run of answer text and the STAR dimensions it is evidence for (rubric order)."""

    text: str
    parts: tuple[str, ...] = ()

    @property
    def part(self) -> str | None:
        """The dimension whose colour the run takes: the first it is evidence for."""
        return self.parts[0] if self.parts else None

    @property
    def tag(self) -> str:
        """Its tag: "R", or "R+Q" for a run that is evidence for a result and its number."""
        return "+".join(PART_TAGS.get(p, p[:1].upper()) for p in self.parts)

    @property
    def title(self) -> str:
        return ", ".join(LABELS.get(p, p) for p in self.parts)


@dataclass
class QuestionReport:
    question_id: str
    question: str
    status: str
    answer_parts: list[Span]  # the main answer, each evidence quote marked with its part
    answer: str  # the main answer only; follow-up answers are in ``follow_ups``
    follow_ups: list[tuple[str, str]]  # (probe, answer)
    follow_up_parts: list[tuple[str, list[Span]]] = field(default_factory=list)
    parts_found: list[str] = field(default_factory=list)  # dimensions with a highlight
    star_order: Restructured | None = None  # the answer's own sentences in STAR order
    overall: int | None = None
    rows: list[ScoreRow] = field(default_factory=list)
    themes: list[ScoreRow] = field(default_factory=list)
    metrics: list[tuple[str, str]] = field(default_factory=list)
    lessons: list[str] = field(default_factory=list)
    strengths: list[str] = field(default_factory=list)
    improvements: list[str] = field(default_factory=list)
    next_probe: str = ""
    flags: list[str] = field(default_factory=list)
    delivery: dict[str, Any] | None = None
    grader: str = ""
    reviews: list[ReviewView] = field(default_factory=list)  # each coach's, beside the grade
    edited: bool = False  # imported, and its text changed after it was graded
    graded_against: str = ""  # a debrief's question: the bank question it matched, or none


@dataclass
class Report:
    session_id: str
    bank_title: str
    started: str
    questions: list[QuestionReport]
    averages: dict[str, float]
    overall: float | None
    weakest: str | None
    practise_next: str
    history: History | None = None
    mode: str = "typed"  # the session's kind: a "debrief" is a real interview, not a mock
    origin: str = ""  # where an imported session came from, and whether it was edited

    @property
    def labels(self) -> dict[str, str]:
        return LABELS

    @property
    def heading(self) -> str:
        return "Interview debrief report" if self.mode == "debrief" else "Mock interview report"


def mark_evidence(text: str, evidence: Mapping[str, Iterable[str]]) -> list[Span]:
    """Split ``text`` into runs, each evidence quote (case-insensitive) marked with the
    dimension(s) it is evidence for; ``evidence`` maps a STAR dimension to its quotes.

    Where quotes of several dimensions overlap, the overlap carries all of them. Runs of
    the same dimensions separated only by spaces are one run (one tag per stretch of the
    story, not one per sentence); a line break always ends a run.
    """
    order = {d: i for i, d in enumerate(STAR_DIMENSIONS)}
    lowered = text.lower()
    spans: list[tuple[int, int, str]] = []
    for part, quotes in evidence.items():
        for quote in quotes:
            q = quote.strip().strip(".").lower()
            if len(q) < 4:
                continue
            spans += [(m.start(), m.end(), part) for m in re.finditer(re.escape(q), lowered)]
    if not spans:
        return [Span(text)] if text else []
    cuts = sorted({0, len(text), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    runs: list[list[Any]] = []  # [start, end, parts]
    for start, end in itertools.pairwise(cuts):
        parts = tuple(sorted({p for s, e, p in spans if s <= start and end <= e},
                             key=lambda p: order.get(p, len(order))))  # fmt: skip
        if runs and runs[-1][2] == parts:
            runs[-1][1] = end
        else:
            runs.append([start, end, parts])
    merged: list[list[Any]] = []
    for run in runs:
        gap = merged[-1] if merged else None
        if (
            len(merged) >= 2
            and run[2]
            and not gap[2]  # type: ignore[index]
            and merged[-2][2] == run[2]
            and not text[gap[0] : gap[1]].strip()  # type: ignore[index]
            and "\n" not in text[gap[0] : gap[1]]  # type: ignore[index]
        ):
            merged.pop()
            merged[-1][1] = run[1]
        else:
            merged.append(run)
    return [Span(text[s:e], parts) for s, e, parts in merged]


def suggested_probe(follow_up: str, probes: Iterable[str], asked: list[str]) -> str:
    """The follow-up a report suggests preparing for: the grade's own suggestion, unless
    it repeats (or rewords) a probe already asked, then the first bank probe not asked;
    empty when there is none."""
    from interviewer.grading.coach import repeats_probe

    for probe in (follow_up, *probes):
        if probe.strip() and not repeats_probe(probe, asked):
            return probe.strip()
    return ""


def _question(view: QuestionView, bank: Bank) -> QuestionReport:
    question = bank.question(view.question_id)
    grade = view.grade
    follow = [(f.prompt, f.text) for f in view.follow_ups]
    star_order = restructure(view.full_text) if view.full_text.strip() else None
    rubric = build_rubric(bank, view.question_id)
    reviews = review_views(view, rubric)
    if grade is None:
        return QuestionReport(view.question_id, question.text, view.answer.status,
                              mark_evidence(view.answer.text, {}), view.answer.text, follow,
                              [(p, mark_evidence(t, {})) for p, t in follow],
                              star_order=star_order, delivery=view.answer.delivery,
                              reviews=reviews)  # fmt: skip
    star = grade.star()
    rows = star_rows(grade, rubric)
    themes = theme_rows(grade, rubric)
    evidence = {dim: g.evidence for dim, g in star.items()}
    answer_parts = mark_evidence(view.answer.text, evidence)
    follow_up_parts = [(p, mark_evidence(t, evidence)) for p, t in follow]
    shown = {p for spans in (answer_parts, *(s for _, s in follow_up_parts)) for r in spans
             for p in r.parts}  # fmt: skip
    return QuestionReport(
        question_id=view.question_id,
        question=question.text,
        status=view.answer.status,
        answer_parts=answer_parts,
        answer=view.answer.text,
        follow_ups=follow,
        follow_up_parts=follow_up_parts,
        parts_found=[d for d in STAR_DIMENSIONS if d in shown],
        star_order=star_order,
        overall=grade.overall,
        rows=rows,
        themes=themes,
        metrics=[(m.value, m.measures) for m in grade.quantified_results.metrics],
        lessons=grade.lessons_learned.evidence,
        strengths=grade.strengths,
        improvements=grade.improvements,
        next_probe=suggested_probe(
            grade.follow_up, question.probes, [f.prompt for f in view.follow_ups]
        ),
        flags=[str(f) for f in grade.flags],
        delivery=view.answer.delivery,
        grader=f"{grade.meta.grader} {grade.meta.model or grade.meta.grader_version}",
        reviews=reviews,
    )


def build_report(session: SessionRecord, bank: Bank, history: History | None = None) -> Report:
    questions = [_question(v, bank) for v in session.questions()]
    if session.mode == "debrief":
        _graded_against(session, questions)
    stats = Averages.of(v.grade for v in session.questions() if v.grade is not None)
    averages = {d: round(v, 2) for d, v in stats.star.items()}
    weakest = stats.weakest
    overall = round(stats.overall, 1) if stats.overall is not None else None
    return Report(
        session_id=session.id,
        bank_title=bank.title,
        started=session.started_at.strftime("%Y-%m-%d %H:%M"),
        questions=questions,
        averages=averages,
        overall=overall,
        weakest=weakest,
        practise_next=practise_next()[weakest or "nothing_graded"],
        history=history,
        mode=session.mode,
        origin=_origin(session, questions),
    )


def _graded_against(session: SessionRecord, questions: list[QuestionReport]) -> None:
    """For a debrief (engine/debrief.py records its reading in the session's options): say
    of each question which bank question it was matched to, or that none was close
    enough and the general behavioural rubric was used."""
    found = (session.options.get("debrief") or {}).get("questions") or []
    matches = {m.get("id"): m for m in found if isinstance(m, dict)}
    for q in questions:
        m = matches.get(q.question_id)
        if m is None:
            continue
        if m.get("bank"):
            similarity = m.get("similarity")
            close = f" (similarity {similarity:.2f})" if isinstance(similarity, float) else ""
            q.graded_against = (
                f"Matched to {m['bank']} {m.get('question')}{close}: graded on its key themes."
            )
        else:
            q.graded_against = (
                "No bank question was close enough: graded against the general behavioural rubric."
            )


def _origin(session: SessionRecord, questions: list[QuestionReport]) -> str:
    """ "Imported from session X ..." for an imported session (engine/portable.py), saying
    which answers changed after grading; marks those questions ``edited``."""
    imported = session.options.get("imported") or {}
    if not imported:
        return ""
    changed = session.edited_answers
    for q, view in zip(questions, session.questions(), strict=True):
        q.edited = any(a in changed for a in view.answer_ids)
    text = f"Imported from session {imported.get('from', '?')}"
    if imported.get("exported_at"):
        text += f" (exported {str(imported['exported_at'])[:10]})"
    if not session.edited:
        return text + "."
    which = [q.question_id for q in questions if q.edited]
    parts = [f"answers changed after grading: {', '.join(which)}"] if which else []
    if imported.get("reviews_edited"):
        parts.append("its coaches' reviews were changed after export")
    edits = "; ".join(parts) or "its answers or grades were changed after export"
    return f"{text}. Edited: {edits}."
