"""The practice plan's inputs from the store, and the plan a session was started from.

``prep.next`` decides; this only reads: the latest sessions, how often each question was
answered, the stories told in those sessions, and the newest session that recorded a
plan (options ``plan``), for the history's progress line.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from interviewer.core.bank import Bank
from interviewer.engine import stories
from interviewer.engine.store import Store
from interviewer.prep.next import WINDOW, Plan, practice_plan
from interviewer.prep.stories import story_cards


def plan_for(store: Store, banks: Sequence[Bank], *, place_new: bool = True) -> Plan:
    """What to practise next. ``place_new`` first puts new answers into stories (it reads
    every session when there are some); the start page passes False to stay fast and
    uses the stories placed so far."""
    if place_new:
        stories.refresh(store)
    recent = store.latest_sessions(WINDOW)
    cards = story_cards(stories.list_stories(store), recent)  # tellings of these sessions
    return practice_plan(recent, banks, store.question_counts(), cards)


def latest_plan(store: Store) -> tuple[str, dict[str, Any]] | None:
    """(session id, plan focus) of the newest session started from a plan, if any."""
    rows = store._query(
        "SELECT id, json_extract(options, '$.plan') FROM sessions"
        " WHERE json_extract(options, '$.plan') IS NOT NULL"
        " ORDER BY started_at DESC, rowid DESC LIMIT 1"
    )
    if not rows:
        return None
    focus = json.loads(rows[0][1])
    return (str(rows[0][0]), focus) if isinstance(focus, dict) else None
