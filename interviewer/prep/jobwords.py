"""How a job description and a bank are read for matching: words, stems, synonyms, scores.

The words and stems are the offline grader's (``grading/offline/words.py``), with a few
words kept whole where its stemmer would merge two ("customer" and "custom"). A theme, a
question or a bank becomes a ``Doc``: concept -> weight, where a concept is a stem or one
of the synonym groups it belongs to (the grader's, in ``rubrics/feedback/offline.yaml``,
and ``rubrics/prep/jobmatch.yaml``'s). A ``Scorer`` holds one job's words and scores docs
against them, keeping which job words matched so they can be shown as phrases.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import pairwise
from pathlib import Path

from pydantic import Field

from interviewer.core.datafile import StrictModel, load_model
from interviewer.core.resources import rubrics_dir
from interviewer.grading.offline.words import STOPWORDS, WORD, stem

_CLAUSE_BREAK = frozenset(".;:!?\n•,()[]/")
MAX_PHRASE_WORDS = 6  # a reason shown is a phrase, not a sentence
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
    # two words read as one ("machine learning" is "ml", not the learning theme)
    compounds: dict[str, str] = Field(default_factory=dict)


@cache
def load_config(path: Path | None = None) -> MatchConfig:
    return load_model(MatchConfig, path or rubrics_dir() / "prep" / "jobmatch.yaml")


# --- vocabulary -------------------------------------------------------------------------


class Vocabulary:
    """Stems -> concepts (the stem and its synonym groups), ignored stems, common stems."""

    def __init__(self, config: MatchConfig) -> None:
        from interviewer.grading.offline.feedback import load_templates

        tpl = load_templates()
        self.common = tpl.common
        self.whole = {w: w.removesuffix("s") for w in config.whole_words.split()}
        self.compounds = {tuple(k.lower().split()): v for k, v in config.compounds.items()}
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
        """The content stems of ``text``, in order, as ``grading.offline.words.content_stems``
        (a compound as one stem; single letters, as in "plan B", are not content)."""
        words = WORD.findall(text.lower().replace("’", "'"))
        out: list[str] = []
        skip = False
        for w, after in zip(words, [*words[1:], ""], strict=True):
            if skip:
                skip = False
            elif (w, after) in self.compounds:
                out.append(self.compounds[w, after])
                skip = True
            elif w not in STOPWORDS and w[0] > "9" and len(w) > 1:
                out.append(self.stem(w))
        return out

    def concepts(self, stems: Iterable[str]) -> dict[str, float]:
        """Each stem as itself (1.0) and as its synonym groups (``_SYNONYM_ONLY``)."""
        out: dict[str, float] = {}
        for s in stems:
            out[s] = 1.0
            for g in self.groups.get(s, ()):
                out.setdefault(g, _SYNONYM_ONLY)
        return out


@dataclass
class Doc:
    """A theme, question or bank as concept -> weight, plus adjacent stem pairs."""

    weights: dict[str, float]
    pairs: frozenset[tuple[str, str]] = frozenset()


def doc_of(vocab: Vocabulary, parts: Sequence[tuple[str, float]]) -> Doc:
    weights: dict[str, float] = {}
    pairs: set[tuple[str, str]] = set()
    for text, weight in parts:
        stems = vocab.stems(text)
        pairs.update(pairwise(stems))
        for c, share in vocab.concepts(stems).items():
            weights[c] = max(weights.get(c, 0.0), weight * share)
    return Doc(weights, frozenset(pairs))


@dataclass
class Token:
    stem: str
    start: int
    end: int
    clause: int
    word: int  # its place among all the job's words (stopwords too): a phrase's length


def job_tokens(text: str, vocab: Vocabulary) -> list[Token]:
    """The job's content words with their spans and clause numbers (for phrases); a
    compound ("Machine Learning") is one token over both words, single letters none."""
    tokens: list[Token] = []
    clause, last_end = 0, 0
    matches = list(WORD.finditer(text))
    words = [m.group().lower().replace("’", "'") for m in matches]
    skip = False
    for n, m in enumerate(matches):
        if skip:
            skip = False
            continue
        if any(ch in _CLAUSE_BREAK for ch in text[last_end : m.start()]):
            clause += 1
        last_end = m.end()
        word = words[n]
        pair = (word, words[n + 1]) if n + 1 < len(words) else None
        if pair in vocab.compounds and not text[m.end() : matches[n + 1].start()].strip():
            tokens.append(Token(vocab.compounds[pair], m.start(), matches[n + 1].end(), clause, n))
            last_end, skip = matches[n + 1].end(), True
            continue
        if word in STOPWORDS or word[0] <= "9" or word in vocab.ignored or len(word) < 2:
            continue
        st = vocab.stem(word)
        if st in vocab.ignored or st in STOPWORDS:
            continue
        tokens.append(Token(st, m.start(), m.end(), clause, n))
    return tokens


# --- scoring ----------------------------------------------------------------------------


class Scorer:
    def __init__(self, job_text: str, config: MatchConfig, idf: dict[str, float]) -> None:
        self.vocab = vocabulary(config)
        self._keys: dict[str, str] = {}  # phrase -> phrase_key: the same phrases recur
        self.config = config
        self.text = job_text
        self.tokens = job_tokens(job_text, self.vocab)
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

    def score(self, doc: Doc) -> tuple[float, list[tuple[float, int]]]:
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

    def phrase_key(self, phrase: str) -> str:
        """Phrases with the same stems are one reason ("ML" and "Machine Learning")."""
        key = self._keys.get(phrase)
        if key is None:
            key = self._keys[phrase] = " ".join(self.vocab.stems(phrase)) or _phrase_key(phrase)
        return key

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
                or self.tokens[i].word - self.tokens[run[0]].word >= MAX_PHRASE_WORDS
            ):
                out.append(self._phrase(run, weight))
                run = []
            run.append(i)
        if run:
            out.append(self._phrase(run, weight))
        return [p for p in out if p[0] > 0]

    def _phrase(self, run: list[int], weight: dict[int, float]) -> tuple[float, str]:
        """The words from the first matched one to the last; a phrase of only common work
        words ("data", "models") counts for nothing, so it is not shown as a reason."""
        start, end = self.tokens[run[0]].start, self.tokens[run[-1]].end
        if all(self.tokens[i].stem in self.vocab.common for i in run):
            return 0.0, ""
        return sum(weight[i] for i in run), " ".join(self.text[start:end].split())


@lru_cache(maxsize=4096)
def _phrase_key(phrase: str) -> str:
    """One key for "Customer" and "customers": lower case, a final "s" dropped."""
    return " ".join(word.removesuffix("s") for word in phrase.lower().split())


def top_phrases(
    phrases: Iterable[tuple[float, str]],
    limit: int,
    key: Callable[[str], str] | None = None,
) -> tuple[str, ...]:
    """The strongest phrases, each once: "Customer" and "customers" are one, and a phrase
    inside a longer one shown ("Debug production" in "Debug production model") is not
    shown again (the longer one takes its weight too). ``key`` says when two phrases are
    the same (``Scorer.phrase_key``: "ML engineer" and "Machine Learning Engineer")."""
    key_of = key or _phrase_key
    merged: dict[str, tuple[float, str]] = {}
    for w, p in phrases:
        k = key_of(p)
        old = merged.get(k)
        merged[k] = (w + (old[0] if old else 0.0), old[1] if old else p)
    keys = sorted(merged, key=lambda k: -merged[k][0])  # stable: job order on ties
    kept: list[str] = []
    for this in keys:
        if any(f" {this} " in f" {other} " for other in kept):
            continue  # a part of a phrase already shown
        kept = [k for k in kept if f" {k} " not in f" {this} "]  # this one says more
        kept.append(this)
    return tuple(merged[k][1] for k in kept[:limit])


_VOCABULARIES: dict[int, tuple[MatchConfig, Vocabulary]] = {}


def vocabulary(config: MatchConfig) -> Vocabulary:
    """One vocabulary per configuration object (held, so its id stays its own)."""
    found = _VOCABULARIES.get(id(config))
    if found is None or found[0] is not config:
        found = _VOCABULARIES[id(config)] = (config, Vocabulary(config))
    return found[1]
