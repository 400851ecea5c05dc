"""Reading batch input and resuming output: every bad row names its file and line."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from interviewer.batch.io import read_done, read_rows
from interviewer.batch.limiter import AdaptiveLimiter
from interviewer.core.bank import get_bank
from interviewer.core.errors import DataError

ANSWER = "I rebuilt the feature store loader and cut training time from 9 hours to 2."


def test_csv_line_numbers_count_multi_line_answers(tmp_path: Path) -> None:
    src = tmp_path / "answers.csv"
    src.write_text(
        "id,question_id,answer\n"
        f'one,q1,"{ANSWER}\nSecond paragraph of the same answer."\n'
        "two,q77,Some answer\n"
        "three,q2,\n"
        f"four,q3,{ANSWER}\n",
        encoding="utf-8",
    )
    rows, errors = read_rows(src, get_bank())
    assert [(r.id, r.line) for r in rows] == [("one", 2), ("four", 6)]
    assert "Second paragraph" in rows[0].answer
    assert [e.message for e in errors] == [
        f"{src}:4: unknown question id 'q77' in bank 'ml-problem-solving'",
        f"{src}:5: empty answer",
    ]


def test_a_csv_without_the_needed_columns_is_one_error_naming_the_column(tmp_path: Path) -> None:
    src = tmp_path / "answers.csv"
    src.write_text("id,question,answer\na,q1,text\n", encoding="utf-8")
    with pytest.raises(DataError, match="lacks column 'question_id'"):
        read_rows(src, get_bank())


def test_jsonl_missing_fields_duplicates_and_non_objects(tmp_path: Path) -> None:
    src = tmp_path / "answers.jsonl"
    lines = [
        {"id": "a", "question_id": "q1", "answer": ANSWER},
        {"id": "b", "answer": ANSWER},
        {"id": "a", "question_id": "q2", "answer": ANSWER},
        ["not", "an", "object"],
        {"id": 7, "question_id": "q1", "answer": ANSWER},
    ]
    src.write_text("\n".join(json.dumps(x) for x in lines) + "\n\n", encoding="utf-8")
    rows, errors = read_rows(src, get_bank())
    assert [r.id for r in rows] == ["a", "7"]
    assert [(e.line, e.message.split(": ", 1)[1]) for e in errors] == [
        (2, "missing field 'question_id'"),
        (3, "duplicate id 'a' (first on line 1)"),
        (4, "expected an object with id, question_id, answer; this line is a JSON array"),
    ]


def test_resume_keeps_grades_and_drops_errors_and_half_written_lines(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text(
        json.dumps({"id": "a", "question_id": "q1", "grade": {"overall": 50}}) + "\n"
        + json.dumps({"id": "b", "question_id": "q1", "error": "timed out"}) + "\n"
        + '{"id": "c", "question_id": "q1", "gra',
        encoding="utf-8",
    )  # fmt: skip
    assert read_done(out) == {"a"}
    assert [json.loads(x)["id"] for x in out.read_text().splitlines()] == ["a"]


def test_after_a_429_the_limiter_lets_in_no_more_than_its_lowered_limit() -> None:
    limiter = AdaptiveLimiter(6, grow_after=1000)
    state = {"late_now": 0, "late_peak": 0, "entered": 0}

    async def one() -> None:
        async with limiter:
            state["entered"] += 1
            late = limiter.rate_limited > 0
            if state["entered"] == 6:
                limiter.on_rate_limited()
                limiter.on_rate_limited()  # 6 -> 3 -> 1 while six are in flight
            if late:
                state["late_now"] += 1
                state["late_peak"] = max(state["late_peak"], state["late_now"])
            await asyncio.sleep(0)
            await asyncio.sleep(0)
            if late:
                state["late_now"] -= 1

    async def main() -> None:
        await asyncio.gather(*(one() for _ in range(30)))

    asyncio.run(main())
    assert limiter.max_in_flight == 6  # the ceiling was reached before the 429
    assert limiter.limit == 1 and limiter.min_limit == 1 and limiter.in_flight == 0
    assert state["entered"] == 30 and state["late_peak"] == 1
