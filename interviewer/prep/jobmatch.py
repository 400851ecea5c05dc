"""Match a job description against question banks, offline and deterministically.

Each key theme is a bag of stems (its name counts most, then its description and
indicators); a job word scores by how distinctive it is across all themes (inverse
document frequency) and by how often the posting says it. Synonym groups (the offline
grader's and ``rubrics/prep/jobmatch.yaml``'s) let a posting's "escalations" meet a
theme's "complaint". A question scores by its themes first, its own words and its bank's
description after; picks then reward themes not covered yet, so five picks probe five
things the employer cares about rather than one thing five times.

Tokenisation and stemming are the offline grader's (``grading/offline/text.py``).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import Field

from interviewer.core.bank import Bank, Question
from interviewer.core.datafile import StrictModel, load_model
from interviewer.core.errors import DataError
from interviewer.core.resources import rubrics_dir
from interviewer.grading.offline.words import STOPWORDS, WORD, stem

if TYPE_CHECKING:
    from interviewer.prep.job import JobDescription

GENERAL_BANK = "general-behavioural"
_CLAUSE_BREAK = frozenset(".;:!?\n•,()[]/")
_SYNONYM_ONLY = 0.7  # a match through a synonym group counts this much of an exact one


class Weights(StrictModel):
    theme_name: float = Field(gt=0)
    theme_text: float = Field(gt=0)
    phrase: float = Field(ge=0)
    question: float = Field(ge=0)
    bank: float = Field(ge=0)
    covered_theme: float = Field(ge=0, le=1)
    same_bank: float = Field(gt=0, le=1)
    bank_fit: float = Field(ge=0)


class MatchConfig(StrictModel):
    """``rubrics/prep/jobmatch.yaml``: weights, thresholds and word lists."""

    weights: Weights
    min_theme_score: float = Field(ge=0)
    min_listed_score: float = Field(ge=0)
    min_pick_share: float = Field(ge=0, le=1)
    phrases_per_match: int = Field(ge=1)
    ignore: str
    whole_words: str = ""
    synonyms: list[list[str]]


@cache
def load_config(path: Path | None = None) -> MatchConfig:
    return load_model(MatchConfig, path or rubrics_dir() / "prep" / "jobmatch.yaml")


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


# --- vocabulary -------------------------------------------------------------------------


class _Vocabulary:
    """Stems -> concepts (the stem and its synonym groups), ignored stems, common stems."""

    def __init__(self, config: MatchConfig) -> None:
        from interviewer.grading.offline.feedback import load_templates

        tpl = load_templates()
        self.common = tpl.common
        self.whole = {w: w.removesuffix("s") for w in config.whole_words.split()}
        self.ignored = frozenset(stem(w) for w in config.ignore.split()) | frozenset(
            config.ignore.split()
        )
        groups: list[tuple[str, ...]] = [(key, *rest) for key, rest in tpl.synonym_groups]
        for words in config.synonyms:
            stems = list(dict.fromkeys(s for w in words for s in self.stems(w)))
            if stems:
                groups.append(tuple(stems))
        self.groups: dict[str, set[str]] = defaultdict(set)
        for i, group in enumerate(groups):
            for s in group:
                self.groups[s].add(f"~{i}")

    def stem(self, word: str) -> str:
        """The grader's stem, except for words it would merge with another ("customer"
        and "custom"): those keep their own, listed in ``whole_words``."""
        return self.whole.get(word) or stem(word)

    def stems(self, text: str) -> list[str]:
        """The content stems of ``text``, in order, as ``grading.offline.text.content_stems``."""
        words = WORD.findall(text.lower().replace("’", "'"))
        return [self.stem(w) for w in words if w not in STOPWORDS and w[0] > "9"]

    def concepts(self, stems: Iterable[str]) -> dict[str, float]:
        """Each stem as itself (1.0) and as its synonym groups (``_SYNONYM_ONLY``)."""
        out: dict[str, float] = {}
        for s in stems:
            out[s] = 1.0
            for g in self.groups.get(s, ()):
                out.setdefault(g, _SYNONYM_ONLY)
        return out


@dataclass
class _Doc:
    """A theme, question or bank as concept -> weight, plus adjacent stem pairs."""

    weights: dict[str, float]
    pairs: frozenset[tuple[str, str]] = frozenset()


def _doc(vocab: _Vocabulary, parts: Sequence[tuple[str, float]]) -> _Doc:
    weights: dict[str, float] = {}
    pairs: set[tuple[str, str]] = set()
    for text, weight in parts:
        stems = vocab.stems(text)
        pairs.update(pairwise(stems))
        for c, share in vocab.concepts(stems).items():
            weights[c] = max(weights.get(c, 0.0), weight * share)
    return _Doc(weights, frozenset(pairs))


@dataclass
class _Token:
    stem: str
    start: int
    end: int
    clause: int


def _job_tokens(text: str, vocab: _Vocabulary) -> list[_Token]:
    """The job's content words with their spans and clause numbers (for phrases)."""
    tokens: list[_Token] = []
    clause, last_end = 0, 0
    for m in WORD.finditer(text):
        if any(ch in _CLAUSE_BREAK for ch in text[last_end : m.start()]):
            clause += 1
        last_end = m.end()
        word = m.group().lower().replace("’", "'")
        if word in STOPWORDS or word[0] <= "9" or word in vocab.ignored:
            continue
        st = vocab.stem(word)
        if st in vocab.ignored or st in STOPWORDS:
            continue
        tokens.append(_Token(st, m.start(), m.end(), clause))
    return tokens


# --- scoring ----------------------------------------------------------------------------


class _Scorer:
    def __init__(self, job_text: str, config: MatchConfig, idf: dict[str, float]) -> None:
        self.vocab = _vocabulary(config)
        self.config = config
        self.text = job_text
        self.tokens = _job_tokens(job_text, self.vocab)
        self.idf = idf
        self.default_idf = max(idf.values(), default=1.0)
        counts: dict[str, int] = defaultdict(int)
        for t in self.tokens:
            counts[t.stem] += 1
        self.stems = {s: (1 + math.log(n), self.vocab.concepts([s])) for s, n in counts.items()}
        self.adjacent = [
            (i, a.stem, b.stem)
            for i, (a, b) in enumerate(pairwise(self.tokens))
            if a.clause == b.clause
        ]

    def score(self, doc: _Doc) -> tuple[float, list[tuple[float, int]]]:
        """The doc's score and the (weight, token index) of every job word it matched."""
        gained: dict[str, float] = {}
        for s, (tf, concepts) in self.stems.items():
            best = 0.0
            for c, share in concepts.items():
                weight = doc.weights.get(c)
                if weight:
                    best = max(best, weight * share * self.idf.get(c, self.default_idf))
            if best:
                gained[s] = best * tf * (0.5 if s in self.vocab.common else 1.0)
        hits = [(gained[t.stem], i) for i, t in enumerate(self.tokens) if t.stem in gained]
        total = sum(gained.values())
        bonus = self.config.weights.phrase
        for i, a, b in self.adjacent:
            if (a, b) in doc.pairs:
                total += bonus
                hits += [(bonus, i), (bonus, i + 1)]
        return total, hits

    def phrases(self, hits: list[tuple[float, int]]) -> list[tuple[float, str]]:
        """Matched job words joined into the phrases they sit in ("data quality")."""
        weight: dict[int, float] = defaultdict(float)
        for w, i in hits:
            weight[i] += w
        out: list[tuple[float, str]] = []
        run: list[int] = []
        for i in sorted(weight):
            if run and (
                i - run[-1] > 2
                or self.tokens[i].clause != self.tokens[run[-1]].clause
                or i - run[0] >= 4
            ):
                out.append(self._phrase(run, weight))
                run = []
            run.append(i)
        if run:
            out.append(self._phrase(run, weight))
        return out

    def _phrase(self, run: list[int], weight: dict[int, float]) -> tuple[float, str]:
        start, end = self.tokens[run[0]].start, self.tokens[run[-1]].end
        return sum(weight[i] for i in run), " ".join(self.text[start:end].split())


def _top(phrases: Iterable[tuple[float, str]], limit: int) -> tuple[str, ...]:
    merged: dict[str, tuple[float, str]] = {}
    for w, p in phrases:
        key = p.lower()
        old = merged.get(key)
        merged[key] = (w + (old[0] if old else 0.0), old[1] if old else p)
    ranked = sorted(merged.values(), key=lambda x: -x[0])  # stable: job order on ties
    return tuple(p for _, p in ranked[:limit])


_VOCABULARIES: dict[int, tuple[MatchConfig, _Vocabulary]] = {}


def _vocabulary(config: MatchConfig) -> _Vocabulary:
    """One vocabulary per configuration object (held, so its id stays its own)."""
    found = _VOCABULARIES.get(id(config))
    if found is None or found[0] is not config:
        found = _VOCABULARIES[id(config)] = (config, _Vocabulary(config))
    return found[1]


@dataclass
class _Prepared:
    banks_in: tuple[Bank, ...]  # held, so their ids cannot be reused while cached
    themes: dict[tuple[str, str], _Doc]
    questions: dict[tuple[str, str], _Doc]
    banks: dict[str, _Doc]
    idf: dict[str, float]


_PREPARED: dict[tuple[int, tuple[int, ...]], _Prepared] = {}


def _prepare(banks: Sequence[Bank], config: MatchConfig) -> _Prepared:
    """Every bank as docs, once per set of bank objects (banks are frozen and cached)."""
    key = (id(config), tuple(id(b) for b in banks))
    found = _PREPARED.get(key)
    if found is not None and all(a is b for a, b in zip(found.banks_in, banks, strict=True)):
        return found
    vocab = _vocabulary(config)
    w = config.weights
    themes = {
        (b.id, t.id): _doc(
            vocab,
            [(t.name, w.theme_name), (t.description, w.theme_text)]
            + [(i, w.theme_text) for i in t.indicators],
        )
        for b in banks
        for t in b.themes
    }
    questions = {
        (b.id, q.id): _doc(vocab, [(q.text, 1.0)] + [(p, 0.5) for p in q.probes])
        for b in banks
        for q in b.questions
    }
    bank_docs = {b.id: _doc(vocab, [(b.title, 1.0), (b.description, 1.0)]) for b in banks}
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
    scorer = _Scorer(job.plain, config, prepared.idf)
    limit = config.phrases_per_match
    theme_of: dict[tuple[str, str], ThemeMatch] = {}
    theme_hits: dict[tuple[str, str], list[tuple[float, str]]] = {}
    for b in banks:
        for t in b.themes:
            score, hits = scorer.score(prepared.themes[(b.id, t.id)])
            phrases = scorer.phrases(hits)
            theme_hits[(b.id, t.id)] = phrases
            theme_of[(b.id, t.id)] = ThemeMatch(
                b.id, t.id, t.name, round(score, 2), _top(phrases, limit)
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
    scorer: _Scorer,
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
        phrases=_top(phrases, config.phrases_per_match),
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
