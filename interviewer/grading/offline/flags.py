"""Answer-level conditions: language, relevance, substance, length and first person.

Relevance is judged against the question, the bank's themes and a general vocabulary of
work and life situations (``rubrics/lexicon/situations.yaml``), never one field's jargon:
a nurse's story about messy patient charts answers "a time you worked with unreliable
data". Two things make an answer off topic: a question that names a field ("an ML
system") answered from outside it, or a story that never touches what the question is
about (its words, their families of situation words, or the themes) - a complete story on
another subject, however well told.

Substance: a non-answer ("I can't think of a time"), a hypothetical ("I would first..."),
a generic story (no concrete setting, object, time or figure).

Language: an answer the offline grader cannot read (another language or script) is
recognised from the share of English function words and of non-Latin letters.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter

from interviewer.core.rubric import Rubric
from interviewer.grading.offline.feedback import Templates
from interviewer.grading.offline.lexicon import Lexicon
from interviewer.grading.offline.segment import Segments
from interviewer.grading.offline.text import Sentence
from interviewer.grading.offline.words import content_stems, stem, word_set

_HEDGE_WORDS = frozenset({"maybe", "probably", "anyway", "guess"})
_HEDGE_PAIRS = frozenset(
    {("i", "think"), ("i", "guess"), ("not", "sure"), ("don't", "remember"), ("or", "maybe")}
)
_I_WORDS = word_set("i me my myself mine i'm i've i'd i'll")
_WE_WORDS = word_set("we us our ours ourselves we're we've we'd")
_HEDGE_VERBS = word_set("think guess believe feel suppose reckon")


# -- language ---------------------------------------------------------------------------

_LETTER = re.compile(r"[^\W\d_]")
_NON_LATIN = re.compile(r"[^\W\d_\u0000-\u024f\u1e00-\u1eff]")
_UWORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


def unsupported_language(text: str, lex: Lexicon, sentences: list[Sentence] | None = None) -> bool:
    """Whether ``text`` is in a language (or script) the offline grader cannot read.

    ``sentences``: the text already split; an ASCII text is then judged on their words.
    """
    rules = lex.language
    if not text.isascii():
        foreign = len(_NON_LATIN.findall(text))
        if foreign >= 10:
            letters = len(_LETTER.findall(text))
            if foreign / letters > rules.max_foreign_script:
                return True
        words = _UWORD.findall(text.lower().replace("’", "'"))
    elif sentences is not None:
        words = list(itertools.chain.from_iterable(s.tokens for s in sentences))
    else:
        words = _UWORD.findall(text.lower())
    # numbers are not words of any language (counted in C: map over first characters)
    n = len(words) - sum(map(str.isdigit, map(itemgetter(0), words)))
    if n < rules.min_words:
        return False
    en = sum(map(lex.english.__contains__, words)) / n
    if en > rules.max_english_share:
        return False
    return sum(map(lex.other_languages.__contains__, words)) / n >= rules.min_other_share


# -- relevance ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Topic:
    """What answers one question: its words, their families, the themes, the fields."""

    question: frozenset[str]  # the question's own stems and their families' stems
    themes: frozenset[str]
    general: frozenset[str]  # every family and setting: a story about work or life
    fields: tuple[tuple[frozenset[str], int], ...]  # required fields: words, how many
    judged: bool  # the question has words the families know: "another subject" can be told
    concepts: frozenset[str] = frozenset()  # the families the question's words belong to

    @property
    def all(self) -> frozenset[str]:
        """Every stem that counts as on topic."""
        return _union(self.question, self.themes, self.general)


@lru_cache(maxsize=64)
def _union(*sets: frozenset[str]) -> frozenset[str]:
    return frozenset().union(*sets)


@lru_cache(maxsize=256)
def topic_for(question_text: str, theme_text: str, lex: Lexicon, ignored: frozenset[str]) -> Topic:
    sit = lex.situations
    skip = frozenset(content_stems(sit.question_ignore)) | ignored
    q_stems = frozenset(content_stems(question_text)) - skip
    families = {name: frozenset(content_stems(words)) for name, words in sit.families.items()}
    question = set(q_stems)
    concepts = set()
    for name, stems in families.items():
        if q_stems & stems:
            question |= stems
            concepts.add(name)
    raw_words = {w.lower().strip(".,?!'\"") for w in question_text.split()}
    fields = []
    for f in sit.fields.values():
        triggers = set(f.triggers.split())
        if raw_words & triggers or q_stems & {stem(t) for t in triggers}:
            fields.append((frozenset(content_stems(f.words)), f.min_words))
    general: set[str] = set()
    for stems in families.values():
        general |= stems
    for words in sit.settings.values():
        general |= set(content_stems(words))
    themes = frozenset(content_stems(theme_text)) - skip
    return Topic(
        frozenset(question),
        themes,
        frozenset(general),
        tuple(fields),
        bool(concepts),
        frozenset(concepts),
    )


def rubric_theme_text(rubric: Rubric) -> str:
    return " ".join(" ".join([d.name, d.description, *d.indicators]) for d in rubric.themes)


@dataclass(slots=True)
class AnswerStats:
    words: int
    content: int  # content words
    on_topic: int  # content words about the question, its themes or any work/life setting
    question_hits: int  # distinct stems of the question (and its families) used
    question_words: int  # content words of the question (and its families) used
    theme_hits: int  # distinct theme stems used
    field_ok: bool  # a field the question names is the answer's field too
    i_count: int
    we_count: int

    @property
    def topic_ratio(self) -> float:
        return self.on_topic / self.content if self.content else 0.0


def _hedge_i(tokens: tuple[str, ...]) -> int:
    """ "I think", "I guess": opinions, not the candidate's own actions."""
    return sum(1 for a, b in itertools.pairwise(tokens) if a == "i" and b in _HEDGE_VERBS)


def answer_stats(sentences: list[Sentence], topic: Topic) -> AnswerStats:
    """Counts over the answer without fillers ("um", "you know", "I mean" are not words)."""
    # the whole answer's words and stems at once: a few passes in C, not one per sentence
    tokens = list(itertools.chain.from_iterable(s.tokens for s in sentences))
    stem_list = list(itertools.chain.from_iterable(s.stem_list for s in sentences))
    used = set(stem_list)
    words, content = len(tokens), len(stem_list)
    q_words = sum(map(topic.question.__contains__, stem_list))
    on_topic = sum(map(topic.all.__contains__, stem_list))
    i_count = sum(map(_I_WORDS.__contains__, tokens))
    we_count = sum(map(_WE_WORDS.__contains__, tokens))
    if not _HEDGE_VERBS.isdisjoint(tokens):
        i_count -= sum(_hedge_i(s.tokens) for s in sentences)
    field_ok = all(len(used & stems) >= n for stems, n in topic.fields)
    return AnswerStats(
        words=words,
        content=content,
        on_topic=on_topic,
        question_hits=len(used & topic.question),
        question_words=q_words,
        theme_hits=len(used & topic.themes),
        field_ok=field_ok,
        i_count=i_count,
        we_count=we_count,
    )


def is_off_topic(stats: AnswerStats, topic: Topic, tpl: Templates) -> bool:
    """No content; a named field missed; or another subject than the question's."""
    lim = tpl.limits
    if stats.content == 0:
        return True
    if not stats.field_ok:
        return True  # the field the question names is missing
    touches = stats.question_hits > 0 or stats.theme_hits >= lim.off_topic_theme_hits
    if topic.judged and not touches:
        return True  # a story on another subject, however complete
    if (
        topic.judged
        and stats.content >= 40
        and stats.question_words / stats.content < lim.off_topic_question_share
        and stats.theme_hits < lim.off_topic_theme_hits
    ):
        return True  # one passing word of the question in a story about something else
    return stats.content >= 12 and stats.topic_ratio < lim.off_topic_ratio


# -- substance ----------------------------------------------------------------------------


def personal_actions(sentences: list[Sentence]) -> int:
    return sum(s.cues.get("act_i", 0) for s in sentences)


def is_non_answer(seg: Segments) -> bool:
    """ "I can't think of a time...": a refusal, with no story after it."""
    sents = seg.sentences
    if not any("non_answer" in s.cues for s in sents):
        return False
    return personal_actions(sents) < 2 and not seg.of("result")


def is_hypothetical(seg: Segments) -> bool:
    """What one would do or usually does, not what one did."""
    lessons = set(seg.of("lessons_learned"))
    habits = sum(1 for s in seg.sentences if "hypothetical" in s.cues and s not in lessons)
    if habits < 2:
        return False
    done = sum(s.cues.get("act_i", 0) for s in seg.sentences if "hypothetical" not in s.cues)
    return done < 2


def is_generic(sentences: list[Sentence], generic: frozenset[str], limit: int, habits: int) -> bool:
    """No concrete setting, object, time or figure: no number, name or date, and either
    few words beyond the generic ones or no event at all (what one always does).

    ``limit`` bounds the specific words of a story told in the past tense; ``habits``
    those of an answer with no past action in it.
    """
    stems: set[str] = set()
    for s in sentences:
        if s.proper or "time_marker" in s.cues or (s.tokens and min(s.tokens)[0] <= "9"):
            return False  # a name, a date or a figure: one real event
        stems |= s.stems
    specific = len(stems - generic)
    if any("act_i" in s.cues or "act_we" in s.cues for s in sentences):
        return specific <= limit
    return specific <= habits


# -- length -------------------------------------------------------------------------------


def _hedges(sentences: list[Sentence]) -> int:
    n = 0
    for s in sentences:
        n += sum(1 for t in s.tokens if t in _HEDGE_WORDS)
        n += sum(1 for p in itertools.pairwise(s.tokens) if p in _HEDGE_PAIRS)
    return n


def is_rambling(stats: AnswerStats, seg: Segments, tpl: Templates) -> bool:
    """Long and loosely structured, or simply far too long to be an interview answer."""
    lim = tpl.limits
    if stats.words >= lim.rambling_hard_words:
        return True
    if stats.words < lim.rambling_words:
        return False
    n = max(len(seg.sentences), 1)
    return seg.unclassified / n >= 0.25 or stats.topic_ratio < 0.25 or _hedges(seg.sentences) >= 4
