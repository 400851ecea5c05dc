"""Batch input and output files.

Input is JSONL or CSV (by extension, or ``--format``) with ``id``, ``question_id`` and
``answer``, read as a stream. A bad row never stops the batch: it becomes a ``RowError``
naming the file and line and saying what is wrong in words (bytes are decoded per row, so
one bad byte spoils one row), and the other rows are still graded. Output is JSONL, one
line per input row, appended (and flushed) as each result finishes, so an interrupted run
loses nothing and a rerun skips what is done.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from interviewer.core.bank import Bank, Question
from interviewer.core.errors import DataError
from interviewer.core.grade import Grade
from interviewer.core.redaction import redact

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


FORMATS = ("jsonl", "csv")
_SUFFIXES = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl", ".csv": "csv"}
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def input_format(path: Path, given: str | None = None) -> str:
    """``jsonl`` or ``csv``: ``given`` (``--format``), else the extension; never a guess."""
    if given:
        if given not in FORMATS:
            raise DataError(path, None, f"unknown --format {given!r} (use jsonl or csv)")
        return given
    found = _SUFFIXES.get(path.suffix.lower())
    if found is None:
        raise DataError(
            path,
            None,
            f"cannot tell the format from the extension {path.suffix or '(none)'!r}: name the "
            "file .jsonl or .csv, or pass --format jsonl|csv",
        )
    return found


class _Unreadable(str):
    """What the reader says of a row it could not read (not the row's own value)."""


def _decode(raw: bytes) -> tuple[str | None, str | None]:
    """(text, None), or (None, why in words) for a line that is not UTF-8 text."""
    if b"\x00" in raw:
        return None, (
            "the line holds NUL bytes: the file is binary or UTF-16; save it as UTF-8 text"
        )
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        byte = raw[exc.start : exc.start + 1].hex()
        return None, (
            f"the line is not valid UTF-8 (byte 0x{byte} at column {exc.start + 1}): "
            "save the file as UTF-8"
        )


def _raw_rows(path: Path, fmt: str) -> Iterator[tuple[int, Any]]:
    """Yield (line number, parsed record or an error string) for each non-blank row.

    Bytes are decoded line by line, so one bad byte spoils one row, not the file.
    """
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise DataError(path, None, f"cannot read file: {exc.strerror or exc}") from exc
    with handle:
        head = handle.read(4)
        if head.startswith(_UTF16_BOMS):
            raise DataError(path, "line 1", "the file is UTF-16: save it as UTF-8")
        handle.seek(3 if head.startswith(b"\xef\xbb\xbf") else 0)
        if fmt == "csv":
            yield from _csv_rows(handle, path)
            return
        for number, raw in enumerate(handle, start=1):
            text, why = _decode(raw)
            if text is None:
                yield number, _Unreadable(why)
                continue
            if not text.strip():
                continue
            try:
                yield number, json.loads(text)
            except json.JSONDecodeError as exc:
                yield number, _Unreadable(f"malformed JSON: {exc.msg} (column {exc.colno})")


def _csv_lines(handle: BinaryIO, bad: dict[int, str]) -> Iterator[str]:
    """Decoded lines for the csv reader; an undecodable line is replaced and noted in ``bad``."""
    for number, raw in enumerate(handle, start=1):
        text, why = _decode(raw)
        if text is None:
            bad[number] = why or "not text"
            text = "\n" if raw.endswith(b"\n") else ""
        yield text


def _csv_rows(handle: BinaryIO, path: Path) -> Iterator[tuple[int, Any]]:
    bad: dict[int, str] = {}
    reader = csv.DictReader(_csv_lines(handle, bad))
    header = reader.fieldnames or []
    if 1 in bad:
        raise DataError(path, "line 1", bad[1])
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
            yield start, _Unreadable(f"malformed CSV: {exc}")
            return
        spoiled = [n for n in range(start, reader.line_num + 1) if n in bad]
        if spoiled:
            yield start, _Unreadable(bad.pop(spoiled[0]))
            continue
        if not any((v or "").strip() for v in record.values() if isinstance(v, str)):
            continue
        yield start, record


_KINDS = {str: "a JSON string", list: "a JSON array", bool: "true or false",
          int: "a number", float: "a number", type(None): "null"}  # fmt: skip


def _text(record: Mapping[str, object], key: str) -> str | None:
    value = record.get(key)
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return str(value)
    return value if isinstance(value, str) else None


def read_rows(path: Path, bank: Bank, fmt: str | None = None) -> tuple[list[Row], list[RowError]]:
    """Read every row; good ones become ``Row`` and bad ones ``RowError`` (with file:line)."""
    rows: list[Row] = []
    errors: list[RowError] = []
    for item in iter_rows(path, bank, fmt):
        (rows if isinstance(item, Row) else errors).append(item)  # type: ignore[arg-type]
    return rows, errors


def iter_rows(path: Path, bank: Bank, fmt: str | None = None) -> Iterator[Row | RowError]:
    """Stream the rows of ``path`` in order: a ``Row`` to grade or a ``RowError`` (file:line).

    Memory stays flat however long the file is: only the ids seen are kept, to report
    duplicates. A file whose format cannot be told, or a CSV without the needed header,
    raises DataError before any row is yielded.
    """
    first_line: dict[str, int] = {}
    known = {q.id: q for q in bank.questions}
    for line, record in _raw_rows(path, input_format(path, fmt)):

        def bad(
            msg: str, rid: str | None = None, qid: str | None = None, line: int = line
        ) -> RowError:
            return RowError(rid, qid, line, f"{path}:{line}: {msg}")

        if isinstance(record, _Unreadable):  # the reader's own error, in words
            yield bad(record)
            continue
        if not isinstance(record, dict):
            kind = _KINDS.get(type(record), type(record).__name__)
            yield bad(f"expected an object with {', '.join(FIELDS)}; this line is {kind}")
            continue
        rid, qid, answer = (_text(record, f) for f in FIELDS)
        missing = [f for f, v in zip(FIELDS, (rid, qid, answer), strict=True) if v is None]
        if missing:
            yield bad(f"missing field {missing[0]!r}", rid, qid)
            continue
        assert rid is not None and qid is not None and answer is not None
        rid, qid = rid.strip(), qid.strip()
        if not rid:
            yield bad("empty id", None, qid)
        elif rid in first_line:
            yield bad(f"duplicate id {rid!r} (first on line {first_line[rid]})", rid, qid)
        elif qid not in known:
            first_line[rid] = line
            yield bad(f"unknown question id {qid!r} in bank {bank.id!r}", rid, qid)
        elif not answer.strip():
            first_line[rid] = line
            yield bad("empty answer", rid, qid)
        else:
            first_line[rid] = line
            yield Row(rid, qid, answer, line, known[qid])


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
        message = redact(error.message)
        record: dict[str, str | int | None] = {
            "id": error.id,
            "question_id": error.question_id,
            "error": message,
        }
        if error.line is not None:
            record["line"] = error.line
        self._write(record)

    def _write(self, record: Mapping[str, object]) -> None:
        self._handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        self._handle.flush()

    def close(self) -> None:
        self._handle.close()

    def __enter__(self) -> ResultWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
