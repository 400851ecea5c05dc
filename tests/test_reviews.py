"""Coaches' reviews: stored beside the grades, one current review per coach, checked
against the answer's rubric, read leniently, and shown in the candidate's reports."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from interviewer.core.bank import get_bank
from interviewer.core.errors import DataError, NotFoundError
from interviewer.core.review import Review, load_stored_review, reviewed_grade
from interviewer.engine.reviews import review_answer, review_versions
from interviewer.engine.store import Store
from tests.review_helpers import BANK, graded_session


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "s.sqlite3"


def _review(db: Path, sid: str, answer: str, reviewer: str, **kw: object) -> Review:
    with Store.open(db) as store:
        session = store.get_session(sid)
        return review_answer(store, session, get_bank(BANK), answer, reviewer, **kw)  # type: ignore[arg-type]


# --- storing ---------------------------------------------------------------------------


def test_a_review_is_stored_beside_the_grade_and_read_back(db: Path) -> None:
    sid = graded_session(db)
    _review(db, sid, "q1", "Ana Ruiz", scores={"result": 2, "data-quality": 4},
            comments={"result": "Say what the 9% meant for the business."},
            note="Strong story; tighten the ending.")  # fmt: skip
    with Store.open(db) as store:
        view = store.get_session(sid).questions()[0]
    assert len(view.answer.grades) == 1  # the grade is untouched
    assert view.grade is not None and view.grade.result.score == 4
    [review] = view.answer.reviews
    assert review.reviewer == "Ana Ruiz"
    assert review.scores == {"result": 2, "data-quality": 4}
    assert review.comments["result"] == "Say what the 9% meant for the business."
    assert review.note == "Strong story; tighten the ending."
    assert review.created_at.tzinfo is not None


def test_two_coaches_are_both_kept_in_the_order_they_reviewed(db: Path) -> None:
    sid = graded_session(db)
    _review(db, sid, "q1", "Ana", scores={"task": 3})
    _review(db, sid, "q1", "Ben", scores={"task": 5}, note="Fine by me.")
    with Store.open(db) as store:
        reviews = store.get_session(sid).questions()[0].answer.reviews
    assert [(r.reviewer, r.scores) for r in reviews] == [("Ana", {"task": 3}), ("Ben", {"task": 5})]


def test_the_same_coach_again_adds_a_version_and_the_newest_is_shown(db: Path) -> None:
    sid = graded_session(db)
    first = _review(db, sid, "q1", "Ana", scores={"task": 3}, comments={"task": "Whose job?"})
    # " ana " is the same coach; a score not given again is kept from the earlier version
    _review(db, sid, "q1", " ana ", scores={"result": 1})
    with Store.open(db) as store:
        [current] = store.get_session(sid).questions()[0].answer.reviews
        versions = review_versions(store, first.answer_id)
    assert current.scores == {"task": 3, "result": 1}
    assert current.comments == {"task": "Whose job?"}
    assert [v.scores for v in versions] == [{"task": 3}, {"task": 3, "result": 1}]


def test_a_review_can_name_the_answer_by_its_id(db: Path) -> None:
    sid = graded_session(db)
    with Store.open(db) as store:
        answer_id = store.get_session(sid).questions()[1].answer.id
    review = _review(db, sid, str(answer_id), "Ana", note="Tell me how it ended.")
    assert review.answer_id == answer_id


# --- bad input -------------------------------------------------------------------------


def test_a_dimension_the_rubric_does_not_have_is_refused_naming_the_valid_ones(db: Path) -> None:
    sid = graded_session(db)
    with pytest.raises(DataError) as err:
        _review(db, sid, "q1", "Ana", scores={"scrappiness": 3})  # a theme of other questions
    message = str(err.value)
    assert "'scrappiness'" in message and "q1" in message
    assert "valid: situation, task, action, result, quantified_results, lessons_learned" in message
    assert "systematic-debugging, data-quality" in message
    with Store.open(db) as store:  # nothing was saved
        assert store.get_session(sid).questions()[0].answer.reviews == []


def test_a_score_off_the_scale_and_an_empty_review_are_refused(db: Path) -> None:
    sid = graded_session(db)
    with pytest.raises(DataError, match=r"scores: result: score 7 is outside the 0-5 scale"):
        _review(db, sid, "q1", "Ana", scores={"result": 7})
    with pytest.raises(DataError, match="the review is empty"):
        _review(db, sid, "q1", "Ana", comments={"result": "   "})
    with pytest.raises(DataError, match="reviewer"):
        _review(db, sid, "q1", "   ", note="Who am I?")


def test_an_unknown_answer_lists_the_answers_there_are(db: Path) -> None:
    sid = graded_session(db)
    with pytest.raises(NotFoundError, match=r"no answer 'q9' \(answers: q1 \(answer \d+\), q7"):
        _review(db, sid, "q9", "Ana", note="?")


# --- reading ---------------------------------------------------------------------------


def test_a_stored_review_is_read_leniently_and_a_newer_one_refused(db: Path) -> None:
    stored = {"reviewer": "Ana", "created_at": "2026-01-02T10:00:00+00:00", "answer_id": 3,
              "scores": {"task": 2}, "mood": "cheerful"}  # fmt: skip
    review = load_stored_review(json.dumps(stored))
    assert review.scores == {"task": 2} and review.note == ""
    with pytest.raises(DataError, match=r"review 9: written by a newer interviewer"):
        load_stored_review({**stored, "schema_version": 99}, "review 9")


def test_a_database_from_before_reviews_gets_the_table(db: Path) -> None:
    sid = graded_session(db)
    raw = sqlite3.connect(db)
    raw.execute("DROP TABLE reviews")
    raw.execute("DELETE FROM _migrations WHERE name = 'm005_reviews'")
    raw.commit()
    raw.close()
    from interviewer.engine import store as store_mod

    store_mod._READY.clear()
    _review(db, sid, "q1", "Ana", scores={"task": 1})
    with Store.open(db) as store:
        assert store.get_session(sid).questions()[0].answer.reviews[0].scores == {"task": 1}


# --- the coach's view of a grade ---------------------------------------------------------


def test_the_coaches_view_takes_their_mean_score_and_recomputes_the_overall(db: Path) -> None:
    sid = graded_session(db)
    with Store.open(db) as store:
        grade = store.get_session(sid).questions()[0].grade
    assert grade is not None
    now = datetime.now(UTC)
    ana = Review(reviewer="Ana", created_at=now, answer_id=1, scores={"result": 1, "task": 2})
    ben = Review(reviewer="Ben", created_at=now, answer_id=1, scores={"result": 2})
    seen = reviewed_grade(grade, [ana, ben])
    # result: mean of 1 and 2 = 1.5, rounded half up to 2; task: Ana's 2; the rest unchanged
    assert seen.result.score == 2 and seen.task.score == 2
    assert seen.situation.score == grade.situation.score
    # the overall moves by the weighted change: read the weights from the rubric
    from interviewer.core.rubric import build_rubric

    rubric = build_rubric(get_bank(BANK), "q1")
    weights = {d.id: d.weight for d in rubric.dimensions}
    change = weights["result"] * (2 - grade.result.score) + weights["task"] * (2 - grade.task.score)
    expected = grade.overall + 100 * change / (5 * sum(weights.values()))
    assert abs(seen.overall - expected) <= 1  # both sides rounded once
    assert grade.result.score == 4  # the grade itself is not changed


# --- exported and imported with the session -----------------------------------------------


def _export(db: Path, sid: str, path: Path) -> Path:
    from interviewer.engine.portable import export_session, write_export

    def bank_for(bank_id: str, options: dict[str, object]) -> object:
        return get_bank(str(options.get("bank", bank_id)))

    with Store.open(db) as store:
        write_export(export_session(store, sid, bank_for), path)  # type: ignore[arg-type]
    return path


def test_reviews_travel_with_an_exported_session_and_come_back_the_same(tmp_path: Path) -> None:
    from interviewer.engine.portable import import_file

    home, coach = tmp_path / "home.sqlite3", tmp_path / "coach.sqlite3"
    sid = graded_session(home)
    # the candidate sends the session; the coach imports and reviews it (twice, two coaches)
    with Store.open(coach) as store:
        there = import_file(store, _export(home, sid, tmp_path / "out.json")).session_id
    _review(coach, there, "q1", "Ana", scores={"result": 2}, comments={"result": "Why 9%?"})
    _review(coach, there, "q1", "Ana", scores={"task": 3})  # a second version of Ana's
    _review(coach, there, "q7", "Ben", note="Finish the story.")
    back = _export(coach, there, tmp_path / "back.json")
    data = json.loads(back.read_text("utf-8"))
    assert [r["review"]["reviewer"] for r in data["reviews"]] == ["Ana", "Ana", "Ben"]
    # ... and the candidate imports the reviewed copy
    with Store.open(home) as store:
        mine = store.get_session(import_file(store, back).session_id)
        versions = review_versions(store, mine.questions()[0].answer.id)
    q1, q7 = mine.questions()
    assert [(r.reviewer, r.scores, r.comments) for r in q1.answer.reviews] == [
        ("Ana", {"result": 2, "task": 3}, {"result": "Why 9%?"})
    ]
    assert len(versions) == 2  # every version came along
    assert [(r.reviewer, r.note) for r in q7.answer.reviews] == [("Ben", "Finish the story.")]
    assert all(r.answer_id == q1.answer.id for r in q1.answer.reviews)  # the local ids
    with Store.open(coach) as store:
        original = store.get_session(there).questions()[0].answer.reviews
    assert [r.model_dump(exclude={"answer_id"}) for r in original] == [
        r.model_dump(exclude={"answer_id"}) for r in q1.answer.reviews
    ]


def test_an_export_whose_review_names_a_dimension_the_rubric_lacks_is_refused(
    tmp_path: Path,
) -> None:
    from interviewer.engine.portable import import_file

    db = tmp_path / "home.sqlite3"
    sid = graded_session(db)
    _review(db, sid, "q1", "Ana", scores={"result": 2})
    path = _export(db, sid, tmp_path / "out.json")
    data = json.loads(path.read_text("utf-8"))
    data["reviews"][0]["review"]["scores"] = {"charisma": 4}
    path.write_text(json.dumps(data), encoding="utf-8")
    with Store.open(tmp_path / "other.sqlite3") as store, pytest.raises(DataError) as err:
        import_file(store, path)
    assert "out.json: reviews[0].review" in str(err.value)
    assert "no dimension 'charisma'" in str(err.value)
    del data["reviews"]  # a file from before reviews imports as before
    path.write_text(json.dumps(data), encoding="utf-8")
    with Store.open(tmp_path / "other.sqlite3") as store:
        imported = store.get_session(import_file(store, path).session_id)
    assert all(v.answer.reviews == [] for v in imported.questions())


# --- in every report format -----------------------------------------------------------------


def test_every_report_format_shows_each_coach_beside_the_grader(db: Path) -> None:
    import csv
    import io

    from interviewer.views.report import render_report

    sid = graded_session(db)
    _review(db, sid, "q1", "Ana", scores={"result": 2}, comments={"result": "Why <9%>?"})
    _review(db, sid, "q1", "Ben", scores={"data-quality": 4}, note="Good data story.")
    with Store.open(db) as store:
        session = store.get_session(sid)
    bank = get_bank(BANK)
    data = json.loads(render_report(session, bank, "json"))
    q1 = data["questions"][0]
    assert [r["reviewer"] for r in q1["reviews"]] == ["Ana", "Ben"]
    assert q1["reviews"][0]["rows"] == [
        {"id": "result", "name": "Result", "grader": 4, "coach": 2, "comment": "Why <9%>?"}
    ]
    assert q1["reviews"][1]["rows"][0]["name"] == "Data quality over model complexity"
    rows = list(csv.DictReader(io.StringIO(render_report(session, bank, "csv"))))
    coach = [(r["dimension"], r["kind"], r["score"], r["evidence"]) for r in rows
             if r["kind"].startswith("coach")]  # fmt: skip
    assert coach == [("result", "coach: Ana", "2", "Why <9%>?"),
                     ("data-quality", "coach: Ben", "4", "")]  # fmt: skip
    html = render_report(session, bank, "html")
    assert "Coach review by Ana" in html and "Coach review by Ben" in html
    assert "Why &lt;9%&gt;?" in html and "<9%>" not in html
