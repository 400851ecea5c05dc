"""Score each STAR dimension 0-5 from observable features, following the anchors of star.yaml.

Each scorer reads only the sentences of its own part (segment.py), returns the score, the
sentences (or, for numbers, the phrases) that justify it, and the gaps that kept it from
the next level, most important first. The grader quotes the evidence verbatim and words
its advice from the gaps, so advice never asks for what the answer already has. The rules
mirror the level anchors: e.g. an Action is 1 when only "we" acts, 3 with several concrete
first-person steps, 4 with the reasoning behind them, 5 when alternatives or a clear
sequence show judgement as well.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from interviewer.grading.offline.lexicon import Lexicon, load_lexicon
from interviewer.grading.offline.metrics import FoundMetric
from interviewer.grading.offline.segment import Segments
from interviewer.grading.offline.text import Sentence
from interviewer.grading.offline.words import content_stems


@dataclass(slots=True)
class Scored:
    score: int
    evidence: list[Sentence]
    gaps: list[str] = field(default_factory=list)  # what the next level needs, in order


_FIRST_PERSON = frozenset({"i", "my", "me", "myself", "i'd", "i'm", "i've", "mine"})
_VAGUE_VERBS = frozenset(
    {"did", "helped", "handled", "tried", "worked", "supported", "looked", "managed", "dealt"}
)


@cache
def _generic_stems(lex: Lexicon) -> frozenset[str]:
    return frozenset(content_stems(lex.situations.generic))


def _any(sents: list[Sentence], cue: str) -> bool:
    return any(cue in s.cues for s in sents)


def _total(sents: list[Sentence], cue: str) -> int:
    return sum(s.cues.get(cue, 0) for s in sents)


def _top(sentences: list[Sentence], n: int = 2) -> list[Sentence]:
    return sorted(sentences, key=lambda s: -s.words)[:n]


def score_situation(seg: Segments, total_words: int, lexicon: Lexicon | None = None) -> Scored:
    lex = lexicon or load_lexicon()
    sents = seg.of("situation")
    if not sents:
        return Scored(0, [], ["none"])
    words = sum(s.words for s in sents)
    # quoted as evidence: the first sentences that say something ("Sure." opening a
    # spoken answer is part of the scene, but no evidence of it)
    ev = [s for s in sents if len(s.stems) >= 2][:2] or sents[:2]
    stems: set[str] = set().union(*(s.stems for s in sents))
    distinctive = len(stems - _generic_stems(lex))
    # a scene cut from the task it sets up ("I was an adviser at a bank, and I had to
    # tell a couple...") is judged with the rest of its sentence
    whole = sents + [
        s
        for s in seg.sentences
        if s.clause and s.index and seg.role(s) == "task" and seg.sentences[s.index - 1] in sents
    ]
    if len(whole) > len(sents):
        words = sum(s.words for s in whole)
        stems = set().union(*(s.stems for s in whole))
        distinctive = len(stems - _generic_stems(lex))
        sents = whole
    if distinctive < 2 or words < 6 or (len(seg.sentences) <= 2 and total_words < 30):
        return Scored(1, ev, ["vague"])  # a one-line answer names no situation of a story
    if words < 14 or distinctive < 5:
        return Scored(2, ev, ["context"])
    if words < 20 and distinctive < 8:
        return Scored(3, ev, ["context"])
    strong = _any(sents, "strong_stakes")
    stakes = strong or _any(sents, "stakes")
    framing = stakes + _any(sents, "constraint") + _any(sents, "symptom")
    if framing == 0:
        return Scored(3, ev, ["stakes"])
    concise = words <= 80 and len(sents) <= 3
    if strong and framing >= 3 and concise and words >= 25 and distinctive >= 8:
        return Scored(5, ev)
    if framing >= 2 or strong:
        return Scored(4, ev, ["stakes" if not strong else "constraints"])
    return Scored(3, ev, ["stakes"])


def _said_by_me(seg: Segments, s: Sentence) -> bool:
    """Whether ``s`` is told in the first person, a clause going on with the subject of
    the piece before it ("I set up the appeal | and promised the trustees...") included."""
    if not _FIRST_PERSON.isdisjoint(s.tokens):
        return True
    if not s.clause or s.index == 0 or len(s.tokens) < 2:
        return False
    before = seg.sentences[s.index - 1]
    return not _FIRST_PERSON.isdisjoint(before.tokens) and load_lexicon().is_past(s.tokens[1])


def score_task(seg: Segments, metrics: list[FoundMetric] | None = None) -> Scored:
    sents = seg.of("task")
    if not sents:
        return Scored(0, [], ["none"])
    own = [s for s in sents if "task" in s.cues and _said_by_me(seg, s)]
    if not own:
        own = [s for s in sents if s.label == "task" and _said_by_me(seg, s)]
    if not own:
        return Scored(2, sents[:2], ["own"])
    ev = (own + [s for s in sents if s not in own])[:2]
    targets = [m for m in metrics or [] if m.role == "target" and seg.role(m.sentence) == "task"]
    figures = any(s.cues.get("num_target") or s.cues.get("num_bound") for s in sents)
    deadline = _any(sents, "deadline") or _any(sents, "time_marker")
    # a figure the task is measured by (not the size of the workload: "900 open emails")
    numbers = any(
        m.role in ("target", "baseline", "outcome") and seg.role(m.sentence) == "task"
        for m in metrics or []
    )
    concrete = bool(targets) or figures or deadline or numbers or _any(sents, "goal")
    if not concrete:
        return Scored(3, own[:2], ["goal"])
    measurable = bool(targets) or figures
    if measurable and (deadline or len(targets) >= 2 or _any(sents, "constraint")):
        return Scored(5, ev)
    return Scored(4, ev, ["measure" if not measurable else "deadline"])


# A further step of the same subject: a verb right after a comma, "and" or "then" ("I
# rang X, found Y, and booked Z"), maybe after an adverb. Found by splitting the sentence
# at those words (str methods: a regex trying "and" at every position costs more).
_STEP_ADVERBS = frozenset({"then", "also", "i"})


def _steps(s: Sentence, lex: Lexicon) -> int:
    """First-person steps of a sentence, "I did X, added Y and sent Z" counting three."""
    own = 0
    for cue, _a, b in s.hits:
        if cue == "act_i" and s.tokens[b - 1] not in _VAGUE_VERBS:
            own += 1
    if not own:
        return 0
    low = s.text.lower()
    if "," not in low and ";" not in low and " and " not in low and " then " not in low:
        return own
    pieces = low.replace(";", ",").replace(" and ", ", ").replace(" then ", ", ").split(",")
    more = 0
    is_action = lex.is_action
    for piece in pieces[1:]:
        words = piece.split(None, 2)
        if not words:
            continue
        verb = words[0]
        if len(words) > 1 and (verb in _STEP_ADVERBS or verb.endswith("ly")):
            verb = words[1]  # ", then sent", "and quickly rang"
        if verb not in _VAGUE_VERBS and is_action(verb):
            more += 1
    return own + min(more, 4)


def score_action(seg: Segments) -> tuple[Scored, float]:
    """The Action score and the ownership ratio (share of actions told with "I")."""
    sents = seg.of("action")
    if not sents:
        return Scored(0, [], ["none"]), 0.0
    i_sents = [s for s in sents if "act_i" in s.cues]
    mine = set(i_sents)  # sets, not lists, for membership: a list scan per sentence is quadratic
    we_sents = [s for s in sents if "act_we" in s.cues and s not in mine]
    ownership = len(i_sents) / max(len(i_sents) + len(we_sents), 1)
    if not i_sents:
        return Scored(1, (we_sents or sents)[:2], ["own"]), ownership
    lex = load_lexicon()
    counted = [(s, _steps(s, lex)) for s in i_sents if s.words >= 4]
    specific = [s for s, n in counted if n >= 2 or (n and "vague_verb" not in s.cues)]
    chosen = set(specific)
    steps = sum(min(n, 3) for s, n in counted if s in chosen)
    if steps < 2:
        return Scored(2, i_sents[:2], ["steps"]), ownership
    reasons = _total(sents, "reason")
    alternatives = _any(sents, "alternatives")
    sequence = _total(sents, "sequence")
    ev = _top(specific, 3)
    judged = alternatives or sequence >= 2
    if steps >= 4 and len(specific) >= 3 and reasons >= 2 and judged and ownership >= 0.6:
        return Scored(5, ev), ownership
    if (steps >= 3 and len(specific) >= 2 and reasons >= 1) or (steps >= 2 and reasons >= 2):
        return Scored(4, ev, ["alternatives" if not alternatives else "ownership"]), ownership
    return Scored(3, ev, ["reasons"]), ownership


def _concrete_outcome(s: Sentence, outcome_ids: set[int]) -> bool:
    """An outcome a rater can picture: a figure, a completed change, something that lasted."""
    c = s.cues
    if s.index in outcome_ids:
        return True
    if "hedge" in c and "result_done" not in c:
        return False  # "I think they even left a decent review": not known to have happened
    if "concrete_outcome" in c or "reaction" in c or "result_aim" in c:
        return True
    if "result_done" in c and "hedge" not in c:
        return True  # "we reopened on the planned date", "no errors since"
    if "vague_outcome" in c or "hedge" in c:
        return False
    # a change that lasted ("the council later used our plan as the template"), unless
    # the sentence only claims success ("it was a success and they kept using it")
    return "result_verb" in c or "lasting" in c


_OUTCOME_CUES = frozenset({"concrete_outcome", "reaction", "result_verb"})


def score_result(seg: Segments, metrics: list[FoundMetric]) -> Scored:
    sents = seg.of("result")
    if not sents:
        return Scored(0, [], ["none"])
    outcome_ids = {m.sentence.index for m in metrics if m.outcome}
    concrete = [s for s in sents if _concrete_outcome(s, outcome_ids)]
    if not concrete:
        hedged = [s for s in sents if "hedge" in s.cues and not _OUTCOME_CUES.isdisjoint(s.cues)]
        if hedged:
            return Scored(2, hedged[:2], ["hedged"])
        vague = [s for s in sents if "vague_outcome" in s.cues]
        return Scored(1, (vague or sents)[:2], ["vague"])
    first_action = seg.first_action
    tied = [s for s in concrete if first_action is not None and s.index > first_action]
    if not tied:
        return Scored(2, concrete[:2], ["tie"])
    late = sents + seg.of("lessons_learned")
    impact = _any(sents, "impact") or any(m.business for m in metrics if m.outcome)
    lasting = _any(late, "lasting")
    ev = sorted(tied, key=lambda s: (-(s.index in outcome_ids), -("impact" in s.cues), -s.words))
    if impact and lasting:
        return Scored(5, ev[:2])
    if impact:
        return Scored(4, ev[:2], ["lasting"])
    return Scored(3, ev[:2], ["impact"])


def score_quantified(metrics: list[FoundMetric]) -> tuple[Scored, list[FoundMetric]]:
    """The score and the outcome metrics it was based on (with their baselines/targets)."""
    if not metrics:
        return Scored(0, [], ["none"]), []
    outcomes = [m for m in metrics if m.outcome]
    if any(not m.adverse for m in outcomes):
        outcomes = [m for m in outcomes if not m.adverse]  # a failure's numbers count alone
    if not outcomes:
        # level 1 is for numbers offered in place of results (team size, years, hours
        # worked); a date, a problem figure or a target alone scores 0
        offered = [m for m in metrics if m.standin or m.money_or_share]
        figures = [m for m in metrics if m.role != "other"]
        if not offered and len(figures) >= 2:
            offered = figures
        if not offered:
            return Scored(0, [], ["outcome"]), []
        return Scored(1, [offered[0].sentence], ["outcome"]), []
    clear = [m for m in outcomes if m.clear]
    ev = _unique([m.sentence for m in outcomes])[:3]
    if not clear:
        return Scored(2, ev, ["unit"]), outcomes
    framed = [m for m in clear if m.baseline]
    several = len(clear) >= 2
    business = any(m.business for m in clear)
    technical = any(not m.business for m in clear)
    if several and framed and business and technical:
        return Scored(5, ev), outcomes
    if several or framed:
        gap = "baseline" if not framed else "business" if not business else "several"
        return Scored(4, ev, [gap]), outcomes
    return Scored(3, ev, ["baseline"]), outcomes


def score_lessons(seg: Segments) -> Scored:
    sents = seg.of("lessons_learned")
    if not sents:
        return Scored(0, [], ["none"])
    words = sum(s.words for s in sents)
    own: set[str] = set().union(*(s.stems for s in sents))
    mine = set(sents)
    story: set[str] = set().union(  # the rest of the story (asides and padding are not)
        *(
            s.stems
            for s, role in zip(seg.sentences, seg.roles, strict=True)
            if role and s not in mine
        )
    )
    shared = own & story
    cliche = _any(sents, "cliche")
    practice = _any(sents, "practice") or _any(sents, "team_practice")
    reflective = _any(sents, "lesson") or practice
    if cliche and not practice and (len(own) < 8 or len(shared) < 3):
        return Scored(1, sents[:1], ["specific"])
    if not reflective and words < 8:
        return Scored(1, sents[:1], ["specific"])
    # tied to this story: words it shares with the story, or enough specific words of its
    # own ("I should have had a backup venue booked from the start")
    distinct = len(own - _generic_stems(load_lexicon()))
    specific = bool(shared) or distinct >= (3 if practice else 5)
    if (cliche and not practice) or len(own) < 5 or not specific or words < 8:
        return Scored(2, sents[:2], ["specific"])
    if not practice:
        return Scored(3, _top(sents, 2), ["practice"])
    candid = _any(sents, "candid")
    team = _any(sents, "team_practice")
    if (candid or team) and words >= 22 and len(shared) >= 3:
        return Scored(5, _top(sents, 2))
    return Scored(4, _top(sents, 2), ["candour"])


def _unique(sents: list[Sentence]) -> list[Sentence]:
    """The sentences without repeats, in order (a Sentence is equal only to itself)."""
    return list(dict.fromkeys(sents))
