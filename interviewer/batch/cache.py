"""A grade cache keyed by content hash, so regrading the same answer costs no request.

The key covers everything that can change an LLM grade: the answer, the question, the
rubric hash, the prompts, the model and the sampling settings. Change any of them and the
key changes; nothing is ever invalidated by hand. Only LLM grades are cached: the offline
grader is faster than a cache lookup and its output follows its code, not a hash.
The cache is one sqlite file in the user cache dir (``INTERVIEWER_CACHE_DIR`` to move it).
"""

from __future__ import annotations

import sqlite3
import time
from functools import cache
from pathlib import Path
from typing import Any

from interviewer.core.bank import Question
from interviewer.core.errors import InterviewerError
from interviewer.core.grade import Grade, Grader, load_stored_grade
from interviewer.core.resources import prompts_dir
from interviewer.core.rubric import Rubric, content_hash
from interviewer.core.settings import Settings


def default_cache_path(settings: Settings) -> Path:
    """``grades.sqlite3`` in INTERVIEWER_CACHE_DIR, else the platform's user cache dir."""
    if settings.cache_dir:
        return Path(settings.cache_dir).expanduser() / "grades.sqlite3"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("interviewer")) / "grades.sqlite3"


@cache
def prompts_hash(folder: Path | None = None) -> str:
    """Hash of every prompt file: editing any prompt gives new cache keys."""
    root = folder or prompts_dir()
    files = sorted(p for p in root.rglob("*") if p.is_file())
    return content_hash({str(p.relative_to(root)): p.read_text("utf-8") for p in files})


def grader_identity(grader: Grader, settings: Settings) -> dict[str, Any]:
    """What, besides the inputs, decides a grade: the grader's own say, else the settings."""
    own = getattr(grader, "cache_identity", None)
    if callable(own):
        return {"kind": grader.kind, **own()}
    return {
        "kind": grader.kind,
        "model": settings.model,
        "temperature": settings.temperature,
        "seed": settings.seed,
        "structured_output": settings.structured_output,
        "prompts": prompts_hash(),
    }


def grade_key(identity: dict[str, Any], question: Question, rubric: Rubric, answer: str) -> str:
    """The cache key of one answer for one grader identity."""
    return content_hash(
        {
            "answer": answer,
            "question": question.model_dump(mode="json"),
            "rubric": rubric.hash,
            "grader": identity,
        }
    )


class GradeCache:
    """Grades by key in a small sqlite table; safe to share between runs and processes."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(path, timeout=30, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")  # a lost cache entry costs one request
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS grades (key TEXT PRIMARY KEY, grade TEXT NOT NULL, "
            "created REAL NOT NULL)"
        )

    def get(self, key: str) -> Grade | None:
        found = self._db.execute("SELECT grade FROM grades WHERE key = ?", (key,)).fetchone()
        if found is None:
            return None
        try:
            return load_stored_grade(found[0])
        except (ValueError, InterviewerError):
            return None  # written by an incompatible contract: grade again

    def put(self, key: str, grade: Grade) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO grades (key, grade, created) VALUES (?, ?, ?)",
            (key, grade.model_dump_json(), time.time()),
        )

    def __len__(self) -> int:
        (count,) = self._db.execute("SELECT COUNT(*) FROM grades").fetchone()
        return int(count)

    def close(self) -> None:
        self._db.close()
