"""Storing coaches' reviews beside the grades (table ``reviews``, migration m005).

Every review is appended, never updated: a coach who reviews an answer again adds a new
version, the newest one per coach is what sessions are read with (``AnswerRecord.reviews``)
and the older ones stay in the store (``review_versions``). Two coaches' reviews are two
rows, both kept and both shown. The grades are never touched.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from interviewer.core.errors import DataError, NotFoundError
from interviewer.core.review import Review, current_reviews, load_stored_review, reviewer_key
from interviewer.core.rubric import build_rubric
from interviewer.engine.sqlite import transaction

if TYPE_CHECKING:
    from interviewer.core.bank import Bank
    from interviewer.core.records import QuestionView, SessionRecord
    from interviewer.engine.store import Store


def save_review(store: Store, review: Review) -> int:
    """Append ``review`` (already checked against its rubric) and commit it; its row id.

    The answer must be a main answer (a grade and a review cover it with its follow-ups).
    """
    with store._lock, transaction(store.db):
        row = store.db.execute("SELECT kind FROM answers WHERE id = ?", (review.answer_id,))
        found = row.fetchone()
        if found is None or found[0] != "answer":
            raise NotFoundError(f"no answer {review.answer_id} to review")
        cur = store.db.execute(
            "INSERT INTO reviews (answer_id, reviewer, created_at, review) VALUES (?, ?, ?, ?)",
            (
                review.answer_id,
                review.reviewer,
                review.created_at.isoformat(timespec="microseconds"),
                review.model_dump_json(),
            ),
        )
        return int(cur.lastrowid or 0)


def answer_reviews(db: sqlite3.Connection, session_ids: Sequence[str]) -> dict[int, list[Review]]:
    """Each coach's newest review per answer of these sessions (the store's reader calls
    this under its lock)."""
    if not session_ids:
        return {}
    marks = ",".join("?" * len(session_ids))
    rows = db.execute(
        "SELECT r.id, r.answer_id, r.review FROM reviews r JOIN answers a ON a.id = r.answer_id"
        f" WHERE a.session_id IN ({marks}) ORDER BY r.id",
        list(session_ids),
    ).fetchall()
    every: dict[int, list[Review]] = {}
    for row_id, answer_id, raw in rows:
        every.setdefault(answer_id, []).append(load_stored_review(raw, f"review {row_id}"))
    return {answer_id: current_reviews(found) for answer_id, found in every.items()}


def review_versions(store: Store, answer_id: int) -> list[Review]:
    """Every review of one answer, every version, oldest first."""
    rows = store._query(
        "SELECT id, review FROM reviews WHERE answer_id = ? ORDER BY id", (answer_id,)
    )
    return [load_stored_review(raw, f"review {row_id}") for row_id, raw in rows]


def find_view(session: SessionRecord, answer: str | int) -> QuestionView:
    """The question of ``session`` whose main answer is ``answer`` (an answer id or a
    question id like ``q1``); NotFoundError listing what there is."""
    views = session.questions()
    for view in views:
        if str(answer) in (str(view.answer.id), view.question_id):
            return view
    there = ", ".join(f"{v.question_id} (answer {v.answer.id})" for v in views) or "none"
    raise NotFoundError(f"session {session.id} has no answer {answer!r} (answers: {there})")


def review_answer(store: Store, session: SessionRecord, bank: Bank, answer: str | int,
                  reviewer: str, scores: Mapping[str, int] | None = None,
                  comments: Mapping[str, str] | None = None, note: str | None = None, *,
                  keep_earlier: bool = True, where: str = "review") -> Review:  # fmt: skip
    """Check (``build_review``) and save one coach's review of one answer; what was stored."""
    review = build_review(session, bank, answer, reviewer, scores, comments, note,
                          keep_earlier=keep_earlier, where=where)  # fmt: skip
    save_review(store, review)
    return review


def build_review(
    session: SessionRecord,
    bank: Bank,
    answer: str | int,
    reviewer: str,
    scores: Mapping[str, int] | None = None,
    comments: Mapping[str, str] | None = None,
    note: str | None = None,
    *,
    keep_earlier: bool = True,
    where: str = "review",
) -> Review:
    """One coach's review of one answer of ``session``, checked, not saved yet.

    With ``keep_earlier`` the coach's current review of this answer is the starting point
    (a score or comment not given again is kept; a note not given is kept), so scripting
    one score at a time builds one review. A dimension the rubric does not have is a
    DataError listing the valid ones; nothing is saved then.
    """
    view = find_view(session, answer)
    rubric = build_rubric(bank, view.question_id)
    base = None
    if keep_earlier:
        mine = [r for r in view.answer.reviews if r.key == reviewer_key(reviewer)]
        base = mine[-1] if mine else None
    try:
        review = Review(
            reviewer=reviewer,
            created_at=datetime.now(UTC),
            answer_id=view.answer.id,
            scores={**(base.scores if base else {}), **(scores or {})},
            comments={**(base.comments if base else {}), **(comments or {})},
            note=note if note is not None else (base.note if base else ""),
        )
    except ValueError as exc:
        raise DataError(None, where, _first_error(exc)) from exc
    review.check(rubric, where)
    if review.empty:
        raise DataError(None, where, "the review is empty: give a score, a comment or a note")
    return review


def _first_error(exc: ValueError) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        first = errors()[0]
        loc = ".".join(str(p) for p in first["loc"])
        msg = str(first["msg"]).removeprefix("Value error, ")
        return f"{loc}: {msg}" if loc else msg
    return str(exc)


# --- portable sessions (engine/portable.py) ----------------------------------------------


def export_reviews(db: sqlite3.Connection, session_id: str) -> list[dict[str, Any]]:
    """Every review of the session, every version, oldest first: the export's optional
    ``reviews`` section (``{answer, created_at, review (as stored)}``)."""
    rows = db.execute(
        "SELECT r.answer_id, r.created_at, r.review FROM reviews r"
        " JOIN answers a ON a.id = r.answer_id WHERE a.session_id = ? ORDER BY r.id",
        (session_id,),
    ).fetchall()
    return [
        {"answer": answer_id, "created_at": created, "review": json.loads(raw)}
        for answer_id, created, raw in rows
    ]


def import_reviews(
    db: sqlite3.Connection, entries: Iterable[Any], new_ids: Mapping[int, int]
) -> int:
    """Store an export's reviews under the answers' new ids (inside the import's
    transaction); how many."""
    count = 0
    for entry in entries:
        answer_id = new_ids[entry.answer]
        review = {**entry.review, "answer_id": answer_id}
        db.execute(
            "INSERT INTO reviews (answer_id, reviewer, created_at, review) VALUES (?, ?, ?, ?)",
            (answer_id, str(review.get("reviewer", "")), entry.created_at,
             json.dumps(review, ensure_ascii=False, separators=(",", ":"))),
        )  # fmt: skip
        count += 1
    return count


def check_review_entries(entries: Sequence[Any], answers: Mapping[int, str], bank: Bank,
                         source: str) -> None:  # fmt: skip
    """An export's reviews point at a main answer (id -> question id) and use only
    dimensions of that answer's rubric; DataError naming ``source`` and the entry."""
    for i, entry in enumerate(entries):
        where = f"reviews[{i}]"
        if entry.answer not in answers:
            raise DataError(source, f"{where}.answer", f"no main answer with id {entry.answer}")
        try:
            review = load_stored_review(entry.review, f"{where}.review")
            review.check(build_rubric(bank, answers[entry.answer]), f"{where}.review")
        except DataError as exc:
            raise DataError(source, exc.location, exc.message) from None
