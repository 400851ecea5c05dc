"""Metamorphic variants: transforms of a base answer whose effect on the grade is known.

No label says what a transformed answer should score, but the rubric says which way it
must move against its original:

- ``append_filler``: generic padding adds nothing, so the overall may not rise;
- ``drop_result``: without its result part the answer must score lower on result and on
  quantified results;
- ``vague_numbers``: with every number replaced by a vague word, quantified results must fall;
- ``i_to_we``: told as "we" instead of "I", the candidate's own action must score lower;
- ``shuffle``: the same sentences in a random order may not score above the ordered answer.

``expand`` turns a metamorphic suite (see ``interviewer.evals.suite``) and its suite of
base answers into ordinary cases: every base, then its variant with ``variant_of``, the
relation and the dimensions it covers. A base whose variant cannot move (a quantified score
that is already 0, an answer already told in "we") must be skipped in the suite, with the
reason; a transform that leaves a base unchanged is an error rather than a silent pass.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

from interviewer.evals.suite import Case, Suite

# Content-free padding: no outcome, no lesson, no number, no action - nothing a rubric
# level rewards. Two of them are appended to each base, in turn.
FILLER = (
    "So yes, that is more or less the story. It was a busy period and there was a lot going "
    "on at the time, as there usually is in that kind of job. I think it is a fairly typical "
    "example of the things that come up, and I am happy to go into more detail on any part.",
    "To give a bit more colour, the rest of that week was fairly ordinary, with the usual "
    "meetings, emails and conversations. There is not much more to add, really, but it is a "
    "good question and it is the kind of thing people often ask about.",
    "Anyway, that is roughly how it went, as far as I can remember now. Every workplace has "
    "moments like that, and this was one of them, so it felt worth mentioning here.",
)


def append_filler(text: str, index: int) -> str:
    first, second = FILLER[index % len(FILLER)], FILLER[(index + 1) % len(FILLER)]
    return f"{text.rstrip()} {first} {second}"


def drop_part(parts: dict[str, str], name: str) -> str:
    if not parts.get(name, "").strip():
        raise ValueError(f"the answer has no {name} part to drop")
    return " ".join(text.strip() for part, text in parts.items() if part != name and text.strip())


_NUMBER_WORDS = (
    "zero|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    "fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|"
    "eighty|ninety|hundreds?|thousands?|millions?|billions?|dozens?"
)
_DIGITS = r"\d[\d,]*(?:\.\d+)?"
_QUANTITY = rf"(?:[$£€]\s?{_DIGITS}|{_DIGITS}|(?:{_NUMBER_WORDS}))"
_NOT_A_UNIT = r"(?!(?:in|on|at|by|for|over|within|a|an|the|per|and|to|of)\b)"
_UNIT = rf"(?:\s?(?:%|per ?cent\b|k\b|m\b|bn\b|million\b|thousand\b)|\s+{_NOT_A_UNIT}[a-z]+)?"
# (pattern, vague wording); applied in this order, so a change ("from 31% to 4%") is
# replaced as a whole before its numbers are
_VAGUE: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(rf"\bfrom\s+(?:about\s+)?{_QUANTITY}{_UNIT}\s+to\s+{_QUANTITY}{_UNIT}", re.I),
     "noticeably"),
    (re.compile(r"\b(?:doubled|tripled|quadrupled)\b", re.I), "went up a lot"),
    (re.compile(r"\bhalved\b|\b(?:by|in) half\b", re.I), "went down a lot"),
    (re.compile(r"\b(?:twice|three times|four times)\b", re.I), "a lot"),
    (re.compile(rf"[$£€]\s?{_DIGITS}(?:\s?(?:k|m|bn|million|billion|thousand)\b)?", re.I),
     "a good deal of money"),
    (re.compile(rf"(?:\b(?:a|an|the)\s+)?\b{_DIGITS}\s?(?:%|per ?cent\b)", re.I), "a fair share"),
    (re.compile(r"\b\d{1,2}(?::\d{2})?\s?(?:am|pm)\b|\b\d{1,2}:\d{2}\b", re.I), "early on"),
    (re.compile(rf"\b{_DIGITS}(?:st|nd|rd|th|s)?\b"), "several"),
    (re.compile(rf"\b(?:{_NUMBER_WORDS})\b", re.I), "several"),
)  # fmt: skip


def _keep_case(match: re.Match[str], word: str) -> str:
    start = match.start()
    before = match.string[:start].rstrip()
    if not before or before[-1] in ".!?":
        return word[:1].upper() + word[1:]
    return word


def _replacer(word: str) -> Callable[[re.Match[str]], str]:
    return lambda match: _keep_case(match, word)


def vague_numbers(text: str) -> str:
    """Every number (digits or words, money, percentages, times) becomes a vague word."""
    for pattern, word in _VAGUE:
        text = pattern.sub(_replacer(word), text)
    return text


_APOSTROPHE = "['\u2019]"
_FIRST_PERSON: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(rf"\bI{_APOSTROPHE}m\b"), "we're"),
    (re.compile(rf"\bI{_APOSTROPHE}ve\b"), "we've"),
    (re.compile(rf"\bI{_APOSTROPHE}d\b"), "we'd"),
    (re.compile(rf"\bI{_APOSTROPHE}ll\b"), "we'll"),
    (re.compile(r"\bI\b"), "we"),
    (re.compile(r"\bme\b", re.I), "us"),
    (re.compile(r"\bmy\b", re.I), "our"),
    (re.compile(r"\bmine\b", re.I), "ours"),
    (re.compile(r"\bmyself\b", re.I), "ourselves"),
)
_AGREEMENT = (
    (re.compile(r"\b([Ww]e) was\b"), r"\1 were"),
    (re.compile(rf"\b([Ww]e) wasn{_APOSTROPHE}t\b"), r"\1 weren't"),
    (re.compile(r"\b([Ww]e) am\b"), r"\1 are"),
)


def i_to_we(text: str) -> str:
    """The same story told as the team's: "I" becomes "we", "my" becomes "our"."""
    for pattern, word in _FIRST_PERSON:
        text = pattern.sub(_replacer(word), text)
    for pattern, repl in _AGREEMENT:
        text = pattern.sub(repl, text)
    return text


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'])")


def sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(text.strip()) if s]


def shuffle(text: str, seed: str) -> str:
    """The answer's sentences in a seeded random order that moves the opening sentence."""
    parts = sentences(text)
    if len(parts) < 3:
        raise ValueError("too few sentences to shuffle")
    rng = random.Random(seed)
    order = parts[:]
    while order[0] == parts[0] or order == parts:
        rng.shuffle(order)
    return " ".join(order)


def transform(name: str, base: Case, index: int) -> str:
    """The variant's answer: one named transform of the base case."""
    makers: dict[str, Callable[[], str]] = {
        "append_filler": lambda: append_filler(base.answer, index),
        "drop_result": lambda: drop_part(base.parts, "result"),
        "vague_numbers": lambda: vague_numbers(base.answer),
        "i_to_we": lambda: i_to_we(base.answer),
        "shuffle": lambda: shuffle(base.answer, base.id),
    }
    return makers[name]()


def expand(suite: Suite, bases: Suite) -> Suite:
    """The suite with its cases built: each base as an original, then its variant."""
    meta = suite.metamorphic
    if meta is None:
        return suite
    known = {c.id for c in bases.cases}
    for base_id in meta.skip:
        if base_id not in known:
            raise ValueError(f"skip names unknown base {base_id!r}")
    originals: list[Case] = []
    variants: list[Case] = []
    for index, base in enumerate(c for c in bases.cases if not c.variant_of):
        skipped = meta.skip.get(base.id, {})
        compare = [] if "all" in skipped else [d for d in meta.compare if d not in skipped]
        if not compare:
            continue
        try:
            answer = transform(meta.transform, base, index)
        except ValueError as exc:
            raise ValueError(f"base {base.id!r}: {exc}") from exc
        if answer.strip() == base.answer.strip():
            raise ValueError(
                f"{meta.transform} leaves base {base.id!r} unchanged: skip it and say why"
            )
        bank = bases.bank_of(base)
        original = Case(
            id=base.id, question_id=base.question_id, bank=bank, field=base.field,
            answer=base.answer, parts=base.parts, note=base.note,
        )  # fmt: skip
        variant = Case(
            id=f"{base.id}~{meta.transform}", question_id=base.question_id, bank=bank,
            field=base.field, answer=answer, variant_of=base.id, relation=meta.relation,
            compare=compare,
        )  # fmt: skip
        originals.append(original)
        variants.append(variant)
    if not variants:
        raise ValueError("no variants: every base is skipped")
    return suite.model_copy(update={"cases": originals + variants})


def skipped(suite: Suite) -> list[tuple[str, str, str]]:
    """(base, dimension or 'all', why) for every comparison the suite skips on purpose."""
    meta = suite.metamorphic
    if meta is None:
        return []
    return [(base, dim, why) for base, dims in meta.skip.items() for dim, why in dims.items()]
