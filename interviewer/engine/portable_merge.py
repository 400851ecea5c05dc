"""A session coming home: the coach's reviews merged into the candidate's original session.

The loop is: the candidate exports a session, a coach imports it, reviews it and exports
it again, and the candidate imports the coach's file. That last import must not make a
second copy: the reviews belong to the candidate's own session.

A file is recognised as one of this store's sessions when a session it came from is here
(the file's own ``session.id``, or the ``imported.from`` / ``imported.origin`` it carries
when it is a copy, or a copy of a copy), started at the same moment (copies keep the
original start, so an id that merely looks alike on another machine is never taken for
it), and its answers and grades are the local session's, answer for answer
(``portable_format.fingerprint``: ids by position, recordings left out). Then its reviews
that the session does not have yet are added under the local answers' ids, in one
transaction. A review is already there when the same coach's version with the same time
is stored for that answer: nothing local is ever dropped or overwritten, and every version
is kept. Importing the same file again adds nothing.

It is refused, never merged silently, when the session here and the file no longer hold the
same answers or grades (edited or regraded since), or when the file's reviews were changed
after it was exported (``reviews_hash``): the user is told which, and ``--copy`` imports it
as a separate session instead.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import datetime

from interviewer.core.errors import DataError
from interviewer.core.review import load_stored_review
from interviewer.engine.portable_export import session_entries
from interviewer.engine.portable_format import (
    IMPORTED,
    AnswerEntry,
    Checked,
    answer_label,
    fingerprint,
)
from interviewer.engine.reviews import import_reviews
from interviewer.engine.sqlite import transaction
from interviewer.engine.store import Store

__all__ = ["Home", "MergeResult", "find_home", "merge_reviews"]

COPY_HINT = "import it with --copy to keep it as a separate session"


@dataclass
class MergeResult:
    """A file that was one of this store's sessions coming back: what its reviews added."""

    session_id: str  # the local session the reviews were added to
    source: str  # the file's name
    added: int  # review versions added (0: the session had every one already)
    reviewers: list[str] = field(default_factory=list)  # whose, in the order first added

    def summary(self) -> str:
        """The one line a user is told (the CLI and the web app say the same)."""
        if not self.added:
            return (
                f"Nothing new: session {self.session_id} already has every review in {self.source}"
            )
        plural = "review" if self.added == 1 else "reviews"
        return (
            f"Added {self.added} {plural} (by {', '.join(self.reviewers)}) "
            f"to session {self.session_id}"
        )


@dataclass(frozen=True)
class Home:
    """The local session a file is a copy of, and the file's answer ids -> the local ones."""

    session_id: str
    answer_ids: dict[int, int]


def find_home(store: Store, checked: Checked) -> Home | None:
    """The local session this file is a copy of; None when it is not one of ours.

    DataError (one line naming the file) when it is one of ours but the session here and
    the file differ, or its reviews were changed after export: merging then would be silent.
    """
    data = checked.data
    imported = data.session.options.get(IMPORTED) or {}
    candidates = [data.session.id, imported.get("from"), imported.get("origin")]
    found = [
        sid
        for sid in dict.fromkeys(c for c in candidates if isinstance(c, str) and c)
        if _started_at(store, sid) == data.session.started_at
    ]
    if not found:
        return None
    theirs = fingerprint(data.answers, data.grades)
    for sid in found:
        answers, grades = session_entries(store, sid)
        if fingerprint(answers, grades) == theirs:
            if checked.reviews_edited or imported.get("reviews_edited"):
                raise DataError(
                    checked.source,
                    None,
                    f"this is session {sid} coming back, but its coaches' reviews were "
                    "changed after it was exported (the reviews hash does not match): not "
                    f"merged; ask for a fresh export, or {COPY_HINT} (marked edited)",
                )
            ids = {a.id: mine.id for a, mine in zip(data.answers, answers, strict=True)}
            return Home(sid, ids)
    sid = found[0]
    answers, _ = session_entries(store, sid)
    raise DataError(
        checked.source,
        None,
        f"this is session {sid} coming back, but the session here and the file differ "
        f"({_difference(answers, checked)}): its reviews were not merged; {COPY_HINT}",
    )


def merge_reviews(store: Store, checked: Checked, home: Home) -> MergeResult:
    """Add the file's reviews that ``home`` does not have yet, all in one transaction (the
    session is compared again inside it: a regrade in between is not merged over)."""
    added: list[str] = []
    with store._lock, transaction(store.db):
        if fingerprint(*session_entries(store, home.session_id)) != fingerprint(
            checked.data.answers, checked.data.grades
        ):
            raise DataError(
                checked.source,
                None,
                f"session {home.session_id} changed while the file was imported: "
                "nothing was merged; import it again",
            )
        have = _review_keys(store.db, home.session_id)
        fresh = []
        for i, entry in enumerate(checked.data.reviews):
            review = load_stored_review(entry.review, f"reviews[{i}].review")
            key = (home.answer_ids[entry.answer], review.key, review.created_at)
            if key in have:
                continue
            have.add(key)
            fresh.append(entry)
            added.append(review.reviewer)
        import_reviews(store.db, fresh, home.answer_ids)
    return MergeResult(
        session_id=home.session_id,
        source=checked.source,
        added=len(added),
        reviewers=list(dict.fromkeys(added)),
    )


def _started_at(store: Store, sid: str) -> str | None:
    rows = store._query("SELECT started_at FROM sessions WHERE id = ?", (sid,))
    return str(rows[0][0]) if rows else None


def _review_keys(db: sqlite3.Connection, sid: str) -> set[tuple[int, str, datetime]]:
    """(answer id, coach, time) of every review version the session has."""
    rows = db.execute(
        "SELECT r.id, r.answer_id, r.review FROM reviews r JOIN answers a ON a.id = r.answer_id"
        " WHERE a.session_id = ?",
        (sid,),
    ).fetchall()
    keys = set()
    for row_id, answer_id, raw in rows:
        review = load_stored_review(raw, f"review {row_id}")
        keys.add((int(answer_id), review.key, review.created_at))
    return keys


def _difference(answers: list[AnswerEntry], checked: Checked) -> str:
    """What differs, in the user's words: which answers, the count, or the grades."""
    theirs = checked.data.answers
    if len(answers) != len(theirs):
        return f"{len(answers)} answers here, {len(theirs)} in the file"
    mine_fp = fingerprint(answers, [])[:-1]
    their_fp = fingerprint(theirs, [])[:-1]
    changed = [answer_label(a) for a, m, t in zip(theirs, mine_fp, their_fp, strict=True) if m != t]
    if changed:
        return f"answer{'s' if len(changed) > 1 else ''} {', '.join(changed)} changed since export"
    return "the grades: regraded here or changed in the file since export"
