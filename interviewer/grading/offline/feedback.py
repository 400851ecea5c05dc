"""The offline grader's templates and word lists (``rubrics/feedback/offline.yaml``).

Loaded and validated once per process (the benchmark grades a thousand answers a second;
YAML parsing per answer would dominate). Texts are ``string.Template`` strings so a bad
placeholder in the data file leaves the placeholder visible instead of crashing a grade.
"""

from __future__ import annotations

from functools import cache, cached_property, lru_cache
from pathlib import Path
from string import Template

from pydantic import Field, model_validator

from interviewer.core.datafile import StrictModel, load_model
from interviewer.core.grade import Flag
from interviewer.core.resources import rubrics_dir
from interviewer.core.rubric import STAR_DIMENSIONS, answer_target, content_hash
from interviewer.grading.offline.words import content_stems, stem

Bands = dict[str, str]  # low / mid / high


class Limits(StrictModel):
    too_short_words: int = Field(gt=0)
    rambling_words: int = Field(gt=0)
    rambling_hard_words: int = Field(gt=0)
    off_topic_ratio: float = Field(ge=0, le=1)
    off_topic_theme_hits: int = Field(ge=0)
    off_topic_question_share: float = Field(ge=0, le=1)
    generic_specifics: int = Field(ge=0)
    generic_habits: int = Field(ge=0)


class MetricTexts(StrictModel):
    """How the numbers were read, said in the quantified-results feedback."""

    counted: str
    not_counted: str
    with_baseline: str
    roles: dict[str, str]


class LanguageTexts(StrictModel):
    feedback: str
    follow_up: str


class CappedTexts(StrictModel):
    """What a part's feedback says when a flag's cap, not its content, set its score."""

    template: str
    reasons: dict[str, str]


class Improvements(StrictModel):
    situation: Bands
    task: Bands
    action: Bands
    result: Bands
    quantified_results: Bands
    lessons_learned: Bands
    flags: dict[str, str]


class Templates(StrictModel):
    """The contents of offline.yaml."""

    version: str
    caps: dict[str, int]
    capped: CappedTexts
    part_caps: dict[str, dict[str, int]] = Field(default_factory=dict)
    limits: Limits
    feedback: dict[str, Bands]
    improvements: Improvements
    strengths: dict[str, str]
    themes: Bands
    follow_up: dict[str, str]
    probe_keywords: dict[str, list[str]]
    metrics: MetricTexts
    unsupported_language: LanguageTexts
    topic_ignore: str
    common_stems: str
    synonyms: list[list[str]]

    @model_validator(mode="after")
    def _every_cap_has_a_reason(self) -> Templates:
        missing = sorted((set(self.caps) | set(self.part_caps)) - set(self.capped.reasons))
        if missing:
            raise ValueError(f"capped.reasons: no reason for the cap of {', '.join(missing)}")
        return self

    @cached_property
    def hash(self) -> str:
        return content_hash(self.model_dump(mode="json"))

    @cached_property
    def ignored_stems(self) -> frozenset[str]:
        return frozenset(content_stems(self.topic_ignore))

    @cached_property
    def common(self) -> frozenset[str]:
        return frozenset(stem(w) for w in self.common_stems.split())

    @cached_property
    def synonym_groups(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        groups = []
        for words in self.synonyms:
            stems: list[str] = []
            for w in words:
                for st in content_stems(w):
                    if st not in stems:
                        stems.append(st)
            if stems:
                groups.append((stems[0], tuple(stems[1:])))
        return tuple(groups)


def templates_path() -> Path:
    return rubrics_dir() / "feedback" / "offline.yaml"


@cache
def load_templates(path: Path | None = None) -> Templates:
    """Load and check the templates; a mistake names the file and the field."""
    from interviewer.core.errors import DataError

    path = path or templates_path()
    tpl = load_model(Templates, path)
    for dim in STAR_DIMENSIONS:
        if dim not in tpl.feedback:
            raise DataError(path, f"feedback.{dim}", "missing")
        for band in ("low", "mid", "high"):
            if band not in tpl.feedback[dim]:
                raise DataError(path, f"feedback.{dim}.{band}", "missing")
    return tpl


def band(score: int) -> str:
    return "low" if score <= 1 else "mid" if score <= 3 else "high"


@lru_cache(maxsize=1024)
def _pieces(text: str) -> tuple[tuple[str, str, str], ...]:
    """``text`` as (literal, placeholder name, placeholder as written) pieces, parsed once
    with string.Template's own pattern ("$name", "${name}", "$$")."""
    out: list[tuple[str, str, str]] = []
    pos = 0
    literal = ""
    for m in Template.pattern.finditer(text):
        literal += text[pos : m.start()]
        pos = m.end()
        if m.group("escaped") is not None:
            literal += "$"
        elif m.group("named") or m.group("braced"):
            out.append((literal, m.group("named") or m.group("braced"), m.group(0)))
            literal = ""
        else:
            literal += m.group(0)  # an ill-formed "$": left as written
    out.append((literal + text[pos:], "", ""))
    return tuple(out)


def fill(template: str, **values: str) -> str:
    """Fill a template like string.Template.safe_substitute: unknown or missing
    placeholders are left as written."""
    if "$" not in template:
        return template
    parts: list[str] = []
    for literal, name, written in _pieces(template):
        parts.append(literal)
        if name:
            value = values.get(name)
            parts.append(written if value is None else str(value))
    return "".join(parts)


def short_quote(text: str, limit: int = 90) -> str:
    """A verbatim prefix of a quote, cut at a word boundary, for use inside a sentence
    (so without its own closing full stop: the sentence around it has one)."""
    text = text.strip()
    if text.endswith(".") and not text.endswith(".."):
        text = text[:-1]
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > 20 else limit].rstrip(" ,;:-") + "..."


def star_caps(templates: Templates, flags: list[Flag]) -> dict[str, tuple[int, str | None]]:
    """Each STAR part's highest score under these flags (``caps``, then ``part_caps``) and
    the flag that sets it, the first raised on a tie; (5, None) where nothing caps it."""
    out: dict[str, tuple[int, str | None]] = {}
    for dim in STAR_DIMENSIONS:
        limits = [(templates.caps.get(f.value), i, f.value) for i, f in enumerate(flags)]
        limits += [(templates.part_caps.get(f.value, {}).get(dim), i, f.value)
                   for i, f in enumerate(flags)]  # fmt: skip
        cap, _, flag = min(((c, i, f) for c, i, f in limits if c is not None), default=(5, 0, None))
        out[dim] = (cap, flag)
    return out


def with_target(text: str) -> str:
    """``text`` with the one answer-length target (star.yaml) filled in, where it names it."""
    if "target_" not in text:  # "$target_words", "${target_minutes}"
        return text
    target = answer_target()  # read when used
    return fill(text, target_words=target.words_text, target_minutes=target.minutes_text)
