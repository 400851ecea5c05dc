"""OfflineGrader: a deterministic STAR grader that needs no model, no key and no network.

Pipeline: mask injected text -> sentences -> STAR parts -> metrics -> scores per dimension
and theme -> flags and caps -> feedback, strengths, improvements and a follow-up from the
templates in ``rubrics/feedback/offline.yaml``. The same input always gives the same Grade.
"""

from __future__ import annotations

from typing import Literal

from interviewer.core.bank import Question
from interviewer.core.errors import GradingError
from interviewer.core.grade import (
    DimensionGrade,
    Flag,
    Grade,
    GradeMeta,
    Metric,
    QuantifiedResultsGrade,
    ThemeGrade,
    compute_overall,
)
from interviewer.core.rubric import STAR_DIMENSIONS, Rubric, RubricDimension
from interviewer.grading.injection import find_injection, mask_injection
from interviewer.grading.offline.feedback import Templates, band, fill, load_templates, short_quote
from interviewer.grading.offline.flags import (
    answer_stats,
    is_off_topic,
    is_rambling,
    rubric_theme_text,
    topic_stems,
)
from interviewer.grading.offline.metrics import FoundMetric, extract_metrics
from interviewer.grading.offline.scoring import (
    Scored,
    score_action,
    score_lessons,
    score_quantified,
    score_result,
    score_situation,
    score_task,
)
from interviewer.grading.offline.segment import Segments, segment
from interviewer.grading.offline.text import Sentence, quote, split_sentences
from interviewer.grading.offline.themes import score_theme

GRADER_VERSION = "1.0"


class OfflineGrader:
    """Grades STAR answers from observable features of the text (see the package modules)."""

    kind: Literal["offline"] = "offline"

    def __init__(self, templates: Templates | None = None) -> None:
        self.templates = templates or load_templates()
        self.version = f"{GRADER_VERSION}+{self.templates.hash[:8]}"
        self._rubric_hashes: dict[int, tuple[Rubric, str]] = {}

    def grade(self, question: Question, rubric: Rubric, answer: str) -> Grade:
        """Grade one answer; raises GradingError only for input that is not text."""
        if not isinstance(answer, str):
            raise GradingError(f"answer must be text, got {type(answer).__name__}")
        tpl = self.templates
        injected = find_injection(answer)
        text = mask_injection(answer) if injected else answer

        sentences = split_sentences(text)
        topic = topic_stems(
            question.text, rubric_theme_text(rubric), tpl.work_stems, tpl.ignored_stems
        )
        stats = answer_stats(sentences, topic)
        seg = segment(sentences)
        metrics = extract_metrics(sentences, *_result_and_context(seg))

        action, _ownership = score_action(seg)
        quant, outcomes = score_quantified(metrics)
        scored: dict[str, Scored] = {
            "situation": score_situation(seg, stats.words),
            "task": score_task(seg),
            "action": action,
            "result": score_result(seg, metrics),
            "quantified_results": quant,
            "lessons_learned": score_lessons(seg),
        }

        flags: list[Flag] = []
        if injected:
            flags.append(Flag.PROMPT_INJECTION)
        if stats.words < tpl.limits.too_short_words:
            flags.append(Flag.TOO_SHORT)
        if is_off_topic(stats, tpl):
            flags.append(Flag.OFF_TOPIC)
        if stats.words and stats.i_count == 0:
            flags.append(Flag.NO_FIRST_PERSON)
        if is_rambling(stats, seg, tpl):
            flags.append(Flag.RAMBLING)
        cap = min((tpl.caps[f.value] for f in flags if f.value in tpl.caps), default=5)

        star = {dim: self._dimension(dim, scored[dim], cap, outcomes) for dim in STAR_DIMENSIONS}
        reflective = star["lessons_learned"].score >= 3
        themes = [self._theme(d, sentences, cap, reflective) for d in rubric.themes]

        supported = sum(1 for g in star.values() if g.score >= 2)
        if supported < 3 or Flag.TOO_SHORT in flags or Flag.OFF_TOPIC in flags:
            flags.append(Flag.INSUFFICIENT_EVIDENCE)

        scores = {dim: g.score for dim, g in star.items()}
        scores.update({t.theme: t.score for t in themes})
        quantified = star["quantified_results"]
        assert isinstance(quantified, QuantifiedResultsGrade)
        return Grade(
            situation=star["situation"],
            task=star["task"],
            action=star["action"],
            result=star["result"],
            quantified_results=quantified,
            lessons_learned=star["lessons_learned"],
            themes=themes,
            strengths=self._strengths(star, themes, flags),
            improvements=self._improvements(star, flags, rubric),
            follow_up=self._follow_up(question, star, flags, rubric),
            flags=flags,
            overall=compute_overall(scores, rubric),
            meta=GradeMeta(
                grader="offline", grader_version=self.version, rubric_hash=self._hash(rubric)
            ),
        )

    def _hash(self, rubric: Rubric) -> str:
        """rubric.hash, remembered per rubric object: hashing JSON on every answer is slow."""
        cached = self._rubric_hashes.get(id(rubric))
        if cached is None or cached[0] is not rubric:
            if len(self._rubric_hashes) > 256:
                self._rubric_hashes.clear()
            cached = (rubric, rubric.hash)
            self._rubric_hashes[id(rubric)] = cached
        return cached[1]

    # -- dimensions -----------------------------------------------------------------------

    def _dimension(
        self, dim: str, scored: Scored, cap: int, outcomes: list[FoundMetric]
    ) -> DimensionGrade:
        evidence = _quotes(scored.evidence)
        score = min(scored.score, cap) if evidence else 0
        metric = outcomes[0].value if outcomes else ""
        feedback = fill(
            self.templates.feedback[dim][band(score)],
            quote=short_quote(evidence[0]) if evidence else "",
            metric=metric,
        )
        if dim == "quantified_results":
            found = [Metric(value=m.value, measures=m.measures) for m in outcomes]
            return QuantifiedResultsGrade(
                score=score, evidence=evidence, feedback=feedback, metrics=found
            )
        return DimensionGrade(score=score, evidence=evidence, feedback=feedback)

    def _theme(
        self, dim: RubricDimension, sentences: list[Sentence], cap: int, reflective: bool
    ) -> ThemeGrade:
        tpl = self.templates
        ts = score_theme(
            sentences, dim.description, dim.indicators, tpl.synonym_groups, tpl.common, reflective
        )
        evidence = _quotes(ts.evidence)
        score = min(ts.score, cap) if evidence else 0
        feedback = fill(
            tpl.themes[band(score)],
            name=dim.name,
            quote=short_quote(evidence[0]) if evidence else "",
        )
        return ThemeGrade(theme=dim.id, score=score, evidence=evidence, feedback=feedback)

    # -- advice ---------------------------------------------------------------------------

    def _strengths(
        self, star: dict[str, DimensionGrade], themes: list[ThemeGrade], flags: list[Flag]
    ) -> list[str]:
        if Flag.OFF_TOPIC in flags or Flag.PROMPT_INJECTION in flags:
            return []
        tpl = self.templates.strengths
        out: list[str] = []
        for dim, g in star.items():
            if g.score >= 4 and g.evidence:
                metric = ""
                if isinstance(g, QuantifiedResultsGrade) and g.metrics:
                    metric = ", ".join(m.value for m in g.metrics[:3])
                out.append(fill(tpl[dim], quote=short_quote(g.evidence[0]), metric=metric))
        for t in themes:
            if t.score >= 4 and t.evidence:
                name = t.theme.replace("-", " ")
                out.append(fill(tpl["theme"], name=name, quote=short_quote(t.evidence[0])))
        return out

    def _improvements(
        self, star: dict[str, DimensionGrade], flags: list[Flag], rubric: Rubric
    ) -> list[str]:
        imp = self.templates.improvements
        out = [imp.flags[f.value] for f in flags if f.value in imp.flags]
        if Flag.OFF_TOPIC in flags:
            return out
        weights = {d.id: d.weight for d in rubric.star}
        gaps = sorted(
            (d for d in STAR_DIMENSIONS if star[d].score <= 3),
            key=lambda d: (-(5 - star[d].score) * weights.get(d, 1.0), STAR_DIMENSIONS.index(d)),
        )
        for dim in gaps:
            text = getattr(imp, dim).get(band(star[dim].score) if star[dim].score > 1 else "low")
            if text and text not in out:
                out.append(text)
            if len(out) >= 4:
                break
        return out

    def _follow_up(
        self,
        question: Question,
        star: dict[str, DimensionGrade],
        flags: list[Flag],
        rubric: Rubric,
    ) -> str:
        tpl = self.templates
        if Flag.OFF_TOPIC in flags:
            return tpl.follow_up["off_topic"]
        # the part whose gap costs the most overall points: a missing Result (weight 1.5)
        # matters more than missing numbers (weight 1)
        weights = {d.id: d.weight for d in rubric.star}
        weakest = max(
            STAR_DIMENSIONS,
            key=lambda d: ((5 - star[d].score) * weights.get(d, 1.0), -STAR_DIMENSIONS.index(d)),
        )
        keywords = tpl.probe_keywords.get(weakest, [])
        for probe in question.probes:
            low = probe.lower()
            if any(k in low for k in keywords):
                return probe
        return tpl.follow_up[weakest]


def _result_and_context(seg: Segments) -> tuple[set[int], set[int]]:
    """Result sentences, and the sentences that set the scene before any action."""
    results = {s.index for s in seg.of("result")}
    first_action = min((s.index for s in seg.of("action")), default=len(seg.sentences))
    context = {
        s.index
        for part in ("situation", "task")
        for s in seg.of(part)
        if s.index < first_action or s.label in ("situation", "task")
    }
    return results, context


def _quotes(sentences: list[Sentence]) -> list[str]:
    out: list[str] = []
    for s in sentences:
        q = quote(s)
        if q and q not in out:
            out.append(q)
    return out
