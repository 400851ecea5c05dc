"""The session store: SQLite, one file per user, every answer committed the moment it is given.

Why stdlib ``sqlite3``: one local file, no server, transactions that survive a killed
process (WAL mode). The schema is in ``migrations.py``, the write transactions in
``sqlite.py``, the one-query summaries of many sessions in ``summaries.py``.

The database file is chosen by the ``--db`` flag, else ``INTERVIEWER_DB`` (or ``.env``),
else ``sessions.sqlite3`` in the per-user data dir (``platformdirs``).
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from interviewer.core.errors import AnswerExistsError, NotFoundError
from interviewer.core.grade import Grade, load_stored_grade
from interviewer.core.records import (
    PENDING_STATUSES,
    AnswerRecord,
    AnswerStatus,
    GradeRecord,
    SessionRecord,
)
from interviewer.core.redaction import redact
from interviewer.engine import migrations, sqlite
from interviewer.engine.migrations import MIGRATIONS, migrate
from interviewer.engine.reviews import answer_reviews
from interviewer.engine.sqlite import now, parse_time, transaction
from interviewer.engine.summaries import (
    NEWEST_FIRST,
    SessionSummaryRow,
    summary_query,
    summary_row,
    where_finished,
)

__all__ = ["MIGRATIONS", "SessionSummaryRow", "Store", "default_db_path", "migrate", "redact"]

LATEST = frozenset({"last", "latest"})
_READY: set[tuple[str, tuple[str, ...]]] = set()  # (file, migrations) done in this process
_OPENING = threading.Lock()
_ID_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: easy to read and type


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
            resolved, isolation_level=None, check_same_thread=False, timeout=sqlite.BUSY_TIMEOUT_S
        )
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA foreign_keys=ON")
        db.execute("PRAGMA synchronous=FULL")  # an answer survives a power cut, not only a crash
        key = (str(resolved.resolve()), tuple(fn.__name__ for fn in migrations.MIGRATIONS))
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
        with self._lock, transaction(self.db):
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
                    now(),
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
        row = (session_id, question_id, kind, parent_id, prompt, text, status, now(),
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
                (answer_id, now(), grade.model_dump_json()),
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
                (now(), session_id),
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
            [f"rowid IN (SELECT rowid FROM sessions {NEWEST_FIRST} LIMIT ?)"], [limit]
        )

    def sessions(self, ids: list[str]) -> list[SessionRecord]:
        """These sessions (oldest first) with answers, grades and reviews; unknown ids are
        left out. One query per table, however many ids (a page of a list)."""
        if not ids:
            return []
        return self._load([f"id IN ({','.join('?' * len(ids))})"], list(ids))

    def session_summaries(
        self, limit: int | None = None, offset: int = 0, unfinished: bool | None = None
    ) -> list[SessionSummaryRow]:
        """One page of sessions, newest first, with counts and average scores (see
        ``SessionSummaryRow``): one query, no answer text loaded, no grade validated.

        ``unfinished`` True lists only sessions not finished, False only finished ones.
        """
        sql, args = summary_query(limit, offset, unfinished)
        return [summary_row(r) for r in self._query(sql, args)]

    def count_sessions(self, unfinished: bool | None = None) -> int:
        """How many sessions there are (``unfinished`` as in ``session_summaries``)."""
        return int(self._query(f"SELECT COUNT(*) FROM sessions {where_finished(unfinished)}")[0][0])

    def session_ids(self, unfinished: bool | None = None) -> list[str]:
        """Session ids, newest first (``unfinished`` as in ``session_summaries``)."""
        where = where_finished(unfinished)
        return [r[0] for r in self._query(f"SELECT id FROM sessions {where} {NEWEST_FIRST}")]

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
            reviews = answer_reviews(self.db, ids)
        grades: dict[int, list[GradeRecord]] = {}
        for g in grows:
            grades.setdefault(g["answer_id"], []).append(
                GradeRecord(
                    id=g["id"],
                    answer_id=g["answer_id"],
                    created_at=parse_time(g["created_at"]),
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
                    created_at=parse_time(a["created_at"]),
                    elapsed_seconds=a["elapsed_seconds"],
                    audio_path=a["audio_path"],
                    delivery=json.loads(a["delivery"]) if a["delivery"] else None,
                    grades=grades.get(a["id"], []),
                    reviews=reviews.get(a["id"], []),
                )
            )
        return [
            SessionRecord(
                id=s["id"],
                bank_id=s["bank_id"],
                question_ids=json.loads(s["question_ids"]),
                mode=s["mode"],
                grader=s["grader"],
                started_at=parse_time(s["started_at"]),
                finished_at=parse_time(s["finished_at"]),
                answers=answers.get(s["id"], []),
                options=json.loads(s["options"] or "{}"),
            )
            for s in srows
        ]
