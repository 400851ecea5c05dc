"""The offline grader's word lists and cue phrases (``rubrics/lexicon/*.yaml``), and the
token matcher that finds every cue of a sentence in one pass over its words.

Phrases are written in a small token language (documented at the top of each data file):

- ``word`` one word; ``a|b`` one of several; ``[a|b]`` optional; ``pre~`` any word that
  starts with ``pre``; ``@name`` any word of the named set; ``*`` any one word;
  ``<num>`` a number (digits or a number word); ``<past>`` a past-tense verb;
  ``<act>`` a past-tense verb that names an action (not ``was``, ``felt``, ``thought``...);
  ``<ing>`` a word ending in -ing.

All phrases of all files are compiled into one token trie. A sentence is matched by
walking its words once, carrying the few partial matches in flight (an NFA over the
trie), so the cost is linear in the answer and independent of the number of phrases'
texts: no regular expression runs per cue.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path

from pydantic import Field

from interviewer.core.datafile import StrictModel, load_model
from interviewer.core.errors import DataError
from interviewer.core.resources import rubrics_dir
from interviewer.core.rubric import content_hash

PHRASE_FILES = ("parts", "outcomes", "lessons", "substance", "numbers")
CLASSES = ("<past>", "<act>", "<num>", "<ing>", "*")


class PhraseFile(StrictModel):
    """A lexicon file of named word sets and cue phrases."""

    sets: dict[str, str] = Field(default_factory=dict)
    cues: dict[str, list[str]] = Field(default_factory=dict)


class FieldWords(StrictModel):
    """A field a question may name ("an ML system"): its trigger words and its vocabulary."""

    triggers: str
    words: str
    min_words: int = Field(default=2, ge=1)


class Situations(StrictModel):
    """``situations.yaml``: what a story can be about, in any field of work or life."""

    families: dict[str, str]
    fields: dict[str, FieldWords]
    settings: dict[str, str]
    generic: str
    question_ignore: str


class Language(StrictModel):
    """``language.yaml``: function words that tell English from other languages."""

    english: str
    others: dict[str, str]
    min_words: int = Field(ge=1)
    max_english_share: float = Field(ge=0, le=1)
    min_other_share: float = Field(ge=0, le=1)
    max_foreign_script: float = Field(ge=0, le=1)


@dataclass(slots=True)
class _Node:
    children: dict[str, _Node] = field(default_factory=dict)
    ends: tuple[str, ...] = ()
    any: _Node | None = None  # the child reached by any word ("*")
    goes_on: bool = False  # a longer phrase continues from here
    # word -> (cues ending on it, nodes going on from it): each step computed once
    steps: dict[str, tuple[tuple[str, ...], tuple[_Node, ...]]] = field(default_factory=dict)


Hit = tuple[str, int, int]  # cue name, first token, one past the last token


def _mark(node: _Node) -> None:
    """Set ``goes_on`` on every node of a trie (iteratively: tries can be deep)."""
    stack = [node]
    while stack:
        n = stack.pop()
        n.goes_on = bool(n.children) or n.any is not None
        stack.extend(n.children.values())
        if n.any is not None:
            stack.append(n.any)


class Lexicon:
    """Every word list and the compiled cue matcher."""

    def __init__(
        self,
        phrases: dict[str, PhraseFile],
        situations: Situations,
        language: Language,
        digest: str,
    ) -> None:
        self.hash = digest
        self.situations = situations
        self.language = language
        self.sets: dict[str, frozenset[str]] = {}
        prefixes: dict[str, set[str]] = {}
        for name, pf in phrases.items():
            for set_name, text in pf.sets.items():
                if set_name in self.sets:
                    raise DataError(_path(name), f"sets.{set_name}", "defined twice")
                words = text.split()
                self.sets[set_name] = frozenset(w for w in words if not w.endswith("~"))
                prefixes[set_name] = {w[:-1] for w in words if w.endswith("~")}
        self._set_prefixes = {k: tuple(sorted(v)) for k, v in prefixes.items() if v}
        self.cue_names: set[str] = set()
        self._root = _Node()
        self._literals: set[str] = set()
        self._used_sets: set[str] = set()
        self._prefixes: set[str] = set()
        self._classes: set[str] = set()
        for name, pf in phrases.items():
            for cue, items in pf.cues.items():
                self.cue_names.add(cue)
                for i, phrase in enumerate(items):
                    for seq in self._expand(phrase, f"{_path(name).name}: cues.{cue}[{i}]"):
                        self._insert(seq, cue)
        self._prefix_lengths = sorted({len(p) for p in self._prefixes})
        _mark(self._root)
        self._word_sets: dict[str, tuple[str, ...]] = {}
        for set_name in sorted(self._used_sets):
            for w in self.sets[set_name]:
                self._word_sets[w] = (*self._word_sets.get(w, ()), "@" + set_name)
        self._atoms: dict[str, tuple[str, ...]] = {}
        self._stepped: list[_Node] = []  # nodes with cached steps
        self._step_count = 0
        self._past = self.sets.get("past_irregular", frozenset())
        self._not_past = self.sets.get("not_past", frozenset())
        self._not_actions = self.sets.get("not_actions", frozenset())
        self._numbers = self.sets.get("number_words", frozenset())

    # -- compiling --------------------------------------------------------------------

    def _expand(self, phrase: str, where: str) -> list[tuple[str, ...]]:
        options: list[list[str | None]] = []
        for spec in phrase.split():
            optional = spec.startswith("[") and spec.endswith("]")
            body = spec[1:-1] if optional else spec
            alts: list[str | None] = [self._atom(a, where) for a in body.split("|")]
            if optional:
                alts.append(None)
            options.append(alts)
        out = []
        for combo in itertools.product(*options):
            seq = tuple(a for a in combo if a is not None)
            if not seq:
                raise DataError(None, where, f"phrase {phrase!r} can match nothing")
            if seq[0] == "*":
                raise DataError(None, where, f"phrase {phrase!r} cannot start with '*'")
            out.append(seq)
        return out

    def _atom(self, spec: str, where: str) -> str:
        if not spec:
            raise DataError(None, where, "empty alternative")
        if spec in CLASSES:
            self._classes.add(spec)
            return spec
        if spec.startswith("@"):
            if spec[1:] not in self.sets:
                raise DataError(None, where, f"unknown word set {spec!r}")
            self._used_sets.add(spec[1:])
            return spec
        if spec.endswith("~"):
            if len(spec) < 4:
                raise DataError(None, where, f"prefix {spec!r} is shorter than 3 letters")
            self._prefixes.add(spec[:-1])
            return spec
        if spec != spec.lower() or spec.startswith("<"):
            raise DataError(None, where, f"{spec!r} is not a lower-case word or a class")
        self._literals.add(spec)
        return spec

    def _insert(self, seq: tuple[str, ...], cue: str) -> None:
        node = self._root
        for atom in seq:
            if atom == "*":
                if node.any is None:
                    node.any = _Node()
                node = node.any
                continue
            nxt = node.children.get(atom)
            if nxt is None:
                nxt = node.children[atom] = _Node()
            node = nxt
        if cue not in node.ends:
            node.ends = (*node.ends, cue)

    # -- words ------------------------------------------------------------------------

    def in_set(self, word: str, name: str) -> bool:
        if word in self.sets[name]:
            return True
        return any(word.startswith(p) for p in self._set_prefixes.get(name, ()))

    def is_number(self, word: str) -> bool:
        return word[0].isdigit() or word in self._numbers

    def is_past(self, word: str) -> bool:
        if word in self._past:
            return True
        return len(word) >= 4 and word.endswith("ed") and word not in self._not_past

    def is_action(self, word: str) -> bool:
        return self.is_past(word) and word not in self._not_actions

    def atoms(self, word: str) -> tuple[str, ...]:
        """Everything ``word`` can stand for in a phrase (cached per word)."""
        found = self._atoms.get(word)
        if found is not None:
            return found
        out: list[str] = []
        if word in self._literals:
            out.append(word)
        out.extend(self._word_sets.get(word, ()))
        for name, pres in self._set_prefixes.items():
            if (
                name in self._used_sets
                and word not in self.sets[name]
                and any(word.startswith(p) for p in pres)
            ):
                out.append("@" + name)
        for k in self._prefix_lengths:
            if len(word) >= k and word[:k] in self._prefixes:
                out.append(word[:k] + "~")
        classes = self._classes
        if classes:
            if word[0].isdigit() or word in self._numbers:
                if "<num>" in classes:
                    out.append("<num>")
            elif self.is_past(word):
                if "<past>" in classes:
                    out.append("<past>")
                if "<act>" in classes and word not in self._not_actions:
                    out.append("<act>")
            elif "<ing>" in classes and len(word) >= 5 and word.endswith("ing"):
                out.append("<ing>")
        result = tuple(out)
        if len(self._atoms) > 200_000:  # unbounded vocabularies (random text): start over
            self._atoms.clear()
        self._atoms[word] = result
        return result

    def scan(self, words: list[str] | tuple[str, ...]) -> list[Hit]:
        """Every cue phrase in ``words``: (cue, first word, one past the last word)."""
        return self._walk(words, self._root)

    def _step(self, node: _Node, word: str) -> tuple[tuple[str, ...], tuple[_Node, ...]]:
        """Where ``word`` leads from ``node``: the cues it completes and the nodes that go
        on. Cached on the node (cleared when the vocabulary grows without bound)."""
        ends: list[str] = []
        nexts: list[_Node] = []
        children = node.children
        for a in self.atoms(word):
            child = children.get(a)
            if child is not None:
                ends.extend(child.ends)
                if child.goes_on:
                    nexts.append(child)
        child = node.any
        if child is not None:
            ends.extend(child.ends)
            if child.goes_on:
                nexts.append(child)
        step = (tuple(ends), tuple(nexts))
        if not node.steps:
            self._stepped.append(node)
        node.steps[word] = step
        self._step_count += 1
        if self._step_count > 1_000_000:  # unbounded vocabularies (random text): start over
            for n in self._stepped:
                n.steps = {}
            self._stepped.clear()
            self._step_count = 0
        return step

    def _walk(self, words: list[str] | tuple[str, ...], trie: _Node) -> list[Hit]:
        """The phrases of one trie in ``words``, in one pass carrying partial matches
        (groups of nodes that started at the same word)."""
        hits: list[Hit] = []
        add = hits.append
        steps_of = trie.steps
        step = self._step
        active: list[tuple[tuple[_Node, ...], int]] = []
        for j, word in enumerate(words):
            try:  # a subscript, not .get(): no call on the hot path (misses are rare)
                ends, nexts = steps_of[word]
            except KeyError:
                ends, nexts = step(trie, word)
            end = j + 1
            for cue in ends:
                add((cue, j, end))
            if not active:
                if nexts:
                    active = [(nexts, j)]
                continue
            going: list[tuple[tuple[_Node, ...], int]] = [(nexts, j)] if nexts else []
            for nodes, start in active:
                for parent in nodes:
                    try:
                        ends, nexts = parent.steps[word]
                    except KeyError:
                        ends, nexts = step(parent, word)
                    for cue in ends:
                        add((cue, start, end))
                    if nexts:
                        going.append((nexts, start))
            active = going
        return hits

    # -- relevance vocabularies ---------------------------------------------------------

    @cached_property
    def english(self) -> frozenset[str]:
        return frozenset(self.language.english.split())

    @cached_property
    def other_languages(self) -> frozenset[str]:
        words: set[str] = set()
        for text in self.language.others.values():
            words.update(text.split())
        return frozenset(words - self.english)


def lexicon_dir() -> Path:
    return rubrics_dir() / "lexicon"


def _path(name: str, folder: Path | None = None) -> Path:
    return (folder or lexicon_dir()) / f"{name}.yaml"


@cache
def load_lexicon(folder: Path | None = None) -> Lexicon:
    """Load, check and compile the lexicon once per process; errors name file and field."""
    folder = folder or lexicon_dir()
    phrases = {name: load_model(PhraseFile, _path(name, folder)) for name in PHRASE_FILES}
    situations = load_model(Situations, _path("situations", folder))
    language = load_model(Language, _path("language", folder))
    digest = content_hash(
        {
            "phrases": {k: v.model_dump(mode="json") for k, v in phrases.items()},
            "situations": situations.model_dump(mode="json"),
            "language": language.model_dump(mode="json"),
        }
    )
    return Lexicon(phrases, situations, language, digest)
