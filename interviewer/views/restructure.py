"""An answer's own sentences in STAR order: the offline "stronger version".

The offline grader cannot rewrite an answer, and it must not put words in a candidate's
mouth. What it can do is show the story in Situation-Task-Action-Result-Lessons order,
built only from the candidate's sentences (each exactly once, none changed), with a
bracketed placeholder for every part the answer lacks ("[Result: what changed, with a
number]"). The placeholders live in ``rubrics/feedback/report.yaml``.

Pure: the offline text layer's ``split_sentences`` and ``segment`` find the parts; nothing
is printed or stored here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from interviewer.views.summary import LABELS

# The order a told story follows. "quantified_results" is a quality of the result, not a
# part of its own, so it has no place in the order.
STAR_ORDER = ("situation", "task", "action", "result", "lessons_learned")
_ALIASES = {"lessons_learned": ("lessons_learned", "lessons")}

# "Situation: ...", "**Result** - ...": a sentence that already names its part.
_OWN_LABEL = re.compile(
    r"^[*_\s]*(?:situation|context|background|task|goal|actions?|approach|results?|outcome|"
    r"impact|lessons?(?:[ -]learn(?:ed|t))?|learnings?|reflection|takeaways?)[*_]*\s*[:\-–—]",
    re.IGNORECASE,
)


@cache
def placeholders() -> dict[str, str]:
    """Placeholder per STAR part, from ``rubrics/feedback/report.yaml``."""
    from interviewer.core.datafile import load_yaml
    from interviewer.core.resources import rubrics_dir

    data = load_yaml(rubrics_dir() / "feedback" / "report.yaml")["star_order_placeholders"]
    return {part: _bracketed(str(data[part])) for part in STAR_ORDER}


def _bracketed(text: str) -> str:
    text = text.strip()
    return text if text.startswith("[") and text.endswith("]") else f"[{text}]"


@dataclass(frozen=True)
class StarPart:
    """One part of the story: the candidate's sentences, or the placeholder for it.

    ``body`` is the sentences as one paragraph: sentences that followed each other in the
    answer keep what stood between them ("...; I also..."), and a piece cut out of a
    longer sentence gets a full stop where it now ends. Only punctuation is ever added.
    """

    part: str
    sentences: tuple[str, ...] = ()
    placeholder: str = ""
    body: str = ""
    # A sentence told two parts at once ("I rewrote the query, and timeouts went from 40 a
    # day to 2") stands in one of them; the other is ``covered_in`` that one, which lists
    # it in ``also``. A covered part is not missing.
    covered_in: str = ""
    also: tuple[str, ...] = ()

    @property
    def missing(self) -> bool:
        return not self.sentences and not self.covered_in

    @property
    def tells(self) -> tuple[str, ...]:
        """The parts this paragraph tells: its own, then those it covers."""
        return (self.part, *self.also)

    @property
    def name(self) -> str:
        """Its label: "Action", or "Action / Result" when it also tells the result."""
        return " / ".join(LABELS.get(p, p) for p in self.tells)


@dataclass(frozen=True)
class Restructured:
    """The answer in STAR order, one entry per part of ``STAR_ORDER``."""

    parts: tuple[StarPart, ...] = field(default_factory=tuple)

    @property
    def missing(self) -> list[str]:
        """The parts the answer lacks, in story order."""
        return [p.part for p in self.parts if p.missing]

    def text(self, labels: bool = False) -> str:
        """One paragraph per part; a missing part is its placeholder.

        With ``labels`` a present part starts with its name ("Action: ..."), unless the
        candidate already named it there ("Action: I ...").
        """
        out = []
        for p in self.parts:
            if p.covered_in:
                continue
            if p.missing:
                out.append(p.placeholder)
                continue
            body = p.body or " ".join(p.sentences)
            if labels and not _OWN_LABEL.match(p.sentences[0]):
                body = f"{p.name}: {body}"
            out.append(body)
        return "\n\n".join(out)


def restructure(answer: str, texts: Mapping[str, str] | None = None) -> Restructured:
    """``answer``'s sentences regrouped as S-T-A-R-L, placeholders for missing parts.

    Each sentence goes to exactly one part, keeping its order within the part. A sentence
    the segmenter gives two parts goes where it is needed (a part that would otherwise be
    empty), else next to the nearest sentence of one of its parts; a sentence with no
    part stays with the sentence before it (or after it, at the start).
    """
    from interviewer.grading.offline.segment import segment
    from interviewer.grading.offline.text import split_sentences

    texts = texts if texts is not None else placeholders()
    sentences = [s for s in split_sentences(answer) if _text(s).strip()]
    if not sentences:
        return Restructured(tuple(StarPart(p, (), texts[p]) for p in STAR_ORDER))
    seg = segment(sentences)
    keys = [_key(s) for s in sentences]
    position = {k: i for i, k in enumerate(keys)}
    member: dict[int, list[str]] = {i: [] for i in range(len(sentences))}
    for part in STAR_ORDER:
        for s in _sentences_of(seg, part):
            i = position.get(_key(s))
            if i is not None and part not in member[i]:
                member[i].append(part)
    assigned = _assign(member, len(sentences))
    grouped: dict[str, list[int]] = {p: [] for p in STAR_ORDER}
    for i in range(len(sentences)):
        grouped[assigned[i]].append(i)
    covered_in: dict[str, str] = {}
    for part in STAR_ORDER:
        if not grouped[part]:
            told = [assigned[i] for i in range(len(sentences)) if part in member[i]]
            if told:
                covered_in[part] = told[0]
    out = []
    for part in STAR_ORDER:
        own = tuple(_text(sentences[i]).strip() for i in grouped[part])
        body = _paragraph(answer, sentences, grouped[part])
        where = covered_in.get(part, "")
        also = tuple(p for p in STAR_ORDER if covered_in.get(p) == part)
        placeholder = "" if own or where else texts[part]
        out.append(StarPart(part, own, placeholder, body, where, also))
    return Restructured(tuple(out))


_END = re.compile(r"[.!?…][\"')\]]*$")


def _paragraph(answer: str, sentences: list[Any], indices: list[int]) -> str:
    """The sentences at ``indices`` as one paragraph (see ``StarPart.body``)."""
    out = ""
    for n, i in enumerate(indices):
        text = _text(sentences[i]).strip()
        if n:
            prev = indices[n - 1]
            glue = _glue(answer, sentences[prev], sentences[i]) if i == prev + 1 else None
            if glue is None:
                out = _ended(out) + " "
            else:
                out += glue
        out += text
    return _ended(out) if out else ""


def _glue(answer: str, before: Any, after: Any) -> str | None:
    """What stood between two consecutive sentences, whitespace collapsed; None when the
    spans are not known or the break was a paragraph (the pieces then end as sentences)."""
    end, start = getattr(before, "end", None), getattr(after, "start", None)
    if not isinstance(end, int) or not isinstance(start, int) or start < end:
        return None
    between = answer[end:start]
    if "\n" in between:
        return None
    return " ".join(between.split()) + " " if between.strip() else " "


def _ended(text: str) -> str:
    """``text`` ending as a sentence: a full stop added when it has none."""
    text = text.rstrip()
    return text if not text or _END.search(text) else text + "."


def _assign(member: dict[int, list[str]], n: int) -> dict[int, str]:
    """One part per sentence index (see ``restructure``)."""
    assigned: dict[int, str] = {i: parts[0] for i, parts in member.items() if len(parts) == 1}
    for i in range(n):  # sentences of several parts, in answer order
        parts = sorted(member[i], key=STAR_ORDER.index)
        if len(parts) < 2:
            continue
        taken = set(assigned.values())
        empty = [p for p in parts if p not in taken]
        if empty:
            assigned[i] = empty[0]
            continue

        def distance(part: str, i: int = i) -> int:
            return min(abs(j - i) for j, p in assigned.items() if p == part)

        assigned[i] = min(parts, key=lambda p: (distance(p), STAR_ORDER.index(p)))
    for i in range(n):  # no part: continue the part before (or, at the start, after)
        if i in assigned:
            continue
        before = [assigned[j] for j in range(i - 1, -1, -1) if j in assigned]
        after = [assigned[j] for j in range(i + 1, n) if j in assigned]
        assigned[i] = (before or after or ["situation"])[0]
    return assigned


def _sentences_of(seg: Any, part: str) -> list[Any]:
    """The segmenter's sentences for ``part``, read through its public shape (a ``parts``
    mapping, or an ``of(part)`` method); fields it gains later do not matter here."""
    parts = getattr(seg, "parts", None)
    of = getattr(seg, "of", None)
    for name in _ALIASES.get(part, (part,)):
        if isinstance(parts, Mapping) and name in parts:
            return list(parts[name] or ())
        if callable(of):
            found = of(name)
            if found:
                return list(found)
    return []


def _key(sentence: Any) -> tuple[int, int] | int:
    start, end = getattr(sentence, "start", None), getattr(sentence, "end", None)
    return (start, end) if isinstance(start, int) and isinstance(end, int) else id(sentence)


def _text(sentence: Any) -> str:
    return str(getattr(sentence, "text", sentence))
