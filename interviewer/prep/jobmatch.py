"""Match a job description against question banks, offline and deterministically.

Each key theme is a bag of stems (its name counts most, then its description and
indicators); a job word scores by how distinctive it is across all themes (inverse
document frequency) and by how often the posting says it. Synonym groups (the offline
grader's and ``rubrics/prep/jobmatch.yaml``'s) let a posting's "escalations" meet a
theme's "complaint". A question scores by its themes first, its own words and its bank's
description after; picks then reward themes not covered yet, so five picks probe five
things the employer cares about rather than one thing five times.

How the job and the banks are read (the offline grader's words and stems, synonyms,
scores) is in ``jobwords.py``.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from interviewer.core.bank import Bank, Question
from interviewer.core.errors import DataError
from interviewer.prep.jobwords import (
    Doc,
    MatchConfig,
    Scorer,
    doc_of,
    load_config,
    top_phrases,
    vocabulary,
)

if TYPE_CHECKING:
    from interviewer.prep.job import JobDescription

GENERAL_BANK = "general-behavioural"


@dataclass(frozen=True)
class ThemeMatch:
    """A key theme the job asks for: how strongly, and the job's phrases that say so."""

    bank_id: str
    theme_id: str
    name: str
    score: float
    phrases: tuple[str, ...]


@dataclass(frozen=True)
class QuestionPick:
    """A question worth practising for this job, and why."""

    bank_id: str
    question_id: str
    text: str
    score: float
    phrases: tuple[str, ...]  # the job's phrases it matched, strongest first
    themes: tuple[ThemeMatch, ...]  # its key themes the job asks for
    bank_fit: float = 1.0  # how well its bank as a whole fits the job (1: the best bank)


@dataclass
class JobMatch:
    """The job against every bank given: themes and questions, strongest first."""

    job: JobDescription
    banks: tuple[Bank, ...]
    themes: list[ThemeMatch]
    questions: list[QuestionPick]
    matched: bool  # some theme reaches ``min_theme_score``
    config: MatchConfig = field(repr=False)

    def picks(self, count: int, bank_id: str | None = None) -> list[QuestionPick]:
        """Up to ``count`` questions (only ones the job matched), covering distinct themes
        first and, when several banks match, drawing on each; ``bank_id`` keeps to one."""
        w = self.config.weights
        pool = [q for q in self.questions if bank_id is None or q.bank_id == bank_id]
        if pool:  # a question far behind the best one is a stretch, not a fit
            floor = self.config.min_pick_share * max(q.score for q in pool)
            pool = [q for q in pool if q.score >= floor]
        chosen: list[QuestionPick] = []
        covered: set[tuple[str, str]] = set()
        per_bank: dict[str, int] = defaultdict(int)
        while pool and len(chosen) < count:

            def gain(q: QuestionPick) -> float:
                themes = sum(
                    t.score * (w.covered_theme if (t.bank_id, t.theme_id) in covered else 1.0)
                    for t in q.themes
                )
                rest = q.score / q.bank_fit - sum(t.score for t in q.themes)
                return (themes + rest) * q.bank_fit * w.same_bank ** per_bank[q.bank_id]

            best = max(pool, key=gain)  # the first (stronger) on ties: deterministic
            pool.remove(best)
            if any(" ".join(q.text.lower().split()) == " ".join(best.text.lower().split())
                   for q in chosen):  # fmt: skip
                continue  # the same question in two banks (a bank `plan -o` wrote, say)
            chosen.append(best)
            covered.update((t.bank_id, t.theme_id) for t in best.themes)
            per_bank[best.bank_id] += 1
        return chosen

    def best_bank(self, count: int) -> str | None:
        """The bank whose own ``count`` best picks score highest (sessions use one bank)."""
        totals = {
            b.id: sum(q.score for q in self.picks(count, b.id)) for b in self.banks if b.questions
        }
        best = max(totals, key=lambda b: totals[b], default=None)
        return best if best is not None and totals[best] > 0 else None

    def require_match(self) -> None:
        """Raise the one clear line for a job that matches no bank's key themes."""
        if self.matched:
            return
        ids = [b.id for b in self.banks]
        if GENERAL_BANK in ids:
            hint = (
                f"practise the general questions any interview asks with "
                f"`interviewer practice --bank {GENERAL_BANK}`, or add a bank for this kind "
                "of role (--bank-dir)"
            )
        else:
            hint = f"add a bank for this kind of role, or try the general bank ({GENERAL_BANK})"
        raise DataError(
            self.job.source,
            None,
            f"matches no key theme of the banks searched ({', '.join(ids)}): {hint}",
        )


@dataclass
class _Prepared:
    banks_in: tuple[Bank, ...]  # held, so their ids cannot be reused while cached
    themes: dict[tuple[str, str], Doc]
    questions: dict[tuple[str, str], Doc]
    banks: dict[str, Doc]
    idf: dict[str, float]


_PREPARED: dict[tuple[int, tuple[int, ...]], _Prepared] = {}


def _prepare(banks: Sequence[Bank], config: MatchConfig) -> _Prepared:
    """Every bank as docs, once per set of bank objects (banks are frozen and cached)."""
    key = (id(config), tuple(id(b) for b in banks))
    found = _PREPARED.get(key)
    if found is not None and all(a is b for a, b in zip(found.banks_in, banks, strict=True)):
        return found
    vocab = vocabulary(config)
    w = config.weights
    themes = {
        (b.id, t.id): doc_of(
            vocab,
            [(t.name, w.theme_name), (t.description, w.theme_text)]
            + [(i, w.theme_text) for i in t.indicators],
        )
        for b in banks
        for t in b.themes
    }
    questions = {
        (b.id, q.id): doc_of(vocab, [(q.text, 1.0)] + [(p, 0.5) for p in q.probes])
        for b in banks
        for q in b.questions
    }
    bank_docs = {b.id: doc_of(vocab, [(b.title, 1.0), (b.description, 1.0)]) for b in banks}
    df: dict[str, int] = defaultdict(int)
    for doc in themes.values():
        for c in doc.weights:
            df[c] += 1
    n = max(1, len(themes))
    idf = {c: math.log(1 + n / d) for c, d in df.items()}
    prepared = _Prepared(tuple(banks), themes, questions, bank_docs, idf)
    if len(_PREPARED) > 64:
        _PREPARED.clear()
    _PREPARED[key] = prepared
    return prepared


def match_job(
    job: JobDescription, banks: Sequence[Bank], config: MatchConfig | None = None
) -> JobMatch:
    """Score every key theme and question of ``banks`` against the job (deterministic)."""
    config = config or load_config()
    banks = tuple(banks)
    prepared = _prepare(banks, config)
    scorer = Scorer(job.plain, config, prepared.idf)
    limit = config.phrases_per_match
    theme_of: dict[tuple[str, str], ThemeMatch] = {}
    theme_hits: dict[tuple[str, str], list[tuple[float, str]]] = {}
    for b in banks:
        for t in b.themes:
            score, hits = scorer.score(prepared.themes[(b.id, t.id)])
            phrases = scorer.phrases(hits)
            theme_hits[(b.id, t.id)] = phrases
            theme_of[(b.id, t.id)] = ThemeMatch(
                b.id, t.id, t.name, round(score, 2), top_phrases(phrases, limit, scorer.phrase_key)
            )
    listed = [t for t in theme_of.values() if t.score >= config.min_listed_score]
    listed.sort(key=lambda t: -t.score)
    bank_scores = {b.id: scorer.score(prepared.banks[b.id])[0] for b in banks}
    fit = _bank_fit(banks, theme_of, bank_scores, config)
    questions: list[QuestionPick] = []
    for b in banks:
        bank_score = bank_scores[b.id]
        questions += [
            _question(b, q, scorer, prepared, theme_of, theme_hits, bank_score, config, fit[b.id])
            for q in b.questions
        ]
    questions = [q for q in questions if q.themes and q.score > 0]
    questions.sort(key=lambda q: -q.score)
    best = max((t.score for t in theme_of.values()), default=0.0)
    return JobMatch(
        job=job,
        banks=banks,
        themes=listed,
        questions=questions,
        matched=best >= config.min_theme_score,
        config=config,
    )


def _question(
    bank: Bank,
    q: Question,
    scorer: Scorer,
    prepared: _Prepared,
    theme_of: dict[tuple[str, str], ThemeMatch],
    theme_hits: dict[tuple[str, str], list[tuple[float, str]]],
    bank_score: float,
    config: MatchConfig,
    fit: float,
) -> QuestionPick:
    w = config.weights
    themes = tuple(
        theme_of[(bank.id, t)]
        for t in q.themes
        if theme_of[(bank.id, t)].score >= config.min_listed_score
    )
    text_score, text_hits = scorer.score(prepared.questions[(bank.id, q.id)])
    phrases = [p for t in themes for p in theme_hits[(bank.id, t.theme_id)]]
    phrases += [(x * w.question, p) for x, p in scorer.phrases(text_hits)]
    score = sum(t.score for t in themes) + w.question * text_score + w.bank * bank_score
    return QuestionPick(
        bank_id=bank.id,
        question_id=q.id,
        text=q.text,
        score=round(score * fit, 2),
        phrases=top_phrases(phrases, config.phrases_per_match, scorer.phrase_key),
        themes=themes,
        bank_fit=fit,
    )


def _bank_fit(
    banks: Sequence[Bank],
    theme_of: dict[tuple[str, str], ThemeMatch],
    bank_scores: dict[str, float],
    config: MatchConfig,
) -> dict[str, float]:
    """Each bank's fit to the job, 0-1: its three best theme scores and its description's
    score against the best bank's, so a bank that shares a few words with the job does
    not crowd out one that is about the job."""
    totals = {
        b.id: bank_scores[b.id]
        + sum(sorted((theme_of[(b.id, t.id)].score for t in b.themes), reverse=True)[:3])
        for b in banks
    }
    best = max(totals.values(), default=0.0)
    if best <= 0:
        return dict.fromkeys(totals, 1.0)
    return {b: max(t / best, 0.01) ** config.weights.bank_fit for b, t in totals.items()}
