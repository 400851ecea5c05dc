"""The store's schema as numbered migrations, like simonw/llm: ``MIGRATIONS`` lists small
functions and the ``_migrations`` table records which ran, so opening an old database
upgrades it exactly once (and a database from a newer version is refused, not damaged).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from interviewer.core.errors import DataError
from interviewer.engine.sqlite import now, transaction


def m001_initial(db: sqlite3.Connection) -> None:
    """Sessions, answers (main and follow-up) and grades (appended, never replaced)."""
    # One statement at a time: executescript() would commit the migration's transaction.
    for statement in _M001_SQL.split(";"):
        if statement.strip():
            db.execute(statement)


_M001_SQL = """
        CREATE TABLE sessions (
            id TEXT PRIMARY KEY,
            bank_id TEXT NOT NULL,
            question_ids TEXT NOT NULL,          -- JSON list, the planned order
            mode TEXT NOT NULL,
            grader TEXT NOT NULL,
            options TEXT NOT NULL DEFAULT '{}',  -- JSON: what resume needs (bank ref, flags)
            started_at TEXT NOT NULL,
            finished_at TEXT
        );
        CREATE TABLE answers (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            question_id TEXT NOT NULL,
            kind TEXT NOT NULL DEFAULT 'answer',
            parent_id INTEGER REFERENCES answers(id),
            prompt TEXT NOT NULL,
            text TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'ungraded',
            error TEXT,
            created_at TEXT NOT NULL,
            elapsed_seconds REAL,
            audio_path TEXT,
            delivery TEXT                        -- JSON
        );
        CREATE INDEX answers_session ON answers(session_id, id);
        CREATE TABLE grades (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            answer_id INTEGER NOT NULL REFERENCES answers(id) ON DELETE CASCADE,
            created_at TEXT NOT NULL,
            grade TEXT NOT NULL                  -- JSON of interviewer.core.grade.Grade
        );
        CREATE INDEX grades_answer ON grades(answer_id, id);
"""


def m002_one_answer_per_slot(db: sqlite3.Connection) -> None:
    """One main answer per question of a session and one answer per follow-up slot,
    enforced by the database, so a double submit cannot store two. Duplicates stored
    before this migration are kept as kind ``extra``: never shown, never lost."""
    db.execute("ALTER TABLE answers ADD COLUMN slot INTEGER")
    db.execute(
        "UPDATE answers SET kind = 'extra' WHERE kind = 'answer' AND id NOT IN"
        " (SELECT MIN(id) FROM answers WHERE kind = 'answer' GROUP BY session_id, question_id)"
    )
    db.execute(
        "UPDATE answers SET slot = (SELECT COUNT(*) FROM answers b WHERE b.kind = 'follow_up'"
        " AND b.parent_id = answers.parent_id AND b.id < answers.id) WHERE kind = 'follow_up'"
    )
    db.execute(
        "CREATE UNIQUE INDEX answers_one_main ON answers(session_id, question_id)"
        " WHERE kind = 'answer'"
    )
    db.execute(
        "CREATE UNIQUE INDEX answers_one_follow_up ON answers(parent_id, slot)"
        " WHERE kind = 'follow_up'"
    )


def m003_sessions_by_start(db: sqlite3.Connection) -> None:
    """Sessions newest first without sorting them all: the start page and the history
    read one page at a time (``session_summaries``), all sessions or only unfinished ones."""
    db.execute("CREATE INDEX sessions_started ON sessions(started_at)")
    db.execute("CREATE INDEX sessions_unfinished ON sessions(started_at) WHERE finished_at IS NULL")


def m004_stories(db: sqlite3.Connection) -> None:
    """The story bank: stories as records of their own (found in answers, made by the user,
    or read from a file) and which main answer tells which story. An answer placed in a
    story stays there, so a user's merge, split or rename survives later detection."""
    db.execute(
        "CREATE TABLE stories (id INTEGER PRIMARY KEY AUTOINCREMENT, title TEXT NOT NULL,"
        " source TEXT NOT NULL CHECK (source IN ('detected', 'user', 'file')),"
        " text TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL)"
    )
    db.execute(
        "CREATE TABLE story_answers (answer_id INTEGER PRIMARY KEY"
        " REFERENCES answers(id) ON DELETE CASCADE,"
        " story_id INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE)"
    )
    db.execute("CREATE INDEX story_answers_story ON story_answers(story_id)")


def m005_reviews(db: sqlite3.Connection) -> None:
    """Coaches' reviews of answers, beside the grades (never replacing them). A coach's
    review again is a new row: the newest per reviewer is shown, older ones are kept."""
    db.execute(
        "CREATE TABLE reviews (id INTEGER PRIMARY KEY AUTOINCREMENT,"
        " answer_id INTEGER NOT NULL REFERENCES answers(id) ON DELETE CASCADE,"
        " reviewer TEXT NOT NULL, created_at TEXT NOT NULL,"
        " review TEXT NOT NULL)"  # JSON of interviewer.core.review.Review
    )
    db.execute("CREATE INDEX reviews_answer ON reviews(answer_id, id)")


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    m001_initial,
    m002_one_answer_per_slot,
    m003_sessions_by_start,
    m004_stories,
    m005_reviews,
]


def migrate(db: sqlite3.Connection) -> list[str]:
    """Run the migrations not recorded yet, each in its own transaction; return their names."""
    db.execute("CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at TEXT)")
    done = {row[0] for row in db.execute("SELECT name FROM _migrations")}
    unknown = sorted(done - {fn.__name__ for fn in MIGRATIONS})
    if unknown:
        raise DataError(
            None,
            "database",
            f"written by a newer interviewer (migration {unknown[-1]} is unknown here): "
            "upgrade with `pip install -U interviewer` before opening it",
        )
    ran = []
    for fn in MIGRATIONS:
        if fn.__name__ in done:
            continue
        with transaction(db):
            if db.execute("SELECT 1 FROM _migrations WHERE name = ?", (fn.__name__,)).fetchone():
                continue  # another process ran it while this one waited for the lock
            fn(db)
            db.execute("INSERT INTO _migrations VALUES (?, ?)", (fn.__name__, now()))
        ran.append(fn.__name__)
    return ran
