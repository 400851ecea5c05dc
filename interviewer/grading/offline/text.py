"""Sentences, tokens and stems: the text layer every offline feature is computed on.

Sentences keep their character span in the original answer, so evidence quoted from them
is always a verbatim substring. Spoken transcripts often have no punctuation at all; long
runs are cut at discourse cues ("and then", "so what I did", "in the end") so the STAR
parts can still be told apart.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
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


def content_stems(text: str) -> list[str]:
    """Stems of the words that carry content, in order (duplicates kept)."""
    return [stem(t) for t in WORD.findall(text.lower()) if t not in STOPWORDS and t[0] > "9"]


@dataclass(slots=True, eq=False)  # identity: each sentence is one span of one answer
class Sentence:
    """A span of the answer with the features the segmenter and scorers need."""

    index: int
    start: int
    end: int
    text: str  # verbatim answer[start:end]
    lower: str  # lower-cased, fillers removed, whitespace collapsed
    words: int
    stems: frozenset[str] = field(default_factory=frozenset)
    tokens: tuple[str, ...] = ()  # words of ``lower``, in order
    stem_list: tuple[str, ...] = ()  # content stems in order, duplicates kept
    label: str | None = None  # explicit "Situation:"-style label, if any


_SENT_BREAK = re.compile(r"(?<=[.!?])[\"')\]]*\s+|\n\s*\n|\n(?=\s*[-*•\d]|\s*[A-Z])|;\s+")
LABEL = re.compile(
    r"(?:^|(?<=[\s.;]))(?:\*\*)?(situation|context|background|task|goal|action|actions|"
    r"approach|result|results|outcome|impact|lessons?(?:[ -]learn(?:ed|t))?|learnings?|"
    r"reflection|takeaways?)(?:\*\*)?\s*(?::|-\s|–\s|—\s)",
    re.IGNORECASE,
)
LABEL_DIM = {
    "situation": "situation", "context": "situation", "background": "situation",
    "task": "task", "goal": "task", "action": "action", "actions": "action",
    "approach": "action", "result": "result", "results": "result", "outcome": "result",
    "impact": "result", "reflection": "lessons_learned",
}  # fmt: skip

# Where an unpunctuated run of speech may be cut: before these discourse cues.
_CUE = re.compile(
    r"\b(?:and then|so then|then i|after that|so what i did|what i did|so i|and so i|"
    r"first i|next i|in the end|eventually|finally|as a result|the result was|"
    r"what i learned|what i learnt|i learned|i learnt|the lesson|looking back|in hindsight|"
    r"next time|since then|now i|but then|but i|because|which meant|my job|my role|"
    r"i was asked|i was responsible|the goal|the problem was|it turned out|turns out)\b",
    re.IGNORECASE,
)
_MAX_WORDS = 45
_MIN_PIECE = 7


def _label_dim(raw: str) -> str:
    key = raw.lower()
    if key in LABEL_DIM:
        return LABEL_DIM[key]
    return "lessons_learned"


_FILLER_WORD = re.compile(
    r"(?<![\w'])(?:um|uh|erm|er|uhm|hmm|ah|like|yeah|okay|ok|basically|actually|literally)"
    r"(?![\w'])[,.]?"
)


def _clean(text: str) -> str:
    low = text.lower()
    if "you know" in low or "i mean" in low or "sort of" in low or "kind of" in low:
        low = FILLER_PHRASE.sub(" ", low)
    words = low.split()
    if FILLERS.isdisjoint(w.strip(",.") for w in words):
        return " ".join(words)
    return " ".join(_FILLER_WORD.sub(" ", low).split())


def _pieces(text: str, base: int) -> list[tuple[int, int]]:
    """Split one chunk (offsets relative to the answer) at labels, then cues if too long."""
    cuts = {0, len(text)}
    if ":" in text or "- " in text or "– " in text or "— " in text:  # labels need one
        for m in LABEL.finditer(text):
            cuts.add(m.start())
    spans = sorted(cuts)
    out: list[tuple[int, int]] = []
    for a, b in itertools.pairwise(spans):
        out.extend(_split_long(text, a, b))
    return [(base + a, base + b) for a, b in out if text[a:b].strip()]


def _split_long(text: str, a: int, b: int) -> list[tuple[int, int]]:
    seg = text[a:b]
    if len(seg.split()) <= _MAX_WORDS:
        return [(a, b)]
    out: list[tuple[int, int]] = []
    last = 0
    for m in _CUE.finditer(seg):
        pos = m.start()
        if len(seg[last:pos].split()) >= _MIN_PIECE:
            out.append((a + last, a + pos))
            last = pos
    out.append((a + last, b))
    final: list[tuple[int, int]] = []
    for s, e in out:  # still too long (a run with no cues): cut every 30 words
        words = list(re.finditer(r"\S+", text[s:e]))
        if len(words) <= _MAX_WORDS:
            final.append((s, e))
            continue
        for i in range(0, len(words), 30):
            chunk = words[i : i + 30]
            final.append((s + chunk[0].start(), s + chunk[-1].end()))
    return final


def split_sentences(answer: str) -> list[Sentence]:
    """The answer as sentences with verbatim spans; labels apply until the next label."""
    bounds: list[tuple[int, int]] = []
    pos = 0
    for m in _SENT_BREAK.finditer(answer):
        bounds.extend(_pieces(answer[pos : m.start()], pos))
        pos = m.end()
    bounds.extend(_pieces(answer[pos:], pos))
    sentences: list[Sentence] = []
    current_label: str | None = None
    for start, end in bounds:
        raw = answer[start:end]
        lead = len(raw) - len(raw.lstrip())
        start += lead
        raw = raw.strip()
        if not raw:
            continue
        label_match = LABEL.match(raw) if (":" in raw[:40] or "- " in raw[:40]) else None
        if label_match:
            current_label = _label_dim(label_match.group(1))
        low = _clean(raw)
        tokens = tuple(WORD.findall(low))
        stem_list = tuple(stem(t) for t in tokens if t not in STOPWORDS and t[0] > "9")
        sentences.append(
            Sentence(
                index=len(sentences),
                start=start,
                end=start + len(raw),
                text=raw,
                lower=low,
                words=len(tokens),
                stems=frozenset(stem_list),
                tokens=tokens,
                stem_list=stem_list,
                label=current_label,
            )
        )
    return sentences


def quote(sentence: Sentence, limit: int = 220) -> str:
    """A verbatim quote of the sentence, cut at a word boundary when it is long."""
    text = sentence.text
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > 40 else limit].rstrip(" ,;:-")


def _top_alternatives(body: str) -> list[str] | None:
    """The top-level ``|`` branches of a group body, or None if the group is unbalanced."""
    out, depth, cur, i = [], 0, [], 0
    while i < len(body):
        ch = body[i]
        if ch == "\\":
            cur.append(body[i : i + 2])
            i += 2
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                return None
        if ch == "|" and depth == 0:
            out.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
        i += 1
    return [*out, "".join(cur)]


def _first_chars(pattern: str) -> set[str] | None:
    """Characters a match of ``pattern`` can start with, or None when unsure."""
    top = _top_alternatives(pattern)
    if top is None:
        return None
    if len(top) > 1:
        chars: set[str] = set()
        for alt in top:
            sub = _first_chars(alt)
            if sub is None:
                return None
            chars |= sub
        return chars
    if pattern.startswith("\\d"):
        return set("0123456789")
    if pattern.startswith("[") and "]" in pattern[1:]:
        body = pattern[1 : pattern.index("]", 1)]
        return None if ("-" in body[1:-1] or "\\" in body or body.startswith("^")) else set(body)
    if pattern.startswith("\\b"):
        pattern = pattern[2:]
    if not pattern.startswith("(?:"):
        first = pattern[:1]
        return {first} if first.isalnum() or first in "'$-" else None
    depth, end = 0, -1
    for i, ch in enumerate(pattern):
        if ch == "\\":
            continue
        depth += ch == "("
        depth -= ch == ")"
        if depth == 0:
            end = i
            break
    if end < 0 or pattern[end + 1 : end + 2] in ("?", "*", "{"):
        return None
    alts = _top_alternatives(pattern[3:end])
    if alts is None:
        return None
    chars = set()
    for alt in alts:
        sub = _first_chars(alt)
        if sub is None:
            return None
        chars |= sub
    return chars


def cue_pattern(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """Compile a word-cue pattern for lower-cased text, as fast as ``re`` allows.

    Python's ``re`` scans a pattern that opens with ``\\b(?:word|word...)`` position by
    position; a leading lookahead on the possible first letters lets it skip ahead with a
    character-set test instead (about 20% faster on these cue lists). Same matches.
    """
    chars = _first_chars(pattern)
    if chars and all(len(c) == 1 for c in chars):
        klass = "".join(sorted(re.escape(c) for c in chars))
        pattern = f"(?=[{klass}])(?:{pattern})"
    return re.compile(pattern, flags)
