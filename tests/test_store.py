"""The session store: migrations, answers saved before grading, grades appended, lookups."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from interviewer.core.errors import NotFoundError
from interviewer.engine import migrations as migrations_mod
from interviewer.engine import store as store_mod
from interviewer.engine.store import MIGRATIONS, Store, default_db_path, migrate, redact
from tests.session_helpers import make_grade


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store.open(tmp_path / "s.sqlite3")
    yield s
    s.close()


def test_migrations_run_once_and_are_recorded(tmp_path: Path) -> None:
    path = tmp_path / "m.sqlite3"
    Store.open(path).close()
    db = sqlite3.connect(path)
    assert [r[0] for r in db.execute("SELECT name FROM _migrations")] == [
        m.__name__ for m in MIGRATIONS
    ]
    assert migrate(db) == []  # idempotent: nothing left to run
    db.close()
    Store.open(path).close()  # reopening does not fail on existing tables


def test_a_new_migration_runs_on_an_old_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.sqlite3"
    Store.open(path).close()

    def m002_add_note(db: sqlite3.Connection) -> None:
        db.execute("ALTER TABLE sessions ADD COLUMN note TEXT")

    monkeypatch.setattr(migrations_mod, "MIGRATIONS", [*MIGRATIONS, m002_add_note])
    s = Store.open(path)
    cols = [r[1] for r in s.db.execute("PRAGMA table_info(sessions)")]
    assert "note" in cols
    s.close()
    Store.open(path).close()  # m002 is not run a second time (it would fail)


def test_database_uses_wal_mode(store: Store) -> None:
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_answer_is_readable_from_another_connection_right_after_add(store: Store) -> None:
    sid = store.create_session("bank", ["q1", "q2"], "typed", "offline")
    aid = store.add_answer(sid, "q1", "Tell me...", "I fixed the pipeline.", elapsed_seconds=12.5)
    other = sqlite3.connect(store.path)
    row = other.execute("SELECT text, status FROM answers WHERE id = ?", (aid,)).fetchone()
    assert row == ("I fixed the pipeline.", "ungraded")


def test_session_round_trip_with_follow_ups_and_grades(store: Store) -> None:
    sid = store.create_session("bank", ["q1", "q2"], "scripted", "offline", {"feedback": "end"})
    main = store.add_answer(sid, "q1", "Q1?", "Main answer.")
    fu = store.add_answer(sid, "q1", "Probe?", "More detail.", kind="follow_up", parent_id=main)
    store.save_grade(main, make_grade(2))
    store.save_grade(main, make_grade(4))

    session = store.get_session(sid)
    assert session.question_ids == ["q1", "q2"]
    assert session.mode == "scripted"
    assert store.session_options(sid) == {"feedback": "end"}
    assert session.unanswered() == ["q2"]
    (view,) = session.questions()
    assert [f.id for f in view.follow_ups] == [fu]
    assert view.full_text == "Main answer.\n\nMore detail."
    assert [g.grade.situation.score for g in view.answer.grades] == [2, 4]  # old grade kept
    assert view.grade.situation.score == 4  # newest shown
    assert {a.status for a in session.answers} == {"graded"}


def test_mark_failed_keeps_the_answer_and_the_reason_without_the_key(store: Store) -> None:
    sid = store.create_session("bank", ["q1"])
    aid = store.add_answer(sid, "q1", "Q?", "My answer.")
    store.mark_failed(aid, "401 Unauthorized: Incorrect API key sk-test-abcdef123456 provided")
    (view,) = store.get_session(sid).pending()
    answer = view.answer
    assert answer.text == "My answer."
    assert answer.status == "failed"
    assert "401 Unauthorized" in answer.error
    assert "sk-test-abcdef123456" not in answer.error


def test_redact_removes_configured_key_and_bearer_tokens() -> None:
    text = redact("key=my-local-key-xyz header Bearer abcdefghijk", ("my-local-key-xyz",))
    assert "my-local-key-xyz" not in text
    assert "abcdefghijk" not in text


def test_finish_and_latest_unfinished(store: Store) -> None:
    first = store.create_session("bank", ["q1"])
    second = store.create_session("bank", ["q1"])
    assert store.latest_unfinished().id == second
    store.finish_session(second)
    assert store.latest_unfinished().id == first
    store.finish_session(first)
    assert store.latest_unfinished() is None
    assert store.get_session(first).finished


def test_get_session_accepts_last_and_a_unique_prefix(store: Store) -> None:
    sid = store.create_session("bank", ["q1"])
    assert store.get_session("last").id == sid
    assert store.get_session("latest").id == sid
    assert store.get_session(sid[:-2]).id == sid


def test_unknown_session_names_the_latest_ids(store: Store) -> None:
    sid = store.create_session("bank", ["q1"])
    with pytest.raises(NotFoundError, match=sid):
        store.get_session("2001-01-01-zzzz")


def test_no_sessions_yet_says_how_to_start(store: Store) -> None:
    with pytest.raises(NotFoundError, match="interviewer practice"):
        store.get_session("last")


def test_list_sessions_oldest_first_and_question_counts(store: Store) -> None:
    a = store.create_session("bank", ["q1", "q2"])
    b = store.create_session("bank", ["q1"])
    store.add_answer(a, "q1", "Q?", "one")
    store.add_answer(b, "q1", "Q?", "two")
    store.add_answer(a, "q2", "Q?", "three")
    assert [s.id for s in store.list_sessions()] == [a, b]
    assert store.question_counts() == {("bank", "q1"): 2, ("bank", "q2"): 1}


def test_db_path_flag_beats_env_beats_user_data_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INTERVIEWER_DB", str(tmp_path / "env.sqlite3"))
    assert default_db_path(tmp_path / "flag.sqlite3") == tmp_path / "flag.sqlite3"
    assert default_db_path() == tmp_path / "env.sqlite3"
    monkeypatch.delenv("INTERVIEWER_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_db_path().name == "sessions.sqlite3"
    assert "interviewer" in default_db_path().parts


class TestStoredDataAcrossVersions:
    """Grades are read back leniently; what a newer version wrote is a clear error."""

    def _old_database(self, path: Path, grade_json: str) -> None:
        """A database as the first release wrote it: only m001, one graded answer."""
        db = sqlite3.connect(path, isolation_level=None)
        db.execute("CREATE TABLE _migrations (name TEXT PRIMARY KEY, applied_at TEXT)")
        migrations_mod.m001_initial(db)
        db.execute("INSERT INTO _migrations VALUES ('m001_initial', '2026-01-01')")
        db.execute(
            "INSERT INTO sessions VALUES ('s1', 'ml-problem-solving', '[\"q1\"]', 'typed',"
            " 'offline', '{}', '2026-01-01T00:00:00+00:00', '2026-01-01T00:10:00+00:00')"
        )
        db.execute(
            "INSERT INTO answers (session_id, question_id, prompt, text, status, created_at)"
            " VALUES ('s1', 'q1', 'Q?', 'My answer.', 'graded', '2026-01-01T00:01:00+00:00')"
        )
        db.execute(
            "INSERT INTO grades (answer_id, created_at, grade) VALUES (1, ?, ?)",
            ("2026-01-01T00:02:00+00:00", grade_json),
        )
        db.close()

    def _grade_dict(self, **changes) -> dict:
        data = make_grade(3).model_dump(mode="json")
        data.pop("schema_version")  # the first release wrote none
        data.update(changes)
        return data

    def test_unknown_fields_are_ignored_and_missing_optional_ones_defaulted(self, tmp_path):
        import json

        data = self._grade_dict(confidence=0.9)  # a field some other version added
        data["situation"]["highlight"] = [1, 2]  # a nested one too
        del data["strengths"]  # an optional field an older version did not write
        path = tmp_path / "old.sqlite3"
        self._old_database(path, json.dumps(data))
        with Store.open(path) as store:
            [view] = store.get_session("s1").questions()
        assert view.grade is not None and view.grade.situation.score == 3
        assert view.grade.strengths == [] and view.grade.schema_version == 1

    def test_a_grade_from_a_newer_version_says_to_upgrade(self, tmp_path):
        import json

        from interviewer.core.errors import DataError

        path = tmp_path / "new.sqlite3"
        self._old_database(path, json.dumps(self._grade_dict(schema_version=99)))
        with Store.open(path) as store, pytest.raises(DataError, match="upgrade"):
            store.get_session("s1")
        from tests.cli_helpers import run_cli

        result = run_cli("report", "s1", "--db", str(path))
        assert result.exit_code == 2 and "newer interviewer" in result.stderr
        assert "Traceback" not in result.output

    def test_a_database_from_a_newer_version_is_refused_before_use(self, tmp_path):
        from interviewer.core.errors import DataError

        path = tmp_path / "newer.sqlite3"
        Store.open(path).close()
        with sqlite3.connect(path) as db:
            db.execute("INSERT INTO _migrations VALUES ('m999_future', 'later')")
        store_mod._READY.clear()
        with pytest.raises(DataError, match="m999_future"):
            Store.open(path)
