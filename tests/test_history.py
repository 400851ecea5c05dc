"""History: averages per session, the trend of each STAR part, reused stories."""

from __future__ import annotations

from datetime import datetime, timedelta

from interviewer.core.records import AnswerRecord, GradeRecord, SessionRecord
from interviewer.prep.stories import reused_stories
from interviewer.views.history import slope, trends
from tests.cli_helpers import run_cli
from tests.session_helpers import make_grade
from tests.test_report import STRONG, make_session

START = datetime(2026, 1, 1)


def session(n: int, answers: list[tuple[str, str, dict]]) -> SessionRecord:
    records = []
    for i, (qid, text, scores) in enumerate(answers):
        graded = GradeRecord(
            id=i, answer_id=n * 10 + i, created_at=START, grade=make_grade(**scores)
        )
        records.append(
            AnswerRecord(
                id=n * 10 + i,
                session_id=f"s{n}",
                question_id=qid,
                prompt="?",
                text=text,
                status="graded",
                created_at=START,
                grades=[graded],
            )
        )
    return SessionRecord(
        id=f"s{n}",
        bank_id="ml-problem-solving",
        question_ids=[a[0] for a in answers],
        grader="offline",
        started_at=START + timedelta(days=n),
        answers=records,
    )


def test_slope():
    assert slope([1, 2, 3]) == 1.0 and slope([3, 3, 3]) == 0.0


def test_trends_find_improving_stuck_and_declining():
    sessions = [
        session(i, [("q1", f"story {i}", {"score": 3, "action": 1 + i, "result": 5 - i})])
        for i in range(4)
    ]
    verdict = trends(sessions)
    assert verdict["action"] == "improving"
    assert verdict["result"] == "declining"
    assert verdict["situation"] == "stuck"
    assert trends(sessions[:1])["action"] == "not enough sessions yet"


def test_same_story_for_different_questions_is_noticed():
    story = "At my last job our fraud model's precision fell from 92% to 70% overnight."
    other = "When I joined the search team the ranking model had not been retrained in years."
    sessions = [
        session(1, [("q1", story + " I found a unit bug.", {})]),
        session(2, [("q9", story + " I rebuilt the features.", {}), ("q4", other, {})]),
    ]
    found = reused_stories(sessions)
    assert [(a, b) for a, b, _ in found] == [("s1/q1", "s2/q9")]


def test_history_command(tmp_path):
    db = tmp_path / "s.sqlite3"
    make_session(db, {"q1": STRONG})
    make_session(db, {"q3": STRONG})
    result = run_cli("history", "--db", str(db))
    assert result.exit_code == 0, result.output
    assert result.stdout.count("2026-") >= 2
    assert "Trend per STAR part" in result.stdout
    assert "same story" in result.stdout  # the same STRONG answer told for q1 and q3
