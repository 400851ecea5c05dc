"""OfflineGrader: a deterministic STAR grader that needs no model, key or network.

Pipeline: mask injected text -> check the language -> sentences with their cue phrases
(one pass over the words) -> one STAR part per sentence for the whole answer -> numbers
with roles -> scores per dimension and theme, each from its own part -> flags and caps ->
feedback, strengths, improvements and a follow-up from ``rubrics/feedback/offline.yaml``,
worded from what each part lacks. The same input always gives the same Grade.
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
from interviewer.core.rubric import (
    STAR_DIMENSIONS,
    Rubric,
    RubricDimension,
    content_hash,
)
from interviewer.grading.injection import find_injection, mask_injection
from interviewer.grading.offline.feedback import (
    Templates,
    band,
    fill,
    load_templates,
    short_quote,
    star_caps,
    with_target,
)
from interviewer.grading.offline.flags import (
    Topic,
    answer_stats,
    is_generic,
    is_hypothetical,
    is_non_answer,
    is_off_topic,
    is_rambling,
    rubric_theme_text,
    topic_for,
    unsupported_language,
)
from interviewer.grading.offline.lexicon import Lexicon, load_lexicon
from interviewer.grading.offline.metrics import (
    ROLES,
    FoundMetric,
    extract_metrics,
    possible_outcomes,
)
from interviewer.grading.offline.scoring import (
    Scored,
    score_action,
    score_lessons,
    score_quantified,
    score_result,
    score_situation,
    score_task,
)
from interviewer.grading.offline.segment import segment
from interviewer.grading.offline.text import Sentence, quote, split_sentences
from interviewer.grading.offline.themes import score_theme
from interviewer.grading.offline.words import content_stems

GRADER_VERSION = "2.0"


class OfflineGrader:
    """Grades STAR answers from observable features of the text (see the package modules)."""

    kind: Literal["offline"] = "offline"

    def __init__(self, templates: Templates | None = None, lexicon: Lexicon | None = None) -> None:
        self.templates = templates or load_templates()
        self.lexicon = lexicon or load_lexicon()
        digest = content_hash([self.templates.hash, self.lexicon.hash])
        self.version = f"{GRADER_VERSION}+{digest[:8]}"
        self._generic = frozenset(content_stems(self.lexicon.situations.generic))
        self._topics: dict[tuple[int, str], tuple[Rubric, Topic]] = {}

    def grade(self, question: Question, rubric: Rubric, answer: str) -> Grade:
        """Grade one answer; raises GradingError only for input that is not text."""
        if not isinstance(answer, str):
            raise GradingError(f"answer must be text, got {type(answer).__name__}")
        tpl, lex = self.templates, self.lexicon
        injected = find_injection(answer)
        text = mask_injection(answer) if injected else answer
        sentences = split_sentences(text, lex)
        if unsupported_language(text, lex, sentences):
            return self._unreadable(rubric, bool(injected))

        topic = self._topic(question, rubric)
        stats = answer_stats(sentences, topic)
        seg = segment(sentences)
        metrics = extract_metrics(sentences, roles=seg.roles, lexicon=lex)

        action, _ownership = score_action(seg)
        quant, outcomes = score_quantified(metrics)
        scored: dict[str, Scored] = {
            "situation": score_situation(seg, stats.words, lex),
            "task": score_task(seg, metrics),
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
        if is_off_topic(stats, topic, tpl):
            flags.append(Flag.OFF_TOPIC)
        if stats.words and stats.i_count <= 0:
            flags.append(Flag.NO_FIRST_PERSON)
        if stats.words >= tpl.limits.rambling_words and is_rambling(stats, seg, tpl):
            flags.append(Flag.RAMBLING)
        non_answer = is_non_answer(seg)
        if non_answer:
            flags.append(Flag.NON_ANSWER)
        elif is_hypothetical(seg):
            flags.append(Flag.HYPOTHETICAL)
        elif Flag.TOO_SHORT not in flags and is_generic(
            sentences, self._generic, tpl.limits.generic_specifics, tpl.limits.generic_habits
        ):
            flags.append(Flag.GENERIC)
        failure = "failure" in topic.concepts
        if stats.words and not outcomes and not possible_outcomes(metrics, seg.roles, failure):
            flags.append(Flag.NO_OUTCOME_NUMBER)
        cap = min((tpl.caps[f.value] for f in flags if f.value in tpl.caps), default=5)
        caps = star_caps(tpl, flags)
        star = {
            dim: self._dimension(dim, scored[dim], *caps[dim], metrics, outcomes)
            for dim in STAR_DIMENSIONS
        }
        reflective = star["lessons_learned"].score >= 3
        # themes are shown by the story: asides and padding (no STAR part) do not count
        story = [s for s, role in zip(sentences, seg.roles, strict=True) if role] or sentences
        themes = [self._theme(d, story, cap, reflective) for d in rubric.themes]

        supported = sum(1 for g in star.values() if g.score >= 2)
        if supported < 3 or {Flag.TOO_SHORT, Flag.OFF_TOPIC, Flag.NON_ANSWER} & set(flags):
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
            improvements=self._improvements(star, scored, flags, rubric),
            follow_up=self._follow_up(question, star, flags, rubric),
            flags=flags,
            overall=compute_overall(scores, rubric),
            meta=self._meta(rubric),
        )

    def _topic(self, question: Question, rubric: Rubric) -> Topic:
        """What answers this question, worked out once per question and rubric."""
        key = (id(rubric), question.text)
        cached = self._topics.get(key)
        if cached is None or cached[0] is not rubric:
            if len(self._topics) > 256:
                self._topics.clear()
            topic = topic_for(
                question.text, rubric_theme_text(rubric), self.lexicon, self.templates.ignored_stems
            )
            cached = (rubric, topic)
            self._topics[key] = cached
        return cached[1]

    def _meta(self, rubric: Rubric) -> GradeMeta:
        return GradeMeta(grader="offline", grader_version=self.version, rubric_hash=rubric.hash)

    def _unreadable(self, rubric: Rubric, injected: bool) -> Grade:
        """An answer in a language the offline grader cannot read: no verdict, every
        score 0, and feedback that says so and points to the LLM grader."""
        tpl = self.templates
        text = tpl.unsupported_language.feedback
        flags = [Flag.PROMPT_INJECTION] if injected else []
        flags += [Flag.UNSUPPORTED_LANGUAGE, Flag.INSUFFICIENT_EVIDENCE]
        star = {dim: DimensionGrade(score=0, feedback=text) for dim in STAR_DIMENSIONS}
        themes = [ThemeGrade(theme=d.id, score=0, feedback=text) for d in rubric.themes]
        return Grade(
            situation=star["situation"],
            task=star["task"],
            action=star["action"],
            result=star["result"],
            quantified_results=QuantifiedResultsGrade(score=0, feedback=text),
            lessons_learned=star["lessons_learned"],
            themes=themes,
            improvements=[self._flag_text("unsupported_language")],
            follow_up=tpl.unsupported_language.follow_up,
            flags=flags,
            overall=0,
            meta=self._meta(rubric),
        )

    # -- dimensions -----------------------------------------------------------------------

    def _dimension(
        self,
        dim: str,
        scored: Scored,
        cap: int,
        capped_by: str | None,
        metrics: list[FoundMetric],
        outcomes: list[FoundMetric],
    ) -> DimensionGrade:
        evidence = _quotes(scored.evidence)
        score = min(scored.score, cap) if evidence else 0
        texts = self.templates.feedback[dim]
        gap = scored.gaps[0] if scored.gaps else ""
        # the advice for what the answer's own content earned, even where a cap lowered it
        if band(scored.score) != "high" and gap in texts:
            template = texts[gap]
        else:
            template = texts[band(scored.score if evidence else score)]
        feedback = fill(
            template,
            quote=short_quote(evidence[0]) if evidence else "",
            metric=self._counted(outcomes),
        )
        if score < scored.score and capped_by is not None:
            capped = self.templates.capped
            reason = with_target(capped.reasons[capped_by])
            feedback = fill(capped.template, cap=str(score), reason=reason, before=feedback)
        if dim == "quantified_results":
            note = self._numbers_note(metrics, outcomes)
            if note:
                feedback = f"{feedback} {note}"
            order = {role: i for i, role in enumerate(ROLES)}
            ranked = sorted(metrics, key=lambda m: (order.get(m.role, 9), m.sentence.index))
            found = [
                Metric(value=m.value, measures=m.phrase, phrase=m.phrase, role=m.role)
                for m in ranked
            ]
            return QuantifiedResultsGrade(
                score=score, evidence=evidence, feedback=feedback, metrics=found
            )
        return DimensionGrade(score=score, evidence=evidence, feedback=feedback)

    def _counted(self, outcomes: list[FoundMetric]) -> str:
        """The outcome numbers counted, each with its phrase and what it is measured against."""
        texts = self.templates.metrics
        out = []
        for m in outcomes[:3]:
            item = f'{m.value} ("{short_quote(m.phrase)}")' if m.phrase != m.value else m.value
            if m.links:
                framed = ", ".join(f"the {x.role} {x.value}" for x in m.links[:3])
                item += " " + fill(texts.with_baseline, list=framed)
            out.append(item)
        return "; ".join(out)

    def _numbers_note(self, metrics: list[FoundMetric], outcomes: list[FoundMetric]) -> str:
        """Which numbers counted as the outcome and why the others did not."""
        texts = self.templates.metrics
        parts = []
        if outcomes:
            parts.append(fill(texts.counted, list=self._counted(outcomes)))
        linked = {id(x) for m in outcomes for x in m.links}
        skipped = [m for m in metrics if not m.outcome and id(m) not in linked]
        if skipped:
            items = [f"{m.value} ({texts.roles.get(m.role, m.role)})" for m in skipped[:4]]
            parts.append(fill(texts.not_counted, list="; ".join(items)))
        return " ".join(parts)

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
        if {Flag.OFF_TOPIC, Flag.PROMPT_INJECTION, Flag.NON_ANSWER} & set(flags):
            return []
        tpl = self.templates.strengths
        out: list[str] = []
        for dim, g in star.items():
            if g.score >= 4 and g.evidence:
                metric = ""
                if isinstance(g, QuantifiedResultsGrade):
                    metric = ", ".join(m.value for m in (g.outcomes() or g.metrics)[:3])
                out.append(fill(tpl[dim], quote=short_quote(g.evidence[0]), metric=metric))
        for t in themes:
            if t.score >= 4 and t.evidence:
                name = t.theme.replace("-", " ")
                out.append(fill(tpl["theme"], name=name, quote=short_quote(t.evidence[0])))
        return out

    def _flag_text(self, flag: str) -> str:
        return with_target(self.templates.improvements.flags.get(flag, ""))

    def _improvements(
        self,
        star: dict[str, DimensionGrade],
        scored: dict[str, Scored],
        flags: list[Flag],
        rubric: Rubric,
    ) -> list[str]:
        imp = self.templates.improvements
        out = [self._flag_text(f.value) for f in flags if f.value in imp.flags]
        if {Flag.OFF_TOPIC, Flag.NON_ANSWER} & set(flags):
            return out
        weights = {d.id: d.weight for d in rubric.star}
        gaps = sorted(
            (d for d in STAR_DIMENSIONS if star[d].score <= 3),
            key=lambda d: (-(5 - star[d].score) * weights.get(d, 1.0), STAR_DIMENSIONS.index(d)),
        )
        for dim in gaps:
            texts = getattr(imp, dim)
            gap = scored[dim].gaps[0] if scored[dim].gaps else ""
            if gap in texts and star[dim].score == scored[dim].score:
                text = texts[gap]
            else:
                text = texts.get(band(star[dim].score) if star[dim].score > 1 else "low", "")
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
        for flag in (Flag.OFF_TOPIC, Flag.NON_ANSWER, Flag.HYPOTHETICAL):
            if flag in flags and flag.value in tpl.follow_up:
                return tpl.follow_up[flag.value]
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


def _quotes(sentences: list[Sentence]) -> list[str]:
    out: list[str] = []
    for s in sentences:
        q = quote(s)
        if q and q not in out:
            out.append(q)
    return out
