"""The web app's Stories page and the start page's "What to practise next"."""

from __future__ import annotations

import os
import re
from pathlib import Path

from interviewer.engine import stories as bank_store
from interviewer.engine.store import Store
from tests.story_helpers import build_history
from tests.web_helpers import Browser, offline_app_in_chromium


def browser_with_history() -> tuple[Browser, Path]:
    db = Path(os.environ["INTERVIEWER_DB"])
    build_history(db)
    return Browser(), db


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_stories_page_shows_the_coverage_matrix_and_each_story() -> None:
    browser, _ = browser_with_history()
    page = browser.get("/stories")
    assert page.status_code == 200
    html, text = page.text, text_of(page.text)
    assert '<table class="coverage">' in html
    debugging = re.search(r"Systematic debugging.*?</tr>", html, re.S)
    assert debugging and [c for c in re.findall(r"<td>([^<]*)</td>", debugging.group(0))] == [
        "5", "-", "-", "5"
    ]  # fmt: skip
    assert re.search(r'<tr class="gap">\s*<th scope="row">Scrappiness over elegance', html)
    assert "Gaps" in text and "Told too often" in text
    assert "#1 In March our churn model" in text
    assert "debugged a production ML system" in text  # the question it was told for
    assert "Needs a number for what changed and a lesson" in text  # the warehouse story
    assert 'href="/stories"' in browser.get("/").text  # linked from every page's nav


def test_coverage_for_a_pasted_job_and_a_bad_one_kept_in_the_box() -> None:
    browser, _ = browser_with_history()
    job = (
        "Machine learning engineer: debug production model regressions, fix data quality "
        "problems and move quickly under deadlines; learn from failed experiments."
    )
    page = browser.post("/stories", {"job": job})
    assert page.status_code == 200
    assert "Job weight" in page.text and "the job says:" in page.text
    bad = browser.post("/stories", {"job": "   "})
    assert bad.status_code == 400 and "is empty" in bad.text
    assert '<textarea id="job" name="job" rows="6" aria-describedby="job-hint job-error">' in (
        bad.text
    )
    forged = browser.client.post("/stories", data={"job": job, "csrf_token": "forged"})
    assert forged.status_code == 403


def test_story_text_is_escaped() -> None:
    browser, db = browser_with_history()
    with Store.open(db) as store:
        bank_store.add_written(store, [("<script>alert(1)</script>", "<b>bold</b> claim.")])
    html = browser.get("/stories").text
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html


def test_the_start_page_says_what_to_practise_next() -> None:
    browser, _ = browser_with_history()
    home = browser.get("/")
    text = text_of(home.text)
    assert "What to practise next" in text
    assert "your weakest STAR part is Lessons learned (average 2.4 of 5)" in text
    form = re.search(r'<form method="post" action="/sessions" class="plan">(.*?)</form>', home.text,
                     re.S)  # fmt: skip
    assert form is not None
    planned = re.findall(r'name="question" value="(q\d+)"', form.group(1))
    assert planned == ["q2", "q4", "q8"]  # as `interviewer next` says (tests/test_prep_next.py)
    started = browser.post(
        "/sessions",
        {"bank": "ml-problem-solving", "question": planned, "follow_ups": "1"},
        follow_redirects=False,
    )
    assert started.status_code == 303


def test_the_plan_started_on_the_web_is_recorded_and_the_history_shows_progress() -> None:
    browser, db = browser_with_history()
    home = browser.get("/").text
    form = home.split('action="/sessions" class="plan"')[1].split("</form>")[0]
    planned = re.findall(r'name="question" value="(q\d+)"', form)
    assert 'name="plan" value="next"' in home
    started = browser.post(
        "/sessions",
        {"bank": "ml-problem-solving", "question": planned, "follow_ups": "0", "plan": "next"},
        follow_redirects=False,
    )
    sid = started.headers["location"].rsplit("/", 1)[-1]
    with Store.open(db) as store:
        focus = store.session_options(sid)["plan"]
    assert focus["part"] == "lessons_learned" and focus["questions"] == planned
    answer = (
        "Last year a speech model I shipped misheard 30% of place names in Welsh towns. I owned "
        "the fix and had two weeks. I collected 400 recordings from local staff, retrained the "
        "decoder on them and tested town by town. Errors on place names fell to 6%. I learned "
        "to test with local speakers before launch, and I now budget a week for it."
    )
    assert browser.answer(sid, planned[0], answer).status_code == 200
    history = text_of(browser.get("/history").text)
    assert re.search(
        r"Progress against your practice plan Since \S+: Lessons learned 2\.4 ", history
    )
    assert "over 1 session." in history
    # a form that claims the plan but asks other questions records no plan
    other = browser.post(
        "/sessions",
        {"bank": "ml-problem-solving", "question": ["q1"], "follow_ups": "0", "plan": "next"},
        follow_redirects=False,
    )
    with Store.open(db) as store:
        assert "plan" not in store.session_options(other.headers["location"].rsplit("/", 1)[-1])


def test_a_new_candidate_sees_no_plan_and_an_empty_story_bank() -> None:
    browser = Browser()
    assert "What to practise next" not in browser.get("/").text
    page = browser.get("/stories")
    assert page.status_code == 200 and "No stories yet" in page.text


def test_in_a_real_browser_with_the_keyboard_only(chromium) -> None:
    """Chromium, keyboard only: the menu's Stories link, a job pasted for coverage, then
    the start page's plan started with its button."""
    build_history(Path(os.environ["INTERVIEWER_DB"]))
    with offline_app_in_chromium(chromium) as (page, base, expect):
        page.goto(base + "/")
        page.get_by_role("link", name="Stories", exact=True).focus()
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", level=1)).to_have_text("Your stories")
        expect(page.locator("table.coverage tr.gap").first).to_be_visible()
        page.get_by_label("Check your stories against a job description").focus()
        page.keyboard.type("ML engineer: debug production models and fix data quality issues.")
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", level=2).first).to_have_text(
            re.compile(r"^Coverage for ML engineer")
        )
        page.goto(base + "/")
        page.get_by_role("button", name="Practise these 3 questions").focus()
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", level=1)).to_have_text("Question 1")
        assert "q2" in page.url  # the plan's first question
