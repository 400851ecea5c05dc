"""``interviewer review``: a coach reviews a session from the terminal (interactive, with
flags, or from a YAML file); the report, the scorecard and the history show it."""

from __future__ import annotations

from pathlib import Path

import pytest

from interviewer.engine.store import Store
from tests.cli_helpers import run_cli
from tests.review_helpers import graded_session


@pytest.fixture
def sid(tmp_path: Path) -> str:
    return graded_session(tmp_path / "sessions.sqlite3")  # the INTERVIEWER_DB of conftest


def _reviews(sid: str, qid: str) -> list:
    with Store.open() as store:
        views = {v.question_id: v for v in store.get_session(sid).questions()}
    return views[qid].answer.reviews


# --- scripted ----------------------------------------------------------------------------


def test_flags_save_one_answers_review_before_saying_saved(sid: str) -> None:
    result = run_cli("review", sid, "--reviewer", "Ana Ruiz", "--answer", "q7",
                     "--score", "result=1", "--score", "data-quality=3",
                     "--comment", "result=The story stops before the end.",
                     "--note", "Finish the story, then add a number.")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Saved.")
    [review] = _reviews(sid, "q7")
    assert review.reviewer == "Ana Ruiz"
    assert review.scores == {"result": 1, "data-quality": 3}
    assert review.comments == {"result": "The story stops before the end."}
    assert review.note == "Finish the story, then add a number."


def test_a_dimension_the_rubric_lacks_is_one_line_and_exit_2(sid: str) -> None:
    result = run_cli("review", sid, "-r", "Ana", "--answer", "q7", "--score", "leadership=3")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "no dimension 'leadership'" in result.stderr
    assert "valid: situation, task, action, result" in result.stderr
    assert _reviews(sid, "q7") == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--answer", "q7", "--score", "result=high"], "a score is a whole number 0-5"),
        (["--answer", "q7", "--score", "result"], "write DIMENSION=VALUE"),
        (["--score", "result=2"], "need --answer"),
        (["--answer", "q1", "--note", "x", "--from", "r.yaml"], "either --from FILE"),
    ],
)
def test_bad_flags_are_one_clear_line(sid: str, args: list[str], message: str) -> None:
    result = run_cli("review", sid, "-r", "Ana", *args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_a_review_file_is_checked_whole_before_anything_is_saved(sid: str, tmp_path: Path) -> None:
    good = tmp_path / "review.yaml"
    good.write_text(
        "reviewer: Ben Okafor\n"
        "answers:\n"
        "  q1:\n"
        "    scores: {result: 3}\n"
        "    comments: {result: 'Say what the campaign saved.'}\n"
        "  q7:\n"
        "    note: 'Pick a story with an ending.'\n",
        encoding="utf-8",
    )
    bad = tmp_path / "bad.yaml"
    bad.write_text(good.read_text("utf-8").replace("note:", "scores: {charisma: 2}\n    note:"))
    result = run_cli("review", sid, "--from", str(bad))
    assert result.exit_code == 2
    assert "bad.yaml: answers.q7" in result.stderr and "'charisma'" in result.stderr
    assert _reviews(sid, "q1") == []  # q1 was fine, but nothing is saved from a bad file
    result = run_cli("review", sid, "--from", str(good))
    assert result.exit_code == 0, result.output
    assert "2 answer(s) reviewed by Ben Okafor" in result.stdout
    assert _reviews(sid, "q1")[0].scores == {"result": 3}
    assert _reviews(sid, "q7")[0].note == "Pick a story with an ending."


def test_a_review_file_with_an_unknown_field_names_it(sid: str, tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_text("reviewer: Ana\nanswers:\n  q1:\n    score: {result: 3}\n", encoding="utf-8")
    result = run_cli("review", sid, "--from", str(path))
    assert result.exit_code == 2
    assert "r.yaml" in result.stderr and "answers.q1.score" in result.stderr


# --- interactive -------------------------------------------------------------------------

# Per STAR part: a score line then a comment line; then the overall note.
Q1_INPUT = [
    "3", "Whose decision was the rollback?",  # situation
    "", "",  # task: skipped
    "9", "4", "",  # action: 9 is refused and asked again, then 4
    "2", "Say what the 9% meant for the retention team.",  # result
    "", "",  # quantified results
    "", "",  # lessons learned
    "Strong opening; the ending needs the business effect.",  # note
]  # fmt: skip


def test_interactive_review_shows_the_answer_and_the_grader_then_saves(sid: str) -> None:
    # the name, q1's review, then Ctrl-D (end of input) during q7: q7 has nothing to save
    result = run_cli("review", sid, input="\n".join(["Ana", *Q1_INPUT]) + "\n")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "churn model started flagging" in out  # the answer is shown
    assert "Scorecard q1: overall" in out  # with the grader's scorecard
    assert "(grader 4, Enter to skip)" in out
    assert "A score is a whole number 0-5" in out
    assert out.count("Saved.") == 1
    [review] = _reviews(sid, "q1")
    assert review.scores == {"situation": 3, "action": 4, "result": 2}
    assert review.comments == {
        "situation": "Whose decision was the rollback?",
        "result": "Say what the 9% meant for the retention team.",
    }
    assert review.note == "Strong opening; the ending needs the business effect."
    assert _reviews(sid, "q7") == []


def test_what_was_typed_before_stopping_is_saved(sid: str) -> None:
    result = run_cli("review", sid, "-r", "Ana", input="1\nNo stakes given.\n")
    assert result.exit_code == 0, result.output
    assert "Saved." in result.stdout
    [review] = _reviews(sid, "q1")
    assert review.scores == {"situation": 1}
    assert review.comments == {"situation": "No stakes given."}


# --- shown to the candidate ------------------------------------------------------------


def test_two_coaches_are_both_shown_in_the_report_and_history_follows_either(sid: str) -> None:
    assert run_cli("review", sid, "-r", "Ana", "--answer", "q7", "--score", "result=2",
                   "--comment", "result=It ends too soon.").exit_code == 0  # fmt: skip
    assert run_cli("review", sid, "-r", "Ben", "--answer", "q7", "--score", "result=3",
                   "--note", "Add the outcome.").exit_code == 0  # fmt: skip
    report = run_cli("report", sid, "--format", "md").stdout
    assert "### Coach review by Ana" in report and "### Coach review by Ben" in report
    assert "| Result | 0/5 | 2/5 | It ends too soon. |" in report  # grader, then the coach
    assert "**Note from Ben:** Add the outcome." in report
    by_grader = run_cli("history").stdout
    by_coach = run_cli("history", "--by", "coach").stdout
    # q1 grader result 4, q7 grader 0 -> 2.0; coaches' mean for q7 is 2.5 -> 3 -> (4+3)/2
    assert "coach scores" in by_coach and "grader scores" in by_grader
    row = next(line for line in by_coach.splitlines() if line.startswith(sid))
    assert row.split()[3] == "1"  # one answer reviewed
    assert "3.5" in row.split()[-3]  # the Result column: (4 + 3) / 2
    grader_row = next(line for line in by_grader.splitlines() if line.startswith(sid))
    assert grader_row.split()[-3] == "2.0"
    assert run_cli("history", "--by", "mentor").exit_code == 2
    # the terminal scorecard shows each coach's score beside the grader's
    shown = run_cli("review", sid, "-r", "Cy", input="\n" * 13).stdout  # q1 skipped, then q7
    assert "Coach Ana" in shown and "Coach Ben" in shown
    assert "Result              Ben 3/5  grader 0/5" in shown
