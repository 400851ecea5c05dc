"""`interviewer stories`: the story bank from the command line, as a candidate uses it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli_helpers import run_cli
from tests.story_helpers import CHURN_DEBUG, build_history

JOB = """\
# Senior Machine Learning Engineer

You will own our fraud detection models in production: debug model regressions,
investigate data quality issues in our pipelines and iterate quickly under tight deadlines.
You are comfortable with failed experiments and know when to change approach.
"""


@pytest.fixture
def db(tmp_path: Path) -> str:
    build_history(tmp_path / "s.sqlite3")
    return str(tmp_path / "s.sqlite3")


def stories(*args: str, db: str):
    result = run_cli("stories", *args, "--db", db)
    return result


def test_the_list_shows_each_story_with_its_questions_scores_and_numbers(db: str) -> None:
    result = stories(db=db)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.count("Story ") == 3
    churn = out.split("Story 1: ")[1].split("Story 2: ")[0]
    assert "found in your answers" in churn
    assert "debugged a production ML system" in churn  # q1, as asked
    assert "extremely messy or unreliable data" in churn  # q7
    assert "best STAR: Situation 5" in churn and "Systematic debugging 5" in churn
    assert "$240,000" in churn
    assert "told for 3 different questions (more than 2)" in churn
    warehouse = out.split("Story 3: ")[1]
    assert "needs a number for what changed and a lesson" in warehouse


def test_rename_merge_and_split_from_the_command_line(db: str) -> None:
    stories(db=db)
    renamed = stories("rename", "1", "Churn model after the CRM move", db=db)
    assert renamed.exit_code == 0
    assert "now called 'Churn model after the CRM move'" in renamed.stdout
    split = stories("split", "1", "--answer", "5", "--title", "Beating the old recall", db=db)
    assert split.exit_code == 0, split.output
    assert "New story 4 ('Beating the old recall') with answer 5" in split.stdout
    merged = stories("merge", "2", "3", "--title", "Models that had to change", db=db)
    assert merged.exit_code == 0 and "Merged into story 2" in merged.stdout

    build_history(Path(db), [[("q2", CHURN_DEBUG)]])  # the churn story told once more
    out = stories(db=db).stdout
    assert "Story 1: Churn model after the CRM move" in out
    assert "Story 4: Beating the old recall" in out and "Story 3:" not in out
    assert out.split("Story 1: ")[1].split("Story 2: ")[0].count("answer ") == 3  # q1, q7, q2


def test_mistakes_are_one_line_with_exit_code_2(db: str) -> None:
    stories(db=db)
    missing = stories("rename", "42", "Anything", db=db)
    assert missing.exit_code == 2 and missing.stderr.startswith("error: there is no story 42")
    assert stories("merge", "1", db=db).exit_code == 2
    stray = stories("split", "2", "--answer", "1", db=db)
    assert stray.exit_code == 2 and "answer 1 is not in story 2" in stray.stderr


def test_stories_added_from_a_file(tmp_path: Path) -> None:
    db = str(tmp_path / "s.sqlite3")
    good = tmp_path / "mine.yaml"
    good.write_text(
        "stories:\n"
        "  - title: The night-shift runbook\n"
        "    text: I rewrote the night shift's runbook so new starters could handle alerts.\n"
    )
    result = stories("add", str(good), db=db)
    assert result.exit_code == 0 and "added 1 of 1 stories" in result.stdout
    listed = stories(db=db).stdout
    assert "Story 1: The night-shift runbook" in listed and "from a file" in listed
    assert "not told in an answer yet" in listed

    bad = tmp_path / "bad.yaml"
    bad.write_text("stories:\n  - title: Only a title\n")
    failed = stories("add", str(bad), db=db)
    assert failed.exit_code == 2
    assert failed.stderr.strip() == (
        f"error: {bad}: line 2: stories[0].text: required field is missing"
    )


def test_coverage_names_gaps_and_overused_stories(db: str) -> None:
    result = stories("coverage", db=db)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    header = lines[0].split("\t")
    assert header[:2] == ["key theme", "bank"] and header[-2:] == ["best", "gap"]
    rows = {line.split("\t")[0]: line.split("\t") for line in lines[1:6]}
    assert rows["Systematic debugging"][2:5] == ["5", "-", "-"]  # story 1 only
    assert rows["Scrappiness over elegance"][-1] == "GAP"
    assert "Gaps (no story scores 3 or more):" in result.stdout
    assert "Overused (told for more than 2 questions):" in result.stdout


def test_coverage_for_a_job_puts_its_themes_first(db: str, tmp_path: Path) -> None:
    job = tmp_path / "job.md"
    job.write_text(JOB)
    result = stories("coverage", "--job", str(job), db=db)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split("\t")[2] == "job weight"
    weights = [float(line.split("\t")[2]) for line in lines[1:] if line.count("\t") > 4]
    assert weights == sorted(weights, reverse=True)  # the job's strongest themes first
    assert "the job says:" in result.stdout
    empty = tmp_path / "empty.md"
    empty.write_text("")
    refused = stories("coverage", "--job", str(empty), db=db)
    assert refused.exit_code == 2 and str(empty) in refused.stderr
