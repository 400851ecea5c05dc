"""Sentences, tokens and stems: the text layer every offline feature is computed on.

Sentences keep their character span in the original answer, so evidence quoted from them
is always a verbatim substring. Spoken transcripts often have no punctuation at all; long
runs are cut at discourse cues ("and then", "so what I did", "in the end") so the STAR
parts can still be told apart.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_left
from dataclasses import dataclass, field

from interviewer.grading.offline.clauses import clause_cut
from interviewer.grading.offline.lexicon import Hit, Lexicon, load_lexicon
from interviewer.grading.offline.words import FILLER_PHRASE, FILLERS, WORD, content_stems_of


@dataclass(slots=True, eq=False)  # identity: each sentence is one span of one answer
class Sentence:
    """A span of the answer (a sentence, or a clause of one) with the features every
    offline step needs, computed once: its words, stems and the cue phrases it holds."""

    index: int
    start: int
    end: int
    text: str  # verbatim answer[start:end]
    words: int
    stems: frozenset[str] = field(default_factory=frozenset)
    tokens: tuple[str, ...] = ()  # lower-cased words without fillers, in order
    stem_list: tuple[str, ...] = ()  # content stems in order, duplicates kept
    label: str | None = None  # explicit "Situation:"-style label, if any
    hits: tuple[Hit, ...] = ()  # cue phrases found in ``tokens`` (lexicon.py)
    cues: dict[str, int] = field(default_factory=dict)  # cue name -> number of hits
    clause: bool = False  # continues the sentence before it (cut between two STAR parts)
    proper: int = 0  # capitalised words past the first: names of places, products, people
    body: int = 0  # offset in ``text`` where the words start (after a label)
    _lower: str | None = None

    @property
    def lower(self) -> str:
        """The text lower-cased, fillers removed, whitespace collapsed."""
        if self._lower is None:
            self._lower = _clean(self.text)
        return self._lower

    def has(self, cue: str) -> bool:
        return cue in self.cues

    def count(self, cue: str) -> int:
        return self.cues.get(cue, 0)

    def spans(self, cue: str) -> list[tuple[int, int]]:
        return [(a, b) for c, a, b in self.hits if c == cue]


# The end mark is matched (not looked behind at: a scan that starts with a look-behind
# tries every position) and stays with the sentence: see split_sentences.
_SENT_BREAK = re.compile(r"[.!?][\"')\]]*\s+|\n\s*\n|\n(?=\s*[-*•\d]|\s*[A-Z])|;\s+")
_END_MARKS = frozenset(".!?")
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
    if (
        ":" not in text
        and "- " not in text
        and "– " not in text
        and "— " not in text
        and text.count(" ") < _MAX_WORDS
    ):
        return [(base, base + len(text))] if text and not text.isspace() else []
    cuts = {0, len(text)}
    if ":" in text or "- " in text or "– " in text or "— " in text:  # labels need one
        for m in LABEL.finditer(text):
            cuts.add(m.start())
    spans = sorted(cuts)
    out: list[tuple[int, int]] = []
    for a, b in itertools.pairwise(spans):
        out.extend(_split_long(text, a, b))
    return [(base + a, base + b) for a, b in out if text[a:b].strip()]


_NONSPACE = re.compile(r"\S+")


def _split_long(text: str, a: int, b: int) -> list[tuple[int, int]]:
    seg = text[a:b]
    if seg.count(" ") < _MAX_WORDS:  # cheap bound: fewer spaces, fewer words
        return [(a, b)]
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
    for s, e in out:  # still too long: cut at commas and colons, else every 30 words
        words = list(_NONSPACE.finditer(text, s, e))
        if len(words) <= _MAX_WORDS:
            final.append((s, e))
            continue
        start = 0  # index of the first word of the current piece
        for i, w in enumerate(words):
            size = i + 1 - start
            last_word = i == len(words) - 1
            if last_word:
                break
            at_mark = w.group(0)[-1] in ",:;" and size >= 12 and len(words) - i - 1 >= _MIN_PIECE
            if at_mark or size >= 30:
                final.append((words[start].start(), w.end()))
                start = i + 1
        final.append((words[start].start(), words[-1].end()))
    return final


_FILLER_PAIRS = frozenset({("you", "know"), ("i", "mean"), ("sort", "of"), ("kind", "of")})
_PAIR_WORDS = frozenset({"know", "mean", "sort", "kind"})


def _keep_mask(low: list[str]) -> list[bool] | None:
    """Which words are not fillers, or None when every word is kept (the usual case)."""
    has_filler = not FILLERS.isdisjoint(low)
    if not has_filler and _PAIR_WORDS.isdisjoint(low):
        return None
    keep = [w not in FILLERS for w in low] if has_filler else [True] * len(low)
    for i in range(1, len(low)):
        if (low[i - 1], low[i]) in _FILLER_PAIRS:
            keep[i - 1] = keep[i] = False
    return None if all(keep) else keep


def _words(raw: str) -> list[str]:
    """The words of ``raw`` lower-cased, fillers removed."""
    if "’" in raw:
        raw = raw.replace("’", "'")
    written = WORD.findall(raw)
    if not written:
        return []
    low = " ".join(written).lower().split(" ")
    keep = _keep_mask(low)
    if keep is not None:
        low = [w for w, k in zip(low, keep, strict=True) if k]
    return low


_CONTRACTED_S = frozenset(
    [
        "it's",
        "that's",
        "there's",
        "here's",
        "what's",
        "let's",
        "he's",
        "she's",
        "who's",
        "where's",
        "how's",
        "one's",
    ]
)


def _no_possessive(word: str) -> str:
    """ "patient's" -> "patient", so cue words match their possessives; "it's" stays."""
    if word.endswith("'s") and len(word) > 3 and word not in _CONTRACTED_S:
        return word[:-2]
    return word


def word_offsets(raw: str, count: int | None = None) -> list[int]:
    """Offsets in ``raw`` of the words ``_words(raw)`` returns, in the same order.

    ``count``: how many words ``_words`` returned; when no filler was dropped (the usual
    case) every word's offset is kept without looking at the words again.
    """
    norm = raw.replace("’", "'") if "’" in raw else raw
    matches = list(WORD.finditer(norm))
    if count == len(matches):
        return [m.start() for m in matches]
    lowered = norm.lower()
    low = WORD.findall(lowered) if len(lowered) == len(norm) else []  # again, in C
    if len(low) != len(matches):
        low = [m.group(0).lower() for m in matches]
    keep = _keep_mask(low)
    if keep is None:
        return [m.start() for m in matches]
    return [m.start() for m in itertools.compress(matches, keep)]


_COMMA_BEFORE = re.compile(r"[,;:–—-]\s*$")
_CAPITALISED = re.compile(r"(?<![\w'’-])[A-Z][A-Za-z'’-]*")
_CAPITAL_RUN = re.compile(r"[A-Z][A-Za-z'’-]*")
_PRONOUN_I = frozenset({"I", "I'm", "I've", "I'd", "I'll", "I’m", "I’ve", "I’d", "I’ll"})


def _proper(raw: str) -> int:
    """Capitalised words past the first, and acronyms: names that make a story specific."""
    first = len(raw) - len(raw.lstrip(" \t\n\"'(*-•"))
    n = 0
    for m in _CAPITALISED.finditer(raw):
        w = m.group(0)
        if len(w) >= 2 and w.isupper() and w.isalpha():
            n += 1  # GPA, ICU, SQL
        elif m.start() != first and w not in _PRONOUN_I:
            n += 1
    return n


def _proper_at(raw: str, start: int, body: int, capitals: list[int]) -> int:
    """``_proper`` from the answer's capitalised words (``_capitals``) in this span."""
    lo = bisect_left(capitals, start + body)
    hi = bisect_left(capitals, start + len(raw))
    if lo == hi:
        return 0
    text = raw[body:] if body else raw
    first = start + body + len(text) - len(text.lstrip(" \t\n\"'(*-•"))
    n = 0
    for k in range(lo, hi):
        pos = capitals[k]
        if pos != first:
            n += 1
        else:  # the first word counts only as an acronym
            m = _CAPITALISED.match(raw, pos - start)
            w = m.group(0) if m else ""
            n += len(w) >= 2 and w.isupper() and w.isalpha()
    return n


def _cue_counts(hits: list[Hit]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for cue, _a, _b in hits:
        counts[cue] = counts.get(cue, 0) + 1
    return counts


def split_sentences(answer: str, lexicon: Lexicon | None = None) -> list[Sentence]:
    """The answer as sentences (and clauses) with verbatim spans; labels apply until the
    next label. A sentence that holds an action and then its result (or a result and then
    the lesson) is cut between the two, so each piece can belong to one STAR part."""
    lex = lexicon or load_lexicon()
    bounds: list[tuple[int, int]] = []
    pos = 0
    for m in _SENT_BREAK.finditer(answer):
        end = m.start()
        if answer[end] in _END_MARKS:
            end += 1  # "...in a day. Then": the full stop ends the sentence
        bounds.extend(_pieces(answer[pos:end], pos))
        pos = m.end()
    bounds.extend(_pieces(answer[pos:], pos))
    sentences: list[Sentence] = []
    current_label: str | None = None
    capitals = _capitals(answer)
    scan = lex.scan
    # the whole answer lower-cased once (same offsets), its words found per sentence in it
    lowered = answer.lower().replace("’", "'")
    if len(lowered) != len(answer):
        lowered = ""
    for start, end in bounds:
        raw = answer[start:end]
        stripped = raw.lstrip()
        start += len(raw) - len(stripped)
        raw = stripped.rstrip()
        if not raw:
            continue
        head = raw[:40]
        label_match = LABEL.match(raw) if (":" in head or "- " in head) else None
        body = 0
        if label_match:
            current_label = _label_dim(label_match.group(1))
            body = label_match.end()
        if lowered:
            low = WORD.findall(lowered, start + body, start + len(raw))
            if not (FILLERS.isdisjoint(low) and _PAIR_WORDS.isdisjoint(low)):  # rare
                keep = _keep_mask(low)
                if keep is not None:
                    low = [w for w, k in zip(low, keep, strict=True) if k]
        else:
            low = _words(raw[body:] if body else raw)
        if "'s" in raw or "’s" in raw:
            low = [_no_possessive(w) for w in low]
        hits = scan(low)
        cut = clause_cut(low, hits, lex) if len(low) >= 8 else None
        if cut is None:
            sentences.append(
                _sentence(sentences, start, raw, body, low, hits, current_label, False, capitals)
            )
            continue
        # cut between parts, again in the second piece ("I did X, and Y rose, and I learned
        # Z"); the first piece keeps the label, the others are clauses of the sentence
        offsets = word_offsets(raw[body:] if body else raw, len(low))
        first, clause = 0, False  # word where the current piece starts; a clause already
        piece_start = 0  # its offset in ``raw``
        while cut is not None:
            head_end, tail_start = cut
            at_which = low[first + head_end] == "which"
            if at_which and not _COMMA_BEFORE.search(raw, 0, body + offsets[first + head_end]):
                break  # "to see which delays...": a question, not a clause about the outcome
            head = raw[piece_start : body + offsets[first + head_end]].rstrip(" ,;:-–—")
            head_hits = [h for h in hits if h[2] <= head_end]
            sentences.append(
                _sentence(sentences, start + piece_start, head, body if not clause else 0,
                          low[first : first + head_end], head_hits, current_label, clause,
                          capitals)
            )  # fmt: skip
            hits = [(c, a - tail_start, b - tail_start) for c, a, b in hits if a >= tail_start]
            first += tail_start
            piece_start = body + offsets[first]
            clause = True
            rest = low[first:]
            cut = clause_cut(rest, hits, lex) if len(rest) >= 8 else None
        sentences.append(
            _sentence(sentences, start + piece_start, raw[piece_start:] if clause else raw,
                      0 if clause else body, low[first:], hits, current_label, clause, capitals)
        )  # fmt: skip
    return sentences


def _capitals(answer: str) -> list[int]:
    """Offsets of the capitalised words of ``answer`` that may be names (not "I")."""
    out = []
    for m in _CAPITAL_RUN.finditer(answer):  # no look-behind: the scan can skip ahead
        i = m.start()
        if i:
            before = answer[i - 1]
            if before.isalnum() or before in "_'’-":
                continue  # inside a word ("eBay"), as _CAPITALISED's look-behind says
        if m.group(0) not in _PRONOUN_I:
            out.append(i)
    return out


def _sentence(
    out: list[Sentence],
    start: int,
    raw: str,
    body: int,
    low: list[str],
    hits: list[Hit],
    label: str | None,
    clause: bool = False,
    capitals: list[int] | None = None,
) -> Sentence:
    stem_list = tuple(content_stems_of(low))
    proper = (
        _proper(raw[body:] if body else raw)
        if capitals is None
        else _proper_at(raw, start, body, capitals)
    )
    # positional: keywords cost twice as much, and this runs for every sentence
    return Sentence(
        len(out),  # index
        start,
        start + len(raw),  # end
        raw,  # text
        len(low),  # words
        frozenset(stem_list),  # stems
        tuple(low),  # tokens
        stem_list,
        label,
        tuple(hits),
        _cue_counts(hits),  # cues
        clause,
        proper,
        body,
    )


def quote(sentence: Sentence, limit: int = 220) -> str:
    """A verbatim quote of the sentence, cut at a word boundary when it is long."""
    text = sentence.text
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > 40 else limit].rstrip(" ,;:-")
