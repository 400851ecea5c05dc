"""Portable sessions: one session as one self-describing JSON file, and back into a store.

The file (``"format": "interviewer-session"``)::

    {"format", "schema_version", "exported_at", "interviewer_version",
     "session": {id, bank_id, question_ids, mode, grader, options, started_at, finished_at},
     "bank": the session's questions and the themes they probe (opens without the bank),
     "answers": [{id, question_id, kind, parent, slot, prompt, text, status, error,
                  created_at, elapsed_seconds, delivery, graded_sha256,
                  audio: {name, sha256, size, data (base64, with --audio)} | null}],
     "grades": [{answer, created_at, grade (as stored)}],        every grade, in order
     "reviews": [{answer, created_at, review (as stored)}],      optional: every coach's
                                                                 review, every version
     "audio_included": bool,
     "content_hash": sha256 of the canonical JSON of answers (without audio bytes) + grades}

Versioning: ``schema_version`` is a major version. A reader ignores keys it does not know,
so a new optional section (``"reviews": [...]``) or a new optional field is added without
raising it; it is raised only when an older reader would misread a file, and a file with a
newer one is refused ("upgrade interviewer").

What was graded: the grade itself records no hash of its text, so the export records, for
each answer a grade covers (status ``graded``), ``graded_sha256``: the sha256 of its text
(the store never changes graded text). An answer whose text no longer matches, or a file
whose ``content_hash`` no longer matches, was edited after export: import keeps it, marks
the session ``edited`` (and which answers) in its options, and report, history and the web
app say so. The hashes detect changes, they do not sign: whoever recomputes both hides an
edit.

Import gives the session a new local id (the origin id, and the bank reference it had, are
kept in its options under ``imported``; the file's bank becomes the session's own copy in
``options["bank"]``, as a debrief keeps its questions, so it opens anywhere), stores
answers, follow-ups and grades in one transaction (a failure leaves nothing), and writes
the recordings under the store's ``audio/<session id>/``. Importing a file already
imported is refused with the local id, unless ``copy=True``. A recording the file does not
carry (exported with ``--no-audio``) is left out and reported; one that does not match its
sha256 refuses the whole file.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from interviewer import __version__
from interviewer.core.bank import Bank, Question
from interviewer.core.errors import DataError, InterviewerError
from interviewer.core.redaction import redact
from interviewer.engine.portable_format import (
    FORMAT,
    SCHEMA_VERSION,
    Checked,
    content_hash,
    parse,
    sha256_text,
)
from interviewer.engine.reviews import export_reviews, import_reviews
from interviewer.engine.sqlite import transaction
from interviewer.engine.store import _ID_ALPHABET, Store

__all__ = [
    "FORMAT",
    "SCHEMA_VERSION",
    "ImportResult",
    "export_session",
    "import_file",
    "import_session",
    "parse",
    "to_json",
    "write_export",
]

BANK = "bank"  # session option: a bank id or path, or the session's own copy of its bank
IMPORTED = "imported"  # session option: where an imported session came from


# --- export -----------------------------------------------------------------------------


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
    arows = store.db.execute(
        "SELECT * FROM answers WHERE session_id = ? ORDER BY id", (sid,)
    ).fetchall()
    grows = store.db.execute(
        "SELECT g.* FROM grades g JOIN answers a ON a.id = g.answer_id"
        " WHERE a.session_id = ? ORDER BY g.id",
        (sid,),
    ).fetchall()
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
    answers = [_redacted(_answer(row)) for row in arows]
    grades = [
        _redacted({"answer": g["answer_id"], "created_at": g["created_at"],
                   "grade": json.loads(g["grade"])})
        for g in grows
    ]  # fmt: skip
    for entry in answers:
        if entry["status"] == "graded":
            entry["graded_sha256"] = sha256_text(entry["text"])
    digest = content_hash(answers, grades)
    if audio:
        for entry, row in zip(answers, arows, strict=True):
            if entry["audio"] and entry["audio"]["sha256"]:
                blob = Path(row["audio_path"]).read_bytes()
                entry["audio"]["data"] = base64.b64encode(blob).decode("ascii")
    local = Bank.model_validate(own) if own else bank_for(srow["bank_id"], options)
    return {
        "format": FORMAT,
        "schema_version": SCHEMA_VERSION,
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "interviewer_version": __version__,
        "session": _redacted(session),
        "bank": _redacted(_bank_snapshot(local, session["question_ids"], answers)),
        "answers": answers,
        "grades": grades,
        "reviews": [_redacted(r) for r in export_reviews(store.db, sid)],
        "audio_included": audio,
        "content_hash": digest,
    }


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


# --- import -----------------------------------------------------------------------------


@dataclass
class ImportResult:
    """What an import did: the new local id and what the user must be told."""

    session_id: str
    origin_id: str
    answers: int
    grades: int
    edited: bool  # the answers or grades were changed after export
    edited_answers: list[str] = field(default_factory=list)  # "q1", "q1 follow-up 1"
    audio_missing: list[str] = field(default_factory=list)  # answers whose recording is absent


def import_file(store: Store, path: Path, *, copy: bool = False) -> ImportResult:
    """Import the export at ``path``; DataError names the file and the field when it is bad."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DataError(path, None, f"cannot read file: {exc.strerror or exc}") from None
    return import_session(store, parse(raw, str(path)), copy=copy)


def import_session(store: Store, checked: Checked, *, copy: bool = False) -> ImportResult:
    """Store a checked export as a new session, all of it or nothing."""
    data = checked.data
    origin = data.session.id
    if not copy:
        existing = _already_imported(store, origin, checked.digest)
        if existing:
            raise DataError(
                checked.source,
                None,
                f"already imported as session {existing} (from {origin}); "
                "import it again with --copy to keep a second copy",
            )
    by_id = {a.id: a for a in data.answers}
    previous = data.session.options.get(IMPORTED) or {}
    carried = {int(i) for i in previous.get("edited_answers", []) if str(i).isdigit()}
    edited_ids = [i for i in by_id if i in set(checked.edited) | carried]
    edited = not checked.hash_matches or bool(edited_ids) or bool(previous.get("edited"))
    start = data.session.started_at[:10]
    folder: Path | None = None
    try:
        with store._lock, transaction(store.db):
            sid = _new_id(store, start)
            folder = store.path.parent / "audio" / sid
            new_ids = _insert_answers(store, sid, checked, folder)
            for g in data.grades:
                store.db.execute(
                    "INSERT INTO grades (answer_id, created_at, grade) VALUES (?, ?, ?)",
                    (new_ids[g.answer], g.created_at, _stored_json(g.grade)),
                )
            import_reviews(store.db, data.reviews, new_ids)
            options = {k: v for k, v in data.session.options.items() if k != IMPORTED}
            ref = options.get(BANK)
            options[BANK] = checked.bank.model_dump(mode="json")  # its own copy: see BANK
            options[IMPORTED] = {
                "from": origin,
                "bank": ref if isinstance(ref, str) else data.session.bank_id,
                "exported_at": data.exported_at,
                "interviewer_version": data.interviewer_version,
                "content_hash": checked.digest,  # of what was imported: finds a 2nd import
                "edited": edited,
                "edited_answers": [new_ids[i] for i in edited_ids],
            }
            store.db.execute(
                "UPDATE sessions SET options = ? WHERE id = ?", (json.dumps(options), sid)
            )
    except BaseException as exc:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
        if isinstance(exc, OSError):
            raise InterviewerError(
                f"could not write the recordings under {folder}: {exc.strerror or exc}; "
                "nothing was imported"
            ) from exc
        raise
    return ImportResult(
        session_id=sid,
        origin_id=origin,
        answers=len(data.answers),
        grades=len(data.grades),
        edited=edited,
        edited_answers=[_label(by_id[i]) for i in edited_ids],
        audio_missing=[_label(by_id[i]) for i in checked.audio_missing],
    )


def _insert_answers(store: Store, sid: str, checked: Checked, folder: Path) -> dict[int, int]:
    """Insert the session row and its answers (old id -> new id), writing the recordings."""
    s = checked.data.session
    store.db.execute(
        "INSERT INTO sessions (id, bank_id, question_ids, mode, grader, options, started_at,"
        " finished_at) VALUES (?, ?, ?, ?, ?, '{}', ?, ?)",
        (sid, s.bank_id, json.dumps(s.question_ids), s.mode, s.grader, s.started_at,
         s.finished_at),
    )  # fmt: skip
    new_ids: dict[int, int] = {}
    for a in checked.data.answers:
        audio_path = None
        if a.audio is not None and a.id in checked.audio:
            folder.mkdir(parents=True, exist_ok=True)
            target = folder / a.audio.name
            if target.exists():  # two recordings of the same name: neither overwrites
                target = folder / f"{len(new_ids) + 1}-{a.audio.name}"
            target.write_bytes(checked.audio[a.id])
            audio_path = str(target)
        cur = store.db.execute(
            "INSERT INTO answers (session_id, question_id, kind, parent_id, slot, prompt, text,"
            " status, error, created_at, elapsed_seconds, audio_path, delivery)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (sid, a.question_id, a.kind, new_ids.get(a.parent) if a.parent else None, a.slot,
             a.prompt, a.text, a.status, a.error, a.created_at, a.elapsed_seconds, audio_path,
             json.dumps(a.delivery) if a.delivery is not None else None),
        )  # fmt: skip
        new_ids[a.id] = int(cur.lastrowid or 0)
    return new_ids


def _new_id(store: Store, day: str) -> str:
    """A local id in the store's style, dated like the original session, never a clash."""
    while True:
        sid = f"{day}-{''.join(secrets.choice(_ID_ALPHABET) for _ in range(4))}"
        if not store.db.execute("SELECT 1 FROM sessions WHERE id = ?", (sid,)).fetchone():
            return sid


def _already_imported(store: Store, origin: str, digest: str) -> str | None:
    """The local session this exact file was imported as, if any."""
    row = store.db.execute(
        "SELECT id FROM sessions WHERE json_extract(options, '$.imported.from') = ?"
        " AND json_extract(options, '$.imported.content_hash') = ? ORDER BY rowid LIMIT 1",
        (origin, digest),
    ).fetchone()
    return str(row[0]) if row else None


def _stored_json(grade: dict[str, Any]) -> str:
    """The grade as the store writes it (pydantic's compact JSON): byte for byte the same."""
    return json.dumps(grade, ensure_ascii=False, separators=(",", ":"))


def _label(answer: Any) -> str:
    if answer.kind == "follow_up" and answer.slot is not None:
        return f"{answer.question_id} follow-up {answer.slot + 1}"
    return str(answer.question_id)
