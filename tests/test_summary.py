"""One source for every summary: the report, the terminal, the history, the web app and
the batch table show the same averages, weakest part and level meanings."""

from __future__ import annotations

import io
import re
import textwrap
from pathlib import Path

import pytest
from rich.console import Console

from interviewer.core.bank import get_bank
from interviewer.core.rubric import build_rubric
from interviewer.engine.store import Store
from interviewer.views.history import summarise
from interviewer.views.report.model import build_report
from interviewer.views.summary import Averages, level_meaning, plural, star_rows
from tests.session_helpers import make_grade


@pytest.fixture
def graded_session(tmp_path: Path):
    """Two graded questions: q1 all 4s but quantified 1; q2 all 2s but action 5."""
    with Store.open(tmp_path / "s.sqlite3") as store:
        sid = store.create_session("ml-problem-solving", ["q1", "q2", "q3"])
        a1 = store.add_answer(sid, "q1", "Q1?", "first answer")
        store.save_grade(a1, make_grade(4, quantified_results=1))
        a2 = store.add_answer(sid, "q2", "Q2?", "second answer")
        store.save_grade(a2, make_grade(2, action=5))
        store.add_answer(sid, "q3", "Q3?", "third answer, not graded")
        yield store, store.get_session(sid)


def test_every_view_of_a_session_shows_the_same_figures(graded_session) -> None:
    store, session = graded_session
    grades = [v.grade for v in session.questions() if v.grade is not None]
    expected_overall = (grades[0].overall + grades[1].overall) / 2
    stats = summarise(session)
    report = build_report(session, get_bank())
    [row] = store.session_summaries()
    assert stats.overall == pytest.approx(expected_overall)
    assert report.overall == round(expected_overall, 1)
    assert row.overall == pytest.approx(expected_overall)
    # quantified: (1 + 2) / 2 = 1.5 is the weakest; action (4 + 5) / 2 = 4.5
    assert stats.averages["quantified_results"] == 1.5 and stats.averages["action"] == 4.5
    assert report.averages == {d: round(v, 2) for d, v in stats.averages.items()}
    assert row.averages == pytest.approx(stats.averages)
    assert stats.weakest == report.weakest == "quantified_results"
    assert (stats.graded, stats.pending, stats.answered) == (2, 1, 3)


def test_the_terminal_summary_quotes_the_same_weakest_part_and_average(graded_session) -> None:
    from interviewer.cli.scorecard import print_summary

    _, session = graded_session
    stats = summarise(session)
    out = Console(file=io.StringIO(), width=120)
    print_summary(out, session)
    text = out.file.getvalue()  # type: ignore[attr-defined]
    assert f"Average overall {round(stats.overall or 0)}/100" in text
    assert "weakest STAR part: Quantified results (1.5/5)" in text
    assert "1 answer not graded" in text


def test_a_batch_of_the_same_grades_averages_the_same(graded_session) -> None:
    _, session = graded_session
    grades = [v.grade for v in session.questions() if v.grade is not None]
    running = Averages()
    for g in grades:
        running.add(g)
    assert running.star == summarise(session).averages
    assert running.weakest == "quantified_results"


def test_a_level_missing_from_the_rubric_reads_as_no_meaning_everywhere() -> None:
    bank = get_bank()
    rubric = build_rubric(bank, "q1")
    levels = dict(rubric.dimension("task").levels)
    del levels[3]
    dims = [
        d.model_copy(update={"levels": levels}) if d.id == "task" else d for d in rubric.dimensions
    ]
    thin = rubric.model_copy(update={"dimensions": dims})
    assert level_meaning(thin, "task", 3) == ""
    rows = {r.id: r for r in star_rows(make_grade(3), thin)}
    assert rows["task"].meaning == "" and rows["action"].meaning == levels_of(rubric, "action")


def levels_of(rubric, dim: str) -> str:  # type: ignore[no-untyped-def]
    return rubric.dimension(dim).levels[3]


@pytest.mark.parametrize(
    ("n", "word", "expected"),
    [(1, "follow-up", "1 follow-up"), (2, "follow-up", "2 follow-ups"), (0, "answer", "0 answers"),
     (1, "long pause", "1 long pause"), (3, "long pause", "3 long pauses")],
)  # fmt: skip
def test_counts_read_right(n: int, word: str, expected: str) -> None:
    assert plural(n, word) == expected


def test_the_terminal_scorecard_wraps_level_meanings_without_cutting_them() -> None:
    from interviewer.cli.scorecard import INDENT, print_scorecard
    from interviewer.core.records import AnswerRecord, QuestionView
    from interviewer.core.rubric import build_rubric

    bank = get_bank()
    rubric = build_rubric(bank, "q1")
    grade = make_grade(3, action=2)
    answer = AnswerRecord(
        id=1, session_id="s", question_id="q1", prompt="Q?", text="An answer.",
        created_at="2026-01-01T00:00:00+00:00",
        grades=[{"id": 1, "answer_id": 1, "created_at": "2026-01-01T00:00:01+00:00",
                 "grade": grade}],
    )  # fmt: skip
    out = Console(file=io.StringIO(), width=80)
    print_scorecard(out, bank.question("q1"), QuestionView(question_id="q1", answer=answer), rubric)
    lines = out.file.getvalue().splitlines()  # type: ignore[attr-defined]
    assert all(len(line) <= 80 for line in lines)
    text = " ".join(line.strip() for line in lines)
    meaning = rubric.dimension("action").levels[2].split(". ")[0].rstrip(".")
    assert meaning in text
    assert not re.search(r"[a-z]\.\.\.", text)  # no description cut with "..." (bars are ##...)
    start = next(i for i, line in enumerate(lines) if line.strip().startswith("Action "))
    block = [lines[start]]
    for line in lines[start + 1 :]:
        if not line.startswith(" " * INDENT):
            break
        block.append(line)
    # full lines of the room left (80 - INDENT), not a word or two each
    assert len(block) == len(textwrap.wrap(meaning, 80 - INDENT))
