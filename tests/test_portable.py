"""Portable sessions: export one session to a file, import it into another store, lossless;
bad files are refused with the field named; files changed after grading are shown as edited."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from interviewer.core.bank import Bank, get_bank
from interviewer.core.errors import DataError, InterviewerError
from interviewer.engine.portable import export_session, import_file, write_export
from interviewer.engine.store import Store
from tests.session_helpers import make_grade

MAIN = (
    "In my second year at the clinic I noticed our appointment no-show rate had climbed to "
    "18 percent. I owned the reminder process, so I set up text reminders two days before "
    "each visit and called the patients who had missed twice. Within two months no-shows "
    "dropped to 7 percent. I learned to check the numbers before assuming a cause."
)
PROBE = "How did you know the reminders caused the drop?"
FOLLOW = "We ran the reminders for one doctor first; her no-shows fell while the others held."
SECOND = "A supplier kept missing deadlines, so I asked for weekly calls. It got better."
RECORDING = b"RIFF\x24\x00\x00\x00WAVEfmt fake recording bytes \x00\x01\x02\xff"


def find_bank(bank_id: str, options: dict[str, Any]) -> Any:
    return get_bank(options.get("bank", bank_id))


def rich_session(store: Store, tmp_path: Path) -> str:
    """A finished session with a follow-up, two grades, a failed answer, delivery and audio."""
    sid = store.create_session(
        "ml-problem-solving", ["q1", "q2", "q3"], "voice", "offline", {"feedback": "end"}
    )
    audio = tmp_path / "take1.wav"
    audio.write_bytes(RECORDING)
    delivery = {"seconds": 41.5, "words": 91, "words_per_minute": 132.0, "fillers": 1,
                "fillers_per_minute": 1.4, "top_filler": "um", "long_pauses": 2,
                "garbled": False, "advice": ["Pause less between sentences."]}  # fmt: skip
    main = store.add_answer(
        sid, "q1", "Tell me about a time...", MAIN, elapsed_seconds=41.5,
        audio_path=str(audio), delivery=delivery,
    )  # fmt: skip
    store.save_grade(main, make_grade(2))
    store.add_answer(sid, "q1", PROBE, FOLLOW, kind="follow_up", parent_id=main, slot=0)
    store.save_grade(main, make_grade(4, result=5))
    second = store.add_answer(sid, "q2", "Describe a conflict...", SECOND, elapsed_seconds=9.0)
    store.mark_failed(second, "the server was unreachable")
    store.finish_session(sid)
    return sid


def snapshot(store: Store, sid: str) -> dict[str, Any]:
    """Everything stored about a session, with ids replaced by positions."""
    s = store.db.execute("SELECT * FROM sessions WHERE id = ?", (sid,)).fetchone()
    rows = store.db.execute("SELECT * FROM answers WHERE session_id = ? ORDER BY id", (sid,))
    answers = rows.fetchall()
    pos = {a["id"]: i for i, a in enumerate(answers)}
    grades = store.db.execute(
        "SELECT g.* FROM grades g JOIN answers a ON a.id = g.answer_id"
        " WHERE a.session_id = ? ORDER BY g.id",
        (sid,),
    ).fetchall()
    options = json.loads(s["options"])
    options.pop("imported", None)
    options.pop("bank", None)  # an imported session keeps its own copy of the bank
    session = {k: v for k, v in dict(s).items() if k not in ("id", "options")}
    return {
        "session": {**session, "options": options},
        "answers": [
            {
                **{k: v for k, v in dict(a).items() if k not in ("id", "session_id", "audio_path")},
                "parent_id": pos.get(a["parent_id"]),
                "audio": Path(a["audio_path"]).read_bytes() if a["audio_path"] else None,
            }
            for a in answers
        ],
        "grades": [(pos[g["answer_id"]], g["created_at"], g["grade"]) for g in grades],
    }


@pytest.fixture
def home(tmp_path: Path) -> Store:
    store = Store.open(tmp_path / "home" / "sessions.sqlite3")
    yield store
    store.close()


@pytest.fixture
def away(tmp_path: Path) -> Store:
    store = Store.open(tmp_path / "away" / "sessions.sqlite3")
    yield store
    store.close()


def exported(store: Store, sid: str, tmp_path: Path, audio: bool = True) -> Path:
    path = tmp_path / "export.json"
    write_export(export_session(store, sid, find_bank, audio=audio), path)
    return path


def edit(path: Path, change: Any) -> Path:
    data = json.loads(path.read_text("utf-8"))
    change(data)
    path.write_text(json.dumps(data), "utf-8")
    return path


def session_count(store: Store) -> int:
    return int(store.db.execute("SELECT COUNT(*) FROM sessions").fetchone()[0])


# --- round trip -------------------------------------------------------------------------


def test_export_then_import_on_another_store_is_identical(
    home: Store, away: Store, tmp_path: Path
) -> None:
    sid = rich_session(home, tmp_path)
    result = import_file(away, exported(home, sid, tmp_path))

    assert result.session_id != sid and result.origin_id == sid
    assert (result.answers, result.grades, result.edited) == (3, 2, False)
    assert snapshot(away, result.session_id) == snapshot(home, sid)
    record = away.get_session(result.session_id)
    assert record.options["imported"]["from"] == sid
    (audio_path,) = [a.audio_path for a in record.answers if a.audio_path]
    assert Path(audio_path).parent == away.path.parent / "audio" / result.session_id


def test_a_reexport_of_an_imported_session_carries_the_same_answers_and_grades(
    home: Store, away: Store, tmp_path: Path
) -> None:
    sid = rich_session(home, tmp_path)
    first = json.loads(exported(home, sid, tmp_path).read_text("utf-8"))
    new = import_file(away, exported(home, sid, tmp_path)).session_id
    again = export_session(away, new, find_bank)

    def by_position(data: dict[str, Any]) -> list[Any]:
        pos = {a["id"]: i for i, a in enumerate(data["answers"])}
        answers = [
            {**a, "id": pos[a["id"]], "parent": pos.get(a["parent"])} for a in data["answers"]
        ]
        grades = [{**g, "answer": pos[g["answer"]]} for g in data["grades"]]
        return [answers, grades]

    assert by_position(again) == by_position(first)
    assert again["bank"] == first["bank"]


def test_the_imported_session_opens_where_its_bank_does_not_exist(
    home: Store, away: Store, tmp_path: Path
) -> None:
    from interviewer.views.report import render_report

    sid = rich_session(home, tmp_path)
    data = json.loads(exported(home, sid, tmp_path).read_text("utf-8"))
    data["session"]["bank_id"] = data["bank"]["id"] = "mentor-only-bank"
    path = tmp_path / "moved.json"
    path.write_text(json.dumps(data), "utf-8")
    record = away.get_session(import_file(away, path).session_id)

    bank = Bank.model_validate(record.options["bank"])  # the session's own copy
    assert [q.id for q in bank.questions] == ["q1", "q2", "q3"]
    assert {t.id for t in bank.themes} == {t for q in bank.questions for t in q.themes}
    text = render_report(record, bank, "md")
    assert bank.question("q1").text in text and "no-show rate" in text


def test_the_export_file_describes_itself(home: Store, tmp_path: Path) -> None:
    data = json.loads(exported(home, rich_session(home, tmp_path), tmp_path).read_text("utf-8"))

    assert data["format"] == "interviewer-session" and data["schema_version"] == 1
    assert data["interviewer_version"] and data["exported_at"]
    assert data["session"]["options"] == {"feedback": "end"}
    main, follow, second = data["answers"]
    assert (follow["kind"], follow["parent"], follow["slot"]) == ("follow_up", main["id"], 0)
    assert main["delivery"]["words_per_minute"] == 132.0
    assert base64.b64decode(main["audio"]["data"]) == RECORDING
    assert main["audio"]["name"] == "take1.wav"
    assert second["status"] == "failed" and second["graded_sha256"] is None
    assert [g["grade"]["result"]["score"] for g in data["grades"]] == [2, 5]  # in order


# --- grades are read leniently ----------------------------------------------------------


def test_grades_from_an_older_or_newer_minor_version_are_imported(
    home: Store, away: Store, tmp_path: Path
) -> None:
    path = exported(home, rich_session(home, tmp_path), tmp_path)

    def loosen(data: dict[str, Any]) -> None:
        grade = data["grades"][0]["grade"]
        grade["confidence"] = 0.8  # a field a later version added
        del grade["strengths"]  # an optional field an earlier version did not write
        grade["meta"]["region"] = "eu"

    new = import_file(away, edit(path, loosen)).session_id
    first = away.get_session(new).answers[0].grades[0].grade
    assert first.strengths == [] and first.result.score == 2


def test_a_grade_from_a_newer_grade_schema_is_refused(
    home: Store, away: Store, tmp_path: Path
) -> None:
    path = exported(home, rich_session(home, tmp_path), tmp_path)
    edit(path, lambda d: d["grades"][1]["grade"].update(schema_version=99))

    with pytest.raises(DataError, match=r"grades\[1\]\.grade: written by a newer interviewer"):
        import_file(away, path)
    assert session_count(away) == 0


# --- bad files --------------------------------------------------------------------------


def test_a_file_from_a_newer_version_is_refused_with_one_line(
    home: Store, away: Store, tmp_path: Path
) -> None:
    path = exported(home, rich_session(home, tmp_path), tmp_path)
    edit(path, lambda d: d.update(schema_version=2, answers="a shape this version cannot read"))

    with pytest.raises(DataError) as caught:
        import_file(away, path)
    message = str(caught.value)
    assert "upgrade interviewer" in message and "\n" not in message
    assert str(path) in message


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('{"id": "my-bank", "questions": []}', "not an interviewer session export"),
        ("[1, 2, 3]", "not an interviewer session export"),
        ("id: my-bank\nquestions: []\n", r"not an interviewer session export \(not JSON"),
        (b"\xff\xfe\x00garbage", "not an interviewer session export"),
    ],
)
def test_a_file_that_is_not_an_export_is_refused(
    away: Store, tmp_path: Path, content: str | bytes, expected: str
) -> None:
    path = tmp_path / "something.json"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())

    with pytest.raises(DataError, match=expected):
        import_file(away, path)


def test_a_truncated_file_is_refused(home: Store, away: Store, tmp_path: Path) -> None:
    path = exported(home, rich_session(home, tmp_path), tmp_path)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])

    with pytest.raises(DataError, match="truncated or damaged"):
        import_file(away, path)
    assert session_count(away) == 0


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda d: d["answers"][1].update(text=42), r"answers\[1\]\.text"),
        (lambda d: d["answers"][0].update(created_at="yesterday"), r"answers\[0\]\.created_at"),
        (lambda d: d["session"].update(question_ids="q1"), r"session\.question_ids"),
        (lambda d: d["session"].update(mode="hologram"), r"session\.mode.*upgrade"),
        (lambda d: d["grades"][0].update(answer=999), r"grades\[0\]\.answer: no answer"),
        (lambda d: d["grades"][0]["grade"]["task"].update(score="high"), r"grades\[0\]\.grade"),
        (lambda d: d["answers"][1].update(parent=None), r"answers\[1\]\.parent"),
        (lambda d: d.pop("content_hash"), r"content_hash: required field is missing"),
    ],
)
def test_a_wrong_field_is_named(
    home: Store, away: Store, tmp_path: Path, change: Any, where: str
) -> None:
    path = edit(exported(home, rich_session(home, tmp_path), tmp_path), change)

    with pytest.raises(DataError, match=where):
        import_file(away, path)
    assert session_count(away) == 0


# --- audio ------------------------------------------------------------------------------


def test_a_file_without_its_recordings_imports_the_rest_and_says_so(
    home: Store, away: Store, tmp_path: Path
) -> None:
    path = exported(home, rich_session(home, tmp_path), tmp_path, audio=False)
    assert "data" not in json.loads(path.read_text("utf-8"))["answers"][0]["audio"]

    result = import_file(away, path)
    assert result.audio_missing == ["q1"]
    record = away.get_session(result.session_id)
    assert [a.audio_path for a in record.answers] == [None, None, None]
    assert record.answers[0].text == MAIN and not result.edited


def test_a_recording_that_does_not_match_its_sha256_refuses_the_file(
    home: Store, away: Store, tmp_path: Path
) -> None:
    path = exported(home, rich_session(home, tmp_path), tmp_path)
    other = base64.b64encode(RECORDING[:-1] + b"\x00").decode()
    edit(path, lambda d: d["answers"][0]["audio"].update(data=other))

    with pytest.raises(DataError, match=r"answers\[0\]\.audio\.data: .*sha256"):
        import_file(away, path)
    assert session_count(away) == 0
    assert not (away.path.parent / "audio").exists()


def test_a_failure_while_writing_recordings_leaves_nothing_imported(
    home: Store, away: Store, tmp_path: Path
) -> None:
    path = exported(home, rich_session(home, tmp_path), tmp_path)
    (away.path.parent / "audio").write_text("a file where the audio folder should be")

    with pytest.raises(InterviewerError, match="nothing was imported"):
        import_file(away, path)
    assert session_count(away) == 0
    assert away.db.execute("SELECT COUNT(*) FROM answers").fetchone()[0] == 0


# --- edits after grading ----------------------------------------------------------------


def test_an_answer_edited_after_grading_is_shown_as_edited(
    home: Store, away: Store, tmp_path: Path
) -> None:
    path = exported(home, rich_session(home, tmp_path), tmp_path)
    better = MAIN.replace("7 percent", "2 percent")
    edit(path, lambda d: d["answers"][0].update(text=better))

    result = import_file(away, path)
    assert result.edited and result.edited_answers == ["q1"]
    record = away.get_session(result.session_id)
    assert record.edited and record.edited_answers == {record.answers[0].id}
    assert record.answers[0].text == better  # kept as the file says, only marked


def test_an_edit_that_also_fixed_the_answer_hash_is_caught_by_the_content_hash(
    home: Store, away: Store, tmp_path: Path
) -> None:
    from interviewer.engine.portable_format import sha256_text

    path = exported(home, rich_session(home, tmp_path), tmp_path)
    better = FOLLOW + " Every doctor then used them."

    def careful(data: dict[str, Any]) -> None:
        data["answers"][1].update(text=better, graded_sha256=sha256_text(better))

    result = import_file(away, edit(path, careful))
    assert result.edited and result.edited_answers == []
    assert away.get_session(result.session_id).edited


def test_a_raised_grade_is_shown_as_edited(home: Store, away: Store, tmp_path: Path) -> None:
    path = exported(home, rich_session(home, tmp_path), tmp_path)
    edit(path, lambda d: d["grades"][1]["grade"]["result"].update(score=5, feedback="Superb."))

    assert import_file(away, path).edited


def test_an_untouched_file_is_not_edited(home: Store, away: Store, tmp_path: Path) -> None:
    result = import_file(away, exported(home, rich_session(home, tmp_path), tmp_path))
    assert not result.edited and not away.get_session(result.session_id).edited


def test_the_edited_mark_survives_a_second_export(home: Store, away: Store, tmp_path: Path) -> None:
    path = exported(home, rich_session(home, tmp_path), tmp_path)
    edit(path, lambda d: d["answers"][0].update(text="A much better story."))
    middle = import_file(away, path).session_id
    onward = tmp_path / "onward.json"
    write_export(export_session(away, middle, find_bank), onward)

    with Store.open(tmp_path / "third" / "s.sqlite3") as third:
        result = import_file(third, onward)
        assert result.edited and result.edited_answers == ["q1"]


# --- importing twice --------------------------------------------------------------------


def test_importing_the_same_file_twice_says_where_it_is(
    home: Store, away: Store, tmp_path: Path
) -> None:
    path = exported(home, rich_session(home, tmp_path), tmp_path)
    first = import_file(away, path).session_id

    with pytest.raises(InterviewerError, match=f"already imported as session {first}.*--copy"):
        import_file(away, path)
    assert session_count(away) == 1
    second = import_file(away, path, copy=True).session_id
    assert second != first and session_count(away) == 2
    assert snapshot(away, second) == snapshot(away, first)


def test_imported_ids_never_clash_with_local_ones(home: Store, tmp_path: Path) -> None:
    sid = rich_session(home, tmp_path)
    path = exported(home, sid, tmp_path)
    result = import_file(home, path, copy=True)  # a copy, in the very store it came from

    assert result.session_id != sid
    assert snapshot(home, result.session_id) == snapshot(home, sid)


# --- secrets ----------------------------------------------------------------------------


def test_no_api_key_ever_appears_in_an_export(
    home: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from interviewer.core.settings import build_settings

    key = "sk-portable-test-0123456789abcdef"
    monkeypatch.setenv("OPENAI_API_KEY", key)
    assert build_settings().openai_api_key is not None  # the settings remember the key
    sid = home.create_session("ml-problem-solving", ["q1"], "typed", "llm", {"note": key})
    aid = home.add_answer(sid, "q1", "Tell me...", f"I pasted {key} by mistake. {MAIN}")
    grade = make_grade(3)
    grade.result.feedback = f"Key echoed by a proxy: Bearer {key}"
    home.save_grade(aid, grade)

    text = exported(home, sid, tmp_path).read_text("utf-8")
    assert key not in text and "portable-test" not in text
    assert "[redacted]" in text


def test_the_session_lists_know_which_sessions_were_imported_and_edited(
    home: Store, away: Store, tmp_path: Path
) -> None:
    sid = rich_session(home, tmp_path)
    path = exported(home, sid, tmp_path)
    clean = import_file(away, path).session_id
    edit(path, lambda d: d["answers"][2].update(text="Rewritten later."))
    edited = import_file(away, path).session_id

    rows = {r.id: r for r in away.session_summaries()}
    assert (rows[clean].imported_from, rows[clean].edited) == (sid, False)
    assert (rows[edited].imported_from, rows[edited].edited) == (sid, True)
    assert home.session_summaries()[0].imported_from is None
    for row in rows.values():  # the one-query list agrees with the full records
        assert row.edited == away.get_session(row.id).edited


def test_the_report_says_where_a_session_came_from_and_what_was_edited(
    home: Store, away: Store, tmp_path: Path
) -> None:
    from interviewer.views.report import render_report

    sid = rich_session(home, tmp_path)
    path = edit(exported(home, sid, tmp_path), lambda d: d["answers"][1].update(text="Changed."))
    record = away.get_session(import_file(away, path).session_id)
    bank = Bank.model_validate(record.options["bank"])

    md = render_report(record, bank, "md")
    assert f"Imported from session {sid}" in md
    assert "Edited: answers changed after grading: q1." in md  # the follow-up is q1's
    assert md.count("**Edited after grading:**") == 1
    assert "Imported from" not in render_report(home.get_session(sid), bank, "md")


def test_two_recordings_with_the_same_name_are_both_kept(
    home: Store, away: Store, tmp_path: Path
) -> None:
    sid = home.create_session("ml-problem-solving", ["q1", "q2"], "voice", "offline")
    for qid, blob in (("q1", b"RIFF first take"), ("q2", b"RIFF second take")):
        folder = tmp_path / qid
        folder.mkdir()
        (folder / "answer.wav").write_bytes(blob)
        home.add_answer(sid, qid, "Q?", f"Answer {qid}.", audio_path=str(folder / "answer.wav"))

    record = away.get_session(import_file(away, exported(home, sid, tmp_path)).session_id)
    paths = [Path(a.audio_path or "") for a in record.answers]
    assert len(set(paths)) == 2
    assert [p.read_bytes() for p in paths] == [b"RIFF first take", b"RIFF second take"]
