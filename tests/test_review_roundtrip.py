"""A coach's review comes home: the candidate (database A) exports a session, a coach
(database B) imports it, two coaches review it, B exports it back, and A's import adds the
reviews to A's ORIGINAL session instead of making a second copy. Importing again adds
nothing; a session or file changed since is never merged silently."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from interviewer.core.errors import DataError
from interviewer.engine.portable import (
    ImportResult,
    MergeResult,
    export_session,
    import_file,
    write_export,
)
from interviewer.engine.reviews import review_versions
from interviewer.engine.store import Store
from interviewer.views.summary import session_stats
from tests.cli_helpers import run_cli
from tests.review_helpers import BANK, graded_session
from tests.session_helpers import make_grade


@pytest.fixture
def candidate(tmp_path: Path) -> Path:
    return tmp_path / "candidate.sqlite3"


@pytest.fixture
def coach(tmp_path: Path) -> Path:
    return tmp_path / "coach.sqlite3"


def cli(*args: str) -> Any:
    result = run_cli(*args)
    assert result.exit_code == 0, result.output
    return result


def the_loop(candidate: Path, coach: Path, tmp_path: Path) -> tuple[str, str, Path]:
    """A exports, B imports and two coaches review it, B exports: (A's id, B's id, file)."""
    mine = graded_session(candidate)
    cli("sessions", "export", mine, "-o", str(tmp_path / "to-coach.json"), "--db", str(candidate))
    cli("sessions", "import", str(tmp_path / "to-coach.json"), "--db", str(coach))
    with Store.open(coach) as store:
        theirs = store.get_session("last").id
    ana = "result=Say what the 9% meant for the retention team."
    cli("review", theirs, "-r", "Ana Ruiz", "--answer", "q1", "--score", "result=1",
        "--comment", ana, "--db", str(coach))  # fmt: skip
    cli("review", theirs, "-r", "Ben Okafor", "--answer", "q7", "--score", "action=1",
        "--score", "result=0", "--note", "Finish the story: what changed?",
        "--db", str(coach))  # fmt: skip
    back = tmp_path / "from-coach.json"
    cli("sessions", "export", theirs, "-o", str(back), "--db", str(coach))
    return mine, theirs, back


def session_ids(db: Path) -> list[str]:
    with Store.open(db) as store:
        return store.session_ids()


def reviews_of(db: Path, sid: str) -> dict[str, list[tuple[str, dict[str, int]]]]:
    with Store.open(db) as store:
        views = store.get_session(sid).questions()
    return {v.question_id: [(r.reviewer, r.scores) for r in v.answer.reviews] for v in views}


def rewrite(path: Path, change: Any) -> Path:
    data = json.loads(path.read_text("utf-8"))
    change(data)
    path.write_text(json.dumps(data), "utf-8")
    return path


# --- the whole loop, as a user runs it -------------------------------------------------------


def test_the_coaches_reviews_come_home_to_the_original_session(
    candidate: Path, coach: Path, tmp_path: Path
) -> None:
    mine, _, back = the_loop(candidate, coach, tmp_path)

    result = cli("sessions", "import", str(back), "--db", str(candidate))
    assert f"Added 2 reviews (by Ana Ruiz, Ben Okafor) to session {mine}" in result.output
    assert session_ids(candidate) == [mine]  # no second copy
    assert reviews_of(candidate, mine) == {
        "q1": [("Ana Ruiz", {"result": 1})],
        "q7": [("Ben Okafor", {"action": 1, "result": 0})],
    }

    report = cli("report", mine, "--db", str(candidate)).output  # markdown
    assert "Ana Ruiz" in report and "Ben Okafor" in report
    assert "Say what the 9% meant for the retention team." in report
    assert "Finish the story: what changed?" in report
    assert "Imported from" not in report  # it is the candidate's own session


def test_history_by_coach_follows_the_reviews_that_came_home(
    candidate: Path, coach: Path, tmp_path: Path
) -> None:
    mine, _, back = the_loop(candidate, coach, tmp_path)
    cli("sessions", "import", str(back), "--db", str(candidate))
    with Store.open(candidate) as store:
        record = store.get_session(mine)
    graders, coaches = session_stats(record, "grader"), session_stats(record, "coach")
    assert coaches.averages["result"] < graders.averages["result"]  # the coaches were harsher

    def row(output: str) -> list[str]:
        (line,) = [ln for ln in output.splitlines() if mine in ln]
        return line.split("\t")  # a table not on a terminal: one tab-separated row

    by_coach = row(cli("history", "--by", "coach", "--db", str(candidate)).output)
    by_grader = row(cli("history", "--db", str(candidate)).output)
    result_column = -3  # ... overall, S, T, A, R, Q, L
    assert by_coach[result_column] == f"{coaches.averages['result']:.1f}"
    assert by_grader[result_column] == f"{graders.averages['result']:.1f}"
    assert by_coach != by_grader


def test_importing_the_same_file_again_adds_nothing_and_says_so(
    candidate: Path, coach: Path, tmp_path: Path
) -> None:
    mine, _, back = the_loop(candidate, coach, tmp_path)
    cli("sessions", "import", str(back), "--db", str(candidate))

    again = run_cli("sessions", "import", str(back), "--db", str(candidate))
    assert again.exit_code == 0, again.output
    assert f"Nothing new: session {mine} already has every review in {back}" in again.output
    assert session_ids(candidate) == [mine]
    with Store.open(candidate) as store:
        q1 = store.get_session(mine).questions()[0].answer.id
        assert len(review_versions(store, q1)) == 1


def test_a_coachs_second_version_is_added_and_every_version_kept(
    candidate: Path, coach: Path, tmp_path: Path
) -> None:
    mine, theirs, back = the_loop(candidate, coach, tmp_path)
    cli("sessions", "import", str(back), "--db", str(candidate))
    cli("review", theirs, "-r", "Ana Ruiz", "--answer", "q1", "--score", "task=2",
        "--db", str(coach))  # fmt: skip
    cli("sessions", "export", theirs, "-o", str(back), "--db", str(coach))

    result = cli("sessions", "import", str(back), "--db", str(candidate))
    assert f"Added 1 review (by Ana Ruiz) to session {mine}" in result.output
    assert reviews_of(candidate, mine)["q1"] == [("Ana Ruiz", {"result": 1, "task": 2})]
    with Store.open(candidate) as store:
        q1 = store.get_session(mine).questions()[0].answer.id
        assert [r.scores for r in review_versions(store, q1)] == [
            {"result": 1},
            {"result": 1, "task": 2},
        ]


def test_a_local_review_is_never_dropped_or_overwritten(
    candidate: Path, coach: Path, tmp_path: Path
) -> None:
    mine, _, back = the_loop(candidate, coach, tmp_path)
    # meanwhile a mentor at home reviewed the same answer, and Ana (same name) did too
    cli("review", mine, "-r", "Chen Li", "--answer", "q1", "--score", "result=3",
        "--db", str(candidate))  # fmt: skip
    cli("review", mine, "-r", "Ana Ruiz", "--answer", "q1", "--note", "Said in person.",
        "--db", str(candidate))  # fmt: skip

    result = cli("sessions", "import", str(back), "--db", str(candidate))
    assert "Added 2 reviews" in result.output  # Ana's file version is not "already there"
    with Store.open(candidate) as store:
        q1 = store.get_session(mine).questions()[0].answer.id
        versions = [(r.reviewer, r.scores, r.note) for r in review_versions(store, q1)]
    assert ("Chen Li", {"result": 3}, "") in versions
    assert ("Ana Ruiz", {}, "Said in person.") in versions
    assert ("Ana Ruiz", {"result": 1}, "") in versions and len(versions) == 3


# --- never merged silently -------------------------------------------------------------------


def test_a_file_whose_answers_were_edited_is_refused_with_one_line_or_kept_as_a_copy(
    candidate: Path, coach: Path, tmp_path: Path
) -> None:
    mine, _, back = the_loop(candidate, coach, tmp_path)
    rewrite(back, lambda d: d["answers"][1].update(text="We automated the prices. Sales +30%."))

    refused = run_cli("sessions", "import", str(back), "--db", str(candidate))
    assert refused.exit_code == 2
    (line,) = refused.stderr.strip().splitlines()
    assert str(back) in line and f"session {mine} coming back" in line
    assert "answer q7 changed since export" in line and "--copy" in line
    assert reviews_of(candidate, mine) == {"q1": [], "q7": []}  # nothing merged

    copy = cli("sessions", "import", str(back), "--copy", "--db", str(candidate))
    assert "imported" in copy.output and "shown as edited" in copy.output
    assert len(session_ids(candidate)) == 2
    assert reviews_of(candidate, mine) == {"q1": [], "q7": []}


def test_a_session_regraded_since_it_was_exported_is_not_merged(
    candidate: Path, coach: Path, tmp_path: Path
) -> None:
    mine, _, back = the_loop(candidate, coach, tmp_path)
    with Store.open(candidate) as store:
        store.save_grade(store.get_session(mine).questions()[0].answer.id, make_grade(5))

    with Store.open(candidate) as store, pytest.raises(DataError, match="the grades: regraded"):
        import_file(store, back)
    assert reviews_of(candidate, mine) == {"q1": [], "q7": []}


def test_a_review_changed_after_export_is_detected(
    candidate: Path, coach: Path, tmp_path: Path
) -> None:
    mine, _, back = the_loop(candidate, coach, tmp_path)
    rewrite(back, lambda d: d["reviews"][0]["review"]["scores"].update(result=5))

    with Store.open(candidate) as store, pytest.raises(DataError) as err:
        import_file(store, back)
    assert "reviews were changed after it was exported" in str(err.value)
    assert reviews_of(candidate, mine) == {"q1": [], "q7": []}
    # imported anywhere else, it is marked edited and the report says why
    with Store.open(tmp_path / "third.sqlite3") as store:
        result = import_file(store, back)
        assert isinstance(result, ImportResult) and result.edited and result.reviews_edited
        from interviewer.core.bank import Bank
        from interviewer.views.report import render_report

        record = store.get_session(result.session_id)
        md = render_report(record, Bank.model_validate(record.options["bank"]), "md")
    assert "Edited: its coaches' reviews were changed after export." in md


def test_reviews_moved_onto_another_sessions_file_are_detected(
    candidate: Path, coach: Path, tmp_path: Path
) -> None:
    _, _, back = the_loop(candidate, coach, tmp_path)
    other = graded_session(tmp_path / "other.sqlite3")
    with Store.open(tmp_path / "other.sqlite3") as store:
        data = export_session(store, other, lambda b, o: None)
    theirs = json.loads(back.read_text("utf-8"))
    ids = {a["question_id"]: a["id"] for a in data["answers"]}
    by_q = {a["id"]: a["question_id"] for a in theirs["answers"]}
    data["reviews"] = [{**r, "answer": ids[by_q[r["answer"]]]} for r in theirs["reviews"]]
    data["reviews_hash"] = theirs["reviews_hash"]
    write_export(data, tmp_path / "moved.json")

    with Store.open(tmp_path / "third.sqlite3") as store:
        result = import_file(store, tmp_path / "moved.json")
    assert isinstance(result, ImportResult) and result.reviews_edited


def test_an_untouched_reviewed_file_is_not_marked_edited(
    candidate: Path, coach: Path, tmp_path: Path
) -> None:
    _, _, back = the_loop(candidate, coach, tmp_path)
    with Store.open(tmp_path / "third.sqlite3") as store:
        result = import_file(store, back)
    assert isinstance(result, ImportResult)
    assert not result.edited and not result.reviews_edited


def test_a_file_from_before_the_reviews_hash_still_comes_home(
    candidate: Path, coach: Path, tmp_path: Path
) -> None:
    mine, _, back = the_loop(candidate, coach, tmp_path)
    rewrite(back, lambda d: d.pop("reviews_hash"))

    with Store.open(candidate) as store:
        result = import_file(store, back)
    assert isinstance(result, MergeResult) and (result.session_id, result.added) == (mine, 2)


# --- what counts as coming home --------------------------------------------------------------


def test_a_copy_of_a_copy_still_comes_home(candidate: Path, coach: Path, tmp_path: Path) -> None:
    mine, theirs, _ = the_loop(candidate, coach, tmp_path)
    # the coach passes the session on to a colleague, who reviews and sends it home
    colleague = tmp_path / "colleague.sqlite3"
    cli("sessions", "export", theirs, "-o", str(tmp_path / "on.json"), "--db", str(coach))
    cli("sessions", "import", str(tmp_path / "on.json"), "--db", str(colleague))
    cli("review", "last", "-r", "Dana", "--answer", "q7", "--score", "task=2",
        "--db", str(colleague))  # fmt: skip
    cli("sessions", "export", "last", "-o", str(tmp_path / "home.json"), "--db", str(colleague))

    result = cli("sessions", "import", str(tmp_path / "home.json"), "--db", str(candidate))
    assert f"Added 3 reviews (by Ana Ruiz, Ben Okafor, Dana) to session {mine}" in result.output


def test_recordings_left_out_on_the_way_do_not_stop_the_homecoming(tmp_path: Path) -> None:
    home, away = tmp_path / "home.sqlite3", tmp_path / "away.sqlite3"
    with Store.open(home) as store:
        sid = store.create_session(BANK, ["q1"], "voice", "offline")
        (tmp_path / "take.wav").write_bytes(b"RIFF a spoken answer")
        aid = store.add_answer(sid, "q1", "Tell me...", "We cut the queue by 40%.",
                               audio_path=str(tmp_path / "take.wav"))  # fmt: skip
        store.save_grade(aid, make_grade(3))
        write_export(export_session(store, sid, lambda b, o: None, audio=False), tmp_path / "a")
    with Store.open(away) as store:
        there = import_file(store, tmp_path / "a").session_id
        assert store.get_session(there).answers[0].audio_path is None  # no recording there
        from interviewer.core.bank import Bank
        from interviewer.engine.reviews import review_answer

        record = store.get_session(there)
        bank = Bank.model_validate(record.options["bank"])
        review_answer(store, record, bank, "q1", "Ana", scores={"result": 2})
        write_export(export_session(store, there, lambda b, o: None), tmp_path / "b")

    with Store.open(home) as store:
        result = import_file(store, tmp_path / "b")
        assert isinstance(result, MergeResult) and (result.session_id, result.added) == (sid, 1)
        assert store.get_session(sid).answers[0].audio_path  # the recording is still there


def test_an_id_that_only_looks_alike_is_not_taken_for_a_local_session(
    candidate: Path, tmp_path: Path
) -> None:
    mine = graded_session(candidate)
    other = graded_session(tmp_path / "elsewhere.sqlite3", {"q1": "A different story."})
    with Store.open(tmp_path / "elsewhere.sqlite3") as store:
        data = export_session(store, other, lambda b, o: None)
    data["session"]["id"] = mine  # the same id by chance, started at another moment
    write_export(data, tmp_path / "lookalike.json")

    with Store.open(candidate) as store:
        result = import_file(store, tmp_path / "lookalike.json")
    assert isinstance(result, ImportResult) and result.session_id != mine
