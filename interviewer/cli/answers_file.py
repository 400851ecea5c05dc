"""Scripted answers for ``interviewer practice --answers FILE.yaml``.

The file maps question ids to an answer, either plain text or with follow-up answers::

    q1: "My answer ..."
    q3:
      answer: "My answer ..."
      follow_ups: ["Answer to the first probe", "..."]
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, RootModel

from interviewer.core.bank import Bank
from interviewer.core.datafile import StrictModel, load_yaml, validate
from interviewer.core.errors import DataError


class ScriptedAnswer(StrictModel):
    answer: str = Field(min_length=1)
    follow_ups: list[str] = Field(default_factory=list)


class AnswersFile(RootModel[dict[str, str | ScriptedAnswer]]):
    """Question id -> answer text, or answer plus follow-up answers."""


def load_answers(path: Path, bank: Bank) -> dict[str, tuple[str, list[str]]]:
    """Read the file; unknown question ids and empty answers name the file and field."""
    parsed = validate(AnswersFile, load_yaml(path), path)
    known = {q.id for q in bank.questions}
    out: dict[str, tuple[str, list[str]]] = {}
    for qid, value in parsed.root.items():
        if qid not in known:
            raise DataError(path, qid, f"bank {bank.id!r} has no question {qid!r}")
        entry = value if isinstance(value, ScriptedAnswer) else ScriptedAnswer(answer=value)
        if not entry.answer.strip():
            raise DataError(path, qid, "answer is empty")
        out[qid] = (entry.answer, entry.follow_ups)
    if not out:
        raise DataError(path, None, "no answers in file")
    return out
