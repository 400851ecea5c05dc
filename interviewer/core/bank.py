"""Question banks: questions and the key themes they probe, stored as YAML in ``rubrics/``."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import Field, field_validator

from interviewer.core.datafile import StrictModel, load_model
from interviewer.core.errors import DataError, NotFoundError
from interviewer.core.resources import rubrics_dir

DEFAULT_BANK_ID = "ml-problem-solving"
BANK_DIR_ENV = "INTERVIEWER_BANK_DIR"
# Files in rubrics/ that are rubric data, not banks.
NON_BANK_FILES = frozenset({"star.yaml"})

_SLUG = r"^[a-z0-9][a-z0-9_-]*$"


class Theme(StrictModel):
    """A key theme of the bank, with what an interviewer would observe when it is present."""

    id: str = Field(pattern=_SLUG)
    name: str = Field(min_length=1)
    description: str = Field(min_length=1)
    indicators: list[str] = Field(default_factory=list)


class Question(StrictModel):
    """One question, the themes it probes and the follow-up probes to ask."""

    id: str = Field(pattern=r"^q[0-9]+$")
    text: str = Field(min_length=1)
    themes: list[str] = Field(default_factory=list)
    probes: list[str] = Field(default_factory=list)
    reference_answer: str | None = None


class Bank(StrictModel):
    """A question bank: what is asked, and the themes a good answer shows."""

    id: str = Field(pattern=_SLUG)
    title: str = Field(min_length=1)
    description: str = ""
    themes: list[Theme] = Field(default_factory=list)
    questions: list[Question] = Field(min_length=1)

    @field_validator("questions")
    @classmethod
    def _unique_question_ids(cls, questions: list[Question]) -> list[Question]:
        seen: set[str] = set()
        for q in questions:
            if q.id in seen:
                raise ValueError(f"duplicate question id {q.id!r}")
            seen.add(q.id)
        return questions

    @field_validator("themes")
    @classmethod
    def _unique_theme_ids(cls, themes: list[Theme]) -> list[Theme]:
        ids = [t.id for t in themes]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate theme id {dupes[0]!r}")
        return themes

    def question(self, question_id: str) -> Question:
        for q in self.questions:
            if q.id == question_id:
                return q
        known = ", ".join(q.id for q in self.questions)
        raise NotFoundError(f"bank {self.id!r} has no question {question_id!r} (known: {known})")

    def theme(self, theme_id: str) -> Theme:
        for t in self.themes:
            if t.id == theme_id:
                return t
        raise NotFoundError(f"bank {self.id!r} has no theme {theme_id!r}")


_LOADED: dict[tuple[str, int, int], Bank] = {}  # (file, mtime, size) -> bank: banks are frozen


def load_bank(path: Path) -> Bank:
    """Load and check one bank file; errors name the file and the field path.

    A file loaded before and unchanged since (same mtime and size) is not parsed again:
    the web app looks banks up on every request.
    """
    try:
        stat = path.stat()
        key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    except OSError:
        key = None
    if key is not None and key in _LOADED:
        return _LOADED[key]
    bank = _load_bank(path)
    if key is not None:
        _LOADED[key] = bank
    return bank


def _load_bank(path: Path) -> Bank:
    return check_themes(load_model(Bank, path), path)


def check_themes(bank: Bank, where: Path | str) -> Bank:
    """Every question's themes are themes of the bank (the schema cannot say so)."""
    theme_ids = {t.id for t in bank.themes}
    for qi, q in enumerate(bank.questions):
        for ti, theme_id in enumerate(q.themes):
            if theme_id not in theme_ids:
                raise DataError(
                    where, f"questions[{qi}].themes[{ti}]", f"unknown theme {theme_id!r}"
                )
    return bank


def bank_from_data(data: Mapping[str, Any], where: str = "the session's bank") -> Bank:
    """A bank from already-parsed data (a session's stored copy); errors name ``where``."""
    from pydantic import ValidationError

    try:
        bank = Bank.model_validate(dict(data))
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        raise DataError(where, field or None, first["msg"]) from None
    return check_themes(bank, where)


def bank_dirs(extra_dir: Path | str | None = None) -> list[Path]:
    """The folders searched for banks: built-in first, then the user's folder if any."""
    dirs = [rubrics_dir()]
    user = extra_dir or os.environ.get(BANK_DIR_ENV)
    if user:
        dirs.append(Path(user).expanduser())
    return dirs


def bank_files(extra_dir: Path | str | None = None) -> list[Path]:
    """Every bank file found, built-in first; a user bank with the same id wins on lookup."""
    files: list[Path] = []
    for d in bank_dirs(extra_dir):
        if not d.is_dir():
            raise DataError(d, None, "bank folder does not exist")
        files += sorted(p for p in d.glob("*.y*ml") if p.name not in NON_BANK_FILES)
    return files


def list_banks(extra_dir: Path | str | None = None) -> list[tuple[Bank, Path]]:
    """Load every bank found, in search order."""
    return [(load_bank(p), p) for p in bank_files(extra_dir)]


def get_bank(
    bank: str | Mapping[str, Any] | None = None, extra_dir: Path | str | None = None
) -> Bank:
    """Find a bank by id, or load it from a path; default is the built-in bank.

    A mapping is a session's own bank, stored in its options (a debrief's questions as
    they were asked): it is checked like a bank file."""
    if isinstance(bank, Mapping):
        return bank_from_data(bank)
    ref = bank or DEFAULT_BANK_ID
    if re.search(r"\.ya?ml$", ref) or os.sep in ref:
        return load_bank(Path(ref))
    found = None
    for path in bank_files(extra_dir):
        if path.stem == ref:
            found = load_bank(path)
    if found is None:
        for candidate, _ in list_banks(extra_dir):
            if candidate.id == ref:
                found = candidate
    if found is None:
        known = ", ".join(b.id for b, _ in list_banks(extra_dir))
        raise NotFoundError(f"no bank {ref!r} (known: {known})")
    return found
