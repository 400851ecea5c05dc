"""Import question banks from documents in the seed's plain-text format.

The format::

    Title line
    Optional description lines
    Q1: question text
    Situation: ...          (Task / Action / Result paragraphs; continuation lines allowed)
    ...
    Key Themes ...          (a heading line)
    - Theme name: description

The STAR paragraphs become the question's reference answer. Themes cannot be tied to
questions from this format, so questions list no themes; edit ``themes:`` afterwards.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from interviewer.core.bank import Bank
from interviewer.core.datafile import decode_utf8, validate
from interviewer.core.errors import DataError

_QUESTION = re.compile(r"^Q(\d+)\s*[:.)]\s*(.+)$")
_PART = re.compile(r"^(Situation|Task|Action|Result)\s*:\s*(.*)$", re.IGNORECASE)
_THEMES_HEADING = re.compile(r"^key\s+themes\b", re.IGNORECASE)
_THEME_ITEM = re.compile(r"^[-*•]\s*([^:]+?)\s*:\s*(.+)$")


def slugify(text: str) -> str:
    """``"Embrace failure as data"`` -> ``"embrace-failure-as-data"``."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "bank"


def parse_document(text: str, source: Path | str, bank_id: str | None = None) -> Bank:
    """Parse a seed-format document into a validated Bank; errors name the line."""
    lines = text.splitlines()
    header: list[str] = []
    questions: list[dict[str, Any]] = []
    themes: list[dict[str, str]] = []
    part: str | None = None
    in_themes = False
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line:
            continue
        if _THEMES_HEADING.match(line):
            in_themes, part = True, None
            continue
        if in_themes:
            if m := _THEME_ITEM.match(line):
                themes.append({"id": slugify(m[1]), "name": m[1], "description": m[2]})
            # Anything else after the themes (a footer, a signature) is ignored.
            continue
        if m := _QUESTION.match(line):
            qid = f"q{int(m[1])}"
            if any(q["id"] == qid for q in questions):
                raise DataError(source, f"line {number}", f"question {qid} appears twice")
            questions.append({"id": qid, "text": m[2].strip(), "parts": {}, "line": number})
            part = None
            continue
        if m := _PART.match(line):
            if not questions:
                raise DataError(source, f"line {number}", f"{m[1]} paragraph before any question")
            part = m[1].capitalize()
            questions[-1]["parts"][part] = m[2].strip()
            continue
        if part:
            questions[-1]["parts"][part] += " " + line
        elif questions:
            questions[-1]["text"] += " " + line
        else:
            header.append(line)
    if not questions:
        raise DataError(source, None, 'no questions found (expected lines like "Q1: ...")')
    title = header[0] if header else Path(str(source)).stem
    data = {
        "id": bank_id or slugify(title),
        "title": title,
        "description": " ".join(header[1:]),
        "themes": themes,
        "questions": [
            {
                "id": q["id"],
                "text": q["text"],
                "themes": [],
                "probes": [],
                "reference_answer": _reference(q["parts"]),
            }
            for q in questions
        ],
    }
    return validate(Bank, data, source)


def _reference(parts: dict[str, str]) -> str | None:
    order = ("Situation", "Task", "Action", "Result")
    text = "\n\n".join(f"{name}: {parts[name]}" for name in order if name in parts)
    return text or None


def import_file(path: Path, bank_id: str | None = None) -> Bank:
    """Read and parse one document."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DataError(path, None, f"cannot read file: {exc.strerror or exc}") from exc
    return parse_document(decode_utf8(raw, path), path, bank_id)


def dump_bank(bank: Bank) -> str:
    """The bank as YAML in the shipped format (readable, key order kept)."""
    data = bank.model_dump(mode="json", exclude_defaults=False)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
