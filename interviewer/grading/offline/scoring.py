"""Score each STAR dimension 0-5 from observable features, following the anchors of star.yaml.

Each scorer returns the score and the sentences that justify it; the grader quotes them
verbatim. The rules mirror the level anchors: e.g. an Action is 1 when only "we" acts, 3
with several concrete first-person steps, 4 with the reasoning behind them, 5 when
alternatives or a clear sequence show judgement as well.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from interviewer.grading.offline.metrics import FoundMetric
from interviewer.grading.offline.segment import (
    COORD_ACTION,
    HYPOTHETICAL,
    I_ACTION,
    NOT_ACTIONS,
    WE_ACTION,
    Segments,
)
from interviewer.grading.offline.text import Sentence, content_stems, cue_pattern


@dataclass(slots=True)
class Scored:
    score: int
    evidence: list[Sentence]


# Stakes a rater would call explicit (money, customers, regulators) vs. merely implied.
STRONG_STAKES = cue_pattern(
    r"[$€£]|\b(?:customers?|revenue|money|losing|losses|lost|costs?|complain\w*|critical|"
    r"outage|incident|sla|on the line|board|ceo|cto|vp|regulat\w*|compliance|fraud|churn|"
    r"sales|escalat\w*|urgent|at stake|millions?|contract|audit|investors?|patients?|"
    r"safety|reputation|angry|threaten\w*|recall|drowning|worried|peak)\b"
)
STAKES = cue_pattern(
    STRONG_STAKES.pattern + r"|\b(?:users?|launch|pressure|risk|business|clients?|demo|"
    r"blocked|deadline|manual|stores?|merchants?)\b"
)
CONSTRAINT = cue_pattern(
    r"\b(?:only|budget|deadline|within|limited|small|tight|constraint\w*|couldn't|could not|"
    r"without|no (?:labels|data|gpus?|budget|time|access)|cpu|memory|latency|weeks?|days?|"
    r"hours?|quarter|freeze|legacy|on-device|edge|phone|mobile|single|one gpu|cheap)\b"
)
SYMPTOM = cue_pattern(
    r"\b(?:drop\w*|spike\w*|degrad\w*|fail\w*|broke\w*|broken|wrong|unexpected\w*|weird|noisy|"
    r"messy|missing|inconsistent|plateau\w*|stuck|slow\w*|drift\w*|errors?|bugs?|crash\w*|"
    r"flaky|leak\w*|stale|duplicat\w*|garbage|unreliable|skew\w*|worse|declin\w*|biased)\b"
)
_GENERIC_STEMS = frozenset(
    content_stems("model project system data team company product work working good enough job")
)
SPECIFIC = cue_pattern(
    r"\d|\b(?:model|pipeline|production|system|service|dataset|data|classifier|recommender|"
    r"ranking|fraud|forecast\w*|churn|search|feature store|api|etl|warehouse|startup|company|"
    r"bank|retailer|team|client|product|app|platform|detector|chatbot|llm|nlp|vision|"
    r"embeddings?|labels?|sensors?|logs?|dashboard|experiment|project)\b"
)
OWN_TASK = cue_pattern(
    r"\b(?:my (?:job|task|role|goal|responsibility|mandate|mission|assignment|objective)|"
    r"i was (?:asked|tasked|responsible|in charge|assigned|the owner|on call|brought in|hired|"
    r"given|expected|supposed|the one)|i (?:owned|had to|needed to|set out to|volunteered|"
    r"took on|took ownership|wanted to)|it fell to me|it was up to me|me to|(?:was|fell) on me|"
    r"my (?:target|aim|brief)|i was the (?:lead|only)|i had [^.]{0,30} to [a-z]+|"
    r"i (?:gave|set) myself)\b"
)
CONCRETE_GOAL = cue_pattern(
    r"\d|\b(?:deadline|by (?:monday|tuesday|wednesday|thursday|friday|the end|end of|the "
    r"launch|the release|the demo)|within|target|under|below|at least|sla|before the|budget|"
    r"threshold|without|on-device|so that|in order to|goal of|quarter|month|"
    r"(?:one|two|three|four|five|ten) (?:points?|percent|weeks?|days?|months?))\b"
)
# (?<!\d): a run of digits is tried once, from its first digit (the unit must follow the
# run's last digit either way); without it every digit of a long run rescans the rest.
MEASURABLE = cue_pattern(
    r"(?<!\d)\d+\s?(?:%|ms|x|percent|points?|mb|gb)|\b(?:by|of) (?:one|two|three|"
    r"four|five|ten) (?:points?|percent)|\b(?:under|below|above|at "
    r"least|at most|no more than|within) [^.]{0,15}\d|\b(?:target|threshold) of"
)
VAGUE_VERB = cue_pattern(
    r"\bi\s+(?:just\s+)?(?:looked into|fixed it|handled|worked on|helped|did|dealt with|took care|"
    r"made sure|tried|sorted it|figured it out|worked hard|was involved|supported)\b"
)
REASON = cue_pattern(
    r"\b(?:because|so that|to (?:rule out|confirm|check|test|see|make sure|isolate|verify|"
    r"validate|measure|compare|avoid|prove|understand)|since|instead of|rather than|"
    r"trade-?offs?|decided|chose|hypothes\w+|which (?:meant|told|showed)|that way|"
    r"in order to|the reason|my reasoning|so i could|ruled out|suspected|the idea was|"
    r"given that|otherwise)\b"
)
ALTERNATIVES = cue_pattern(
    r"\b(?:instead of|rather than|considered|options?|alternatives?|versus|vs\.?|compared|"
    r"weighed|trade-?offs?|over (?:a|the) (?:bigger|more|fancier|custom|complex))\b"
)
SEQUENCE = cue_pattern(r"\b(?:first|then|next|after that|finally|once|second|third|step)\b")
VAGUE_RESULT = cue_pattern(
    r"\b(?:went (?:well|fine|ok|okay|great)|it helped|helped a lot|was a success|successful|"
    r"worked out|happy|positive feedback|things improved|it was better|turned out (?:well|fine|"
    r"great)|was (?:good|great|nice)|pleased|it worked)\b"
)
# An outcome a rater can picture: a number, a completed change, or a change verb with
# the thing that changed. "It improved a bit" is not concrete.
CONCRETE_OUTCOME = cue_pattern(
    r"\d|\b(?:shipped|launched|deployed|rolled out|went live|went into production|"
    r"resolved|caught|prevented|recovered|halved|doubled|replaced|adopted|approved|"
    r"back to normal|no longer|beat|outperform\w*|restored|unblocked|delivered|signed|"
    r"renewed|found all|presented|went back|rebuilt|now runs)\b|"
    r"\b(?:fixed|stopped|reduced|improved|increased|decreased|cut|saved|dropped|rose|fell|"
    r"went down|came down|flagged|detected)\b[^.]{0,40}\b(?:latency|accuracy|precision|"
    r"recall|errors?|cost|bill|time|alerts?|tickets|complaints|losses|fraud|conversion|"
    r"churn|size|memory|bug|issue|problem|false)"
)
HEDGED = cue_pattern(r"\b(?:a bit|a little|somewhat|not sure|maybe|probably|sort of better)\b")
IMPACT = cue_pattern(
    r"[$€£]|\b(?:revenue|customers?|users?|cost|savings?|saved|complaints?|churn|conversion|"
    r"sales|business|team|stakeholders?|product|clients?|tickets|support|manual|analysts?|"
    r"hours|on-call|sla|retention|engagement|roi|profit|losses|fraud|orders|launch|deadline|"
    r"contract|renewed|management|leadership)\b"
)
LASTING = cue_pattern(
    r"\b(?:adopted|standard|default|still (?:in use|running|used)|now (?:used|part|runs|"
    r"standard)|rolled out to|other teams|playbook|process|monitoring|alerts?|dashboard|"
    r"became|template|runbook|checklist|every (?:team|project|release)|since then|"
    r"reused|re-used|permanent|for good)\b"
)
CLICHE = cue_pattern(
    r"\b(?:communication is key|teamwork|team work|never give up|hard work|learned a lot|"
    r"learnt a lot|great learning experience|learning experience|always keep learning|"
    r"importance of communication|stay positive|good lesson|valuable lesson|grew a lot)\b"
)
CHANGED_BEHAVIOUR = cue_pattern(
    r"\b(?:now i|i now|since then|from then on|these days|ever since|nowadays|next time|"
    r"whenever i|on every project|as a rule|habit|checklist|i always|i start (?:every|by)|"
    r"i make sure|i insist|going forward|from now on|i'd never|i never)\b"
)
CANDID = cue_pattern(
    r"\b(?:my mistake|i should have|i was wrong|i underestimated|i overlooked|i missed|"
    r"i ignored|my fault|i didn't (?:check|test|validate|ask|look)|i failed to|i assumed|"
    r"i wasted|i was too|my own|i got wrong|i'd skipped|i had skipped|blind spot|"
    r"i was overconfident|i jumped)\b"
)
TEAM_PRACTICE = cue_pattern(
    r"\b(?:team now|we now|became (?:a|the|our) (?:standard|default|practice|rule)|playbook|"
    r"checklist|runbook|template|post-?mortems?|wrote (?:it )?up|write-?ups?|presented|"
    r"shared (?:it|the|this|what)|brown bag|wiki|guideline|other teams)\b"
)


def _top(sentences: list[Sentence], n: int = 2) -> list[Sentence]:
    return sorted(sentences, key=lambda s: -s.words)[:n]


def score_situation(seg: Segments, total_words: int) -> Scored:
    sents = seg.of("situation")
    if not sents:
        return Scored(0, [])
    text = " ".join(s.lower for s in sents)
    words = sum(s.words for s in sents)
    ev = sents[:2]
    if _hypothetical(seg):
        return Scored(1, ev)
    # how concrete the scene is: distinct content words beyond generic work nouns
    stems = set().union(*(s.stems for s in sents))
    distinctive = len(stems - _GENERIC_STEMS)
    if distinctive < 2 or words < 6:
        return Scored(1, ev)
    if words < 14 or distinctive < 5:
        return Scored(2, ev)
    strong = bool(STRONG_STAKES.search(text))
    stakes = strong or bool(STAKES.search(text))
    framing = stakes + bool(CONSTRAINT.search(text)) + bool(SYMPTOM.search(text))
    if framing == 0:
        return Scored(3, ev)
    concise = words <= max(90, 0.4 * total_words)
    if strong and framing >= 2 and concise and words >= 25 and distinctive >= 8:
        return Scored(5, ev)
    if framing >= 2 or strong:
        return Scored(4, ev)
    return Scored(3, ev)


def _hypothetical(seg: Segments) -> bool:
    """An answer about what the candidate usually does, not about one real event."""
    text = " ".join(s.lower for s in seg.sentences)
    if not _at_least(_PAST, text, 2):
        return True  # no past tense at all: opinions and platitudes, not a story
    if not _at_least(HYPOTHETICAL, text, 2):
        return False
    return sum(1 for s in seg.sentences if I_ACTION.search(s.lower)) < 2


def _at_least(rx: re.Pattern[str], text: str, n: int) -> bool:
    """Whether ``rx`` matches ``text`` at least ``n`` times (stops scanning once it does)."""
    return any(i >= n for i, _ in enumerate(rx.finditer(text), 1))


_PAST = re.compile(r"\b(?:was|were|had|did|got|went|made|took|found|[a-z]{3,}ed)\b")


def score_task(seg: Segments) -> Scored:
    sents = seg.of("task")
    own = [
        s
        for s in sents
        if OWN_TASK.search(s.lower) or (s.label == "task" and re.search(r"\b(?:i|my)\b", s.lower))
    ]
    if not sents:
        actions = [s for s in seg.of("action") if I_ACTION.search(s.lower)]
        return Scored(1, actions[:1]) if actions else Scored(0, [])
    text = " ".join(s.lower for s in sents)
    if not own:
        return Scored(2, sents[:2])
    concrete = bool(CONCRETE_GOAL.search(text))
    if not concrete:
        return Scored(3, own[:2])
    measurable = bool(MEASURABLE.search(text))
    deadline = bool(
        re.search(
            r"\b(?:deadline|by (?:monday|tuesday|wednesday|thursday|friday|the end|end of|"
            r"the)|within|weeks?|days?|before|budget|without)\b",
            text,
        )
    )
    if measurable and deadline:
        return Scored(5, (own + sents)[:2])
    return Scored(4, (own + sents)[:2])


def score_action(seg: Segments) -> tuple[Scored, float]:
    """The Action score and the ownership ratio (share of actions told with "I")."""
    sents = seg.of("action")
    if not sents:
        # actions told only with "we" may have landed in another part; they still count 1
        team = [s for s in seg.sentences if WE_ACTION.search(s.lower)]
        return (Scored(1, team[:2]) if team else Scored(0, [])), 0.0
    i_sents = [s for s in sents if I_ACTION.search(s.lower)]
    mine = set(i_sents)  # sets, not lists, for membership: a list scan per sentence is quadratic
    we_sents = [s for s in sents if WE_ACTION.search(s.lower) and s not in mine]
    ownership = len(i_sents) / max(len(i_sents) + len(we_sents), 1)
    if not i_sents:
        return Scored(1, sents[:2]), ownership
    # "I took a course, then I migrated Y, and I asked Z" is three steps in one sentence
    counted = [(s, _personal_steps(s)) for s in i_sents if s.words >= 6]
    specific = [s for s, n in counted if n >= 2 or (n and not VAGUE_VERB.search(s.lower))]
    chosen = set(specific)
    steps = sum(min(n, 3) for s, n in counted if s in chosen)
    if steps < 2:
        return Scored(2, i_sents[:2]), ownership
    text = " ".join(s.lower for s in sents)
    reasons = len(REASON.findall(text))
    alternatives = bool(ALTERNATIVES.search(text))
    sequence = len(SEQUENCE.findall(text))
    ev = _top(specific, 3)
    judged = alternatives or sequence >= 2
    if steps >= 4 and len(specific) >= 3 and reasons >= 2 and judged and ownership >= 0.6:
        return Scored(5, ev), ownership
    if (steps >= 3 and len(specific) >= 2 and reasons >= 1) or (steps >= 2 and reasons >= 2):
        return Scored(4, ev), ownership
    return Scored(3, ev), ownership


def _personal_steps(s: Sentence) -> int:
    """First-person steps, counting "I did X, added Y and sent Z" as three."""
    own = sum(
        1
        for m in I_ACTION.finditer(s.lower)
        if m.group(1) not in NOT_ACTIONS and m.group(1) not in _VAGUE_STEPS
    )
    if not own:
        return 0
    more = sum(
        1
        for m in COORD_ACTION.finditer(s.lower)
        if m.group(1) not in NOT_ACTIONS and m.group(1) not in _VAGUE_STEPS
    )
    return own + more


_VAGUE_STEPS = frozenset(["did", "helped", "handled", "tried", "worked", "supported", "looked"])


def score_result(seg: Segments, metrics: list[FoundMetric]) -> Scored:
    sents = list(seg.of("result"))
    seen = set(sents)
    for m in metrics:
        if m.outcome and m.sentence not in seen:
            seen.add(m.sentence)
            sents.append(m.sentence)
    sents.sort(key=lambda s: s.index)
    if not sents:
        return Scored(0, [])
    concrete = [
        s
        for s in sents
        if CONCRETE_OUTCOME.search(s.lower)
        and not (HEDGED.search(s.lower) and not any(ch.isdigit() for ch in s.text))
    ]
    if not concrete:
        vague = [s for s in sents if VAGUE_RESULT.search(s.lower)]
        return Scored(1, (vague or sents)[:2])
    first_action = min(
        (s.index for s in seg.of("action") if I_ACTION.search(s.lower)), default=None
    )
    tied = [s for s in concrete if first_action is not None and s.index >= first_action]
    if not tied:
        return Scored(2, concrete[:2])
    text = " ".join(s.lower for s in sents)
    impact = bool(IMPACT.search(text)) or any(m.business for m in metrics if m.outcome)
    lasting = bool(LASTING.search(text))
    ev = _top(tied, 2)
    if impact and lasting:
        return Scored(5, ev)
    if impact:
        return Scored(4, ev)
    return Scored(3, ev)


def score_quantified(metrics: list[FoundMetric]) -> tuple[Scored, list[FoundMetric]]:
    """The score and the outcome metrics it was based on."""
    if not metrics:
        return Scored(0, []), []
    outcomes = [m for m in metrics if m.outcome]
    if not outcomes:
        # level 1 is for numbers offered in place of results (team size, years, hours,
        # effort); a deadline or data size that only sets the scene scores 0
        standins = [m for m in metrics if m.standin]
        if not standins:
            return Scored(0, []), []
        return Scored(1, _unique([m.sentence for m in standins])[:1]), []
    clear = [m for m in outcomes if m.clear]
    ev = _unique([m.sentence for m in outcomes])[:3]
    if not clear:
        return Scored(2, ev), outcomes
    baselines = [m for m in clear if m.baseline]
    several = len(clear) >= 2
    if several and baselines and any(m.business for m in clear) and any(m.technical for m in clear):
        return Scored(5, ev), outcomes
    if several or baselines:
        return Scored(4, ev), outcomes
    return Scored(3, ev), outcomes


def score_lessons(seg: Segments) -> Scored:
    sents = seg.of("lessons_learned")
    if not sents:
        return Scored(0, [])
    text = " ".join(s.lower for s in sents)
    words = sum(s.words for s in sents)
    own = set().union(*(s.stems for s in sents))
    mine = set(sents)
    story = set().union(*(s.stems for s in seg.sentences if s not in mine))
    shared = own & story
    cliche = bool(CLICHE.search(text))
    if cliche and (len(own) < 8 or len(shared) < 3):
        return Scored(1, sents[:1])
    if cliche or len(own) < 5 or not shared or words < 8:
        return Scored(2, sents[:2])
    if not CHANGED_BEHAVIOUR.search(text):
        return Scored(3, _top(sents, 2))
    candid = bool(CANDID.search(text))
    practice = bool(TEAM_PRACTICE.search(text))
    if (candid or practice) and words >= 22 and len(shared) >= 3:
        return Scored(5, _top(sents, 2))
    return Scored(4, _top(sents, 2))


def _unique(sents: list[Sentence]) -> list[Sentence]:
    """The sentences without repeats, in order (a Sentence is equal only to itself)."""
    return list(dict.fromkeys(sents))
