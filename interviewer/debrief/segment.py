"""From turns to what was asked and answered: the candidate, the questions, the answers.

With speaker labels, the candidate is the ``--me`` speaker, else a guess said out loud:
a label such as "Me" or "Interviewer" decides it; otherwise the speaker whose turns are
mostly questions is an interviewer and the one with the longest turns is the candidate.
Without labels, sentences that read as questions ("tell me about", "describe a time",
a question mark) are the interviewer's and the rest the candidate's.

Then one walk over the turns: small talk and logistics ("can you hear me", "any questions
for us") are set aside with their replies; short interjections ("mm-hm", "and then?")
do not break an answer; a follow-up ("what was the result?") attaches to the question
before it. Phrase lists are data, in ``rubrics/debrief/cues.yaml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from interviewer.core.errors import DataError, NotFoundError
from interviewer.debrief.transcript import Transcript, Turn, cues

LABEL_EXAMPLE = (
    "Interviewer: Tell me about a time you missed a deadline.\n"
    "Me: Last spring our release slipped by a week because ..."
)
_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+[\"')\]]*|\n|$)")


@dataclass
class Exchange:
    """One main question, the candidate's answer, and follow-ups (question, answer)."""

    question: str
    line: int
    start: float | None = None
    answer_parts: list[str] = field(default_factory=list)
    follow_ups: list[tuple[str, list[str]]] = field(default_factory=list)
    end: float | None = None

    @property
    def answer(self) -> str:
        return " ".join(self.answer_parts).strip()

    @property
    def follow_up_answers(self) -> list[tuple[str, str]]:
        return [(q, " ".join(parts).strip()) for q, parts in self.follow_ups]

    @property
    def words(self) -> int:
        return len(self.answer.split()) + sum(len(a.split()) for _, a in self.follow_up_answers)


@dataclass
class Segmented:
    """What the transcript holds: who is who, the exchanges, and what was set aside."""

    speakers: list[str]
    candidate: str | None
    how: str  # how the candidate was chosen, said to the user
    ambiguous: bool  # the guess could go either way: a picker should offer the others
    exchanges: list[Exchange]
    skipped: list[str] = field(default_factory=list)  # small talk set aside, as said


# --- phrase matching ---------------------------------------------------------------------


def _phrases(key: str) -> re.Pattern[str]:
    words = sorted((str(p).lower() for p in cues()[key]), key=len, reverse=True)
    return re.compile(r"(?<![\w'])(?:" + "|".join(map(re.escape, words)) + r")(?![\w'])")


@cache
def _patterns() -> dict[str, re.Pattern[str]]:
    return {k: _phrases(k) for k in ("main_question", "follow_up", "small_talk", "interjections")}


def _norm(text: str) -> str:
    return " ".join(text.lower().replace("’", "'").split())


def kind_of(text: str) -> str:
    """What an interviewer's turn is: "small_talk", "main", "follow_up", "interjection",
    "question" (some other question) or "statement"."""
    low = _norm(text)
    p = _patterns()
    words = len(low.split())
    if p["small_talk"].search(low) and not p["main_question"].search(_without_small_talk(low)):
        return "small_talk"
    if p["main_question"].search(low):
        return "main"
    if p["follow_up"].search(low):
        return "follow_up"
    bare = re.sub(r"[^\w\s'-]", "", low).strip()
    if words <= int(cues()["interjection_words"]) or p["interjections"].fullmatch(bare):
        return "interjection"
    if "?" in low:
        return "question"
    return "statement"


def _without_small_talk(low: str) -> str:
    return _patterns()["small_talk"].sub(" ", low)


def question_part(text: str) -> str:
    """The asked wording: from the first sentence that asks something, without the
    "Great, thanks." before it."""
    p = _patterns()
    sentences = [s.strip() for s in _SENTENCE.findall(text) if s.strip()]
    for i, s in enumerate(sentences):
        low = _norm(s)
        if "?" in s or p["main_question"].search(low) or p["follow_up"].search(low):
            return " ".join(sentences[i:])
    return text.strip()


# --- who is the candidate ----------------------------------------------------------------


def _asks(turn: Turn) -> bool:
    return kind_of(turn.text) in {"main", "follow_up", "question", "small_talk"}


def choose_candidate(transcript: Transcript, me: str | None) -> tuple[str, str, bool]:
    """(candidate, how it was chosen, whether the guess is ambiguous)."""
    speakers = transcript.speakers
    if me is not None:
        wanted = me.strip().lower()
        exact = [s for s in speakers if s.lower() == wanted]
        close = exact or [s for s in speakers if s.lower().startswith(wanted)]
        if len(close) == 1:
            return close[0], "--me", False
        raise NotFoundError(
            f"{transcript.name}: no speaker {me!r} in the transcript"
            f"{' (it matches several)' if close else ''}; the speakers are: " + ", ".join(speakers)
        )
    c = cues()
    mine = {str(w) for w in c["candidate_labels"]}
    theirs = {str(w) for w in c["interviewer_labels"]}
    labelled = [s for s in speakers if s.lower().strip(" .") in mine]
    if len(labelled) == 1:
        return labelled[0], f"the label {labelled[0]!r}", False
    others = [s for s in speakers if s.lower().strip(" .") not in theirs]
    if len(others) == 1 and len(speakers) > 1:
        return others[0], "the other speaker is labelled as the interviewer", False
    stats = {s: [0, 0, 0] for s in speakers}  # turns, question turns, words
    for t in transcript.turns:
        if t.speaker in stats:
            row = stats[t.speaker]
            row[0] += 1
            row[1] += _asks(t)
            row[2] += t.words
    pool = others or speakers

    def score(s: str) -> float:
        turns, asked, words = stats[s]
        return (words / max(turns, 1)) * (1.0 - asked / max(turns, 1))

    ranked = sorted(pool, key=score, reverse=True)
    best = ranked[0]
    ambiguous = len(ranked) > 1 and score(ranked[1]) >= 0.6 * score(best)
    return best, "a guess: the longest answers and the fewest questions", ambiguous


# --- the walk ----------------------------------------------------------------------------


def _sentence_turns(transcript: Transcript) -> list[Turn]:
    """No labels: each run of asking sentences is the interviewer's, the rest the
    candidate's ("?" for the interviewer, "me" for the candidate)."""
    out: list[Turn] = []
    for turn in transcript.turns:
        for s in _SENTENCE.findall(turn.text):
            s = s.strip()
            if not s:
                continue
            who = "?" if kind_of(s) in {"main", "follow_up", "question", "small_talk"} else "me"
            if out and out[-1].speaker == who:
                last = out[-1]
                out[-1] = Turn(who, f"{last.text} {s}", last.start, last.line)
            else:
                out.append(Turn(who, s, turn.start, turn.line))
    return out


def segment(transcript: Transcript, me: str | None = None) -> Segmented:
    """The exchanges of a transcript; DataError when it has no speakers and no questions,
    or no questions at all."""
    speakers = transcript.speakers
    if speakers:
        candidate, how, ambiguous = choose_candidate(transcript, me)
        turns = [t if t.speaker else Turn(candidate, t.text, t.start, t.line)
                 for t in transcript.turns]  # fmt: skip
    else:
        if me is not None:
            raise DataError(
                transcript.name,
                None,
                f"has no speaker labels, so --me {me!r} names no one; label the lines like "
                "this:\n" + LABEL_EXAMPLE,
            )
        candidate, how, ambiguous = "me", "no speaker labels: questions found by wording", False
        turns = _sentence_turns(transcript)
    exchanges, skipped = _walk(turns, candidate)
    if not exchanges and speakers and me is None and ambiguous:
        for other in (s for s in speakers if s != candidate):  # the guess could go either way
            found, aside = _walk(turns, other)
            if found:
                candidate, exchanges, skipped = other, found, aside
                how = "a guess: the only speaker who answers questions"
                break
    if not exchanges:
        if not speakers:
            raise DataError(transcript.name, None, "has no recognisable speakers and no "
                            "questions: label who says what, one line each, like this:\n"
                            + LABEL_EXAMPLE)  # fmt: skip
        others = ", ".join(s for s in speakers if s != candidate) or "anyone but you"
        raise DataError(
            transcript.name,
            None,
            f"no interview questions found in what {others} said (nothing like 'Tell me about "
            f"a time ...' or a question mark); you were taken to be {candidate!r}: if not, "
            f"name yourself with --me (the speakers: {', '.join(speakers)})",
        )
    return Segmented(speakers, candidate if speakers else None, how, ambiguous,
                     exchanges, skipped)  # fmt: skip


def _walk(turns: list[Turn], candidate: str) -> tuple[list[Exchange], list[str]]:
    exchanges: list[Exchange] = []
    skipped: list[str] = []
    current: Exchange | None = None
    target: list[str] | None = None  # where the candidate's words go now; None: set aside
    for turn in turns:
        if turn.speaker == candidate:
            if target is not None:
                target.append(turn.text)
                if current is not None and turn.start is not None:
                    current.end = turn.start
            continue
        kind = kind_of(turn.text)
        if kind == "small_talk":
            skipped.append(_short(turn.text))
            target = None
            continue
        if kind in {"interjection", "statement"}:
            continue  # "mm-hm", "right", "that makes sense": the answer goes on
        asked = question_part(turn.text)
        answered = current is not None and bool(current.answer_parts)
        if current is not None and target is not None and not target:
            # asked again before any answer (a rewording, a second panellist): one question
            if not current.follow_ups:
                current.question = f"{current.question} {asked}"
                continue
            if kind != "main" and target is current.follow_ups[-1][1]:
                q, waiting = current.follow_ups[-1]
                current.follow_ups[-1] = (f"{q} {asked}", waiting)
                continue
        follow = kind == "follow_up" or (
            kind == "question" and len(asked.split()) < 12 and answered
        )
        if follow and current is not None and answered:
            parts: list[str] = []
            current.follow_ups.append((asked, parts))
            target = parts
        else:
            current = Exchange(asked, turn.line, turn.start)
            exchanges.append(current)
            target = current.answer_parts
    kept: list[Exchange] = []
    for e in exchanges:
        if e.answer or any(a for _, a in e.follow_up_answers):
            kept.append(e)
        else:
            skipped.append(f"no answer found to: {_short(e.question)}")
    return kept, skipped


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
