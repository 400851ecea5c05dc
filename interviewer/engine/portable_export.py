"""Writing a session as its portable file (the format: ``engine/portable.py``).

Every string is redacted on the way out, so no credential leaves in a file; the answers
and grades are read by one function (``session_entries``) for the export and for
recognising a file coming home (``portable_merge``), so both sides are built the same way.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from interviewer import __version__
from interviewer.core.bank import Bank, Question
from interviewer.core.redaction import redact
from interviewer.engine.portable_format import (
    BANK,
    FORMAT,
    SCHEMA_VERSION,
    AnswerEntry,
    GradeEntry,
    content_hash,
    reviews_hash,
    sha256_text,
)
from interviewer.engine.reviews import export_reviews
from interviewer.engine.store import Store

__all__ = ["export_session", "session_entries", "to_json", "write_export"]


def export_session(
    store: Store,
    ref: str,
    bank_for: Callable[[str, dict[str, Any]], Bank | None],
    *,
    audio: bool = True,
) -> dict[str, Any]:
    """The export of session ``ref`` (an id or ``last``) as a JSON-ready dict.

    ``bank_for(bank_id, options)`` finds the session's bank here (None when it is not);
    every string is redacted, so no credential leaves in a file.
    """
    sid = store.resolve_id(ref)
    srow = store.db.execute("SELECT * FROM sessions WHERE id = ?", (sid,)).fetchone()
    arows, answers, grades = _content(store, sid)
    options = json.loads(srow["options"] or "{}")
    own = options.pop(BANK) if isinstance(options.get(BANK), dict) else None
    session = {
        "id": sid,
        "bank_id": srow["bank_id"],
        "question_ids": json.loads(srow["question_ids"]),
        "mode": srow["mode"],
        "grader": srow["grader"],
        "options": options,
        "started_at": srow["started_at"],
        "finished_at": srow["finished_at"],
    }
    digest = content_hash(answers, grades)
    if audio:
        for entry, row in zip(answers, arows, strict=True):
            if entry["audio"] and entry["audio"]["sha256"]:
                blob = Path(row["audio_path"]).read_bytes()
                entry["audio"]["data"] = base64.b64encode(blob).decode("ascii")
    local = Bank.model_validate(own) if own else bank_for(srow["bank_id"], options)
    reviews = [_redacted(r) for r in export_reviews(store.db, sid)]
    return {
        "format": FORMAT,
        "schema_version": SCHEMA_VERSION,
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "interviewer_version": __version__,
        "session": _redacted(session),
        "bank": _redacted(_bank_snapshot(local, session["question_ids"], answers)),
        "answers": answers,
        "grades": grades,
        "reviews": reviews,
        "audio_included": audio,
        "content_hash": digest,
        "reviews_hash": reviews_hash(digest, reviews),
    }


def _content(store: Store, sid: str) -> tuple[list[Any], list[dict[str, Any]], list[Any]]:
    """The session's answer rows, and its answers and grades as the file writes them
    (redacted, with ``graded_sha256``, without recordings)."""
    arows = store.db.execute(
        "SELECT * FROM answers WHERE session_id = ? ORDER BY id", (sid,)
    ).fetchall()
    grows = store.db.execute(
        "SELECT g.* FROM grades g JOIN answers a ON a.id = g.answer_id"
        " WHERE a.session_id = ? ORDER BY g.id",
        (sid,),
    ).fetchall()
    answers = [_redacted(_answer(row)) for row in arows]
    grades = [
        _redacted({"answer": g["answer_id"], "created_at": g["created_at"],
                   "grade": json.loads(g["grade"])})
        for g in grows
    ]  # fmt: skip
    for entry in answers:
        if entry["status"] == "graded":
            entry["graded_sha256"] = sha256_text(entry["text"])
    return arows, answers, grades


def session_entries(store: Store, sid: str) -> tuple[list[AnswerEntry], list[GradeEntry]]:
    """A local session's answers and grades exactly as its export would carry them: what
    a file coming home is compared with (``portable_merge``)."""
    _, answers, grades = _content(store, sid)
    return (
        [AnswerEntry.model_validate(a) for a in answers],
        [GradeEntry.model_validate(g) for g in grades],
    )


def to_json(data: dict[str, Any]) -> str:
    """The export as the file's text (what the CLI writes and the web app sends)."""
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def write_export(data: dict[str, Any], path: Path) -> None:
    """Write the export atomically: a half-written file never replaces a good one."""
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(to_json(data), encoding="utf-8")
    tmp.replace(path)


def _answer(row: Any) -> dict[str, Any]:
    return {
        "id": row["id"],
        "question_id": row["question_id"],
        "kind": row["kind"],
        "parent": row["parent_id"],
        "slot": row["slot"],
        "prompt": row["prompt"],
        "text": row["text"],
        "status": row["status"],
        "error": row["error"],
        "created_at": row["created_at"],
        "elapsed_seconds": row["elapsed_seconds"],
        "delivery": json.loads(row["delivery"]) if row["delivery"] else None,
        "audio": _audio_ref(row["audio_path"]),
        "graded_sha256": None,
    }


def _audio_ref(path: str | None) -> dict[str, Any] | None:
    """The recording's name, size and sha256 (both None when the file is gone)."""
    if not path:
        return None
    file = Path(path)
    try:
        blob = file.read_bytes()
    except OSError:
        return {"name": file.name, "sha256": None, "size": None}
    return {"name": file.name, "sha256": hashlib.sha256(blob).hexdigest(), "size": len(blob)}


def _bank_snapshot(bank: Bank | None, question_ids: list[str], answers: list[Any]) -> Any:
    """The questions asked (and planned) with the themes they probe; a question the bank
    no longer has is kept with the prompt it was asked with."""
    asked = list(dict.fromkeys([*question_ids, *(a["question_id"] for a in answers)]))
    known = {q.id: q for q in bank.questions} if bank else {}
    prompts = {a["question_id"]: a["prompt"] for a in answers if a["kind"] == "answer"}
    questions = [
        known.get(qid) or Question(id=qid, text=prompts.get(qid) or f"question {qid}")
        for qid in asked
    ]
    used = {t for q in questions for t in q.themes}
    return {
        "id": bank.id if bank else "imported",
        "title": bank.title if bank else "Imported session",
        "description": bank.description if bank else "",
        "themes": [
            t.model_dump(mode="json") for t in (bank.themes if bank else []) if t.id in used
        ],
        "questions": [q.model_dump(mode="json") for q in questions],
    }


def _redacted(value: Any) -> Any:
    """Every string in ``value`` with credentials masked (audio bytes are added later)."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {k: _redacted(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_redacted(v) for v in value]
    return value
