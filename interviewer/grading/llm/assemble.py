"""The Grade from a model's reply: quotes verified, caps applied, overall computed in code.

Nothing the model says is taken on trust: a quote not found in the answer is removed, a
score without evidence is capped, and what the offline grader's deterministic checks
establish (``crosscheck.AnswerCheck``) caps the parts it concerns. ``grader.py`` holds the
conversation that gets the reply; this is what is done with it.
"""

from __future__ import annotations

from typing import Any

from interviewer.core.grade import (
    DimensionGrade,
    Flag,
    Grade,
    GradeMeta,
    Metric,
    QuantifiedResultsGrade,
    ThemeGrade,
    Usage,
    compute_overall,
)
from interviewer.core.rubric import STAR_DIMENSIONS, Rubric
from interviewer.grading.llm import crosscheck, render, verify
from interviewer.grading.llm.crosscheck import AnswerCheck
from interviewer.grading.llm.schema import GradeReply, schema_hash
from interviewer.grading.llm.templates import prompt_hash

GRADER_VERSION = "1.2"  # 1.2: the offline cross-check caps (crosscheck.CAPS)
# Deterministic flags the offline grader computes that an LLM grade carries too: the ones
# that cap scores (``crosscheck.CAPS``) and two that only inform.
SHARED_FLAGS = {Flag.NO_FIRST_PERSON, Flag.RAMBLING} | {c.flag for c in crosscheck.CAPS}


def to_grade(
    reply: GradeReply,
    rubric: Rubric,
    answer: str,
    completion: Any,
    usage: Usage,
    latency_ms: float,
    check: AnswerCheck,
    model: str,
) -> Grade:
    """Verify the reply against the answer and build the Grade (overall in code);
    ``check`` is what the offline grader's reading of the same answer establishes."""
    checked = verify.verify_quotes(reply, check.haystack)
    theme_ids = [d.id for d in rubric.themes]
    given = {t.theme: t for t in reply.themes if t.theme in theme_ids}
    raw = {d: getattr(reply, d).score for d in STAR_DIMENSIONS}
    raw.update({t: given[t].score if t in given else 0 for t in theme_ids})
    # the offline cross-check scans for injection too: one scan serves both. What its
    # deterministic checks establish caps the parts they concern (crosscheck.CAPS).
    scores, flags = verify.cap_unsupported(raw, checked.evidence)
    capped = crosscheck.apply_caps(scores, check.established, answer)
    scores = capped.scores
    flags |= check.established & SHARED_FLAGS
    if reply.off_topic:
        flags.add(Flag.OFF_TOPIC)
    if check.readable and verify.disagreement(scores, check.star_scores):
        flags.add(Flag.GRADER_DISAGREEMENT)
    if checked.removed and not any(checked.evidence.values()):
        flags.add(Flag.INSUFFICIENT_EVIDENCE)

    def feedback(name: str, reasoning: str) -> str:
        note = capped.notes.get(name)
        if note and reasoning:
            return f"{note} Before the cap: {reasoning}"
        return note or reasoning

    def dim(name: str) -> dict[str, Any]:
        part = getattr(reply, name)
        return {
            "score": scores[name],
            "evidence": checked.evidence[name],
            "feedback": feedback(name, part.reasoning),
        }

    metrics = [
        Metric(value=m.value, measures=m.measures)
        for m in reply.quantified_results.metrics
        if verify.contains(check.haystack, verify.normalise(m.value))
    ]
    meta = GradeMeta(
        grader="llm",
        grader_version=GRADER_VERSION,
        rubric_hash=rubric.hash,
        model=getattr(completion, "model", None) or model,
        system_fingerprint=getattr(completion, "system_fingerprint", None),
        prompt_hash=prompt_hash(*render.PROMPT_NAMES),
        schema_hash=schema_hash(tuple(theme_ids)),
        usage=usage,
        latency_ms=round(latency_ms, 1),
        removed_quotes=checked.removed,
    )
    return Grade(
        situation=DimensionGrade(**dim("situation")),
        task=DimensionGrade(**dim("task")),
        action=DimensionGrade(**dim("action")),
        result=DimensionGrade(**dim("result")),
        quantified_results=QuantifiedResultsGrade(**dim("quantified_results"), metrics=metrics),
        lessons_learned=DimensionGrade(**dim("lessons_learned")),
        themes=[
            ThemeGrade(
                theme=t,
                score=scores[t],
                evidence=checked.evidence.get(t, []),
                feedback=feedback(t, given[t].reasoning if t in given else ""),
            )
            for t in theme_ids
        ],
        strengths=reply.strengths,
        improvements=[*capped.improvements, *reply.improvements],
        follow_up=reply.follow_up,
        flags=sorted(flags),
        overall=compute_overall(scores, rubric),
        meta=meta,
    )
