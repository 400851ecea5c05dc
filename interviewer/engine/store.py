"""The session store: SQLite, one file per user, every answer committed the moment it is given.

Why stdlib ``sqlite3``: one local file, no server, transactions that survive a killed
process (WAL mode). The schema grows through numbered migrations kept in code, like
simonw/llm: ``MIGRATIONS`` lists small functions and the ``_migrations`` table records
which ran, so opening an old database upgrades it exactly once.

The database file is chosen by the ``--db`` flag, else ``INTERVIEWER_DB`` (or ``.env``),
else ``sessions.sqlite3`` in the per-user data dir (``platformdirs``).
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from interviewer.core.errors import AnswerExistsError, DataError, NotFoundError
from interviewer.core.grade import Grade, load_stored_grade
from interviewer.core.records import (
    PENDING_STATUSES,
    AnswerRecord,
    AnswerStatus,
    GradeRecord,
    SessionRecord,
)
from interviewer.core.redaction import redact
from interviewer.core.rubric import STAR_DIMENSIONS

LATEST = frozenset({"last", "latest"})
_READY: set[tuple[str, tuple[str, ...]]] = set()  # (file, migrations) done in this process
_OPENING = threading.Lock()
_ID_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: easy to read and type

# --- migrations -------------------------------------------------------------------------


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


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    m001_initial,
    m002_one_answer_per_slot,
    m003_sessions_by_start,
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
        with _transaction(db):
            if db.execute("SELECT 1 FROM _migrations WHERE name = ?", (fn.__name__,)).fetchone():
                continue  # another process ran it while this one waited for the lock
            fn(db)
            db.execute("INSERT INTO _migrations VALUES (?, ?)", (fn.__name__, _now()))
        ran.append(fn.__name__)
    return ran


# --- helpers ----------------------------------------------------------------------------


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


BUSY_TIMEOUT_S = 15.0  # SQLite waits this long for another writer before saying "busy"
BUSY_RETRIES = 4  # then BEGIN is retried this many times, with backoff, before giving up


def _is_busy(exc: BaseException) -> bool:
    text = str(exc).lower()
    return isinstance(exc, sqlite3.OperationalError) and ("locked" in text or "busy" in text)


def _begin(db: sqlite3.Connection) -> None:
    """Take the write lock, the one place a writer can meet SQLITE_BUSY (WAL mode: once
    the lock is held, the transaction's statements and COMMIT do not wait on others)."""
    from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_random_exponential

    for attempt in Retrying(
        retry=retry_if_exception(_is_busy),
        wait=wait_random_exponential(multiplier=0.05, max=1.0),
        stop=stop_after_attempt(BUSY_RETRIES + 1),
        reraise=True,
    ):
        with attempt:
            db.execute("BEGIN IMMEDIATE")


@contextmanager
def _transaction(db: sqlite3.Connection) -> Iterator[None]:
    """A short write transaction: committed on success, rolled back on any error."""
    _begin(db)
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def default_db_path(flag: Path | str | None = None) -> Path:
    """``--db`` flag > ``INTERVIEWER_DB`` (env or .env) > the per-user data dir."""
    if flag:
        return Path(flag).expanduser()
    from interviewer.core.settings import build_settings

    configured = build_settings().db
    if configured:
        return Path(configured).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("interviewer")) / "sessions.sqlite3"


@dataclass(frozen=True)
class SessionSummaryRow:
    """One session as the start page and the history list it, read by one SQL query
    (``Store.session_summaries``) without loading answers or validating any grade.

    Counts are of questions (main answers): ``graded`` have at least one grade,
    ``pending`` have the main answer or a follow-up in ``PENDING_STATUSES``. ``overall``
    and ``averages`` (per STAR dimension) average each graded question's newest grade,
    as ``history.summarise`` does; None and ``{}`` when nothing is graded.
    """

    id: str
    bank_id: str
    mode: str
    grader: str
    started_at: datetime
    finished_at: datetime | None
    planned: int
    answered: int
    graded: int
    pending: int
    overall: float | None
    averages: dict[str, float] = field(default_factory=dict)

    @property
    def finished(self) -> bool:
        return self.finished_at is not None

    @property
    def started(self) -> str:
        """The day it started, as every list of sessions shows it."""
        return self.started_at.strftime("%Y-%m-%d")


def _finished_where(unfinished: bool | None) -> str:
    if unfinished is None:
        return ""
    return "WHERE finished_at IS NULL" if unfinished else "WHERE finished_at IS NOT NULL"


_NEWEST_FIRST = "ORDER BY started_at DESC, rowid DESC"
_DIM_AVERAGES = ", ".join(
    f"AVG(json_extract(m.grade, '$.{d}.score')) AS avg_{d}" for d in STAR_DIMENSIONS
)
_PENDING_MARKS = ",".join("?" * len(PENDING_STATUSES))
# One page of sessions, newest first; per session, its main answers with the newest grade
# of each (the grades_answer index finds it) and whether any part of it is pending work.
_SUMMARY_SQL = f"""
    WITH page AS MATERIALIZED (
        SELECT rowid AS rid, id, bank_id, mode, grader, started_at, finished_at,
               json_array_length(question_ids) AS planned
        FROM sessions {{where}} {_NEWEST_FIRST} LIMIT ? OFFSET ?
    ),
    main AS (
        SELECT a.session_id,
               (SELECT g.grade FROM grades g WHERE g.answer_id = a.id
                ORDER BY g.id DESC LIMIT 1) AS grade,
               (a.status IN ({_PENDING_MARKS}) OR EXISTS (
                    SELECT 1 FROM answers f WHERE f.kind = 'follow_up' AND f.parent_id = a.id
                    AND f.status IN ({_PENDING_MARKS}))) AS pending
        FROM page p JOIN answers a ON a.session_id = p.id
        WHERE a.kind = 'answer'
    )
    SELECT p.id, p.bank_id, p.mode, p.grader, p.started_at, p.finished_at, p.planned,
           COUNT(m.session_id) AS answered, COUNT(m.grade) AS graded,
           COALESCE(SUM(m.pending), 0) AS pending,
           AVG(json_extract(m.grade, '$.overall')) AS overall, {_DIM_AVERAGES}
    FROM page p LEFT JOIN main m ON m.session_id = p.id
    GROUP BY p.rid
    ORDER BY p.started_at DESC, p.rid DESC
"""


# --- the store --------------------------------------------------------------------------


class Store:
    """One SQLite connection; every write is its own committed transaction."""

    def __init__(self, db: sqlite3.Connection, path: Path) -> None:
        self.db = db
        self.path = path
        self._lock = threading.RLock()

    @classmethod
    def open(cls, path: Path | str | None = None) -> Store:
        """Open (creating and migrating if needed) the database at ``path`` or the default."""
        resolved = default_db_path(path)
        resolved.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(
            resolved, isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_S
        )
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA foreign_keys=ON")
        db.execute("PRAGMA synchronous=FULL")  # an answer survives a power cut, not only a crash
        key = (str(resolved.resolve()), tuple(fn.__name__ for fn in MIGRATIONS))
        if key not in _READY:  # once per process and file: the web app opens one per request
            with _OPENING:
                if db.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                    db.execute("PRAGMA journal_mode=WAL")  # readers never block the writer
                migrate(db)
                _READY.add(key)
        return cls(db, resolved)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _query(self, sql: str, args: tuple[Any, ...] | list[Any] = ()) -> list[sqlite3.Row]:
        """Run a read under the lock: the web app shares one Store between threads."""
        with self._lock:
            return self.db.execute(sql, args).fetchall()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._lock, _transaction(self.db):
            yield self.db

    # --- writes ---

    def create_session(
        self,
        bank_id: str,
        question_ids: list[str],
        mode: str = "typed",
        grader: str = "offline",
        options: dict[str, Any] | None = None,
    ) -> str:
        """Start a session; returns a short readable id like ``2025-03-14-k7mq``."""
        day = datetime.now().strftime("%Y-%m-%d")
        with self._write() as db:
            while True:
                sid = f"{day}-{''.join(secrets.choice(_ID_ALPHABET) for _ in range(4))}"
                if not db.execute("SELECT 1 FROM sessions WHERE id = ?", (sid,)).fetchone():
                    break
            db.execute(
                "INSERT INTO sessions (id, bank_id, question_ids, mode, grader, options,"
                " started_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    sid,
                    bank_id,
                    json.dumps(question_ids),
                    mode,
                    grader,
                    json.dumps(options or {}),
                    _now(),
                ),
            )
        return sid

    def add_answer(
        self,
        session_id: str,
        question_id: str,
        prompt: str,
        text: str,
        kind: str = "answer",
        parent_id: int | None = None,
        elapsed_seconds: float | None = None,
        audio_path: str | None = None,
        status: AnswerStatus = "ungraded",
        delivery: dict[str, Any] | None = None,
        slot: int | None = None,
    ) -> int:
        """Save an answer and commit it at once, before anything else can fail.

        Raises AnswerExistsError when the question (or the follow-up ``slot``) already has
        an answer: the first one stays, nothing is stored twice.
        """
        row = (session_id, question_id, kind, parent_id, prompt, text, status, _now(),
               elapsed_seconds, audio_path,
               json.dumps(delivery) if delivery is not None else None, slot)  # fmt: skip
        try:
            with self._write() as db:
                cur = db.execute(
                    "INSERT INTO answers (session_id, question_id, kind, parent_id, prompt,"
                    " text, status, created_at, elapsed_seconds, audio_path, delivery, slot)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    row,
                )
                return int(cur.lastrowid or 0)
        except sqlite3.IntegrityError as exc:
            if "UNIQUE" not in str(exc):
                raise
            what = f"follow-up {slot + 1}" if kind == "follow_up" and slot is not None else ""
            raise AnswerExistsError(session_id, question_id, what) from None

    def update_answer(
        self,
        answer_id: int,
        *,
        text: str | None = None,
        status: AnswerStatus | None = None,
        error: str | None = None,
        delivery: dict[str, Any] | None = None,
    ) -> None:
        """Change what is known about an answer (e.g. a transcript arriving later)."""
        sets, args = [], []
        if text is not None:
            sets.append("text = ?")
            args.append(text)
        if status is not None:
            sets.append("status = ?")
            args.append(status)
        if error is not None:
            sets.append("error = ?")
            args.append(redact(error))
        if delivery is not None:
            sets.append("delivery = ?")
            args.append(json.dumps(delivery))
        if not sets:
            return
        with self._write() as db:
            db.execute(f"UPDATE answers SET {', '.join(sets)} WHERE id = ?", (*args, answer_id))

    def save_grade(self, answer_id: int, grade: Grade, covers: list[int] | None = None) -> int:
        """Append a grade to a main answer; the answers it ``covers`` become ``graded``.

        ``covers`` lists the main answer and the follow-ups whose text was graded (default:
        the main answer and every follow-up). A follow-up saved while grading ran is not in
        it and stays pending, so it is graded next time instead of being lost.
        """
        ids = covers or [answer_id]
        marks = ",".join("?" * len(ids))
        with self._write() as db:
            cur = db.execute(
                "INSERT INTO grades (answer_id, created_at, grade) VALUES (?, ?, ?)",
                (answer_id, _now(), grade.model_dump_json()),
            )
            if covers is None:
                db.execute(
                    "UPDATE answers SET status = 'graded', error = NULL"
                    " WHERE id = ? OR parent_id = ?",
                    (answer_id, answer_id),
                )
            else:
                db.execute(
                    f"UPDATE answers SET status = 'graded', error = NULL WHERE id IN ({marks})",
                    ids,
                )
            return int(cur.lastrowid or 0)

    def mark_failed(self, answer_id: int, error: str) -> None:
        """Grading failed: keep the answer, record why (API keys removed)."""
        with self._write() as db:
            db.execute(
                "UPDATE answers SET status = 'failed', error = ? WHERE id = ?",
                (redact(error), answer_id),
            )

    def finish_session(self, session_id: str) -> None:
        with self._write() as db:
            db.execute(
                "UPDATE sessions SET finished_at = ? WHERE id = ? AND finished_at IS NULL",
                (_now(), session_id),
            )

    # --- reads ---

    def session_options(self, session_id: str) -> dict[str, Any]:
        """The options the session was started with (bank reference, flags), for resume."""
        rows = self._query("SELECT options FROM sessions WHERE id = ?", (session_id,))
        return json.loads(rows[0][0]) if rows else {}

    def resolve_id(self, ref: str) -> str:
        """An exact id, ``last``/``latest``, or a unique prefix; NotFoundError otherwise."""
        recent_sql = "SELECT id FROM sessions ORDER BY started_at DESC, rowid DESC LIMIT 5"
        if ref in LATEST:
            rows = self._query(recent_sql)
            if not rows:
                raise NotFoundError("no sessions yet: start one with `interviewer practice`")
            return str(rows[0][0])
        if self._query("SELECT 1 FROM sessions WHERE id = ?", (ref,)):
            return ref
        like = ref.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        matches = [
            r[0]
            for r in self._query("SELECT id FROM sessions WHERE id LIKE ? ESCAPE '\\'", (like,))
        ]
        if len(matches) == 1:
            return str(matches[0])
        if len(matches) > 1:
            raise NotFoundError(f"session {ref!r} is ambiguous: {', '.join(sorted(matches))}")
        recent = [r[0] for r in self._query(recent_sql)]
        hint = f"latest: {', '.join(recent)}; or use 'last'" if recent else "no sessions yet"
        raise NotFoundError(f"no session {ref!r} ({hint})")

    def get_session(self, ref: str) -> SessionRecord:
        """One session with all its answers and grades; ``ref`` may be ``last``."""
        sid = self.resolve_id(ref)
        return self._load(["id = ?"], [sid])[0]

    def list_sessions(self) -> list[SessionRecord]:
        """Every session, oldest first, with answers and grades."""
        return self._load([], [])

    def latest_sessions(self, limit: int) -> list[SessionRecord]:
        """The ``limit`` most recent sessions, oldest first, with answers and grades: what
        the history's trends need, without loading every session ever stored."""
        return self._load(
            [f"rowid IN (SELECT rowid FROM sessions {_NEWEST_FIRST} LIMIT ?)"], [limit]
        )

    def session_summaries(
        self, limit: int | None = None, offset: int = 0, unfinished: bool | None = None
    ) -> list[SessionSummaryRow]:
        """One page of sessions, newest first, with counts and average scores (see
        ``SessionSummaryRow``): one query, no answer text loaded, no grade validated.

        ``unfinished`` True lists only sessions not finished, False only finished ones.
        """
        sql = _SUMMARY_SQL.format(where=_finished_where(unfinished))
        args = (-1 if limit is None else limit, offset, *PENDING_STATUSES, *PENDING_STATUSES)
        rows = self._query(sql, args)
        return [
            SessionSummaryRow(
                id=r["id"],
                bank_id=r["bank_id"],
                mode=r["mode"],
                grader=r["grader"],
                started_at=datetime.fromisoformat(r["started_at"]),
                finished_at=_time(r["finished_at"]),
                planned=int(r["planned"]),
                answered=int(r["answered"]),
                graded=int(r["graded"]),
                pending=int(r["pending"]),
                overall=r["overall"],
                averages={d: r[f"avg_{d}"] for d in STAR_DIMENSIONS} if r["graded"] else {},
            )
            for r in rows
        ]

    def count_sessions(self, unfinished: bool | None = None) -> int:
        """How many sessions there are (``unfinished`` as in ``session_summaries``)."""
        return int(
            self._query(f"SELECT COUNT(*) FROM sessions {_finished_where(unfinished)}")[0][0]
        )

    def session_ids(self, unfinished: bool | None = None) -> list[str]:
        """Session ids, newest first (``unfinished`` as in ``session_summaries``)."""
        where = _finished_where(unfinished)
        return [r[0] for r in self._query(f"SELECT id FROM sessions {where} {_NEWEST_FIRST}")]

    def latest_unfinished(self) -> SessionRecord | None:
        """The most recent session not finished yet, or with pending work (what ``resume``
        continues): answers left ungraded keep a session open for resume."""
        marks = ",".join("?" * len(PENDING_STATUSES))
        rows = self._query(
            "SELECT id FROM sessions s WHERE finished_at IS NULL OR EXISTS (SELECT 1 FROM"
            f" answers a WHERE a.session_id = s.id AND a.status IN ({marks}))"
            " ORDER BY started_at DESC, rowid DESC LIMIT 1",
            PENDING_STATUSES,
        )
        return self.get_session(rows[0][0]) if rows else None

    def question_counts(self) -> dict[tuple[str, str], int]:
        """How often each (bank, question) was answered: selection favours fresh questions."""
        rows = self._query(
            "SELECT s.bank_id, a.question_id, COUNT(*) FROM answers a"
            " JOIN sessions s ON s.id = a.session_id WHERE a.kind = 'answer'"
            " GROUP BY s.bank_id, a.question_id"
        )
        return {(r[0], r[1]): int(r[2]) for r in rows}

    def _load(self, where: list[str], args: list[Any]) -> list[SessionRecord]:
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        with self._lock:
            srows = self.db.execute(
                f"SELECT * FROM sessions {clause} ORDER BY started_at, rowid", args
            ).fetchall()
            if not srows:
                return []
            ids = [r["id"] for r in srows]
            marks = ",".join("?" * len(ids))
            arows = self.db.execute(
                f"SELECT * FROM answers WHERE session_id IN ({marks}) ORDER BY id", ids
            ).fetchall()
            grows = self.db.execute(
                "SELECT g.* FROM grades g JOIN answers a ON a.id = g.answer_id"
                f" WHERE a.session_id IN ({marks}) ORDER BY g.id",
                ids,
            ).fetchall()
        grades: dict[int, list[GradeRecord]] = {}
        for g in grows:
            grades.setdefault(g["answer_id"], []).append(
                GradeRecord(
                    id=g["id"],
                    answer_id=g["answer_id"],
                    created_at=_time(g["created_at"]),
                    grade=load_stored_grade(g["grade"], f"grade {g['id']}"),
                )
            )
        answers: dict[str, list[AnswerRecord]] = {}
        for a in arows:
            answers.setdefault(a["session_id"], []).append(
                AnswerRecord(
                    id=a["id"],
                    session_id=a["session_id"],
                    question_id=a["question_id"],
                    kind=a["kind"],
                    parent_id=a["parent_id"],
                    prompt=a["prompt"],
                    text=a["text"],
                    status=a["status"],
                    error=a["error"],
                    created_at=_time(a["created_at"]),
                    elapsed_seconds=a["elapsed_seconds"],
                    audio_path=a["audio_path"],
                    delivery=json.loads(a["delivery"]) if a["delivery"] else None,
                    grades=grades.get(a["id"], []),
                )
            )
        return [
            SessionRecord(
                id=s["id"],
                bank_id=s["bank_id"],
                question_ids=json.loads(s["question_ids"]),
                mode=s["mode"],
                grader=s["grader"],
                started_at=_time(s["started_at"]),
                finished_at=_time(s["finished_at"]),
                answers=answers.get(s["id"], []),
            )
            for s in srows
        ]
