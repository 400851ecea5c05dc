"""``interviewer sessions export|import|list`` as a user runs them: a session practised on one
machine (database) is shown on another, bad files get one line and exit code 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from interviewer.engine.store import Store
from tests.cli_helpers import run_cli

STORY = (
    "Two weeks before our charity run, the permit for the route was withdrawn. I was the "
    "volunteer lead, so my job was to find a new route the council would approve in time. "
    "I walked three alternatives with the marshals, measured each one and filed the new "
    "plan within four days. The run went ahead with 640 runners and raised 12,000 pounds. "
    "I learned to keep a backup route on file for every event."
)
SHORT = "A colleague and I disagreed about a deadline. We talked."
MORE = "In the end we split the work and shipped 2 days early."


@pytest.fixture
def practised(tmp_path: Path) -> Path:
    """A database with one scripted session: q1 answered, q2 answered with a follow-up."""
    answers = tmp_path / "answers.yaml"
    answers.write_text(
        yaml.safe_dump({"q1": STORY, "q2": {"answer": SHORT, "follow_ups": [MORE]}}), "utf-8"
    )
    db = tmp_path / "mine.sqlite3"
    result = run_cli(
        "practice", "--questions", "q1,q2", "--answers", str(answers), "--report", "none",
        "--db", str(db),
    )  # fmt: skip
    assert result.exit_code in (0, 1), result.output
    return db


def export(db: Path, out: Path, *flags: str) -> Path:
    result = run_cli("sessions", "export", "last", "-o", str(out), "--db", str(db), *flags)
    assert result.exit_code == 0, result.output
    return out


def test_export_then_import_then_report_on_another_database(
    practised: Path, tmp_path: Path
) -> None:
    out = export(practised, tmp_path / "share.json")
    with Store.open(practised) as store:
        original = store.get_session("last")
    assert (
        f"wrote {out}: session {original.id}, 3 answer(s)"
        in run_cli("sessions", "export", original.id, "-o", str(out), "--db", str(practised)).output
    )

    theirs = tmp_path / "mentor.sqlite3"
    result = run_cli("sessions", "import", str(out), "--db", str(theirs))
    assert result.exit_code == 0, result.output
    assert f"(was {original.id} where it was exported): 3 answer(s)" in result.output
    with Store.open(theirs) as store:
        imported = store.get_session("last")
    assert imported.id != original.id
    assert [a.text for a in imported.answers] == [a.text for a in original.answers]
    assert [len(a.grades) for a in imported.answers] == [len(a.grades) for a in original.answers]

    report = run_cli("report", imported.id, "--db", str(theirs))
    assert report.exit_code == 0, report.output
    assert "640 runners" in report.output and MORE in report.output


def test_the_default_file_name_carries_the_session_id(
    practised: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run_cli("sessions", "export", "--db", str(practised))
    assert result.exit_code == 0, result.output
    (written,) = tmp_path.glob("interviewer-session-*.json")
    assert json.loads(written.read_text("utf-8"))["session"]["id"] in written.name


def test_importing_twice_says_where_the_first_copy_is(practised: Path, tmp_path: Path) -> None:
    out = export(practised, tmp_path / "share.json")
    theirs = str(tmp_path / "mentor.sqlite3")
    first = run_cli("sessions", "import", str(out), "--db", theirs)
    new_id = first.output.split(" as session ")[1].split()[0]

    again = run_cli("sessions", "import", str(out), "--db", theirs)
    assert again.exit_code == 2
    assert f"already imported as session {new_id}" in again.stderr
    assert "--copy" in again.stderr and "Traceback" not in again.output
    copy = run_cli("sessions", "import", str(out), "--copy", "--db", theirs)
    assert copy.exit_code == 0, copy.output
    listed = run_cli("sessions", "list", "--db", theirs)
    assert listed.output.count("imported from") == 2


def test_an_edited_answer_is_reported_on_import_and_in_the_report(
    practised: Path, tmp_path: Path
) -> None:
    out = export(practised, tmp_path / "share.json")
    data = json.loads(out.read_text("utf-8"))
    data["answers"][0]["text"] = STORY.replace("640", "6,400")
    out.write_text(json.dumps(data), "utf-8")
    theirs = str(tmp_path / "mentor.sqlite3")

    result = run_cli("sessions", "import", str(out), "--db", theirs)
    assert result.exit_code == 0, result.output
    assert "changed after it was graded or exported (q1): shown as edited" in result.output
    assert "(edited)" in run_cli("sessions", "list", "--db", theirs).output


@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        (lambda text: text[: len(text) // 3], "truncated or damaged"),
        (lambda text: text.replace('"schema_version": 1', '"schema_version": 7'), "upgrade"),
        (lambda text: "title: a bank\n", "not an interviewer session export"),
        (lambda text: text.replace('"mode": "scripted"', '"mode": 3'), "session.mode"),
    ],
)
def test_a_bad_file_is_one_line_and_exit_code_2(
    practised: Path, tmp_path: Path, damage, expected: str
) -> None:
    out = export(practised, tmp_path / "share.json")
    out.write_text(damage(out.read_text("utf-8")), "utf-8")
    result = run_cli("sessions", "import", str(out), "--db", str(tmp_path / "mentor.sqlite3"))

    assert result.exit_code == 2
    assert expected in result.stderr and str(out) in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output


def test_an_unknown_session_or_missing_file_is_one_line(practised: Path, tmp_path: Path) -> None:
    result = run_cli("sessions", "export", "nope", "--db", str(practised))
    assert result.exit_code == 2 and "no session 'nope'" in result.stderr
    missing = run_cli("sessions", "import", str(tmp_path / "gone.json"), "--db", str(practised))
    assert missing.exit_code == 2 and "cannot read file" in missing.stderr


def test_no_api_key_in_the_exported_file(
    practised: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = "corp-proxy-token-QX7WZ2"  # not shaped like an OpenAI key: masked as the one set
    monkeypatch.setenv("OPENAI_API_KEY", key)
    with Store.open(practised) as store:
        sid = store.resolve_id("last")
        store.db.execute(
            "UPDATE answers SET text = text || ? WHERE session_id = ? AND question_id = 'q2'",
            (f" (my key is {key})", sid),
        )
    out = export(practised, tmp_path / "share.json")
    assert key not in out.read_text("utf-8")


def test_history_marks_imported_and_edited_sessions(practised: Path, tmp_path: Path) -> None:
    out = export(practised, tmp_path / "share.json")
    theirs = str(tmp_path / "mentor.sqlite3")
    assert run_cli("sessions", "import", str(out), "--db", theirs).exit_code == 0
    data = json.loads(out.read_text("utf-8"))
    data["grades"][0]["grade"]["overall"] = 99
    out.write_text(json.dumps(data), "utf-8")
    assert run_cli("sessions", "import", str(out), "--db", theirs).exit_code == 0

    history = run_cli("history", "--db", theirs)
    assert history.exit_code == 0, history.output
    assert history.output.count("(imported)") == 1
    assert history.output.count("(imported, edited)") == 1
