"""The review mode of the web app: plain forms (no script needed), CSRF-protected, every
answer's scores and comments saved as the coach's review, shown in the report."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from interviewer.engine.store import Store
from tests.review_helpers import graded_session
from tests.web_helpers import Browser, offline_app_in_chromium


@pytest.fixture
def sid() -> str:
    return graded_session(Path("sessions.sqlite3"))  # the INTERVIEWER_DB of conftest


def _ids(sid: str) -> dict[str, int]:
    with Store.open() as store:
        return {v.question_id: v.answer.id for v in store.get_session(sid).questions()}


def _reviews(sid: str, qid: str) -> list:
    with Store.open() as store:
        views = {v.question_id: v for v in store.get_session(sid).questions()}
    return views[qid].answer.reviews


def test_the_report_links_to_a_review_form_that_works_without_script(sid: str) -> None:
    b = Browser()
    report = b.get(f"/sessions/{sid}/report").text
    assert f'href="/sessions/{sid}/review"' in report
    page = b.get(f"/sessions/{sid}/review").text
    ids = _ids(sid)
    # a plain POST form with the token; a labelled select and comment per STAR part
    assert re.search(rf'<form method="post" action="/sessions/{sid}/review"', page)
    assert 'name="csrf_token"' in page and "<script" not in page.split("<main")[1]
    for dim in ("situation", "result", "lessons_learned"):
        assert f'<label for="score-{ids["q1"]}-{dim}">' in page
        assert f'name="comment-{ids["q1"]}-{dim}"' in page
    assert f'name="score-{ids["q1"]}-data-quality"' in page  # key themes get a score too
    assert f'name="comment-{ids["q1"]}-data-quality"' not in page  # comments: STAR parts
    assert f'name="note-{ids["q7"]}"' in page


def test_a_posted_review_is_saved_per_answer_and_shown_in_the_report(sid: str) -> None:
    b = Browser()
    ids = _ids(sid)
    form = {
        "reviewer": "Ana Ruiz",
        f"score-{ids['q1']}-result": "2",
        f"comment-{ids['q1']}-result": "Say what the 9% meant <for> the team.",
        f"score-{ids['q1']}-data-quality": "4",
        f"note-{ids['q1']}": "Strong opening.",
        f"score-{ids['q7']}-result": "",  # q7 left empty: no review for it
    }
    r = b.post(f"/sessions/{sid}/review", form, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/sessions/{sid}/report"
    [review] = _reviews(sid, "q1")
    assert review.scores == {"result": 2, "data-quality": 4}
    assert review.comments == {"result": "Say what the 9% meant <for> the team."}
    assert _reviews(sid, "q7") == []
    report = b.get(f"/sessions/{sid}/report").text
    assert "Coach review by Ana Ruiz" in report
    assert "Say what the 9% meant &lt;for&gt; the team." in report  # escaped
    assert "Note from Ana Ruiz:</strong> Strong opening." in report
    # a second coach is kept beside the first
    b.post(f"/sessions/{sid}/review", {"reviewer": "Ben", f"note-{ids['q1']}": "Agree."})
    assert [r.reviewer for r in _reviews(sid, "q1")] == ["Ana Ruiz", "Ben"]
    report = b.get(f"/sessions/{sid}/report").text
    assert "Coach review by Ana Ruiz" in report and "Coach review by Ben" in report
    # loading a coach's review fills the form with it
    page = b.get(f"/sessions/{sid}/review", params={"reviewer": "ana ruiz"}).text
    assert re.search(r'<option value="2" selected>2</option>', page)
    assert "Strong opening.</textarea>" in page


def test_a_form_with_a_mistake_comes_back_with_everything_typed(sid: str) -> None:
    b = Browser()
    ids = _ids(sid)
    typed = {f"comment-{ids['q1']}-task": "Whose deadline was Friday?",
             f"note-{ids['q7']}": "Finish the story."}  # fmt: skip
    r = b.post(f"/sessions/{sid}/review", {"reviewer": "  ", **typed})
    assert r.status_code == 400
    assert "Give your name" in r.text
    assert "Whose deadline was Friday?</textarea>" in r.text
    assert "Finish the story.</textarea>" in r.text
    r = b.post(f"/sessions/{sid}/review",
               {"reviewer": "Ana", f"score-{ids['q1']}-result": "9", **typed})  # fmt: skip
    assert r.status_code == 400 and "a score is a whole number 0-5" in r.text
    assert "Whose deadline was Friday?</textarea>" in r.text
    r = b.post(f"/sessions/{sid}/review", {"reviewer": "Ana"})
    assert r.status_code == 400 and "nothing to save" in r.text
    assert _reviews(sid, "q1") == [] and _reviews(sid, "q7") == []


def test_a_dimension_the_rubric_lacks_is_refused_by_name(sid: str) -> None:
    b = Browser()
    ids = _ids(sid)
    r = b.post(f"/sessions/{sid}/review",
               {"reviewer": "Ana", f"score-{ids['q1']}-result": "3",
                f"score-{ids['q1']}-charisma": "5"})  # fmt: skip
    # the form has no such field, so it is not read: only the rubric's dimensions are
    assert r.status_code == 200
    assert _reviews(sid, "q1")[0].scores == {"result": 3}


def test_a_post_without_the_token_is_refused(sid: str) -> None:
    b = Browser()
    ids = _ids(sid)
    r = b.client.post(f"/sessions/{sid}/review",
                      data={"reviewer": "Ana", f"note-{ids['q1']}": "x"})  # fmt: skip
    assert r.status_code == 403
    assert _reviews(sid, "q1") == []


def test_review_mode_in_a_real_browser_by_keyboard_without_javascript(chromium, sid: str) -> None:
    """Chromium with JavaScript off: from the report to the review form and back, by keys."""
    with offline_app_in_chromium(chromium, javascript=False) as (page, base, expect):
        page.goto(f"{base}/sessions/{sid}/report")
        page.get_by_role("link", name="Review this session as a coach").focus()
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", level=1)).to_have_text("Review this session as a coach")
        page.get_by_label("Your name (shown with your review)").focus()
        page.keyboard.type("Ana Ruiz")
        page.keyboard.press("Tab")  # the first answer's Situation score
        page.keyboard.type("1")
        page.keyboard.press("Tab")  # its comment
        page.keyboard.type("Which customers, and what was at stake?")
        page.get_by_label("Overall note on q7").focus()
        page.keyboard.type("Finish the story.")
        page.get_by_role("button", name="Save my review").focus()
        page.keyboard.press("Enter")
        expect(page).to_have_url(re.compile(rf"/sessions/{sid}/report$"))
        review = page.locator("section.review").first
        expect(review.get_by_role("heading")).to_contain_text("Coach review by Ana Ruiz")
        row = review.locator('tr[data-dimension="situation"]')
        expect(row).to_contain_text("4/5")  # the grader's score, kept
        expect(row).to_contain_text("1/5")  # the coach's, beside it
        expect(row).to_contain_text("Which customers, and what was at stake?")
        expect(page.locator("section.review").nth(1)).to_contain_text("Finish the story.")


def test_a_coach_again_adds_to_their_review_unless_the_form_holds_all_of_it(sid: str) -> None:
    b = Browser()
    q1 = _ids(sid)["q1"]
    url = f"/sessions/{sid}/review"
    b.post(url, {"reviewer": "Ana", f"score-{q1}-result": "2", f"note-{q1}": "First look."})
    # a form not loaded with Ana's review: what she gives is added to it, nothing dropped
    b.post(url, {"reviewer": "ana", f"score-{q1}-task": "3"})
    [review] = _reviews(sid, "q1")
    assert review.scores == {"result": 2, "task": 3} and review.note == "First look."
    # loaded with her review, the form is all of it: a score she cleared is gone
    page = b.get(url, params={"reviewer": "Ana"}).text
    assert 'name="loaded" value="Ana"' in page
    r = b.post(url, {"reviewer": "Ana", "loaded": "Ana", f"score-{q1}-task": "3",
                     f"note-{q1}": "First look."})  # fmt: skip
    assert r.status_code == 200
    [review] = _reviews(sid, "q1")
    assert review.scores == {"task": 3}
    with Store.open() as store:
        from interviewer.engine.reviews import review_versions

        assert len(review_versions(store, q1)) == 3  # every version kept
