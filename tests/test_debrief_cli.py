"""``interviewer debrief FILE``: what it says it found, what it stores, and how report,
history and regrade read the stored debrief."""

from __future__ import annotations

from pathlib import Path

import pytest

from interviewer.engine.store import Store
from tests.cli_helpers import run_cli
from tests.debrief_helpers import INTERRUPTED_TXT, SRT, THREE_QUESTIONS_VTT

# A question no bank asks, so it is graded against the general rubric in its own words.
UNMATCHED = """Interviewer: What is the most unusual thing you have fixed with a spreadsheet?
Me: At the food bank I volunteer at, our donation log was paper only, so nobody knew what
was about to expire. I built a shared sheet with an expiry column and a weekly filter, and
trained the four Saturday volunteers to use it. Waste fell from about 30 crates a month to
8 within two months, and I learned to start with the people who will fill it in.
"""


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def sessions() -> list:  # type: ignore[type-arg]
    with Store.open() as store:
        return store.list_sessions()


def test_dry_run_shows_what_was_found_and_stores_nothing(tmp_path: Path) -> None:
    path = write(tmp_path, "call.vtt", THREE_QUESTIONS_VTT)
    result = run_cli("debrief", str(path), "--dry-run")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Speakers: Dana Whitfield, Ravi Menon" in out
    assert "You are Ravi Menon (a guess: the longest answers and the fewest questions)" in out
    assert "set aside: Hello Ravi, can you hear me okay?" in out
    lines = [line.split("\t") for line in out.splitlines() if line.startswith("q")]
    assert [(row[0], row[2].split(" (")[0], row[3]) for row in lines] == [
        ("q1", "general-behavioural q1", "73"),
        ("q2", "general-behavioural q2", "43"),
        ("q3", "general-behavioural q8", "44"),
    ]
    assert "Dry run: nothing was stored." in out
    assert sessions() == []


def test_a_debrief_is_stored_graded_and_reported_as_a_debrief(tmp_path: Path) -> None:
    path = write(tmp_path, "call.vtt", THREE_QUESTIONS_VTT)
    result = run_cli("debrief", str(path), "--grader", "offline")
    assert result.exit_code == 0, result.output
    assert result.output.count("Scorecard q") == 3
    [session] = sessions()
    assert session.mode == "debrief" and session.finished
    assert result.output.rstrip().endswith(
        f"`interviewer report {session.id}` shows the full report."
    )
    views = session.questions()
    assert [v.answer.prompt for v in views][1] == (
        "Describe a time you made a mistake at work that affected other people."
    )
    assert all(v.grade is not None for v in views)
    assert views[0].answer.text.startswith("Last year a senior colleague")

    report = run_cli("report", session.id)
    assert report.exit_code == 0, report.output
    assert report.output.startswith("# Interview debrief report")
    assert "Debrief of call.vtt" in report.output
    assert (
        "## q3: Tell me about a time you had more to do than you could get done." in report.output
    )
    # each question says which bank question it was matched to and graded on
    assert "*Matched to general-behavioural q8 (similarity " in report.output

    history = run_cli("history")
    assert history.exit_code == 0, history.output
    header, row = history.output.splitlines()[:2]
    assert header.split("\t")[:2] == ["session", "kind"]
    assert row.split("\t")[:3] == [session.id, "debrief", session.started_at.strftime("%Y-%m-%d")]


def test_an_unmatched_question_keeps_its_wording_in_the_report(tmp_path: Path) -> None:
    path = write(tmp_path, "notes.txt", UNMATCHED)
    result = run_cli("debrief", str(path))
    assert result.exit_code == 0, result.output
    assert "general rubric" in result.output
    report = run_cli("report", "last")
    assert "## q1: What is the most unusual thing you have fixed with a spreadsheet?" in (
        report.output
    )
    assert "graded against the general behavioural rubric" in report.output
    regrade = run_cli("regrade", "last", "--all")  # the stored bank grades it again
    assert regrade.exit_code == 0, regrade.output
    assert "Graded 1 of 1" in regrade.output


def test_follow_ups_are_stored_under_their_question(tmp_path: Path) -> None:
    path = write(tmp_path, "notes.txt", INTERRUPTED_TXT)
    result = run_cli("debrief", str(path))
    assert result.exit_code == 0, result.output
    assert "1 follow-up included" in result.output
    [view] = sessions()[0].questions()
    assert [f.prompt for f in view.follow_ups] == ["What did you learn from it?"]
    report = run_cli("report", "last")
    assert "*What did you learn from it?*" in report.output


def test_me_picks_the_candidate_in_an_srt(tmp_path: Path) -> None:
    path = write(tmp_path, "call.srt", SRT)
    result = run_cli("debrief", str(path), "--me", "Tom", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "You are TOM (--me)." in result.output
    assert "customer-and-projects q6" in result.output


@pytest.mark.parametrize(
    ("name", "content", "args", "expected"),
    [
        ("empty.vtt", b"", (), "empty.vtt: the file is empty: export the transcript again"),
        ("photo.vtt", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" * 50, (),
         "photo.vtt: is not a text file (it holds binary data)"),
        ("call.vtt", THREE_QUESTIONS_VTT, ("--me", "Sam"),
         "no speaker 'Sam' in the transcript; the speakers are: Dana Whitfield, Ravi Menon"),
        ("blob.txt", "We talked about the weather and my commute for a while.\n", (),
         "blob.txt: has no recognisable speakers and no questions"),
        ("call.vtt", THREE_QUESTIONS_VTT, ("--bank", "nope"), "no bank 'nope'"),
    ],
    ids=["empty", "binary", "unknown --me", "no speakers", "unknown bank"],
)  # fmt: skip
def test_bad_input_is_one_clear_error_and_exit_2(
    tmp_path: Path, name: str, content: str | bytes, args: tuple[str, ...], expected: str
) -> None:
    path = write(tmp_path, name, content)
    result = run_cli("debrief", str(path), *args)
    assert result.exit_code == 2, result.output
    first = result.stderr.splitlines()[0]
    assert first.startswith("error: ") and expected in first
    assert "Traceback" not in result.stderr
    assert sessions() == []


def test_no_speakers_shows_how_to_label_the_lines(tmp_path: Path) -> None:
    path = write(tmp_path, "blob.txt", "We talked about the weather for a while.\n")
    result = run_cli("debrief", str(path))
    assert result.exit_code == 2
    assert "Interviewer: Tell me about a time you missed a deadline." in result.stderr
    assert "Me: Last spring our release slipped" in result.stderr


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    result = run_cli("debrief", str(tmp_path / "gone.vtt"))
    assert result.exit_code == 2
    assert "gone.vtt: cannot read the file" in result.stderr
