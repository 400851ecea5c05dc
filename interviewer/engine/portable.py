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
     "content_hash": sha256 of the canonical JSON of answers (without audio bytes) + grades,
     "reviews_hash": sha256 of the reviews bound to content_hash (optional; see
                     portable_format for why reviews are not in content_hash)}

Versioning: ``schema_version`` is a major version. A reader ignores keys it does not know,
so a new optional section (``"reviews": [...]``) or a new optional field is added without
raising it; it is raised only when an older reader would misread a file, and a file with a
newer one is refused ("upgrade interviewer").

What was graded: the grade itself records no hash of its text, so the export records, for
each answer a grade covers (status ``graded``), ``graded_sha256``: the sha256 of its text
(the store never changes graded text). An answer whose text no longer matches, or a file
whose ``content_hash`` no longer matches, was edited after export: import keeps it, marks
the session ``edited`` (and which answers) in its options, and report, history and the web
app say so; so are reviews changed after export (``reviews_hash``). The hashes detect
changes, they do not sign: whoever recomputes them hides an edit.

A file that is one of this store's own sessions coming back (the candidate's session,
reviewed by a coach on another machine) is not stored again: its new reviews are merged
into the original session (``portable_merge.py``). Otherwise import gives the session a
new local id (the origin id, the first origin of a copy of a copy, and the bank
reference it had, are kept in its options under ``imported``; the file's bank becomes the
session's own copy in ``options["bank"]``, as a debrief keeps its questions, so it opens
anywhere), stores
answers, follow-ups and grades in one transaction (a failure leaves nothing), and writes
the recordings under the store's ``audio/<session id>/``. Importing a file already
imported is refused with the local id, unless ``copy=True``. A recording the file does not
carry (exported with ``--no-audio``) is left out and reported; one that does not match its
sha256 refuses the whole file.
"""

from __future__ import annotations

import json
import secrets
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from interviewer.core.errors import DataError, InterviewerError
from interviewer.engine.portable_export import (
    export_session,
    session_entries,
    to_json,
    write_export,
)
from interviewer.engine.portable_format import (
    BANK,
    FORMAT,
    IMPORTED,
    SCHEMA_VERSION,
    Checked,
    answer_label,
    parse,
)
from interviewer.engine.portable_merge import MergeResult, find_home, merge_reviews
from interviewer.engine.reviews import import_reviews
from interviewer.engine.sqlite import transaction
from interviewer.engine.store import _ID_ALPHABET, Store

__all__ = [
    "FORMAT",
    "SCHEMA_VERSION",
    "ImportResult",
    "MergeResult",
    "export_session",
    "import_file",
    "import_session",
    "parse",
    "session_entries",
    "to_json",
    "write_export",
]


# --- import -----------------------------------------------------------------------------


@dataclass
class ImportResult:
    """What an import did: the new local id and what the user must be told."""

    session_id: str
    origin_id: str
    answers: int
    grades: int
    edited: bool  # the answers, grades or reviews were changed after export
    reviews_edited: bool = False  # the coaches' reviews were changed after export
    edited_answers: list[str] = field(default_factory=list)  # "q1", "q1 follow-up 1"
    audio_missing: list[str] = field(default_factory=list)  # answers whose recording is absent


def import_file(store: Store, path: Path, *, copy: bool = False) -> ImportResult | MergeResult:
    """Import the export at ``path``; DataError names the file and the field when it is bad."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DataError(path, None, f"cannot read file: {exc.strerror or exc}") from None
    return import_session(store, parse(raw, str(path)), copy=copy)


def import_session(
    store: Store, checked: Checked, *, copy: bool = False
) -> ImportResult | MergeResult:
    """Store a checked export as a new session, all of it or nothing; or, when it is one of
    this store's sessions coming back, merge its new reviews into that session (``copy``
    always stores a new session)."""
    if not copy:
        home = find_home(store, checked)
        if home is not None:
            return merge_reviews(store, checked, home)
    return _import_new(store, checked, copy=copy)


def _import_new(store: Store, checked: Checked, *, copy: bool) -> ImportResult:
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
    reviews_edited = checked.reviews_edited or bool(previous.get("reviews_edited"))
    edited = (
        not checked.hash_matches
        or bool(edited_ids)
        or reviews_edited
        or bool(previous.get("edited"))
    )
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
                "origin": previous.get("origin") or previous.get("from") or origin,
                "bank": ref if isinstance(ref, str) else data.session.bank_id,
                "exported_at": data.exported_at,
                "interviewer_version": data.interviewer_version,
                "content_hash": checked.digest,  # of what was imported: finds a 2nd import
                "edited": edited,
                "edited_answers": [new_ids[i] for i in edited_ids],
                "reviews_edited": reviews_edited,
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
        reviews_edited=reviews_edited,
        edited_answers=[answer_label(by_id[i]) for i in edited_ids],
        audio_missing=[answer_label(by_id[i]) for i in checked.audio_missing],
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
