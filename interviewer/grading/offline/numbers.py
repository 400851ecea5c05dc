"""Where the numbers of a sentence are: digits, money, number words and fractions, and
runs such as "from 300 to 450" or "800 ms to 120 ms" that read as one figure.

Found on the lower-cased sentence with the same offsets, tried only where a digit, a
currency sign or a number word can start one (a scan from every position would be slow
on long answers). What each number means in the story is ``metrics.py``'s concern.
"""

from __future__ import annotations

import re

_NUMWORD = (
    r"(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|"
    r"thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|a hundred|half)"
    r"(?:[- ](?:one|two|three|four|five|six|seven|eight|nine|hundred|thousand))?"
)
_UNIT = (  # one optional space, then the unit: the alternatives are tried once
    r"%|×|\s?(?:percent(?:age points?)?|pp\b|points?\b|x\b|times\b|ms\b|"
    r"milliseconds?|seconds?|secs?\b|minutes?|mins?\b|hours?|hrs?\b|"
    r"days?|weeks?|months?|years?|gb\b|mb\b|tb\b|k\b|m\b|"
    r"bn\b|million|billion|thousand|gpus?\b|servers?|users|"
    r"customers|tickets|requests|queries|labels|rows|records|"
    r"examples|people|engineers|developers|members|qps\b|rps\b|"
    r"students|patients|volunteers|staff|nurses|scouts|stores)"
)
# "a third of the tickets", "by a quarter": a fraction (not "within a quarter", a period)
_FRACTION_RX = (
    r"\b(?:a|one|two|three) (?:third|quarter|fifth|tenth)s?\b(?= of\b)|"
    r"(?:(?<=\bby )|(?<=about )|(?<=nearly )|(?<=almost )|(?<=\bover )|(?<=roughly ))"
    r"(?:a|one|two|three) (?:third|quarter|fifth|tenth)s?\b"
)
# Matched on the lower-cased sentence (same offsets): no IGNORECASE, which is slow.
NUMBER = re.compile(
    rf"(?:(?:\d+|{_NUMWORD})-(?:minute|hour|day|week|month|year|night|shift|session)s?\b|"
    rf"[$€£]\s?\d[\d,]*(?:\.\d+)?(?:\s?(?:k|m|bn|million|billion|thousand)\b)?|"
    rf"\b(?:one|two|three)-(?:thirds?|quarters?|fifths?|tenths?)\b|"
    rf"\b\d[\d,]*(?:\.\d+)?(?:{_UNIT})?|\b{_NUMWORD}(?:{_UNIT}|\b(?!-[a-z]))|"
    rf"\b(?:halved|doubled|tripled|quadrupled|tenfold|ten-fold)|\b(?:in|by) half\b(?!-)|"
    rf"{_FRACTION_RX})",
)
FRACTIONS = ("third", "thirds", "quarter", "quarters", "fifth", "fifths", "tenth", "tenths")
# A run starting with a digit or currency sign, to the end of its word ("1,000.5", "q3"
# from its "3"): where a number may start when the character before is not part of a word
# or a number (checked after the match: a leading look-behind would slow the scan).
_NUMBER_START = re.compile(r"[\d$€£][\w.,]*")
_JOIN = re.compile(
    r"^\s*(?:to|->|→|-|–|down to|up to|back to|back up to|back down to|"
    r"to under|to below|to over|to above|to about|to around|to just|out of|"
    r"of|of the|of our|of all|of their|of its)\s*$",  # "8 of the 10": one figure, as "8 out of 10"
)
# "from 300 copies to 450": a unit word or two between the numbers, after a "from"
_JOIN_UNIT = re.compile(
    r"^\s*(?:[a-z%'-]+\s+){1,2}(?:back\s+|down\s+|up\s+)?to"
    r"(?:\s+(?:about|around|roughly|nearly|just|under|below|over|above))?\s*$",
)
_FROM_BEFORE = re.compile(r"\bfrom\s+(?:about\s+|around\s+|roughly\s+|nearly\s+)?$")
NUMBER_WORDS = frozenset(
    [
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "fifteen",
        "twenty",
        "thirty",
        "forty",
        "fifty",
        "sixty",
        "seventy",
        "eighty",
        "ninety",
        "hundred",
        "half",
        "halved",
        "doubled",
        "tripled",
        "quadrupled",
        "tenfold",
        "ten-fold",
        "third",
        "thirds",
        "quarter",
        "quarters",
        "fifth",
        "fifths",
        "tenth",
        "tenths",
    ]
)


def _word_starts(text: str, words: tuple[str, ...]) -> list[int]:
    """Where the number words of ``text`` start ("a third" at its "a")."""
    out = []
    found = set(NUMBER_WORDS.intersection(words))
    found.update(
        w.split("-", 1)[0] for w in words if "-" in w and w.split("-", 1)[0] in NUMBER_WORDS
    )
    for w in found:
        pos = text.find(w)
        while pos >= 0:
            if pos == 0 or not text[pos - 1].isalnum():
                if w == "half" and text[max(0, pos - 3) : pos] in ("in ", "by "):
                    out.append(pos - 3)  # "cut it in half"
                elif w.startswith(FRACTIONS) and text[max(0, pos - 4) : pos] in ("one ", "two "):
                    out.append(pos - 4)
                elif w.startswith(FRACTIONS) and text[max(0, pos - 2) : pos] == "a ":
                    out.append(pos - 2)
                else:
                    out.append(pos)
            pos = text.find(w, pos + 1)
    return out


def _numbers(text: str, words: tuple[str, ...] = ()) -> list[re.Match[str]]:
    """NUMBER matches, found fast: tried only where a digit or currency sign starts one,
    and at the number words of ``words`` (the sentence's lower-cased words)."""
    starts = []
    for d in _NUMBER_START.finditer(text):
        start = d.start()
        if start:
            before = text[start - 1]
            if before.isalnum() or before in "_.":
                continue  # inside a word or a number ("q3", "0.5")
            if before == "-" and start > 1 and text[start - 2].isalpha():
                continue  # part of a name ("top-1", "covid-19")
        starts.append(start)
    if not NUMBER_WORDS.isdisjoint(words) or (
        "-" in text and any("-" in w and w.split("-", 1)[0] in NUMBER_WORDS for w in words)
    ):
        starts = sorted(set(starts).union(_word_starts(text, words)))
    out: list[re.Match[str]] = []
    last = -1
    for start in starts:
        if start < last:
            continue  # inside the number before ("1,000" seen from its "0")
        m = NUMBER.match(text, start)
        if m is None or m.end() <= start:
            continue
        out.append(m)
        last = m.end()
    return out


def lowered(text: str) -> str:
    """``text`` lower-cased with the same offsets (a character whose lower case is longer
    stays as it is)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)


# After "from <number>": the other end written as "a minute", "an hour" (no digit to find)
_A_UNIT_AFTER = re.compile(
    r"\s+(?:down |back |up )?to\s+(?:under |less than |about |around |just |within )?"
    r"(?:a|an|one) (?:second|minute|hour|day|week|month|year)s?\b"
)


def number_runs(
    text: str, low: str, words: tuple[str, ...] = ()
) -> list[tuple[int, int, str, bool]]:
    """Numbers of a sentence as (start, end, value, joined); "800 ms to 120 ms" is one.
    Found in ``low`` (the sentence lower-cased, same offsets), sliced from ``text``.

    A chain "1-2-3-..." is one run too; its value is sliced once at the end (slicing each
    growing prefix would be quadratic in the chain's length).
    """
    runs: list[list[int]] = []  # start, end, joined
    prev_end = -1
    for m in _numbers(low, words):
        value = m.group(0).strip()
        if not value or value in ("a hundred", "half"):
            continue
        gap = low[prev_end : m.start()] if prev_end >= 0 else ""
        joins = runs and (
            _JOIN.match(gap)
            or (
                len(gap) < 30
                and _JOIN_UNIT.match(gap)
                and _FROM_BEFORE.search(low, max(0, runs[-1][0] - 20), runs[-1][0])
            )
        )
        if joins:
            runs[-1][1] = m.end()
            runs[-1][2] = 1
        else:
            runs.append([m.start(), m.end(), 0])
        prev_end = m.end()
    for run in runs:  # "from 24 hours to under a minute": "a minute" ends the run
        tail = _A_UNIT_AFTER.match(low, run[1])
        if tail and _FROM_BEFORE.search(low, max(0, run[0] - 20), run[0]):
            run[1], run[2] = tail.end(), 1
    out = []
    for a, b, j in runs:
        while b > a and text[b - 1] in ",. ":  # "30, " and "40." end at the digits
            b -= 1
        out.append((a, b, text[a:b], bool(j)))
    return out
