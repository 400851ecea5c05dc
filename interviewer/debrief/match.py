"""Each question asked in a real interview, matched to the closest bank question.

Closeness is the cosine of the two questions' content stems (the offline grader's own
tokenisation, ``grading.offline.text.content_stems``), each stem weighted by how rare it
is across every bank's questions: "tell", "time" and "describe" say little, "deadline"
and "feedback" say a lot. At or above ``THRESHOLD`` the answer is graded on the matched
question's key themes; below it, against the general behavioural bank's rubric, on the
themes whose words the question shares (or on the STAR parts alone).

``debrief_bank`` then writes what was asked as the session's own bank: one question per
exchange in the interviewer's words, with the themes and probes it is graded on, so the
report, regrade and history work on a debrief like on any session.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from interviewer.core.bank import Bank, Question, Theme
from interviewer.grading.offline.words import content_stems

GENERAL_BANK = "general-behavioural"
THRESHOLD = 0.35  # cosine of weighted stems; tuned on reworded bank questions
GENERAL_THEMES = 2  # at most this many general themes for an unmatched question


@dataclass(frozen=True)
class Match:
    """Where one asked question goes: a bank question, or the general rubric."""

    asked: str
    bank_id: str  # the bank whose themes grade it (the general bank when unmatched)
    question_id: str | None  # None: no bank question was close enough
    text: str | None  # the matched bank question's wording
    similarity: float  # to the closest bank question, matched or not
    themes: tuple[str, ...]  # theme ids of ``bank_id`` the answer is graded on

    @property
    def matched(self) -> bool:
        return self.question_id is not None

    def describe(self) -> str:
        """One line for the user: what it was matched to, and how closely."""
        if self.matched:
            return f"{self.bank_id} {self.question_id} ({self.similarity:.2f}): {self.text}"
        return f"general rubric (closest bank question {self.similarity:.2f})"


class Matcher:
    """The questions of some banks, indexed once; ``match`` is cheap after that."""

    def __init__(self, banks: Sequence[Bank], general: Bank | None = None) -> None:
        self.banks = {b.id: b for b in banks}
        self.general = general or self.banks.get(GENERAL_BANK)
        self._questions = [(b, q, set(content_stems(q.text))) for b in banks for q in b.questions]
        counts = Counter(s for _, _, stems in self._questions for s in stems)
        n = max(len(self._questions), 1)
        self._idf = {s: math.log((n + 1) / (c + 0.5)) for s, c in counts.items()}
        self._rare = math.log(n + 1) + 1.0  # a stem no bank question uses
        self._norms = [self._norm(stems) for _, _, stems in self._questions]
        self._theme_stems = (
            [(t, set(content_stems(" ".join([t.name, t.description, *t.indicators]))))
             for t in self.general.themes] if self.general else []
        )  # fmt: skip

    def _weight(self, stem: str) -> float:
        return self._idf.get(stem, self._rare)

    def _norm(self, stems: set[str]) -> float:
        return math.sqrt(sum(self._weight(s) ** 2 for s in stems))

    def match(self, asked: str, threshold: float = THRESHOLD) -> Match:
        stems = set(content_stems(asked))
        norm = self._norm(stems)
        best, best_score = None, 0.0
        for (bank, question, theirs), their_norm in zip(self._questions, self._norms, strict=True):
            shared = stems & theirs
            if not shared or not norm or not their_norm:
                continue
            score = sum(self._weight(s) ** 2 for s in shared) / (norm * their_norm)
            if score > best_score + 1e-9:
                best, best_score = (bank, question), score
        score = round(best_score, 2)
        if best is not None and best_score >= threshold:
            bank, question = best
            return Match(asked, bank.id, question.id, question.text, score, tuple(question.themes))
        return Match(asked, self.general.id if self.general else "", None, None, score,
                     self._general_themes(stems))  # fmt: skip

    def _general_themes(self, stems: set[str]) -> tuple[str, ...]:
        """The general bank's themes whose words the question shares, most shared first."""
        scored = [
            (sum(self._weight(s) for s in stems & theirs), i, t.id)
            for i, (t, theirs) in enumerate(self._theme_stems)
        ]
        best = sorted((x for x in scored if x[0] > 0), key=lambda x: (-x[0], x[1]))
        return tuple(t for _, _, t in best[:GENERAL_THEMES])


def debrief_bank(title: str, asked: Sequence[Match], banks: Sequence[Bank]) -> Bank:
    """The session's own bank: question ``q<i>`` is the i-th question as asked, graded on
    its match's themes (renamed ``<bank>-<theme>`` only if two banks use one theme id for
    different themes) and asked the matched question's probes in a report's suggestions."""
    by_id = {b.id: b for b in banks}
    themes: dict[str, Theme] = {}
    questions = []
    for i, m in enumerate(asked, start=1):
        bank = by_id.get(m.bank_id)
        ids = []
        for theme_id in m.themes if bank else ():
            theme = bank.theme(theme_id)  # type: ignore[union-attr]
            key = theme.id
            if key in themes and themes[key] != theme:
                key = f"{bank.id}-{theme.id}"  # type: ignore[union-attr]
                theme = theme.model_copy(update={"id": key})
            themes[key] = theme
            ids.append(key)
        probes = bank.question(m.question_id).probes if bank and m.question_id else []
        questions.append(Question(id=f"q{i}", text=m.asked, themes=ids, probes=probes))
    return Bank(
        id="debrief",
        title=title,
        description="The questions of a real interview, as they were asked, read from its "
        "transcript.",
        themes=list(themes.values()),
        questions=questions,
    )
