"""The story bank, as pure functions of stored sessions: which answers tell the same story,
what each story has shown (best grade per STAR part and key theme, its numbers), and how
the stories cover a set of key themes.

Candidates prepare a handful of stories and reuse them; what they need to know is which
themes their stories already prove and where a story is missing or overused. Two answers
tell the same story when they open with much the same situation: the word 3-gram
("shingle") Jaccard similarity of their situations is at least ``REUSE``. The situation is
the grade's situation evidence, else the answer's first two sentences.

Storage (which answer belongs to which story, titles, merges and splits) is the engine's
``stories.py``; the records it keeps are the ``StoryRecord`` defined here.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from interviewer.core.bank import Bank
from interviewer.core.grade import Grade
from interviewer.core.records import QuestionView, SessionRecord
from interviewer.core.rubric import STAR_DIMENSIONS

REUSE = 0.3  # shingle Jaccard similarity from which two situations are the same story
STRONG = 3  # a theme is covered when some story scores at least this on it
MAX_QUESTIONS = 2  # a story told for more different questions than this is overused
LESSON = 2  # a story whose best lessons-learned score is below this needs a lesson
TITLE_CHARS = 60
Source = str  # "detected" (found in answers), "user" (made by a merge or split), "file"
ThemeKey = tuple[str, str]  # (bank id, theme id): theme ids are unique within a bank only
Key = tuple[str, int]  # ("answer", answer id) or ("story", story id): what an index holds

_WORD = re.compile(r"[a-z0-9']+")
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


# --- telling the same story --------------------------------------------------------------


def shingles(text: str) -> frozenset[tuple[str, ...]]:
    """The word 3-grams of ``text``, lower-cased: what two tellings of a story share."""
    words = _WORD.findall(text.lower())
    return frozenset(tuple(words[i : i + 3]) for i in range(len(words) - 2))


def situation(view: QuestionView) -> str:
    """The situation an answer opens with: the grade's evidence, else its first sentences."""
    if view.grade is not None and view.grade.situation.evidence:
        return " ".join(view.grade.situation.evidence)
    return opening(view.answer.text)


def opening(text: str) -> str:
    """The first two sentences of a text (a story written in a file, an ungraded answer)."""
    return " ".join(_SENTENCE.split(text.strip())[:2])


def similarity(a: frozenset[tuple[str, ...]], b: frozenset[tuple[str, ...]]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def reused_stories(sessions: list[SessionRecord]) -> list[tuple[str, str, float]]:
    """Pairs of answers to different questions telling the same situation, as
    ``("session/question", "session/question", similarity)``: what ``history`` shows."""
    items = [
        (f"{s.id}/{v.question_id}", v.question_id, shingles(situation(v)))
        for s in sessions
        for v in s.questions()
    ]
    found = []
    for i, (a, qa, sa) in enumerate(items):
        for b, qb, sb in items[i + 1 :]:
            if qa == qb:
                continue
            score = similarity(sa, sb)
            if score >= REUSE:
                found.append((a, b, round(score, 2)))
    return found


class ShingleIndex:
    """Situations by shingle, so the closest of many is found without comparing them all:
    only situations sharing a shingle are candidates, and the shared count is the
    intersection. Identical situations (the same answer told again) are stored once."""

    def __init__(self) -> None:
        self._postings: dict[tuple[str, ...], list[int]] = {}
        self._sets: list[frozenset[tuple[str, ...]]] = []
        self._keys: list[list[Key]] = []  # per distinct situation, the keys that told it
        self._known: dict[frozenset[tuple[str, ...]], int] = {}

    def add(self, key: Key, told: frozenset[tuple[str, ...]]) -> None:
        if not told:
            return
        slot = self._known.get(told)
        if slot is None:
            slot = self._known[told] = len(self._sets)
            self._sets.append(told)
            self._keys.append([])
            for gram in told:
                self._postings.setdefault(gram, []).append(slot)
        self._keys[slot].append(key)

    def closest(self, told: frozenset[tuple[str, ...]]) -> tuple[Key, float] | None:
        """The first key of the most similar situation at ``REUSE`` or more, with its score."""
        if not told:
            return None
        slot = self._known.get(told)
        if slot is not None:
            return self._keys[slot][0], 1.0
        shared: Counter[int] = Counter()
        for gram in told:
            shared.update(self._postings.get(gram, ()))
        best: tuple[Key, float] | None = None
        for slot, inter in shared.items():
            score = inter / (len(told) + len(self._sets[slot]) - inter)
            if score >= REUSE and (best is None or score > best[1]):
                best = (self._keys[slot][0], score)
        return best


@dataclass(frozen=True)
class Told:
    """A graded main answer, as the story bank sees it."""

    answer_id: int
    session_id: str
    bank_id: str
    question_id: str
    view: QuestionView

    @property
    def grade(self) -> Grade:
        grade = self.view.grade
        assert grade is not None  # only graded answers are told stories
        return grade


def told_answers(sessions: Iterable[SessionRecord]) -> list[Told]:
    """Every graded main answer, oldest first: the answers that tell a story."""
    return [
        Told(v.answer.id, s.id, s.bank_id, v.question_id, v)
        for s in sessions
        for v in s.questions()
        if v.grade is not None
    ]


@dataclass(frozen=True)
class StoryRecord:
    """A story as stored: its title, where it came from, and the answers that tell it."""

    id: int
    title: str
    source: Source
    answer_ids: tuple[int, ...] = ()
    text: str | None = None  # the story as written, for stories read from a file


def place_answers(
    told: list[Told], stories: list[StoryRecord]
) -> tuple[dict[int, int], list[list[int]]]:
    """Put the answers not in any story yet into one.

    Each new answer (oldest first) joins the story of the most similar situation told so
    far (an answer already placed, or a story written in a file); one like none of them
    starts a new story. Answers already in a story never move, so a user's merge or split
    survives. Returns (new answer id -> existing story id, the new stories' answer ids).
    """
    story_of = {a: s.id for s in stories for a in s.answer_ids}
    index = ShingleIndex()
    owner: dict[Key, int] = {}  # index key -> story id (existing: >= 1; new: -1, -2 ...)
    for story in stories:
        if story.text:
            owner["story", story.id] = story.id
            index.add(("story", story.id), shingles(opening(story.text)))
    todo = []
    for item in told:
        if item.answer_id in story_of:
            owner["answer", item.answer_id] = story_of[item.answer_id]
            index.add(("answer", item.answer_id), shingles(situation(item.view)))
        else:
            todo.append(item)
    joined: dict[int, int] = {}
    new: list[list[int]] = []
    for item in todo:
        told_set = shingles(situation(item.view))
        match = index.closest(told_set)
        if match is None:
            new.append([item.answer_id])
            owner["answer", item.answer_id] = -len(new)
        else:
            owner["answer", item.answer_id] = target = owner[match[0]]
            if target < 0:
                new[-target - 1].append(item.answer_id)
            else:
                joined[item.answer_id] = target
        index.add(("answer", item.answer_id), told_set)
    return joined, new


def title_for(text: str) -> str:
    """A short title from a story's first sentence, for stories found in answers."""
    first = " ".join(_SENTENCE.split(text.strip())[0].split()).rstrip(".!?")
    if len(first) <= TITLE_CHARS:
        return first or "untitled story"
    return first[:TITLE_CHARS].rsplit(" ", 1)[0] + "…"


# --- what each story has shown -----------------------------------------------------------


@dataclass(frozen=True)
class Telling:
    """One answer that tells a story: where and for which question."""

    answer_id: int
    session_id: str
    bank_id: str
    question_id: str
    overall: int


@dataclass(frozen=True)
class StoryCard:
    """One story in figures: every list of stories (terminal, web, plan) shows these."""

    id: int
    title: str
    source: Source
    tellings: list[Telling]  # oldest first
    star: dict[str, int]  # best score per STAR part; empty when never graded
    themes: dict[ThemeKey, int]  # best score per key theme it was graded on
    numbers: list[str]  # the outcome numbers it has given, as written
    text: str | None = None

    @property
    def questions(self) -> list[tuple[str, str]]:
        """(bank id, question id) it was told for, distinct, as first told."""
        return list(dict.fromkeys((t.bank_id, t.question_id) for t in self.tellings))

    @property
    def needs_number(self) -> bool:
        """Told, but no telling has given a number for what changed."""
        return bool(self.star) and not self.numbers

    @property
    def needs_lesson(self) -> bool:
        """Told, but no telling says what was learned (lessons below ``LESSON``)."""
        return bool(self.star) and self.star["lessons_learned"] < LESSON

    @property
    def overused(self) -> bool:
        """Told for more than ``MAX_QUESTIONS`` different questions."""
        return len(self.questions) > MAX_QUESTIONS


def _outcome_numbers(grade: Grade) -> list[str]:
    """Outcome numbers of a grade; a metric with no role (older grades, some LLM replies)
    counts as an outcome, as the quantified-results score already did."""
    return [m.value for m in grade.quantified_results.metrics if m.role in ("", "outcome")]


def story_cards(stories: list[StoryRecord], sessions: Iterable[SessionRecord]) -> list[StoryCard]:
    """Each story with the best its answers have shown, in story id order."""
    by_answer = {t.answer_id: t for t in told_answers(sessions)}
    cards = []
    for story in sorted(stories, key=lambda s: s.id):
        told = [by_answer[a] for a in sorted(story.answer_ids) if a in by_answer]
        star: dict[str, int] = {}
        themes: dict[ThemeKey, int] = {}
        numbers: list[str] = []
        for item in told:
            grade = item.grade
            for dim, part in grade.star().items():
                star[dim] = max(star.get(dim, 0), part.score)
            for theme in grade.themes:
                key = (item.bank_id, theme.theme)
                themes[key] = max(themes.get(key, 0), theme.score)
            numbers += [n for n in _outcome_numbers(grade) if n not in numbers]
        tellings = [
            Telling(t.answer_id, t.session_id, t.bank_id, t.question_id, t.grade.overall)
            for t in told
        ]
        best = {d: star[d] for d in STAR_DIMENSIONS} if star else {}
        cards.append(
            StoryCard(story.id, story.title, story.source, tellings, best, themes, numbers,
                      story.text)
        )  # fmt: skip
    return cards


# --- coverage of key themes --------------------------------------------------------------


@dataclass(frozen=True)
class CoverageRow:
    """A key theme and the best score each story reached on it."""

    bank_id: str
    theme_id: str
    name: str
    cells: dict[int, int]  # story id -> best score; stories never graded on it are absent
    weight: float | None = None  # how much the job asks for it (--job), else None
    phrases: list[str] = field(default_factory=list)  # the job's words that matched it

    @property
    def best(self) -> int | None:
        return max(self.cells.values()) if self.cells else None

    @property
    def gap(self) -> bool:
        """No story scores ``STRONG`` or more on this theme."""
        return (self.best or 0) < STRONG


@dataclass(frozen=True)
class Coverage:
    """The matrix key themes x stories, and what it says: gaps and overused stories."""

    rows: list[CoverageRow]
    stories: list[StoryCard]

    @property
    def gaps(self) -> list[CoverageRow]:
        return [r for r in self.rows if r.gap]

    @property
    def overused(self) -> list[StoryCard]:
        return [s for s in self.stories if s.overused]


def theme_names(banks: Iterable[Bank]) -> dict[ThemeKey, str]:
    return {(b.id, t.id): t.name for b in banks for t in b.themes}


def coverage(
    cards: list[StoryCard],
    banks: list[Bank],
    themes: list[ThemeKey] | None = None,
    weights: Mapping[ThemeKey, tuple[float, list[str]]] | None = None,
) -> Coverage:
    """Rows for ``themes`` (default: every theme of the banks the stories were told in, or
    of every bank when none was told yet), in that order; ``weights`` adds the job's
    weight and matched phrases per theme."""
    names = theme_names(banks)
    if themes is None:
        told_banks = {bank for card in cards for bank, _ in card.questions}
        themes = [key for key in names if not told_banks or key[0] in told_banks]
    rows = []
    for key in themes:
        weight, phrases = (weights or {}).get(key, (None, []))
        cells = {c.id: c.themes[key] for c in cards if key in c.themes}
        rows.append(CoverageRow(key[0], key[1], names.get(key, key[1]), cells, weight, phrases))
    return Coverage(rows, cards)
