"""A job's questions as a bank of its own: a YAML file that passes the bank schema.

``interviewer plan -o job-bank.yaml`` writes the picked questions (and, with an LLM, the
questions written for this job) with the key themes they probe, copied from their banks,
so the file can be edited and used with ``--bank job-bank.yaml`` or ``--bank-dir``.
Theme ids stay as they are unless two banks use the same one; question ids are renumbered
(q1, q2 ...) and a comment at the top says where each came from and why.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from textwrap import shorten
from typing import Any

import yaml

from interviewer.core.bank import Bank, Question, Theme, check_themes
from interviewer.core.datafile import validate


@dataclass(frozen=True)
class PlanItem:
    """One question of a plan: an existing bank question, or one written for the job."""

    text: str
    why: str  # the job's phrases it matched, or the model's reason
    themes: tuple[str, ...]  # theme ids in the job bank
    bank_id: str | None = None  # None: written for this job
    question_id: str | None = None
    probes: tuple[str, ...] = ()

    @property
    def source(self) -> str:
        return f"{self.bank_id} {self.question_id}" if self.bank_id else "written for this job"


@dataclass
class ThemeIds:
    """Theme ids in the job bank: a bank's own id, or ``bank-theme`` when two banks
    share an id, so every theme keeps its own indicators."""

    themes: dict[str, Theme] = field(default_factory=dict)
    _of: dict[tuple[str, str], str] = field(default_factory=dict)

    def add(self, bank: Bank, theme_id: str) -> str:
        key = (bank.id, theme_id)
        if key not in self._of:
            new_id = theme_id if theme_id not in self.themes else f"{bank.id}-{theme_id}"
            self.themes[new_id] = bank.theme(theme_id).model_copy(update={"id": new_id})
            self._of[key] = new_id
        return self._of[key]


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:48].strip("-") or "job"


def bank_data(
    bank_id: str,
    title: str,
    description: str,
    themes: Sequence[Theme],
    items: Sequence[PlanItem],
) -> dict[str, Any]:
    """The bank as plain data, questions numbered in plan order."""
    questions = []
    for n, item in enumerate(items, 1):
        q: dict[str, Any] = {"id": f"q{n}", "text": item.text, "themes": list(item.themes)}
        if item.probes:
            q["probes"] = list(item.probes)
        questions.append(q)
    return {
        "id": bank_id,
        "title": title,
        "description": description,
        "themes": [t.model_dump(exclude_defaults=False) for t in themes],
        "questions": questions,
    }


def check_bank(data: Mapping[str, Any], where: str) -> Bank:
    """Validate like a bank file: the schema, then every question's themes exist."""
    return check_themes(validate(Bank, dict(data), where), where)


def offline_items(
    picks: Sequence[Any], banks: Sequence[Bank]
) -> tuple[list[Theme], list[PlanItem]]:
    """Plan items for ``JobMatch.picks``: each question copied with its themes and probes."""
    by_id = {b.id: b for b in banks}
    ids = ThemeIds()
    items = []
    for pick in picks:
        bank = by_id[pick.bank_id]
        q: Question = bank.question(pick.question_id)
        themes = tuple(ids.add(bank, t) for t in q.themes)
        why = ", ".join(f'"{p}"' for p in pick.phrases)
        items.append(PlanItem(q.text, why, themes, bank.id, q.id, tuple(q.probes)))
    return list(ids.themes.values()), items


def to_yaml(bank: Bank, items: Sequence[PlanItem], job_title: str) -> str:
    """The bank file's text: a comment saying where each question came from, then YAML."""
    lines = [
        f"# Questions for: {job_title}",
        "# Written by `interviewer plan`. Edit freely, then practise with",
        "#   interviewer practice --bank THIS-FILE.yaml",
        "# Where each question came from, and why it was picked:",
    ]
    for q, item in zip(bank.questions, items, strict=True):
        why = f": {shorten(item.why, 120, placeholder=' ...')}" if item.why.strip() else ""
        lines.append(f"#   {q.id} ({item.source}){why}")
    data = bank.model_dump(exclude_defaults=True)
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=88)
    return "\n".join(lines) + "\n" + body


@dataclass(frozen=True)
class Plan:
    """What ``plan`` shows and writes: the questions in order, and them as a bank."""

    items: list[PlanItem]
    bank: Bank
    by: str  # "the offline matcher" or "the LLM (model ...)"

    def yaml(self, job_title: str) -> str:
        return to_yaml(self.bank, self.items, job_title)


def job_bank_id(job_title: str) -> str:
    return slug(f"job-{job_title}")


def offline_plan(match: Any, count: int, bank_id: str | None = None) -> Plan:
    """The offline picks of a ``JobMatch`` as a plan and a bank (``bank_id``: one bank)."""
    picks = match.picks(count, bank_id)
    themes, items = offline_items(picks, match.banks)
    title = match.job.title
    data = bank_data(
        job_bank_id(title),
        f"Job: {title}",
        "Questions picked for this job description by `interviewer plan` (offline).",
        themes,
        items,
    )
    return Plan(items, check_bank(data, "the job bank"), "the offline matcher")
