"""The data a report shows, computed once from a session and its bank."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from interviewer.core.bank import Bank
from interviewer.core.records import QuestionView, SessionRecord
from interviewer.core.rubric import build_rubric
from interviewer.views.summary import LABELS, Averages, ScoreRow, star_rows, theme_rows

__all__ = ["LABELS", "History", "QuestionReport", "Report", "ScoreRow", "build_report"]


@cache
def practise_next() -> dict[str, str]:
    """Advice by weakest dimension, from ``rubrics/feedback/report.yaml``."""
    from interviewer.core.datafile import load_yaml
    from interviewer.core.resources import rubrics_dir

    return load_yaml(rubrics_dir() / "feedback" / "report.yaml")["practise_next"]


@dataclass
class History:
    """Earlier sessions' average overall, oldest first, for the trend chart."""

    points: list[tuple[str, float]] = field(default_factory=list)


@dataclass
class QuestionReport:
    question_id: str
    question: str
    status: str
    answer_parts: list[tuple[str, bool]]  # (text, is evidence)
    answer: str
    follow_ups: list[tuple[str, str]]
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

    @property
    def labels(self) -> dict[str, str]:
        return LABELS


def mark_evidence(text: str, quotes: list[str]) -> list[tuple[str, bool]]:
    """Split ``text`` into runs, marking where evidence quotes occur (case-insensitive)."""
    spans: list[tuple[int, int]] = []
    lowered = text.lower()
    for quote in quotes:
        q = quote.strip().strip(".").lower()
        if len(q) < 4:
            continue
        for m in re.finditer(re.escape(q), lowered):
            spans.append((m.start(), m.end()))
    spans.sort()
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    parts: list[tuple[str, bool]] = []
    pos = 0
    for start, end in merged:
        if start > pos:
            parts.append((text[pos:start], False))
        parts.append((text[start:end], True))
        pos = end
    if pos < len(text):
        parts.append((text[pos:], False))
    return parts


def _question(view: QuestionView, bank: Bank) -> QuestionReport:
    question = bank.question(view.question_id)
    grade = view.grade
    follow = [(f.prompt, f.text) for f in view.follow_ups]
    if grade is None:
        return QuestionReport(view.question_id, question.text, view.answer.status,
                              [(view.answer.text, False)], view.answer.text, follow,
                              delivery=view.answer.delivery)  # fmt: skip
    rubric = build_rubric(bank, view.question_id)
    star = grade.star()
    rows = star_rows(grade, rubric)
    themes = theme_rows(grade, rubric)
    quotes = [q for g in star.values() for q in g.evidence] + [
        q for t in grade.themes for q in t.evidence
    ]
    return QuestionReport(
        question_id=view.question_id,
        question=question.text,
        status=view.answer.status,
        answer_parts=mark_evidence(view.full_text, quotes),
        answer=view.full_text,
        follow_ups=follow,
        overall=grade.overall,
        rows=rows,
        themes=themes,
        metrics=[(m.value, m.measures) for m in grade.quantified_results.metrics],
        lessons=grade.lessons_learned.evidence,
        strengths=grade.strengths,
        improvements=grade.improvements,
        next_probe=grade.follow_up,
        flags=[str(f) for f in grade.flags],
        delivery=view.answer.delivery,
        grader=f"{grade.meta.grader} {grade.meta.model or grade.meta.grader_version}",
    )


def build_report(session: SessionRecord, bank: Bank, history: History | None = None) -> Report:
    questions = [_question(v, bank) for v in session.questions()]
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
    )
