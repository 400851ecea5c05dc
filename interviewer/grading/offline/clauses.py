"""Where one sentence moves from one STAR part to a later one, so it can be cut in two.

"I retrained it and recall went from 0.6 to 0.8" is an action and a result; the cue
phrases the lexicon finds in each half tell the parts apart (``split_sentences`` calls
``clause_cut`` on sentences of eight words or more).
"""

from __future__ import annotations

from interviewer.grading.offline.lexicon import Hit, Lexicon

# Cue groups, in story order, between which one sentence may be cut.
_SCENE_CUES = frozenset({"situation"})
_TASK_CUES = frozenset({"task"})
_ACTION_CUES = frozenset({"act_i", "act_we"})
_RESULT_CUES = frozenset(
    {
        "result",
        "result_done",
        "num_outcome",
        "result_aim",
        "lasting",
        "vague_outcome",
        "concrete_outcome",
        "reaction",
    }
)
_LESSON_CUES = frozenset({"lesson", "practice"})
_CONJ = frozenset({"and", "which", "so", "but", "then"})
_RELATIVE = frozenset({"that", "who", "which"})  # "a release that had to ship by March"
_NEW_SUBJECT = frozenset({"i", "we", "it", "this", "that", "they", "the", "our", "my", "its"})


_GROUPS = {
    **dict.fromkeys(_SCENE_CUES, 1),
    **dict.fromkeys(_TASK_CUES, 2),
    **dict.fromkeys(_ACTION_CUES, 3),
    **dict.fromkeys(_RESULT_CUES, 4),
    **dict.fromkeys(_LESSON_CUES, 5),
}


def _group(cue: str) -> int:
    return _GROUPS.get(cue, 0)


def clause_cut(low: list[str], hits: list[Hit], lex: Lexicon) -> tuple[int, int] | None:
    """Where to cut a sentence that moves from one STAR part to a later one ("I retrained
    it and recall went from 0.6 to 0.8"): the end of the first piece and the start of the
    second, in words (the conjunction opens the second piece); or None.

    The cut is at the last conjunction between the end of the earlier part's cue and the
    start of the later part's cue. It needs a new subject after the conjunction ("and
    recall went", "and I learned"), a relative clause ("which cut costs") or a figure in
    the later clause ("and cut latency by 30%"), so "I built a checklist and used it on
    the next onboarding" stays whole.
    """
    grouped: list[tuple[int, int, int]] = []
    groups: set[int] = set()
    group_of = _GROUPS.get
    for cue_name, a, b in hits:  # a plain loop: this runs for every sentence
        g = group_of(cue_name)
        if g:
            grouped.append((a, b, g))
            groups.add(g)
    if len(groups) < 2 and 2 not in groups and 5 not in groups:
        return None  # one part only: nothing to cut off
    if _CONJ.isdisjoint(low) and _RELATIVE.isdisjoint(low) and not (1 in groups and 2 in groups):
        return None  # nothing to cut at
    grouped.sort()
    joins: list[int] | None = None  # where conjunctions are, found when first needed
    ended: dict[int, int] = {}  # cue group -> earliest end of a hit of it seen so far
    for a, b, g in grouped:
        # where the first hit of an earlier part ended, or (among action, result and lesson)
        # of any other part: "I now do X, and the team adopted it" holds a lesson and a result
        earliest = -1
        for k, end in ended.items():
            if (k < g or (k != g and k >= 3 and g >= 3)) and (earliest < 0 or end < earliest):
                earliest = end
        seen = ended.get(g)
        if seen is None or b < seen:
            ended[g] = b
        if g in (2, 5) and earliest < 0 and low[a] in ("i", "we", "my"):
            # "X failed because Y, and I learned Z", "X cost too much, and I was asked to
            # fix it": the lesson or the task stands apart from what came before
            earliest = 4
        if earliest < 0 or earliest > a:
            continue
        start = max(earliest, 3)
        if joins is None:
            joins = [i for i, w in enumerate(low) if w in _CONJ or w in _RELATIVE]
        conj = [
            i
            for i in joins
            if start <= i <= a and (low[i] in _CONJ or (g == 2 and low[i] in _RELATIVE))
        ]
        if not conj:
            if g == 2 and a >= 4 and low[a] in ("i", "my") and 1 in ended:
                return a, a  # "In my second year at university I committed to ...": the
                # scene, then the task, with no conjunction between them
            continue
        c = conj[-1]
        if len(low) - c < 3:
            continue
        if any(cue == "act_i" and c <= h_a < a for cue, h_a, _h_b in hits):
            continue  # another action of the candidate comes first
        if low[c] not in _RELATIVE:
            nxt = low[c + 1]
            if nxt not in _NEW_SUBJECT and lex.is_past(nxt) and g != 2:
                # ("and promised the trustees we would raise £20,000" is a task even so)
                numbers = any(lex.is_number(w) for w in low[c + 1 :])
                if not (numbers and g == 4):
                    continue  # "and used it on the next one": the same subject goes on
        return c, c  # the conjunction opens the second piece: nothing is left out
    return None
