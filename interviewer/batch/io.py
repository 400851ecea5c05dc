"""Batch input and output files.

Input is JSONL or CSV (by extension) with ``id``, ``question_id`` and ``answer``. A bad row
never stops the batch: it becomes a ``RowError`` naming the file and line, and the other
rows are still graded. Output is JSONL, one line per input row, appended (and flushed) as
each result finishes, so an interrupted run loses nothing and a rerun skips what is done.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from interviewer.bank import Bank, Question
from interviewer.errors import DataError
from interviewer.grade import Grade

FIELDS = ("id", "question_id", "answer")


@dataclass(frozen=True)
class Row:
    """One answer to grade, and where it came from."""

    id: str
    question_id: str
    answer: str
    line: int
    question: Question


@dataclass(frozen=True)
class RowError:
    """A row that could not be graded; ``message`` starts with ``file:line:``."""

    id: str | None
    question_id: str | None
    line: int | None
    message: str


def _raw_rows(path: Path) -> Iterator[tuple[int, Any]]:
    """Yield (line number, parsed record or an error string) for each non-blank row."""
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise DataError(path, None, f"cannot read file: {exc.strerror or exc}") from exc
    with handle:
        if path.suffix.lower() == ".csv":
            yield from _csv_rows(handle, path)
            return
        for number, text in enumerate(handle, start=1):
            if not text.strip():
                continue
            try:
                yield number, json.loads(text)
            except json.JSONDecodeError as exc:
                yield number, f"malformed JSON: {exc.msg} (column {exc.colno})"


def _csv_rows(handle: TextIO, path: Path) -> Iterator[tuple[int, Any]]:
    reader = csv.DictReader(handle)
    header = reader.fieldnames or []
    missing = [f for f in FIELDS if f not in header]
    if missing:
        raise DataError(path, "line 1", f"CSV header lacks column {missing[0]!r} (need {FIELDS})")
    while True:
        start = reader.line_num + 1
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield start, f"malformed CSV: {exc}"
            return
        if not any((v or "").strip() for v in record.values() if isinstance(v, str)):
            continue
        yield start, record


def _text(record: dict, key: str) -> str | None:
    value = record.get(key)
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return str(value)
    return value if isinstance(value, str) else None


def read_rows(path: Path, bank: Bank) -> tuple[list[Row], list[RowError]]:
    """Read every row; good ones become ``Row`` and bad ones ``RowError`` (with file:line)."""
    rows: list[Row] = []
    errors: list[RowError] = []
    first_line: dict[str, int] = {}
    known = {q.id: q for q in bank.questions}
    for line, record in _raw_rows(path):

        def bad(msg: str, rid: str | None = None, qid: str | None = None, line: int = line):
            errors.append(RowError(rid, qid, line, f"{path}:{line}: {msg}"))

        if isinstance(record, str):
            bad(record)
            continue
        if not isinstance(record, dict):
            bad(f"expected an object with {', '.join(FIELDS)}, got {type(record).__name__}")
            continue
        rid, qid, answer = (_text(record, f) for f in FIELDS)
        missing = [f for f, v in zip(FIELDS, (rid, qid, answer), strict=True) if v is None]
        if missing:
            bad(f"missing field {missing[0]!r}", rid, qid)
            continue
        assert rid is not None and qid is not None and answer is not None
        rid, qid = rid.strip(), qid.strip()
        if not rid:
            bad("empty id", None, qid)
        elif rid in first_line:
            bad(f"duplicate id {rid!r} (first on line {first_line[rid]})", rid, qid)
        elif qid not in known:
            bad(f"unknown question id {qid!r} in bank {bank.id!r}", rid, qid)
            first_line[rid] = line
        elif not answer.strip():
            bad("empty answer", rid, qid)
            first_line[rid] = line
        else:
            first_line[rid] = line
            rows.append(Row(rid, qid, answer, line, known[qid]))
    return rows, errors


def read_done(out: Path) -> set[str]:
    """Ids already graded in ``out``, after dropping its failed and half-written lines.

    Failed rows are retried on a rerun, so their lines are removed (atomically) to keep
    one line per input row.
    """
    if not out.exists():
        return set()
    keep: list[str] = []
    done: set[str] = set()
    changed = False
    with out.open(encoding="utf-8") as handle:
        for text in handle:
            try:
                record = json.loads(text)
            except json.JSONDecodeError:
                changed = True
                continue
            if isinstance(record, dict) and "grade" in record and record.get("id") is not None:
                done.add(str(record["id"]))
                keep.append(text if text.endswith("\n") else text + "\n")
            else:
                changed = True
    if changed:
        tmp = out.with_name(out.name + ".tmp")
        tmp.write_text("".join(keep), encoding="utf-8")
        os.replace(tmp, out)
    return done


class ResultWriter:
    """Appends one JSON line per finished row and flushes it at once."""

    def __init__(self, out: Path) -> None:
        out.parent.mkdir(parents=True, exist_ok=True)
        self.path = out
        self._handle = out.open("a", encoding="utf-8")

    def write_grade(self, row: Row, grade: Grade) -> None:
        record = {
            "id": row.id,
            "question_id": row.question_id,
            "grade": grade.model_dump(mode="json"),
        }
        self._write(record)

    def write_error(self, error: RowError) -> None:
        record = {"id": error.id, "question_id": error.question_id, "error": error.message}
        if error.line is not None:
            record["line"] = error.line
        self._write(record)

    def _write(self, record: dict) -> None:
        self._handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        self._handle.flush()

    def close(self) -> None:
        self._handle.close()

    def __enter__(self) -> ResultWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
