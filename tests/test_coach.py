""" "Show me a stronger version": own facts only, placeholders instead of invented numbers."""

from __future__ import annotations

import json

from interviewer.grading.coach import placeholder_numbers
from tests.cli_helpers import run_cli
from tests.llm_helpers import BASE_URL, FAKE_KEY, completion
from tests.test_report import make_session

ANSWER = "Our churn model got worse, so I retrained it on fresh data and it got better."


def test_invented_numbers_become_placeholders_and_given_ones_stay():
    rewrite = "Result: churn precision rose from 61% to 80%, saving $40,000 in 3 weeks."
    own = "precision was 61% before"
    assert placeholder_numbers(rewrite, own) == (
        "Result: churn precision rose from 61% to [X%], saving [$X] in [X] weeks."
    )


def test_coach_command_rewrites_through_the_llm(tmp_path, monkeypatch, httpx2_mock):
    monkeypatch.setenv("OPENAI_API_KEY", FAKE_KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", BASE_URL)
    invented = (
        "Situation: Our churn model got worse.\nTask: I owned it.\nAction: I retrained it on "
        "fresh data.\nResult: Churn prediction improved by 40%.\nLesson: Retrain regularly."
    )
    route = httpx2_mock.post(f"{BASE_URL}/chat/completions").respond(200, json=completion(invented))
    db = tmp_path / "s.sqlite3"
    sid = make_session(db, {"q9": ANSWER})
    result = run_cli("coach", sid, "q9", "--db", str(db))
    assert result.exit_code == 0, result.output
    assert "improved by [X%]" in result.stdout and "40%" not in result.stdout
    sent = json.loads(route.calls.last.request.content)
    assert ANSWER in sent["messages"][1]["content"]
    assert "Never invent a number" in sent["messages"][0]["content"]


def test_without_an_llm_the_coach_shows_the_answer_in_star_order(tmp_path):
    """No LLM, no rewrite: the candidate's own sentences, reordered, never an error."""
    db = tmp_path / "s.sqlite3"
    sid = make_session(db, {"q9": ANSWER})
    result = run_cli("coach", sid, "q9", "--db", str(db))
    assert result.exit_code == 0, result.output
    assert "needs an LLM" not in result.output
    assert "I retrained it on fresh data" in result.stdout
    assert "[Lessons: what you do differently since]" in result.stdout
    assert "OPENAI_API_KEY" in result.stderr  # how to get a rewrite instead
