"""Score each key theme from the rubric's indicators by stem overlap, sentence by sentence.

An indicator counts as shown when one sentence shares enough distinctive stems with it
(synonyms from the feedback data widen the match: "bisected" shows "localise the fault").
Common work words ("data", "model", "team") count half, so a sentence that merely mentions
data does not show "data quality".
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from interviewer.grading.offline.text import Sentence
from interviewer.grading.offline.words import content_stems

STRONG = 2.0
WEAK = 1.0


@dataclass(slots=True)
class ThemeScore:
    score: int
    evidence: list[Sentence]
    shown: int  # indicators clearly shown


@lru_cache(maxsize=512)
def _indicator_stems(
    text: str, synonyms: tuple[tuple[str, tuple[str, ...]], ...]
) -> frozenset[str]:
    stems = set(content_stems(text))
    for key, group in synonyms:
        if key in stems or stems.intersection(group):
            stems.add(key)
            stems.update(group)
    return frozenset(stems)


Synonyms = tuple[tuple[str, tuple[str, ...]], ...]
Prepared = tuple[list[frozenset[str]], frozenset[str], frozenset[str]]
_PREPARED: dict[tuple[int, str, tuple[str, ...]], Prepared] = {}


def _prepared(description: str, indicators: tuple[str, ...], synonyms: Synonyms) -> Prepared:
    """Each indicator's stems and every stem any of them matches, once per theme (keyed
    by the synonym groups' identity: hashing them on every answer would cost more than
    the matching)."""
    key = (id(synonyms), description, indicators)
    found = _PREPARED.get(key)
    if found is None:
        each = [_indicator_stems(ind, synonyms) for ind in indicators]
        found = (each, frozenset().union(*each), _indicator_stems(description, synonyms))
        if len(_PREPARED) > 1024:
            _PREPARED.clear()
        _PREPARED[key] = found
    return found


def score_theme(
    sentences: list[Sentence],
    description: str,
    indicators: list[str],
    synonyms: tuple[tuple[str, tuple[str, ...]], ...],
    common: frozenset[str],
    reflective: bool,
) -> ThemeScore:
    """0-5 per the generic theme scale: allusion 1, weak behaviour 2, one indicator 3 ..."""
    strong: list[Sentence] = []
    weak: list[Sentence] = []
    shown = 0
    hinted = 0
    each, wanted, described = _prepared(description, tuple(indicators), synonyms)
    # each sentence's stems that some indicator wants: one set intersection per sentence
    found = [(s, hit) for s in sentences if (hit := wanted & s.stems)]
    answer_stems = frozenset().union(*(hit for _s, hit in found))
    for ind_stems in each:
        stems = ind_stems & answer_stems
        if not stems:
            continue
        best, best_w = None, 0.0
        for s, hit in found:
            shared = stems & hit
            if not shared:
                continue
            w = len(shared) - 0.5 * len(shared & common)  # common stems count half
            if w > best_w:
                best, best_w = s, w
        if best is None:
            continue
        if best_w >= STRONG:
            shown += 1
            if best not in strong:
                strong.append(best)
        elif best_w >= WEAK:
            hinted += 1
            if best not in weak:
                weak.append(best)
    if shown >= 3 and reflective:
        return ThemeScore(5, strong[:3], shown)
    if shown >= 2:
        return ThemeScore(4, strong[:3], shown)
    if shown == 1:
        return ThemeScore(3, strong[:2], shown)
    if hinted:
        return ThemeScore(2, weak[:2], shown)
    desc = described - common
    for s in sentences:
        if len(desc.intersection(s.stems)) >= 1:
            return ThemeScore(1, [s], 0)
    return ThemeScore(0, [], 0)
