"""Find the STAR parts of an answer, with or without "Situation:"-style labels.

Each sentence gets a cue score per part: discourse cues ("my job was", "as a result",
"what I learned"), first person with a past-tense verb for actions, outcome words for
results, and its position (stories open with the situation and close with the result and
the lesson). Explicit labels win. A sentence may belong to two parts when it clearly does
("I retrained it and recall went from 0.6 to 0.8" is an action and a result).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from interviewer.grading.offline.text import Sentence, cue_pattern, word_set

PARTS = ("situation", "task", "action", "result", "lessons_learned")

_IRREGULAR = (
    "built|wrote|ran|made|set|found|took|put|led|chose|drew|sent|began|spent|kept|did|got|"
    "dug|went|broke|split|rewrote|threw|caught|brought|bought|sought|taught|held|read|saw|"
    "told|cut|shipped|rebuilt|met|paired|sat|gave|stood|hit|let|won|dropped|swapped|"
    "stopped|planned|mapped|scrapped|pinged|tagged|logged|flagged|pulled|reran|retrained|"
    "spun|fed|wound|undid|overrode|fit|quit|shut|bet|shot|laid"
)
NOT_ACTIONS = word_set(
    """
    learned learnt wanted needed liked loved hoped enjoyed was were had felt believed
    assumed thought realised realized noticed remembered guessed supposed mean
    """
)
# "I (then|also ...) <past-tense verb>", the signature of a personal action.
I_ACTION = cue_pattern(
    r"\bi\s+(?:then\s+|also\s+|first\s+|quickly\s+|personally\s+|just\s+|finally\s+|"
    r"immediately\s+|eventually\s+|instead\s+|carefully\s+|manually\s+|myself\s+)?"
    rf"({_IRREGULAR}|[a-z]+(?:-[a-z]+)*ed)\b"
)
I_ACTION_EXTRA = cue_pattern(
    r"\b(?:i\s+(?:decided|chose|started|began|went ahead|took it on|took ownership)|"
    r"so i|then i|and i|i'd (?:already )?[a-z]+ed)\b"
)
# ", added X", "and sent Y": further steps of the same first-person sentence.
COORD_ACTION = cue_pattern(
    rf"(?:,|\band|\bthen)\s+(?:then\s+)?({_IRREGULAR}|[a-z]+(?:-[a-z]+)*ed)\b"
)
WE_ACTION = cue_pattern(
    rf"\b(?:we|the team|they)\s+(?:then\s+|also\s+|first\s+)?({_IRREGULAR}|[a-z]+ed)\b"
)

SIT_CUE = cue_pattern(
    r"\b(?:at my (?:last|previous|current|old|first)|at (?:a|an|the) [a-z-]+ (?:startup|company|"
    r"bank|retailer|firm|team)|i was (?:working|a|an|the|on|part of|leading)|we were|"
    r"we had (?:a|an)|there was|there were|our (?:model|system|pipeline|team|service|product|"
    r"company|recommender|classifier|data)|was running|was serving|in production|"
    r"last (?:year|quarter|summer|spring|winter|autumn|month)|a few (?:months|years|weeks) ago|"
    r"back in|at the time|one (?:morning|day|week|friday|monday)|had been|started (?:to )?"
    r"(?:drop|degrade|fail|spike|slip)|was (?:dropping|degrading|failing|behaving)|"
    r"we were (?:building|using|seeing)|the company|the client|the context|"
    r"this was (?:at|when|during)|i (?:noticed|spotted|realised|realized|saw)(?: that)?)\b"
)
TASK_CUE = cue_pattern(
    r"\b(?:my (?:job|task|role|goal|responsibility|mandate|mission|assignment|objective)|"
    r"i was (?:asked|tasked|responsible|in charge|assigned|the owner|on call|brought in|hired|"
    r"given|expected|supposed)|i (?:owned|had to|needed to|set out to|volunteered|took on|"
    r"took ownership)|it fell to me|it was up to me|i was the one|(?:was|fell) on me|"
    r"my (?:target|aim|brief)|i was the (?:lead|only)|i (?:gave|set) myself|"
    r"we (?:needed|had|wanted) to|the (?:goal|task|aim|objective|mission|target|ask|"
    r"requirement) was|the team (?:needed|had) to|success (?:meant|would mean|was)|"
    r"(?:had|needed) to (?:get|ship|deliver|reduce|improve|find|fix|cut|bring|hit|keep))\b"
)
RESULT_CUE = cue_pattern(
    r"\b(?:as a result|in the end|eventually|ultimately|the result|the outcome|the impact|"
    r"in total|overall|this (?:led|meant|cut|reduced|brought|saved|improved)|which (?:cut|"
    r"reduced|saved|improved|brought|increased|led)|went from|dropped (?:from|to|by)|rose|fell|"
    r"reduced|improved|increased|decreased|cut (?:the|it|our|down|by)|saved|halved|doubled|"
    r"tripled|recovered|shipped|launched|rolled out|went live|was adopted|adopted|back to|"
    r"got (?:it|us|the) |hit (?:the|our)|met (?:the|our)|beat (?:the|our)|outperform|"
    r"resulted|led to|it worked|went well|was a success|successful|happy|praised|"
    r"by the (?:deadline|end)|on time|ahead of|no longer|stopped (?:the|happening)|"
    r"never (?:happened|came back)|since then the|became (?:the|a|our)|went better|"
    r"got better|was better|worked better|(?:gave|got|had) (?:\w+ )?results|used it|"
    r"pleased|went into production|went down|came down|the business used|"
    r"(?:was|were|is|are) (?:fine|normal|ok|okay|stable) again|signed|was approved|"
    r"(?:started|began|kept) using|helped (?:them|us|the|our)|won (?:the|a|an|us))\b"
)
LESSON_CUE = cue_pattern(
    r"\b(?:learn(?:ed|t)|lessons?|taught me|takeaways?|in hindsight|looking back|next time|"
    r"(?:would|'d) (?:do|have done|approach) [a-z ]{0,30}differently|i should have|"
    r"if i (?:did|had|were to do) (?:it|this) again|since then,? i|now i (?:always|first|start|"
    r"make|check|insist|ask)|i now|these days i|from then on|ever since|changed how i|my rule|"
    r"what i took away|the biggest thing|teach\w*|keep learning|communication is key|"
    r"^now i [a-z]+|reflect(?:ing|ion)?|"
    r"i always (?:now|start|check)|it showed me|made me (?:realise|realize)|i'd never again)\b",
    re.MULTILINE,
)
HYPOTHETICAL = cue_pattern(
    r"\b(?:i would|i'd usually|i usually|i typically|i generally|i tend to|in general|"
    r"generally|usually|typically|whenever|if i (?:were|was|had)|i always try|my approach is|"
    r"what i do is|i like to|i try to)\b"
)


@dataclass(slots=True)
class Segments:
    """The sentences of each STAR part, plus what the scorers need to know about them."""

    sentences: list[Sentence]
    parts: dict[str, list[Sentence]] = field(default_factory=dict)
    labelled: bool = False
    unclassified: int = 0

    def of(self, part: str) -> list[Sentence]:
        return self.parts.get(part, [])


_SEP = "\n|\n"  # between sentences: no cue can match across it
_DIGIT = re.compile(r"\d")


def _hits(rx: re.Pattern[str], joined: str, starts: list[int]) -> dict[int, list[str]]:
    """Sentence index -> matched group 1 (or match) of ``rx``, from one scan of the answer."""
    out: dict[int, list[str]] = {}
    for m in rx.finditer(joined):
        i = bisect_right(starts, m.start()) - 1
        out.setdefault(i, []).append(m.group(1) if rx.groups else m.group(0))
    return out


def _all_cue_scores(sentences: list[Sentence]) -> list[dict[str, float]]:
    """Cue scores per sentence; each cue pattern scans the whole answer once (fast)."""
    starts: list[int] = []
    pos = 0
    for s in sentences:
        starts.append(pos)
        pos += len(s.lower) + len(_SEP)
    joined = _SEP.join(s.lower for s in sentences)
    sit, task = _hits(SIT_CUE, joined, starts), _hits(TASK_CUE, joined, starts)
    i_verbs, extra = _hits(I_ACTION, joined, starts), _hits(I_ACTION_EXTRA, joined, starts)
    we, result = _hits(WE_ACTION, joined, starts), _hits(RESULT_CUE, joined, starts)
    lesson, habit = _hits(LESSON_CUE, joined, starts), _hits(HYPOTHETICAL, joined, starts)
    n = len(sentences)
    out = []
    for i in range(n):
        i_act = any(v not in NOT_ACTIONS for v in i_verbs.get(i, ()))
        scores = {
            "situation": 1.0 * (i in sit),
            "task": 1.5 * (i in task),
            "action": (1.5 if i_act else 0.0) + 0.5 * (i in extra) + 0.8 * (i in we),
            # an outcome cue with a number ("went from 400 to 60") is a result even mid-story
            "result": (1.2 + 0.6 * bool(_DIGIT.search(sentences[i].text))) if i in result else 0.0,
            "lessons_learned": 2.0 * (i in lesson),
        }
        if i in habit and i not in lesson:
            scores["action"] *= 0.3
            scores["situation"] += 0.3
        position = i / n
        if position < 0.2 and (not i_act or (scores["situation"] and n >= 3)):
            # a story opens with the scene, even when told as "At X, I led ..."
            scores["situation"] += 0.8
        elif position > 0.6:
            scores["result"] *= 1.3
            scores["situation"] *= 0.5
        out.append(scores)
    return out


def segment(sentences: list[Sentence]) -> Segments:
    """Assign each sentence to zero, one or two STAR parts."""
    seg = Segments(sentences=sentences, parts={p: [] for p in PARTS})
    seg.labelled = (
        sum(1 for s in sentences if s.label) >= 2
        and len({s.label for s in sentences if s.label}) >= 2
    )
    previous: list[str] = []
    cues = _all_cue_scores(sentences)
    for s, scores in zip(sentences, cues, strict=True):
        chosen: list[str] = []
        if seg.labelled and s.label:
            chosen.append(s.label)
            # a labelled section can still hold a lesson or a result said in passing
            for extra in ("result", "lessons_learned"):
                if extra != s.label and scores[extra] >= 2.0:
                    chosen.append(extra)
        else:
            best = max(PARTS, key=lambda p: (scores[p], -PARTS.index(p)))
            if scores[best] >= 0.8:
                chosen.append(best)
                for p in PARTS:
                    if p != best and scores[p] >= 1.5:
                        chosen.append(p)
                # an opening sentence with a scene cue sets the scene, even mid-action
                if s is sentences[0] and best != "situation" and scores["situation"] >= 1.0:
                    chosen.append("situation")
        if not chosen:
            seg.unclassified += 1
            # a sentence with no cue of its own continues the part before it
            # ("What I learned is X. Now I do Y.")
            chosen = previous[:1]
        for p in chosen:
            seg.parts[p].append(s)
        previous = chosen
    # a story of several sentences opens with the scene: the first sentence sets it
    # unless it is all action
    if (
        not seg.labelled
        and len(sentences) >= 3
        and not seg.parts["situation"]
        and cues[0]["situation"] >= 0.8
        and sentences[0] not in seg.parts["action"]
    ):
        seg.parts["situation"].insert(0, sentences[0])
    return seg
