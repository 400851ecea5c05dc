"""Numbers in an answer, each with the role it plays in the story.

Every number becomes a metric with its value as written, a readable phrase around it (a
verbatim clause of the answer, e.g. "Click-through for that country came back from 2.1%
to 3.4%") and a role:

- ``outcome``: what changed because of the work ("fell by 70%", "reached 0.79");
- ``baseline`` and ``target``: what an outcome is measured against, linked to it;
- ``problem``: the symptom or a finding about it ("the error doubled", "70% of missed
  fraud came from three categories");
- ``effort``: the effort and scale of the work (durations, team sizes, years of
  experience, items examined: "I pulled 14 months of tickets", "four engineers");
- ``other``: dates and anything else.

The role comes from the cue phrases around the number (``rubrics/lexicon/numbers.yaml``)
and, where none settles it, from the STAR part of its sentence: a figure in the
situation describes the problem, one in the task is a target, one in the result an
outcome. "From X to Y" is one metric with its baseline.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from interviewer.grading.offline.lexicon import Lexicon, load_lexicon
from interviewer.grading.offline.numbers import FRACTIONS, NUMBER_WORDS, lowered, number_runs
from interviewer.grading.offline.text import Sentence, word_offsets

ROLES = ("outcome", "baseline", "target", "problem", "effort", "other")

_MULTIPLIER = ("halved", "doubled", "tripled", "quadrupled", "fold", "half")
_YEAR = re.compile(r"^(?:19|20)\d\d$")
_LENGTH = re.compile(  # a number and a time unit made one adjective: "two-week", "60-hour"
    r"^[a-z0-9]+-(?:minute|hour|day|week|month|year|night|shift|session)s?$", re.IGNORECASE
)
_MEASURED = re.compile(r"[%$€£×.]|\d\s?(?:x|ms|k|m|bn)\b|[a-z]", re.IGNORECASE)
_MONEY = re.compile(r"[$€£]")
_SHARE = re.compile(r"[$€£%]|percent", re.IGNORECASE)
_DIGIT_OR_MONEY = re.compile(r"[\d$€£]")

_CLAUSE_BREAK = re.compile(  # on the lower-cased sentence
    r"[;:()]|,(?=\s)|\s[-–—]+\s|(?<=\s)(?:and|but|which|while|whereas|so|because|although)\b"
)
_LEADING = re.compile(
    r"^(?:and|but|which|while|whereas|so|because|although|then)\b[\s,]*", re.IGNORECASE
)
_NUM_CUES = frozenset(
    (
        "num_date",
        "num_target",
        "num_baseline",
        "num_problem",
        "num_worse",
        "num_outcome",
        "num_compare",
        "num_effort",
        "num_took",
        "num_team",
        "num_items",
        "num_bound",
    )
)


_STANDIN = frozenset({"num_effort", "num_team"})
_CHANGED = frozenset({"num_outcome", "num_worse", "num_compare"})


@dataclass(slots=True)
class FoundMetric:
    """A number as written, the phrase it sits in and the role it plays."""

    value: str
    phrase: str
    role: str
    sentence: Sentence
    start: int  # offsets in sentence.text
    end: int
    measured: bool  # has a unit, a sign or a before/after that makes it meaningful
    joined: bool = False  # "from X to Y": the metric carries its own baseline
    adverse: bool = False  # a change for the worse
    standin: bool = False  # team size, tenure, hours worked: offered in place of a result
    changed: bool = False  # told as a change ("went from", "fell by", "doubled")
    took: bool = False  # "in four days": how long something took
    dated: bool = False  # a date or a time of day ("1 March", "6pm")
    framed: bool = False  # a cue phrase says what it is (its role is not a guess)
    business: bool = False  # money, time, people: what the outcome meant to someone
    links: list[FoundMetric] = field(default_factory=list)  # baselines/targets of an outcome

    @property
    def measures(self) -> str:
        return self.phrase

    @property
    def outcome(self) -> bool:
        return self.role == "outcome"

    @property
    def baseline(self) -> bool:
        """An outcome measured against a baseline or target (its own "from X", or linked)."""
        return self.outcome and (self.joined or bool(self.links))

    @property
    def clear(self) -> bool:
        return self.outcome and (self.measured or self.baseline)

    @property
    def money_or_share(self) -> bool:
        return bool(_SHARE.search(self.value))

    @property
    def technical(self) -> bool:
        return self.outcome and not self.business


def _frames(s: Sentence, lex: Lexicon) -> dict[int, set[str]]:
    """Word index -> number cues covering that word, for the number words of ``s``."""
    marks: dict[int, set[str]] = {}
    tokens = s.tokens
    number_words = lex.sets["number_words"]
    for cue, a, b in s.hits:
        if cue not in _NUM_CUES:
            continue
        for i in range(a, b):
            t = tokens[i]
            if t[0] <= "9" or t in number_words:
                if i in marks:
                    marks[i].add(cue)
                else:
                    marks[i] = {cue}
    return marks


def _phrase(text: str, starts: list[int], ends: list[int], start: int, end: int, body: int) -> str:
    """The clause of ``text`` around [start, end): verbatim, readable, at most ~20 words.
    ``starts`` and ``ends``: where the clause breaks of ``text`` start and end."""
    i = bisect_right(ends, start) - 1  # last break ending at or before the number
    left = ends[i] if i >= 0 else 0
    j = bisect_left(starts, end)  # first break starting at or after the number's end
    right = starts[j] if j < len(starts) else len(text)
    if len(text[left:right].split()) < 4:  # too short to read: take the clause before too
        left = ends[i - 1] if i >= 1 else 0
        if len(text[left:right].split()) < 4 and j + 1 <= len(starts):
            right = starts[j + 1] if j + 1 < len(starts) else len(text)
    left = max(left, body, start - 200)  # bounded: a clause of a long run of numbers
    right = min(right, end + 200)
    phrase = text[left:right]
    words = phrase.split()
    if len(words) > 20:  # keep about 8 words either side of the number
        before = text[left:start].split()[-8:]
        after = text[end:right].split()[:8]
        lo = text.rfind(before[0], left, start) if before else start
        hi = text.find(after[-1], end, right) + len(after[-1]) if after else end
        phrase = text[lo:hi]
    phrase = _LEADING.sub("", phrase.strip(" ,;:-–—\n\t"))
    return phrase.strip(" ,;:-–—.\n\t") or text[start:end]


def _worse(value: str, before_words: tuple[str, ...], lex: Lexicon) -> bool:
    """A before -> after pair that moved the wrong way for its metric: the nearest metric
    word before the numbers says which way is good ("precision dropped from 92% to 70%")."""
    nums = re.findall(r"\d[\d,]*(?:\.\d+)?", value)
    if len(nums) < 2:
        return False
    try:
        before, after = (float(n.replace(",", "")) for n in (nums[0], nums[-1]))
    except ValueError:
        return False
    bad, good = lex.sets["bad_metric"], lex.sets["good_metric"]
    for word in reversed(before_words):
        if word in bad:
            return after > before
        if word in good:
            return after < before
    return False


def _role(
    frames: set[str],
    part: str | None,
    after_action: bool,
    value: str,
    joined: bool,
    worse: bool,
    aim: bool = False,
) -> tuple[str, bool]:
    """The role of one number and whether it is a change for the worse. ``aim``: the
    sentence states a goal ("I committed to keeping a 3.5 GPA"), whatever its part."""
    if aim and part in ("situation", "task") and not after_action:
        part = "task"
    bare = value.strip().rstrip(",.")
    if _YEAR.match(bare) or "num_date" in frames:
        return "other", False
    if _LENGTH.match(bare):
        return "effort", False  # "a two-week trial", "60-hour weeks": a length of time
    story_end = part == "result" or (after_action and part not in ("situation", "task"))
    if joined:
        if part == "task":
            return "target", False
        if (worse and not story_end) or part == "situation":
            return "problem", worse
        return "outcome", worse
    if "num_target" in frames:
        return "target", False
    if "num_baseline" in frames:
        return "baseline", False
    if "num_problem" in frames:
        return "problem", False
    if "num_worse" in frames:
        return ("outcome", True) if part == "result" else ("problem", True)
    if "num_outcome" in frames:
        if part == "task":
            return "target", False
        if part == "situation" or not story_end:
            return "problem", False
        return "outcome", False
    if "num_compare" in frames and (part == "result" or _is_measured(bare)):
        # "30% faster", "3 fewer complaints" in the result; not "two smaller dogs"
        return ("problem", False) if part == "situation" else ("outcome", False)
    if frames & {"num_effort", "num_team"}:
        return "effort", False
    if "num_took" in frames:  # "delivered in 40 hours": in the result, how fast it was done
        return ("outcome", False) if part == "result" else ("effort", False)
    if "num_items" in frames:
        # "1,400 orders left before the cut-off": in the result, a count of things is
        # what was achieved; elsewhere it is the size of the work
        return ("outcome", False) if part == "result" else ("effort", False)
    measured = _is_measured(bare)
    if "num_bound" in frames:
        if part == "task":
            return "target", False
        if part == "situation" and measured:
            return "problem", False
        # "got it under 50 MB" in the result; "emails older than five days" is a condition
        return ("outcome", False) if part == "result" and measured else ("other", False)
    if not measured:
        return "other", False
    if part == "task":
        return "target", False
    if part == "situation" or (part is None and not after_action):
        return "problem", False
    if part == "result":
        return "outcome", False
    return "other", False


def _is_measured(value: str) -> bool:
    """A number with a unit, a sign, decimals or a multiplier ("30%", "$5k", "0.8", "3
    weeks", "doubled"); a bare count ("twelve", "40") is not."""
    low = value.lower()
    if low.endswith(_MULTIPLIER + FRACTIONS):
        return True
    if low[:1].isalpha():  # a number word: measured only with a unit ("twenty percent")
        return " " in low or "%" in low
    return bool(_MEASURED.search(low))


def _business(metric_tokens: tuple[str, ...], value: str, lex: Lexicon) -> bool:
    return bool(_MONEY.search(value)) or not lex.sets["impact_noun"].isdisjoint(metric_tokens)


def extract_metrics(
    sentences: list[Sentence],
    result_ids: set[int] | None = None,
    context_ids: set[int] | None = None,
    roles: list[str | None] | None = None,
    lexicon: Lexicon | None = None,
) -> list[FoundMetric]:
    """Every number in the answer, with its phrase and role; outcomes linked to their
    baselines and targets.

    ``roles`` gives each sentence's STAR part (segment.py). Without it, sentences in
    ``result_ids`` are results, those in ``context_ids`` set the scene, the rest act.
    """
    lex = lexicon or load_lexicon()
    if roles is None:
        results, context = result_ids or set(), context_ids or set()
        roles = [
            "result" if s.index in results else "situation" if s.index in context else "action"
            for s in sentences
        ]
    first_action = next((i for i, r in enumerate(roles) if r == "action"), None)
    found: list[FoundMetric] = []
    for s in sentences:
        text = s.text
        if not _DIGIT_OR_MONEY.search(text) and NUMBER_WORDS.isdisjoint(s.tokens):
            continue
        low = lowered(text)
        runs = number_runs(text, low, s.tokens)
        if not runs:
            continue
        part = roles[s.index] if s.index < len(roles) else None
        after_action = first_action is not None and s.index >= first_action
        marks = _frames(s, lex)
        if marks or any(j for *_x, j in runs):
            offsets = (
                [s.body + o for o in word_offsets(text[s.body :], s.words)]
                if s.body
                else word_offsets(text, s.words)
            )
        else:  # no cue frames a number here: the words' places are not needed
            offsets = []
        aim = "task" in s.cues
        breaks = [m.span() for m in _CLAUSE_BREAK.finditer(low)]
        starts = [a for a, _b in breaks]
        ends = [b for _a, b in breaks]
        for start, end, value, joined in runs:
            if offsets:
                lo = bisect_left(offsets, start)
                hi = bisect_left(offsets, end)
            else:
                lo, hi = 0, len(s.tokens)
            frames: set[str] = set()
            if marks:
                for i in range(lo, hi):
                    if i in marks:
                        frames |= marks[i]
            window = s.tokens[max(0, lo - 6) : hi + 4]
            worse = "num_worse" in frames or (
                joined and _worse(value, s.tokens[max(0, lo - 8) : lo], lex)
            )
            role, adverse = _role(frames, part, after_action, value, joined, worse, aim)
            bare = value.strip()
            # positional (keywords cost twice as much), in the order of the fields
            metric = FoundMetric(
                value,
                _phrase(text, starts, ends, start, end, s.body),  # phrase
                role,
                s,  # sentence
                start,
                end,
                joined or _is_measured(bare),  # measured
                joined,
                adverse,
                role == "effort" and not frames.isdisjoint(_STANDIN),  # standin
                joined or not frames.isdisjoint(_CHANGED),  # changed
                "num_took" in frames,  # took
                "num_date" in frames,  # dated
                bool(frames) or _LENGTH.match(bare) is not None,  # framed
                _business(window, value, lex),  # business
            )
            found.append(metric)
    _compared(found, roles, first_action)
    _link(found)
    return found


def _compared(
    metrics: list[FoundMetric], roles: list[str | None], first_action: int | None
) -> None:
    """A baseline told after the actions implies an outcome beside it: "only two of the 30
    patients were readmitted, compared with seven the year before", "it is under 1% now,
    where it was 6% before". When no number of that sentence is an outcome yet, the first
    one no cue explains (a count, a bound) becomes the outcome."""
    by_sentence: dict[int, list[FoundMetric]] = {}
    for m in metrics:
        by_sentence.setdefault(m.sentence.index, []).append(m)
    for i, ms in by_sentence.items():
        if len(ms) < 2 or not any(m.role == "baseline" for m in ms):
            continue
        part = roles[i] if i < len(roles) else None
        late = first_action is not None and i > first_action and part not in ("situation", "task")
        if not (part == "result" or late) or any(m.role == "outcome" for m in ms):
            continue
        for m in ms:
            if m.role in ("other", "effort") and not m.dated and not _YEAR.match(m.value.strip()):
                m.role = "outcome"
                m.changed = True
                break


def possible_outcomes(
    metrics: list[FoundMetric], roles: list[str | None], failure: bool = False
) -> list[FoundMetric]:
    """Numbers no cue placed that may still measure the outcome: after the first action,
    with a unit or sign, or in the result; in a story about a failure (``failure``), any
    change for the worse. With any of these, "no outcome number" is not said: the flag
    must be precise, and the story's parts may have been misread."""
    first_action = next((i for i, r in enumerate(roles) if r == "action"), None)
    out = []
    for m in metrics:
        i = m.sentence.index
        late = first_action is not None and i > first_action
        if m.role == "problem" and m.changed and (failure or (m.adverse and late)):
            out.append(m)  # how a failure ended
        if m.role == "effort" and m.took and late:
            out.append(m)  # "ready in four days": maybe how fast it was done
        if m.role != "other" or _YEAR.match(m.value.strip()) or m.framed:
            continue
        if late or (i < len(roles) and roles[i] == "result"):
            out.append(m)  # a figure no cue explains, told after the actions
    return out


def _link(metrics: list[FoundMetric]) -> None:
    """Attach each baseline and target to the outcome it frames: one in the same
    sentence if any, else the nearest outcome after it, else the nearest before."""
    outcomes = [m for m in metrics if m.role == "outcome"]  # in answer order
    if not outcomes:
        return
    where = [o.sentence.index for o in outcomes]
    for m in metrics:
        if m.role not in ("baseline", "target"):
            continue
        i = bisect_left(where, m.sentence.index)  # first outcome in this sentence or later
        outcomes[i if i < len(outcomes) else -1].links.append(m)
