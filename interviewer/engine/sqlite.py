"""SQLite plumbing shared by the store and its migrations: short write transactions that
take the write lock in one place, with one bounded retry when another writer holds it.

WAL mode means readers never wait for the writer and, once ``BEGIN IMMEDIATE`` holds the
lock, the transaction's statements and its COMMIT do not wait on anyone: ``begin`` is the
only place a writer can meet SQLITE_BUSY, so it is the only place that retries.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

BUSY_TIMEOUT_S = 15.0  # SQLite waits this long for another writer before saying "busy"
BUSY_RETRIES = 4  # then BEGIN is retried this many times, with backoff, before giving up


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def parse_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _is_busy(exc: BaseException) -> bool:
    text = str(exc).lower()
    return isinstance(exc, sqlite3.OperationalError) and ("locked" in text or "busy" in text)


def begin(db: sqlite3.Connection) -> None:
    """Take the write lock, retrying (bounded, with backoff) while another writer has it."""
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
def transaction(db: sqlite3.Connection) -> Iterator[None]:
    """A short write transaction: committed on success, rolled back on any error."""
    begin(db)
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
