"""The story bank: stories found in answers, kept as records, edited by the user, covering
key themes."""

from __future__ import annotations

from pathlib import Path

import pytest

from interviewer.core.bank import get_bank
from interviewer.core.errors import DataError, NotFoundError
from interviewer.engine import stories as bank_store
from interviewer.engine.store import Store
from interviewer.prep.stories import (
    MAX_QUESTIONS,
    ShingleIndex,
    StoryRecord,
    coverage,
    place_answers,
    shingles,
    story_cards,
    title_for,
    told_answers,
)
from interviewer.prep.storyfile import read_story_file
from tests.story_helpers import CHURN_DEBUG, GPU_STORY, ML, WAREHOUSE_STORY, build_history


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "s.sqlite3"
    build_history(path)
    return path


def answers_by_question(store: Store) -> dict[str, int]:
    return {t.question_id: t.answer_id for t in told_answers(store.list_sessions())}


# --- detection ---------------------------------------------------------------------------


def test_a_story_told_three_times_is_one_story(db: Path) -> None:
    with Store.open(db) as store:
        stories, _ = bank_store.story_bank(store)
        ids = answers_by_question(store)
    by_answers = {tuple(s.answer_ids): s for s in stories}
    churn = by_answers[(ids["q1"], ids["q7"], ids["q9"])]
    assert churn.source == "detected"
    assert churn.title.startswith("In March our churn model's recall")
    assert (ids["q5"],) in by_answers and (ids["q8"],) in by_answers
    assert len(stories) == 3


def test_the_three_tellings_have_different_openings_but_match() -> None:
    from tests import story_helpers as h

    index = ShingleIndex()
    index.add(("answer", 1), shingles(h.CHURN_DEBUG[:160]))
    assert index.closest(shingles(h.CHURN_IMPROVE[:170])) is not None
    assert index.closest(shingles(GPU_STORY[:150])) is None


def test_detection_runs_once_per_new_answer(db: Path) -> None:
    with Store.open(db) as store:
        bank_store.story_bank(store)
        assert bank_store.refresh(store) == 0  # nothing new: nothing placed, nothing moved
        build_history(db, [[("q2", CHURN_DEBUG.replace("two weeks", "ten days"))]])
        assert bank_store.refresh(store) == 1
        stories = bank_store.list_stories(store)
    assert len(stories) == 3  # the fourth telling joined the churn story
    assert max(len(s.answer_ids) for s in stories) == 4


def test_history_notices_the_same_reuse_as_the_story_bank(db: Path) -> None:
    from interviewer.prep.stories import reused_stories

    with Store.open(db) as store:
        sessions = store.list_sessions()
    pairs = {(a.split("/")[1], b.split("/")[1]) for a, b, _ in reused_stories(sessions)}
    assert pairs == {("q1", "q7"), ("q1", "q9")}  # q7 ~ q9 are linked only through q1


# --- the user's edits survive detection ---------------------------------------------------


def test_rename_merge_and_split_survive_new_answers(db: Path) -> None:
    with Store.open(db) as store:
        stories, _ = bank_store.story_bank(store)
        ids = answers_by_question(store)
        churn = next(s for s in stories if ids["q1"] in s.answer_ids)
        gpu = next(s for s in stories if s.answer_ids == (ids["q5"],))
        warehouse = next(s for s in stories if s.answer_ids == (ids["q8"],))

        bank_store.rename(store, churn.id, "Churn model after the CRM move")
        moved = bank_store.split(store, churn.id, [ids["q9"]])
        merged = bank_store.merge(store, [gpu.id, warehouse.id], title="Models that had to fit")
        assert merged.answer_ids == (ids["q5"], ids["q8"]) and merged.source == "user"

        build_history(db, [[("q2", CHURN_DEBUG), ("q3", WAREHOUSE_STORY)]])  # told again
        bank_store.refresh(store)
        after = {s.id: s for s in bank_store.list_stories(store)}

    assert after[churn.id].title == "Churn model after the CRM move"
    assert ids["q9"] not in after[churn.id].answer_ids  # the split stays split
    assert after[moved.id].answer_ids == (ids["q9"],)
    assert warehouse.id not in after  # merged away
    assert len(after[churn.id].answer_ids) == 3  # q1, q7 and the new telling of q1's story
    assert len(after[merged.id].answer_ids) == 3  # the warehouse story told again joined it


def test_edits_refuse_what_cannot_be_done(db: Path) -> None:
    with Store.open(db) as store:
        stories, _ = bank_store.story_bank(store)
        one = next(s for s in stories if len(s.answer_ids) == 1)
        with pytest.raises(NotFoundError, match="no story 99"):
            bank_store.rename(store, 99, "x")
        with pytest.raises(DataError, match="title"):
            bank_store.rename(store, one.id, "   ")
        with pytest.raises(DataError, match="at least two"):
            bank_store.merge(store, [one.id, one.id])
        with pytest.raises(DataError, match="nothing would be left"):
            bank_store.split(store, one.id, list(one.answer_ids))
        with pytest.raises(DataError, match=r"answer 12345 is not in story"):
            bank_store.split(store, one.id, [12345])


# --- stories written in a file ------------------------------------------------------------


STORY_FILE = """\
stories:
  - title: Churn model after the CRM move
    text: |
      In March our churn model's recall on enterprise accounts dropped from 81% to 58% two
      weeks after the sales team moved to a new CRM. I was the engineer who owned the model.
  - title: Onboarding the night shift
    text: I rewrote the night shift's runbook so new starters could handle alerts alone.
"""


def test_file_stories_are_added_and_answers_that_tell_them_join(tmp_path: Path) -> None:
    path = tmp_path / "stories.yaml"
    path.write_text(STORY_FILE)
    db = tmp_path / "s.sqlite3"
    with Store.open(db) as store:
        added, updated = bank_store.add_written(
            store, [(s.title, s.text) for s in read_story_file(path)]
        )
        assert len(added) == 2 and updated == []
        build_history(db)
        stories, sessions = bank_store.story_bank(store)
        again, updated = bank_store.add_written(store, [("Onboarding the night shift", "New.")])
    churn = next(s for s in stories if s.title == "Churn model after the CRM move")
    assert churn.source == "file" and len(churn.answer_ids) == 3
    assert again == [] and len(updated) == 1  # the same title updates the story's text
    card = next(c for c in story_cards(stories, sessions) if c.id == churn.id)
    assert [q for _, q in card.questions] == ["q1", "q7", "q9"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("stories:\n  - title: A\n    text: [unclosed\n", "invalid YAML"),
        ("stories:\n  - title: A\n    text: fine\n  - title: B\n", "line 4: stories[1].text"),
        ("stories:\n  - title: A\n    text: fine\n    year: 2024\n", "stories[0].year"),
        ("stories: []\n", "stories"),
        ("- just a list\n", "line 1"),
        ("", "file is empty"),
    ],
)
def test_a_bad_story_file_names_the_file_line_and_field(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(text)
    with pytest.raises(DataError) as err:
        read_story_file(path)
    assert str(err.value).startswith(str(path)) and message in str(err.value)


# --- what a story shows, and coverage -------------------------------------------------------


def test_a_card_has_the_best_of_its_tellings(db: Path) -> None:
    with Store.open(db) as store:
        stories, sessions = bank_store.story_bank(store)
    cards = {c.title[:12]: c for c in story_cards(stories, sessions)}
    churn, warehouse = cards["In March our"], cards["At the logis"]
    assert [t.question_id for t in churn.tellings] == ["q1", "q7", "q9"]
    results = [t.grade.result.score for t in told_answers(sessions) if t.question_id != "q5"]
    assert sorted(results) == [1, 3, 3, 4]  # q8 (warehouse) 1; the churn tellings 3, 3, 4
    assert churn.star["result"] == 4  # the best telling's Result, not their average
    assert "86%" in churn.numbers and "$240,000" in churn.numbers
    assert "81% to 58%" not in churn.numbers  # the problem, not an outcome
    assert churn.overused  # three questions > MAX_QUESTIONS
    assert warehouse.needs_number and warehouse.needs_lesson and not warehouse.overused


def test_coverage_names_gaps_and_overused_stories(db: Path) -> None:
    with Store.open(db) as store:
        stories, sessions = bank_store.story_bank(store)
    cards = story_cards(stories, sessions)
    matrix = coverage(cards, [get_bank(ML)])
    rows = {r.theme_id: r for r in matrix.rows}
    assert list(rows) == [t.id for t in get_bank(ML).themes]  # the bank's themes, in order
    assert rows["systematic-debugging"].best == 5 and not rows["systematic-debugging"].gap
    assert rows["scrappiness"].gap  # the GPU story scored 2 on it: no story reaches 3
    assert {r.theme_id for r in matrix.gaps} >= {"scrappiness", "embrace-failure"}
    assert [c.title[:8] for c in matrix.overused] == ["In March"]
    assert MAX_QUESTIONS == 2


def test_place_answers_is_pure_and_keeps_placed_answers() -> None:
    assert place_answers([], [StoryRecord(1, "t", "user", (5,))]) == ({}, [])
    assert title_for("We moved the whole team to a new on-call rota after the outage.") == (
        "We moved the whole team to a new on-call rota after the…"
    )
