"""The story bank in the store: which answer tells which story, and the user's edits.

Stories are found in graded answers (``prep.stories.place_answers``) and kept as records
(migration ``m004_stories``): once an answer is in a story it stays there, so renaming,
merging and splitting are never undone by the next detection, which only places answers
that are new since. Every change is one short write transaction.
"""

from __future__ import annotations

from collections.abc import Sequence

from interviewer.core.errors import DataError, NotFoundError
from interviewer.core.records import SessionRecord
from interviewer.engine.sqlite import now
from interviewer.engine.store import Store
from interviewer.prep.stories import (
    StoryRecord,
    opening,
    place_answers,
    situation,
    title_for,
    told_answers,
)

MAX_TITLE = 200

_UNPLACED_SQL = (
    "SELECT COUNT(*) FROM answers a WHERE a.kind = 'answer'"
    " AND EXISTS (SELECT 1 FROM grades g WHERE g.answer_id = a.id)"
    " AND NOT EXISTS (SELECT 1 FROM story_answers sa WHERE sa.answer_id = a.id)"
)


def list_stories(store: Store) -> list[StoryRecord]:
    """Every story with its answers, by id."""
    members: dict[int, list[int]] = {}
    for row in store._query("SELECT answer_id, story_id FROM story_answers ORDER BY answer_id"):
        members.setdefault(row[1], []).append(row[0])
    return [
        StoryRecord(r["id"], r["title"], r["source"], tuple(members.get(r["id"], ())), r["text"])
        for r in store._query("SELECT id, title, source, text FROM stories ORDER BY id")
    ]


def get_story(store: Store, story_id: int) -> StoryRecord:
    for story in list_stories(store):
        if story.id == story_id:
            return story
    known = ", ".join(str(s.id) for s in list_stories(store)) or "none yet"
    raise NotFoundError(
        f"there is no story {story_id} (stories: {known}; see `interviewer stories`)"
    )


def refresh(store: Store, sessions: list[SessionRecord] | None = None) -> int:
    """Put graded answers that are in no story yet into one; returns how many were placed.

    Cheap when nothing is new (one count query). ``sessions`` saves a second load when
    the caller has every session already.
    """
    if not store._query(_UNPLACED_SQL)[0][0]:
        return 0
    told = told_answers(sessions if sessions is not None else store.list_sessions())
    stories = list_stories(store)
    joined, new = place_answers(told, stories)
    views = {t.answer_id: t.view for t in told}
    with store._write() as db:
        # another process may have placed some meanwhile: only answers still free move
        taken = {r[0] for r in db.execute("SELECT answer_id FROM story_answers")}
        stamp = now()
        placed = 0
        for answer_id, story_id in joined.items():
            if answer_id not in taken:
                db.execute("INSERT INTO story_answers VALUES (?, ?)", (answer_id, story_id))
                placed += 1
        for group in new:
            free = [a for a in group if a not in taken]
            if not free:
                continue
            title = title_for(situation(views[free[0]]))
            cur = db.execute(
                "INSERT INTO stories (title, source, created_at, updated_at)"
                " VALUES (?, 'detected', ?, ?)",
                (title, stamp, stamp),
            )
            db.executemany(
                "INSERT INTO story_answers VALUES (?, ?)", [(a, cur.lastrowid) for a in free]
            )
            placed += len(free)
    return placed


def story_bank(store: Store) -> tuple[list[StoryRecord], list[SessionRecord]]:
    """Every story (new answers placed first) and every session: what the story list,
    the coverage matrix and the practice plan read."""
    sessions = store.list_sessions()
    refresh(store, sessions)
    return list_stories(store), sessions


def _check_title(title: str) -> str:
    clean = " ".join(title.split())
    if not clean:
        raise DataError(None, "title", "a story needs a title (got an empty one)")
    if len(clean) > MAX_TITLE:
        raise DataError(None, "title", f"keep the title under {MAX_TITLE} characters")
    return clean


def rename(store: Store, story_id: int, title: str) -> StoryRecord:
    """Give a story the user's own title; later detection never changes it."""
    clean = _check_title(title)
    get_story(store, story_id)
    with store._write() as db:
        db.execute(
            "UPDATE stories SET title = ?, updated_at = ? WHERE id = ?", (clean, now(), story_id)
        )
    return get_story(store, story_id)


def merge(store: Store, story_ids: Sequence[int], title: str | None = None) -> StoryRecord:
    """Make one story of several: the first keeps its id and (unless ``title``) its title,
    and takes the others' answers; the others are gone."""
    ids = list(dict.fromkeys(story_ids))
    if len(ids) < 2:
        raise DataError(None, "stories merge", "name at least two different story ids")
    stories = [get_story(store, i) for i in ids]
    clean = _check_title(title) if title is not None else stories[0].title
    text = next((s.text for s in stories if s.text), None)
    source = "file" if stories[0].source == "file" else "user"
    with store._write() as db:
        marks = ",".join("?" * (len(ids) - 1))
        db.execute(
            f"UPDATE story_answers SET story_id = ? WHERE story_id IN ({marks})", [ids[0], *ids[1:]]
        )
        db.execute(f"DELETE FROM stories WHERE id IN ({marks})", ids[1:])
        db.execute(
            "UPDATE stories SET title = ?, text = ?, source = ?, updated_at = ? WHERE id = ?",
            (clean, text, source, now(), ids[0]),
        )
    return get_story(store, ids[0])


def split(
    store: Store, story_id: int, answer_ids: Sequence[int], title: str | None = None
) -> StoryRecord:
    """Move ``answer_ids`` out of a story into a new one of their own (the user's call:
    detection will not put them back)."""
    story = get_story(store, story_id)
    moving = list(dict.fromkeys(answer_ids))
    stray = [a for a in moving if a not in story.answer_ids]
    if not moving or stray:
        told = ", ".join(map(str, story.answer_ids)) or "none"
        raise DataError(
            None,
            "--answer",
            f"answer {stray[0] if stray else '?'} is not in story {story_id} (its answers: {told})",
        )
    if len(moving) == len(story.answer_ids) and not story.text:
        raise DataError(
            None, "--answer", f"that is every answer of story {story_id}: nothing would be left"
        )
    rows = store._query("SELECT text FROM answers WHERE id = ?", (moving[0],))
    clean = _check_title(title) if title else title_for(opening(rows[0][0] if rows else ""))
    stamp = now()
    with store._write() as db:
        cur = db.execute(
            "INSERT INTO stories (title, source, created_at, updated_at) VALUES (?, 'user', ?, ?)",
            (clean, stamp, stamp),
        )
        marks = ",".join("?" * len(moving))
        db.execute(
            f"UPDATE story_answers SET story_id = ? WHERE answer_id IN ({marks})",
            [cur.lastrowid, *moving],
        )
        db.execute("UPDATE stories SET updated_at = ? WHERE id = ?", (stamp, story_id))
        new_id = int(cur.lastrowid or 0)
    return get_story(store, new_id)


def add_written(store: Store, entries: Sequence[tuple[str, str]]) -> tuple[list[int], list[int]]:
    """Store stories written in a file as (title, text); a title already held by a file
    story updates that story's text (the file was edited and added again). Returns the ids
    (added, updated)."""
    existing = {s.title.casefold(): s.id for s in list_stories(store) if s.source == "file"}
    added, updated = [], []
    stamp = now()
    with store._write() as db:
        for title, text in entries:
            clean = _check_title(title)
            known = existing.get(clean.casefold())
            if known is not None:
                db.execute(
                    "UPDATE stories SET text = ?, updated_at = ? WHERE id = ?",
                    (text, stamp, known),
                )
                updated.append(known)
                continue
            cur = db.execute(
                "INSERT INTO stories (title, source, text, created_at, updated_at)"
                " VALUES (?, 'file', ?, ?, ?)",
                (clean, text, stamp, stamp),
            )
            existing[clean.casefold()] = int(cur.lastrowid or 0)
            added.append(int(cur.lastrowid or 0))
    return added, updated
