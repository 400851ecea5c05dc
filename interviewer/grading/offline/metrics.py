"""Numbers in an answer, and whether they measure the outcome.

"Latency went from 800 ms to 120 ms" and "cut false positives by 30%" are results; "a team
of 5", "8 years of experience", "60-hour weeks" and "in 2021" are not. Each number is read
with the words around it: a change verb, "from X to Y" or an arrow ties it to an outcome;
team, tenure, effort and calendar words mark it as context.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from interviewer.grading.offline.text import STOPWORDS, WORD, Sentence, cue_pattern, word_set

_NUMWORD = (
    r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|"
    r"thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|a hundred|half)"
    r"(?:[- ](?:one|two|three|four|five|six|seven|eight|nine|hundred|thousand))?"
)
_UNIT = (
    r"%|\s?percent(?:age points?)?|\s?pp\b|\s?points?\b|\s?x\b|×|\s?times\b|\s?ms\b|"
    r"\s?milliseconds?|\s?seconds?|\s?secs?\b|\s?minutes?|\s?mins?\b|\s?hours?|\s?hrs?\b|"
    r"\s?days?|\s?weeks?|\s?months?|\s?years?|\s?gb\b|\s?mb\b|\s?tb\b|\s?k\b|\s?m\b|"
    r"\s?bn\b|\s?million|\s?billion|\s?thousand|\s?gpus?\b|\s?servers?|\s?users|"
    r"\s?customers|\s?tickets|\s?requests|\s?queries|\s?labels|\s?rows|\s?records|"
    r"\s?examples|\s?people|\s?engineers|\s?developers|\s?members|\s?hrs|\s?qps\b|\s?rps\b"
)
NUMBER = re.compile(
    rf"(?:[$€£]\s?\d[\d,]*(?:\.\d+)?(?:\s?(?:k|m|bn|million|billion|thousand)\b)?|"
    rf"\b\d[\d,]*(?:\.\d+)?(?:{_UNIT})?|\b{_NUMWORD}(?:{_UNIT})|"
    rf"\b(?:halved|doubled|tripled|quadrupled|tenfold|ten-fold))",
)
# A change verb shortly before the number ("cut latency by", "went from"), or a
# comparative shortly after it ("30% fewer", "3x faster").
CHANGE_BEFORE = re.compile(
    r"(?:\b(?:reduc|improv|increas|decreas|drop|fell|rose|grew|shrank|sav|lift|boost|gain|"
    r"lower|rais|rais|jump|climb|halv|doubl|tripl|went|brought|recover|beat|outperform|cut|"
    r"bump|moved|push|pull|slash|trim|speed|sped|shorten|got|reach|hit|hitting|avoid|"
    r"prevent|protect|caught|found|detect|deliver|finish|complet|back\s+(?:to|up|down))\w*\b|"
    r"\b(?:from|to|by|of|at|down|up)\b|->|→|=)",
)
CHANGE_AFTER = re.compile(
    r"^[^.;]{0,25}\b(?:faster|slower|fewer|less|more|lower|higher|better|cheaper|smaller|"
    r"bigger|reduction|improvement|increase|decrease|drop|gain|uplift|lift|savings?|saved|"
    r"speed-?up|cut|down|up|back)\b",
)
BASELINE = re.compile(
    r"(?:\bfrom\b[^.;]{0,40}\bto\b|->|→|\bcompared (?:with|to)\b|\bbaseline\b|\bvs\.?\b|"
    r"\bversus\b|\b(?:up|down) from\b|\bback (?:to|up to|above|below|under)\b|"
    r"\binstead of\b|\bbefore\b[^.;]{0,40}\bafter\b)",
)
IRRELEVANT_AFTER = re.compile(
    r"^[\s-]*(?:years?|yrs?)\b[\s-]*(?:of|in|at|ago|old|into|experience|on|with|working|"
    r"as|before|of experience)|"
    r"^[\s-]*(?:people|engineers|developers|data scientists|scientists|members|person|"
    r"colleagues|teammates|interns|managers|analysts|annotators|labellers|labelers|"
    r"stakeholders|folks|of us|hires|reports|direct reports)\b|"
    r"^[\s-]*(?:hours?|hrs?)\b[\s-]*(?:a|per|each|every)?\s*(?:day|week|night|straight|"
    r"shifts?|of overtime|of work|overtime)|"
    r"^[\s-]*(?:-?hour|hr) (?:days|weeks|shifts|nights)|"
    r"^[\s-]*(?:weekends?|all-nighters|late nights|nights|meetings|coffees|slides|"
    r"person team|person)\b",
)
_YEAR = re.compile(r"^(?:19|20)\d\d$")
BUSINESS = cue_pattern(
    r"[$€£]|\b(?:revenue|cost|costs|saving|savings|customer|customers|user|users|conversion|"
    r"churn|sales|tickets|complaints|support|retention|engagement|profit|budget|spend|"
    r"fraud losses|losses|chargebacks|per (?:month|year|quarter)|a (?:month|year)|annual|"
    r"hours? (?:a|per) week saved|hours saved|headcount|clients?|orders|signups?|clicks?|"
    r"ctr|roi|manual review|analysts?' time|on-call pages|pages|incidents)\b",
)
TECHNICAL = cue_pattern(
    r"\b(?:accuracy|precision|recall|f1|auc|roc|latency|throughput|p9\d|memory|model size|"
    r"size|error rate|errors?|loss|ndcg|map|mae|rmse|mape|bleu|wer|ms|gpu|cpu|inference|"
    r"training time|false positives?|false negatives?|false alerts?|alerts?|coverage|drift|"
    r"uptime|qps|runtime|"
    r"parameters|params|mb|gb)\b",
)


@dataclass(slots=True, frozen=True)
class FoundMetric:
    """A number as written, what it measures and how it relates to the outcome."""

    value: str
    measures: str
    sentence: Sentence
    start: int
    end: int
    outcome: bool
    standin: bool  # team size, tenure, effort: offered in place of a result
    clear: bool  # has a unit or a before/after that makes it meaningful
    baseline: bool
    business: bool
    technical: bool


_CLAUSE = re.compile(r"[,;:()]|\band\b|\bwhile\b|\bwhich\b")
_FROM = re.compile(r"\bfrom\b")
_ENDS_FROM = re.compile(r"\bfrom\s*$")
_PUNCT = re.compile(r"[,;.]")
_PEOPLE_VALUE = re.compile(r"(?:people|engineers|person|members)$")
_YEARS_VALUE = re.compile(r"(?:years?|yrs?)$")
_HOURS_VALUE = re.compile(r"hours?$|hrs?$")
_EFFORT_BEFORE = re.compile(
    r"(?:worked|working|spent|put in|pulled|overtime|straight)\s*(?:about |over |nearly )?$",
)
_TEAM_OF = re.compile(r"(?:team|group|squad) of\s*(?:about |around |just |only )?$")
_A_BEFORE = re.compile(r"\ba\s*$")
_PERSON_AFTER = re.compile(r"^[\s-]*(?:-?person|people|engineers)")
_HAS_UNIT = re.compile(r"[%$€£x×a-zA-Z]")
_MONEY = re.compile(r"[$€£]")
_DIGIT_OR_MONEY = re.compile(r"[\d$€£]")
_NUMBER_WORDS = word_set(
    """one two three four five six seven eight nine ten eleven twelve fifteen twenty thirty
    forty fifty sixty seventy eighty ninety hundred halved doubled tripled quadrupled tenfold
    ten-fold"""
)


def _clause_before(text: str, start: int, limit: int = 40) -> str:
    """Up to ``limit`` characters before ``start``, not crossing a comma, semicolon or stop."""
    window = text[max(0, start - limit) : start]
    cut = max(window.rfind("."), window.rfind(","), window.rfind(";"))
    return window[cut + 1 :] if cut >= 0 else window


def _numbers(text: str, lower: str) -> list[re.Match[str]]:
    """NUMBER matches, found fast: only where a digit or currency sign starts one, plus
    the number words when the sentence has any."""
    if _NUMBER_WORDS.intersection(lower.split()):
        return list(NUMBER.finditer(text))
    out: list[re.Match[str]] = []
    pos = 0
    while True:
        d = _DIGIT_OR_MONEY.search(text, pos)
        if d is None:
            return out
        start = d.start()
        if start > 0 and (text[start - 1].isalnum() or text[start - 1] in "._"):
            pos = start + 1  # inside a word or a number ("q3", "0.5")
            continue
        m = NUMBER.match(text, start)
        if m is None or m.end() <= start:
            pos = start + 1
            continue
        out.append(m)
        pos = m.end()


def _measures(text: str, start: int, end: int) -> str:
    """The few content words of the clause around a number that say what it measures."""
    head = _CLAUSE.split(text[max(0, start - 70) : start])[-1]
    head = _FROM.split(head)[0] if _ENDS_FROM.search(head) else head
    before = [w for w in WORD.findall(head) if _is_content(w)]
    after = [w for w in WORD.findall(_PUNCT.split(text[end : end + 50])[0]) if _is_content(w)]
    if not before:  # "we saved $45,000 a year": the verb says what it measures
        before = [w for w in WORD.findall(head) if w.lower() not in STOPWORDS][-1:]
    words = before[-3:] if len(before) >= 2 else before + after[:3]
    return " ".join(words[:5]) or "outcome"


_NOT_MEASURE = word_set(
    """
    from to by went down up brought moved got back overnight about around roughly nearly
    almost over under within result results
    """
)


def _is_content(word: str) -> bool:
    w = word.lower()
    return w not in STOPWORDS and w not in _NOT_MEASURE and not w[0].isdigit()


def _is_irrelevant(text: str, start: int, end: int, value: str) -> bool:
    bare = value.strip().rstrip(",.")
    if _YEAR.match(bare):
        return True
    before = text[max(0, start - 25) : start]
    after = text[end : end + 40]
    if IRRELEVANT_AFTER.search(after) or _PEOPLE_VALUE.search(value):
        return True
    if _YEARS_VALUE.search(value) and not CHANGE_BEFORE.search(_clause_before(text, start)):
        return True
    if _HOURS_VALUE.search(value) and _EFFORT_BEFORE.search(before):
        return True
    if _TEAM_OF.search(before):
        return True
    return bool(_A_BEFORE.search(before)) and bool(_PERSON_AFTER.match(after))


_JOIN = re.compile(r"^\s*(?:to|->|→|-|–|down to|up to|back to|back up to)\s*$")


def _classify(
    s: Sentence,
    start: int,
    end: int,
    value: str,
    in_result: bool,
    context: bool,
    joined: bool = False,
    low: str = "",
) -> FoundMetric:
    """Classify one number; patterns run on ``low`` (the sentence lower-cased, same offsets)."""
    text = low or s.text.lower()
    standin = not joined and _is_irrelevant(text, start, end, value.lower())
    irrelevant = context or standin
    window = text[max(0, start - 60) : end + 40]
    has_unit = joined or bool(_HAS_UNIT.search(value))
    changed = (
        joined
        or value.lower().endswith(("halved", "doubled", "tripled", "quadrupled", "fold"))
        or bool(CHANGE_BEFORE.search(_clause_before(text, start)))
        or bool(CHANGE_AFTER.search(text[end : end + 40]))
    )
    money = bool(_MONEY.match(value))
    outcome = not irrelevant and (
        (changed and (in_result or has_unit)) or (in_result and (money or "%" in value))
    )
    baseline = outcome and (joined or bool(BASELINE.search(window)))
    return FoundMetric(
        value=value,
        measures=_measures(s.text, start, end) if outcome else "",
        sentence=s,
        start=start,
        end=end,
        outcome=outcome,
        standin=(standin and not _YEAR.match(value)) or (in_result and not outcome),
        clear=outcome and (has_unit or baseline),
        baseline=baseline,
        business=outcome and bool(BUSINESS.search(window)),
        technical=outcome and bool(TECHNICAL.search(window)),
    )


def extract_metrics(
    sentences: list[Sentence], result_ids: set[int], context_ids: set[int]
) -> list[FoundMetric]:
    """Every number in the answer, classified.

    Numbers in ``context_ids`` (the situation and task, before any action) describe the
    problem, e.g. "precision dropped to 0.55": they are not results.
    """
    found: list[FoundMetric] = []
    for s in sentences:
        text = s.text
        if not _DIGIT_OR_MONEY.search(text) and not _NUMBER_WORDS.intersection(s.lower.split()):
            continue
        low = text.lower()
        if len(low) != len(text):  # rare Unicode case change that moves offsets
            low = "".join(ch if len(ch.lower()) != 1 else ch.lower() for ch in text)
        prev_end = -1
        in_result = s.index in result_ids
        context = s.index in context_ids and not in_result
        # The last number of the sentence, classified only once it is known not to join
        # the next one: (start, end, value, joined). A chain "1-2-3-..." is one metric, and
        # classifying each growing prefix of it would be quadratic in the chain's length.
        pending: tuple[int, int, str, bool] | None = None
        for m in _numbers(low, s.lower):
            value = text[m.start() : m.end()].strip()
            if not value or value.lower() in ("a hundred", "half"):
                continue
            gap = low[prev_end : m.start()] if prev_end >= 0 else ""
            if pending is not None and _JOIN.match(gap):
                # "from 800 ms to 120 ms" is one metric with its baseline, not two
                pending = (pending[0], m.end(), "", True)
            else:
                if pending is not None:
                    found.append(_flush(s, pending, in_result, context, low))
                pending = (m.start(), m.end(), value, False)
            prev_end = m.end()
        if pending is not None:
            found.append(_flush(s, pending, in_result, context, low))
    return found


def _flush(
    s: Sentence,
    pending: tuple[int, int, str, bool],
    in_result: bool,
    context: bool,
    low: str,
) -> FoundMetric:
    """Classify a number, or a joined run of numbers (its value is then the whole run)."""
    start, end, value, joined = pending
    if joined:
        value = s.text[start:end]
    return _classify(s, start, end, value, in_result, context, joined, low)
