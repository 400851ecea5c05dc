"""Words, stop words and stems: the tokens every offline feature counts.

Word lists are data (``word_set`` over a block of text); stems come from a small suffix
stripper, cached, so matching a question, a theme or a job description to an answer
compares the same stems everywhere.
"""

from __future__ import annotations

import re
from functools import lru_cache


def word_set(text: str) -> frozenset[str]:
    """A frozenset of the whitespace-separated words of ``text`` (word lists as data)."""
    return frozenset(text.split())


WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*|\d+(?:[.,]\d+)*")

# Words that carry no content. Fillers of spoken answers are here too, so they never
# count as overlap with the question or a theme.
STOPWORDS = word_set(
    """
    a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each
    few for from further had has have having he her here hers him his how i i'd i'm if
    in into is it it's its itself just me more most my myself no nor not now of off on
    once only or other our ours ourselves out over own same she should so some such than
    that that's the their theirs them themselves then there these they this those
    through to too under until up very was we we'd we're were what when where which
    while who whom why will with would you your yours um uh erm er uhm hmm ah oh like
    yeah okay ok basically actually literally really kind sort know mean guess gonna
    wanna got get thing things stuff lot lots pretty quite much many one went go going
    also still even well way ever every anything something everything someone anyone
    around since back just right
    """
)

FILLERS = word_set(
    """
    um uh erm er uhm hmm ah like yeah okay ok basically actually literally
    """
)
FILLER_PHRASE = re.compile(r"\b(?:you know|i mean|sort of|kind of)\b", re.IGNORECASE)

_SUFFIXES = (
    "izations", "isations", "ization", "isation", "ational", "fulness", "iveness",
    "ations", "ation", "ities", "ity", "ness", "ments", "ment", "ings", "ing", "edly",
    "ied", "ies", "ed", "es", "ers", "er", "ly", "ive", "al", "s",
)  # fmt: skip


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A crude, fast, deterministic stemmer: enough to match 'debugging' with 'debug'."""
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    if len(w) <= 3 or w[0].isdigit():
        return w
    for suf in _SUFFIXES:
        if w.endswith(suf) and len(w) - len(suf) >= 3:
            w = w[: -len(suf)]
            if suf in ("ied", "ies"):
                w += "y"
            break
    if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "lsz":
        w = w[:-1]
    if len(w) > 4 and w.endswith("e"):
        w = w[:-1]
    if w.endswith(("is", "ys")):  # analyse/analyze, realised/realized: one stem
        w = w[:-1] + "z"
    return w


_CONTENT_STEM: dict[str, str] = {}  # word -> its stem, "" for stopwords and numbers


def content_stems_of(words: list[str]) -> list[str]:
    """Stems of the content words among ``words`` (lower-cased), in order."""
    cache = _CONTENT_STEM
    try:  # every word seen before (the usual case): one C-level pass
        return [st for st in map(cache.__getitem__, words) if st]
    except KeyError:
        pass
    if len(cache) > 200_000:
        cache.clear()
    out = []
    for w in words:
        st = cache.get(w)
        if st is None:
            st = cache[w] = "" if w in STOPWORDS or w[0] <= "9" else stem(w)
        if st:
            out.append(st)
    return out


def content_stems(text: str) -> list[str]:
    """Stems of the words that carry content, in order (duplicates kept)."""
    return [stem(t) for t in WORD.findall(text.lower()) if t not in STOPWORDS and t[0] > "9"]
