"""Numbers in an answer, and whether they measure the outcome.

"Latency went from 800 ms to 120 ms" and "cut false positives by 30%" are results; "a team
of 5", "8 years of experience", "60-hour weeks" and "in 2021" are not. Each number is read
with the words around it: a change verb, "from X to Y" or an arrow ties it to an outcome;
team, tenure, effort and calendar words mark it as context.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from interviewer.offline.text import STOPWORDS, WORD, Sentence, word_set

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
    re.IGNORECASE,
)
# A change verb shortly before the number ("cut latency by", "went from"), or a
# comparative shortly after it ("30% fewer", "3x faster").
CHANGE_BEFORE = re.compile(
    r"(?:\b(?:reduc|improv|increas|decreas|drop|fell|rose|grew|shrank|sav|lift|boost|gain|"
    r"lower|rais|rais|jump|climb|halv|doubl|tripl|went|brought|recover|beat|outperform|cut|"
    r"bump|moved|push|pull|slash|trim|speed|sped|shorten|got|reach|hit|hitting|avoid|"
    r"prevent|protect|caught|found|detect|deliver|finish|complet|back\s+(?:to|up|down))\w*\b|"
    r"\b(?:from|to|by|of|at|down|up)\b|->|→|=)[^.;,]{0,40}$",
    re.IGNORECASE,
)
CHANGE_AFTER = re.compile(
    r"^[^.;]{0,25}\b(?:faster|slower|fewer|less|more|lower|higher|better|cheaper|smaller|"
    r"bigger|reduction|improvement|increase|decrease|drop|gain|uplift|lift|savings?|saved|"
    r"speed-?up|cut|down|up|back)\b",
    re.IGNORECASE,
)
BASELINE = re.compile(
    r"(?:\bfrom\b[^.;]{0,40}\bto\b|->|→|\bcompared (?:with|to)\b|\bbaseline\b|\bvs\.?\b|"
    r"\bversus\b|\b(?:up|down) from\b|\bback (?:to|up to|above|below|under)\b|"
    r"\binstead of\b|\bbefore\b[^.;]{0,40}\bafter\b)",
    re.IGNORECASE,
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
    re.IGNORECASE,
)
_YEAR = re.compile(r"^(?:19|20)\d\d$")
BUSINESS = re.compile(
    r"[$€£]|\b(?:revenue|cost|costs|saving|savings|customer|customers|user|users|conversion|"
    r"churn|sales|tickets|complaints|support|retention|engagement|profit|budget|spend|"
    r"fraud losses|losses|chargebacks|per (?:month|year|quarter)|a (?:month|year)|annual|"
    r"hours? (?:a|per) week saved|hours saved|headcount|clients?|orders|signups?|clicks?|"
    r"ctr|roi|manual review|analysts?' time|on-call pages|pages|incidents)\b",
    re.IGNORECASE,
)
TECHNICAL = re.compile(
    r"\b(?:accuracy|precision|recall|f1|auc|roc|latency|throughput|p9\d|memory|model size|"
    r"size|error rate|errors?|loss|ndcg|map|mae|rmse|mape|bleu|wer|ms|gpu|cpu|inference|"
    r"training time|false positives?|false negatives?|false alerts?|alerts?|coverage|drift|"
    r"uptime|qps|runtime|"
    r"parameters|params|mb|gb)\b",
    re.IGNORECASE,
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


def _measures(text: str, start: int, end: int) -> str:
    """The few content words of the clause around a number that say what it measures."""
    head = re.split(r"[,;:()]|\band\b|\bwhile\b|\bwhich\b", text[max(0, start - 70) : start])[-1]
    head = re.split(r"\bfrom\b", head)[0] if re.search(r"\bfrom\s*$", head) else head
    before = [w for w in WORD.findall(head) if _is_content(w)]
    after = [w for w in WORD.findall(re.split(r"[,;.]", text[end : end + 50])[0]) if _is_content(w)]
    if not before:  # "we saved $45,000 a year": the verb says what it measures
        before = [w for w in WORD.findall(head) if w.lower() not in STOPWORDS][-1:]
    words = before[-3:] if len(before) >= 2 else before + after[:3]
    return " ".join(words[:5]) or "outcome"


_NOT_MEASURE = word_set(
    """
    from to by cut went reduced improved increased decreased dropped fell rose grew
    saved down up brought moved got back overnight about around roughly nearly almost
    over under within result results
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
    if IRRELEVANT_AFTER.search(after) or re.search(r"(?:people|engineers|person|members)$", value):
        return True
    if re.search(r"(?:years?|yrs?)$", value, re.IGNORECASE) and not CHANGE_BEFORE.search(before):
        return True
    if re.search(r"hours?$|hrs?$", value, re.IGNORECASE) and re.search(
        r"(?:worked|working|spent|put in|pulled|overtime|straight)\s*(?:about |over |nearly )?$",
        before,
        re.IGNORECASE,
    ):
        return True
    if re.search(r"(?:team|group|squad) of\s*(?:about |around |just |only )?$", before, re.I):
        return True
    return bool(re.search(r"\ba\s*$", before, re.IGNORECASE)) and bool(
        re.match(r"^[\s-]*(?:-?person|people|engineers)", after, re.IGNORECASE)
    )


_JOIN = re.compile(r"^\s*(?:to|->|→|-|–|down to|up to)\s*$", re.IGNORECASE)


def _classify(
    s: Sentence,
    start: int,
    end: int,
    value: str,
    in_result: bool,
    context: bool,
    joined: bool = False,
) -> FoundMetric:
    text = s.text
    standin = not joined and _is_irrelevant(text, start, end, value)
    irrelevant = context or standin
    window = text[max(0, start - 60) : end + 40]
    has_unit = joined or bool(re.search(r"[%$€£x×]|[a-z]", value, re.IGNORECASE))
    changed = (
        joined
        or value.lower().endswith(("halved", "doubled", "tripled", "quadrupled", "fold"))
        or bool(CHANGE_BEFORE.search(text[max(0, start - 45) : start]))
        or bool(CHANGE_AFTER.search(text[end : end + 40]))
    )
    money = bool(re.match(r"[$€£]", value))
    outcome = not irrelevant and (
        (changed and (in_result or has_unit)) or (in_result and (money or "%" in value))
    )
    baseline = outcome and (joined or bool(BASELINE.search(window)))
    return FoundMetric(
        value=value,
        measures=_measures(text, start, end),
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
        if not any(ch.isdigit() for ch in text) and not NUMBER.search(text):
            continue
        prev_end = -1
        in_result = s.index in result_ids
        context = s.index in context_ids and not in_result
        for m in NUMBER.finditer(text):
            value = m.group(0).strip()
            if not value or value.lower() in ("a hundred", "half"):
                continue
            gap = text[prev_end : m.start()] if prev_end >= 0 else ""
            if found and found[-1].sentence is s and _JOIN.match(gap):
                # "from 800 ms to 120 ms" is one metric with its baseline, not two
                last = found.pop()
                value = text[last.start : m.end()]
                joined = _classify(s, last.start, m.end(), value, in_result, context, joined=True)
                found.append(joined)
            else:
                found.append(_classify(s, m.start(), m.end(), value, in_result, context))
            prev_end = m.end()
    return found
