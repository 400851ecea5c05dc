"""Store and grade a real interview's debrief as a session of kind ``debrief``.

The session carries its own bank (the questions as they were asked, with the themes they
are graded on) in its options, so report, regrade, coach and history read it like any
session, and it opens the same wherever the banks have changed since. Every answer is
committed before any grading, as in a mock interview: a grading failure leaves the
answers saved and ``interviewer regrade`` grades them later.
"""

from __future__ import annotations

from dataclasses import dataclass

from interviewer.core.errors import GradingError
from interviewer.core.grade import Grade, Grader
from interviewer.core.settings import DEFAULT_MAX_ANSWER_CHARS
from interviewer.debrief.plan import DebriefPlan
from interviewer.engine.session import AnswerInput, Interview
from interviewer.engine.store import Store

MODE = "debrief"


@dataclass(frozen=True)
class Graded:
    """One debriefed question after grading: its grade, or why there is none."""

    question_id: str
    answer_id: int
    grade: Grade | None
    error: str | None = None


def store_debrief(
    store: Store,
    plan: DebriefPlan,
    grader: Grader,
    *,
    max_answer_chars: int = DEFAULT_MAX_ANSWER_CHARS,
) -> tuple[str, list[Graded]]:
    """Save every answer (and follow-up) of the plan, then grade each question; the
    session is finished at the end. Returns the session id and each question's outcome."""
    ids = [q.id for q in plan.bank.questions]
    engine = Interview.start(
        store,
        plan.bank,
        ids,
        grader,
        mode=MODE,
        grader_name=grader.kind,
        feedback="end",
        follow_ups=0,
        options={"bank": plan.bank.model_dump(mode="json"), "debrief": plan.summary()},
        max_answer_chars=max_answer_chars,
    )
    saved: list[tuple[str, int]] = []
    for qid, exchange in zip(ids, plan.exchanges, strict=True):
        answer_id = engine.submit_answer(qid, AnswerInput(exchange.answer))
        for question, answer in exchange.follow_up_answers:
            if answer:
                engine.submit_follow_up(answer_id, question, AnswerInput(answer))
        saved.append((qid, answer_id))
    results = []
    for qid, answer_id in saved:
        try:
            results.append(Graded(qid, answer_id, engine.grade(answer_id)))
        except GradingError as exc:
            results.append(Graded(qid, answer_id, None, str(exc) or type(exc).__name__))
    engine.finish()
    return engine.session_id, results
