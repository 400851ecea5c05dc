"""What a stored session looks like when read back: the shape shared by the store,
the session engine, reports, history and the web app.

A session holds answers in the order given. A follow-up answer points at its main
answer (``parent_id``); grades attach to the main answer and grade the main answer
together with its follow-ups. Old grades are kept; the newest is the one shown.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from interviewer.core.grade import Grade
from interviewer.core.review import Review

AnswerStatus = Literal["ungraded", "graded", "failed", "untranscribed"]
# The one definition of "pending work", used by resume, regrade, practice and the web app:
# an answer or follow-up stored without a grade that covers it (never graded, its grading
# failed, or added after the last grade), or audio not transcribed yet. ``save_grade``
# marks exactly the answers a grade covered, so the status alone says it.
PENDING_STATUSES: tuple[AnswerStatus, ...] = ("ungraded", "failed", "untranscribed")


class GradeRecord(BaseModel):
    """One grade of a main answer (plus its follow-ups), as stored."""

    id: int
    answer_id: int
    created_at: datetime
    grade: Grade


class AnswerRecord(BaseModel):
    """One answer, saved the moment it was entered, before any grading."""

    id: int
    session_id: str
    question_id: str
    # "extra": a duplicate stored before one answer per question was enforced (kept, not shown)
    kind: Literal["answer", "follow_up", "extra"] = "answer"
    parent_id: int | None = None
    prompt: str = Field(description="what was asked: the question, or the follow-up probe")
    text: str
    status: AnswerStatus = "ungraded"
    error: str | None = None
    created_at: datetime
    elapsed_seconds: float | None = None
    audio_path: str | None = None
    delivery: dict[str, Any] | None = None
    grades: list[GradeRecord] = Field(default_factory=list, description="oldest first")
    # coaches' reviews of a main answer, beside its grades: each coach's newest
    reviews: list[Review] = Field(default_factory=list)

    @property
    def latest(self) -> Grade | None:
        return self.grades[-1].grade if self.grades else None


class QuestionView(BaseModel):
    """A question as answered in a session: the main answer, its follow-ups, the grade."""

    question_id: str
    answer: AnswerRecord
    follow_ups: list[AnswerRecord] = Field(default_factory=list)

    @property
    def grade(self) -> Grade | None:
        return self.answer.latest

    @property
    def full_text(self) -> str:
        """The main answer with its follow-up answers: what gets graded."""
        return "\n\n".join([self.answer.text, *(f.text for f in self.follow_ups)])

    @property
    def answer_ids(self) -> list[int]:
        """The main answer and its follow-ups: what one grade of this question covers."""
        return [self.answer.id, *(f.id for f in self.follow_ups)]

    @property
    def untranscribed(self) -> bool:
        return any(a.status == "untranscribed" for a in (self.answer, *self.follow_ups))

    @property
    def needs_grading(self) -> bool:
        """Pending work (see ``PENDING_STATUSES``) that grading can do now: there is text
        to grade and some part of it is not covered by a grade."""
        if not self.answer.text.strip():
            return False
        parts = (self.answer, *(f for f in self.follow_ups if f.status != "untranscribed"))
        return any(a.status in PENDING_STATUSES for a in parts)


class SessionRecord(BaseModel):
    """A mock interview: which bank and questions, and every answer given so far."""

    id: str
    bank_id: str
    question_ids: list[str]
    mode: Literal["typed", "voice", "scripted", "web", "debrief"] = "typed"
    grader: str
    started_at: datetime
    finished_at: datetime | None = None
    answers: list[AnswerRecord] = Field(default_factory=list)
    # what it was started with (bank reference or its own copy of the bank, flags); an
    # imported session's origin too (engine/portable.py). Not part of reports: exclude=True.
    options: dict[str, Any] = Field(default_factory=dict, exclude=True)

    @property
    def finished(self) -> bool:
        return self.finished_at is not None

    @property
    def edited(self) -> bool:
        """Imported from a file whose answers or grades were changed after export."""
        return bool((self.options.get("imported") or {}).get("edited"))

    @property
    def edited_answers(self) -> set[int]:
        """Ids of the answers whose text changed after they were graded (see ``edited``)."""
        return set((self.options.get("imported") or {}).get("edited_answers") or [])

    def questions(self) -> list[QuestionView]:
        """Main answers in order, each with its follow-ups."""
        views: dict[int, QuestionView] = {}
        for a in self.answers:
            if a.kind == "answer":
                views[a.id] = QuestionView(question_id=a.question_id, answer=a)
        for a in self.answers:
            if a.kind == "follow_up" and a.parent_id in views:
                views[a.parent_id].follow_ups.append(a)
        return list(views.values())

    def pending(self) -> list[QuestionView]:
        """Questions with pending work: ungraded text or untranscribed audio."""
        return [v for v in self.questions() if v.needs_grading or v.untranscribed]

    def unanswered(self) -> list[str]:
        """Question ids not answered yet, in the planned order (what resume asks next)."""
        done = {a.question_id for a in self.answers if a.kind == "answer"}
        return [q for q in self.question_ids if q not in done]
