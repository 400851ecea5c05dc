"""Find the STAR parts of an answer: one part (or none) for each sentence, decided for the
whole answer at once.

Each sentence (or clause, see text.py) gets a score per part from the cue phrases it holds
(``rubrics/lexicon/parts.yaml`` and the other lexicon files): scene-setting for the
situation, "my job was" for the task, "I" with an action verb for the action, outcome
verbs and figures for the result, lessons and changed practice for the lessons. A small
Viterbi decoder then picks the sequence of parts with the best total score, where the
usual order Situation -> Task -> Action -> Result -> Lessons is the prior: moving forward
is free, going back costs a penalty (less for the common Action <-> Result interleaving).
So a sentence with weak cues takes the part its neighbours make likely, and one strong
cue out of place does not pull a sentence into the wrong part. Explicit labels
("Situation:", "Result:") are hard evidence. A sentence with no cue continues the part
before it; asides about the answer itself ("that's my example") and refusals belong to
no part.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from interviewer.grading.offline.text import Sentence

PARTS = ("situation", "task", "action", "result", "lessons_learned")

# Cost of going back from part p to an earlier part q (index 0 is "before any part").
# Forward moves cost only a token amount, so that a sentence with no cue stays in the
# part before it rather than jumping ahead.
_BACK = {
    (2, 1): 0.5,  # task -> situation: "My job was X. The system was old..."
    (3, 1): 1.5,
    (3, 2): 1.0,
    (4, 1): 2.0,
    (4, 2): 1.5,
    (4, 3): 1.0,  # result -> action: "I did X, it improved Y; then I did Z"
    (5, 1): 2.5,
    (5, 2): 2.0,
    (5, 3): 1.2,
    (5, 4): 1.0,  # lesson -> result: "I learned X. The checks now block deploys."
}
_FORWARD = 0.05
# Cost of opening the story with each part: most answers open with the scene.
_START = (0.0, 0.3, 0.8, 1.5, 1.5)
_LABEL = 5.0  # an explicit label outweighs any cue
_LABEL_GOES_ON = 1.5  # ... and the sentences after it, unless a strong cue says otherwise
_ASIDE = 3.0  # "that's it", "I can't think of a time": outside the story
_NO_CUE = -0.1  # a sentence with no cue continues the part before it
_PADDING = 1.0  # "it was a busy period": outside the story unless a stronger cue says so
_NEG = float("-inf")


@dataclass(slots=True)
class Segments:
    """The STAR part of each sentence of an answer, and the sentences of each part."""

    sentences: list[Sentence]
    parts: dict[str, list[Sentence]] = field(default_factory=dict)
    roles: list[str | None] = field(default_factory=list)  # aligned with ``sentences``
    labelled: bool = False
    unclassified: int = 0  # sentences with no cue for any part

    def of(self, part: str) -> list[Sentence]:
        return self.parts.get(part, [])

    def role(self, sentence: Sentence) -> str | None:
        """The part ``sentence`` belongs to (None: no part)."""
        i = sentence.index
        if 0 <= i < len(self.sentences) and self.sentences[i] is sentence:
            return self.roles[i]
        return None

    @property
    def first_action(self) -> int | None:
        """Index of the first sentence of the Action, if any."""
        for i, r in enumerate(self.roles):
            if r == "action":
                return i
        return None


# cue -> (part, weight per hit, hits counted at most)
_WEIGHTS: dict[str, tuple[int, float, int]] = {
    "situation": (0, 1.0, 2),
    "task": (1, 2.2, 2),
    "act_frame": (2, 0.5, 1),
    "act_we": (2, 0.8, 1),
    "result": (3, 1.4, 2),
    "result_done": (3, 1.4, 2),
    "result_verb": (3, 0.7, 2),
    "num_outcome": (3, 0.9, 1),
    "num_compare": (3, 0.5, 1),
    "num_baseline": (3, 0.5, 1),
    "vague_outcome": (3, 1.0, 1),
    "lasting": (3, 0.9, 1),
    "concrete_outcome": (3, 0.5, 1),
    "reaction": (3, 0.9, 1),
    "result_hint": (3, 0.6, 2),
    "lesson": (4, 2.0, 1),
    "practice": (4, 1.8, 1),
    "cliche": (4, 1.2, 1),
    "candid": (4, 0.5, 1),
}


def part_scores(s: Sentence, position: float, first: bool) -> list[float]:
    """The cue score of ``s`` for each part, in PARTS order."""
    c = s.cues
    scores = [0.0, 0.0, 0.0, 0.0, 0.0]
    weights = _WEIGHTS
    for cue, n in c.items():
        w = weights.get(cue)
        if w is not None:
            scores[w[0]] += w[1] * (n if n < w[2] else w[2])
    acts = c.get("act_i", 0)
    if acts:
        scores[2] += 1.5 + 0.4 * min(acts - 1 + c.get("act_more", 0), 3)
        # "I finished the migration", "I laid out two options, open on time or...": outcome
        # words in a step of one's own mostly belong to the step, unless a figure says
        # what changed ("I cut latency by 30%")
        if "num_outcome" not in c:
            scores[3] *= 0.6
    if "result_aim" in c:  # "I opened 13 accounts, short of my target": how it ended
        scores[3] += 2.0
    else:
        if "symptom" in c:
            scores[0] += 0.3 * min(c["symptom"], 2)
        if "act_we" in c and "result_verb" in c:
            scores[2] -= 0.8  # "we reached the campsite": an outcome, told with "we"
    situation, task, action, result, lessons = scores
    if "hypothetical" in c and not lessons:
        action *= 0.3  # "I would first check...": a habit, not a step taken
        situation += 0.3
    if first:
        situation += 0.8 if (action < 1.5 or situation) else 0.5  # a story opens with the scene
    elif position < 0.2 and situation:
        situation += 0.3
    if position < 0.25:
        result *= 0.3  # an outcome word this early is rarely the outcome
    elif position < 0.4:
        result *= 0.6
    elif position > 0.6:
        result *= 1.3
        lessons *= 1.2
        situation *= 0.6
    return [situation, task, action, result, lessons]


def _cost(p: int, q: int) -> float:
    """Cost of moving from part ``p`` (0: before any) to part ``q``."""
    if q < p:
        return _BACK[(p, q)]
    if p == 0:
        return _START[q - 1]
    return _FORWARD if q > p else 0.0


_COST = [[0.0] * 6] + [[_cost(p, q) for p in range(6)] for q in range(1, 6)]  # [q][p]
_STATES = range(6)
_PARTS_1 = range(1, 6)
_COST_1 = _COST[1:]


def _decode(emissions: list[list[float]], asides: list[float]) -> list[int]:
    """The best sequence of parts (1-5, 0 for none) under the order prior."""
    n = len(emissions)
    prev = [0.0, _NEG, _NEG, _NEG, _NEG, _NEG]
    pointers: list[tuple[list[int], list[int]]] = []  # per sentence: part and previous state
    for e, aside in zip(emissions, asides, strict=True):
        # written out for the six states: this runs for every sentence of every answer
        p0, p1, p2, p3, p4, p5 = prev
        cur = [p0 + aside, p1 + aside, p2 + aside, p3 + aside, p4 + aside, p5 + aside]
        part = [0, 0, 0, 0, 0, 0]  # no part: the story stays where it was
        came = [0, 1, 2, 3, 4, 5]
        for q, (c0, c1, c2, c3, c4, c5), score in zip(_PARTS_1, _COST_1, e, strict=True):
            best, arg = p0 - c0, 0  # the first best predecessor wins ties
            if p1 - c1 > best:
                best, arg = p1 - c1, 1
            if p2 - c2 > best:
                best, arg = p2 - c2, 2
            if p3 - c3 > best:
                best, arg = p3 - c3, 3
            if p4 - c4 > best:
                best, arg = p4 - c4, 4
            if p5 - c5 > best:
                best, arg = p5 - c5, 5
            v = best + score
            if v > cur[q]:
                cur[q] = v
                part[q] = q
                came[q] = arg
        pointers.append((part, came))
        prev = cur
    state = max(_STATES, key=lambda p: (prev[p], -p))
    out = [0] * n
    for i in range(n - 1, -1, -1):
        part, came = pointers[i]
        out[i] = part[state]
        state = came[state]
    return out


def segment(sentences: list[Sentence]) -> Segments:
    """Assign each sentence exactly one STAR part, or none."""
    seg = Segments(sentences=sentences, parts={p: [] for p in PARTS})
    labels = [s.label for s in sentences if s.label]
    seg.labelled = len(labels) >= 2 and len(set(labels)) >= 2
    n = len(sentences)
    emissions: list[list[float]] = []
    asides: list[float] = []
    for i, s in enumerate(sentences):
        scores = part_scores(s, i / n, i == 0)
        if seg.labelled and s.label:
            labelled_here = i == 0 or sentences[i - 1].label != s.label or s.body > 0
            scores[PARTS.index(s.label)] += _LABEL if labelled_here else _LABEL_GOES_ON
        if not any(scores):
            seg.unclassified += 1
        aside = "meta" in s.cues or "non_answer" in s.cues
        emissions.append(scores)
        asides.append(_ASIDE if aside else _PADDING if "padding" in s.cues else _NO_CUE)
    if n > 1 and not seg.labelled:
        first = emissions[0]
        if first[0] and first[1] and any(e[1] >= first[1] for e in emissions[1:4]):
            # "I was the project manager for X. ... I had to get one form agreed by March":
            # an opening that names the candidate's role sets the scene when a task follows
            first[0] += first[1]
    roles: list[str | None] = []
    for s, part in zip(sentences, _decode(emissions, asides), strict=True):
        role = PARTS[part - 1] if part else None
        roles.append(role)
        if role:
            seg.parts[role].append(s)
    seg.roles = roles
    return seg
