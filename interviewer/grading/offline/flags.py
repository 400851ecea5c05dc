"""Answer-level conditions: too short, rambling, off-topic, no first person.

Off-topic is measured as the share of the answer's content words that belong to the
question, the rubric's themes or a small work/ML vocabulary: a story about baking bread
shares almost none, whatever it claims about itself.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import lru_cache

from interviewer.core.rubric import Rubric
from interviewer.grading.offline.feedback import Templates
from interviewer.grading.offline.segment import Segments
from interviewer.grading.offline.text import Sentence, content_stems, word_set

_HEDGE = re.compile(
    r"\b(?:i think|maybe|i'm not sure|i don't remember|anyway|whole other story|or maybe|"
    r"kind of|sort of|i guess|probably|it's hard to say|who knows)\b"
)


@dataclass(slots=True)
class AnswerStats:
    words: int
    content: int  # content words
    on_topic: int  # content words on topic
    i_count: int
    we_count: int

    @property
    def topic_ratio(self) -> float:
        return self.on_topic / self.content if self.content else 0.0


@lru_cache(maxsize=256)
def topic_stems(
    question_text: str, theme_text: str, work: frozenset[str], ignored: frozenset[str]
) -> frozenset[str]:
    """Stems that mark an answer as on topic: the question's, the themes' and work words."""
    own = frozenset(content_stems(question_text)) | frozenset(content_stems(theme_text))
    return (own - ignored) | work


def rubric_theme_text(rubric: Rubric) -> str:
    return " ".join(" ".join([d.name, d.description, *d.indicators]) for d in rubric.themes)


_I_WORDS = word_set("i me my myself mine i'm i've i'd i'll")
_WE_WORDS = word_set("we us our ours ourselves we're we've we'd")


_HEDGE_VERBS = word_set("think guess believe feel suppose reckon")


def _hedge_i(tokens: tuple[str, ...]) -> int:
    """ "I think", "I guess": opinions, not the candidate's own actions."""
    return sum(1 for a, b in itertools.pairwise(tokens) if a == "i" and b in _HEDGE_VERBS)


def answer_stats(sentences: list[Sentence], topic: frozenset[str]) -> AnswerStats:
    """Counts over the answer without fillers ("um", "you know", "I mean" are not words)."""
    words = content = on_topic = i_count = we_count = 0
    for s in sentences:
        words += len(s.tokens)
        content += len(s.stem_list)
        on_topic += sum(1 for st in s.stem_list if st in topic)
        i_count += sum(1 for t in s.tokens if t in _I_WORDS) - _hedge_i(s.tokens)
        we_count += sum(1 for t in s.tokens if t in _WE_WORDS) + s.lower.count("the team")
    return AnswerStats(words, content, on_topic, i_count, we_count)


def is_off_topic(stats: AnswerStats, tpl: Templates) -> bool:
    lim = tpl.limits
    if stats.content == 0:
        return True
    if stats.content < 6:
        return stats.on_topic == 0
    return stats.topic_ratio < lim.off_topic_ratio or (
        stats.content >= 25 and stats.on_topic < lim.off_topic_min_hits
    )


def is_rambling(stats: AnswerStats, seg: Segments, tpl: Templates) -> bool:
    """Long and loosely structured, or simply far too long to be an interview answer."""
    lim = tpl.limits
    if stats.words >= lim.rambling_hard_words:
        return True
    if stats.words < lim.rambling_words:
        return False
    n = max(len(seg.sentences), 1)
    hedges = len(_HEDGE.findall(" ".join(s.lower for s in seg.sentences)))
    return seg.unclassified / n >= 0.2 or stats.topic_ratio < 0.25 or hedges >= 4
