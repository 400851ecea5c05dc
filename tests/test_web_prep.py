"""The "Prepare for a job" page: paste a job description, see the picks and why, start.

TestClient for the pages and forms; one run in a real browser (Chromium via Playwright).
"""

from __future__ import annotations

import re

import pytest

from interviewer.engine.store import Store
from tests.job_helpers import FRUIT_PICKER, PROJECT_MANAGER, SPANISH, SUPPORT_LEAD
from tests.web_helpers import Browser, offline_app_in_chromium


def _prepare(browser: Browser, text: str, count: str = "5"):
    return browser.post("/prep", {"job": text, "count": count})


class TestThePage:
    def test_the_start_page_links_to_it(self):
        browser = Browser()
        home = browser.get("/").text
        assert 'href="/prep"' in home and "Prepare for a job" in home
        page = browser.get("/prep")
        assert page.status_code == 200
        assert '<label for="job">Job description</label>' in page.text
        assert "Start an interview on them" not in page.text  # nothing picked yet

    def test_the_picks_say_why_and_the_start_form_holds_the_best_banks(self):
        browser = Browser()
        page = _prepare(browser, SUPPORT_LEAD)
        assert page.status_code == 200, page.text
        html = page.text
        assert "Questions for Customer Support Team Lead" in html
        assert "“escalations from upset or angry customers”" in html
        assert 'name="bank" value="customer-and-projects"' in html
        ticked = re.findall(r'name="question" value="(q\d+)" id="s-q\d+" [^>]*checked', html)
        assert len(ticked) == 5 and "q1" in ticked
        # a pick from another bank links to that bank rather than joining the session
        assert 'href="/banks/general-behavioural">Practise it from General behavioural' in html
        assert SUPPORT_LEAD.splitlines()[2] in html  # the pasted text stays in the box

    def test_starting_runs_the_session_on_the_picks(self):
        browser = Browser()
        html = _prepare(browser, PROJECT_MANAGER, "3").text
        ticked = re.findall(r'name="question" value="(q\d+)" id="s-q\d+" [^>]*checked', html)
        started = browser.post(
            "/sessions",
            {"bank": "customer-and-projects", "question": ticked, "follow_ups": "0"},
            follow_redirects=False,
        )
        assert started.status_code == 303
        sid = started.headers["location"].rsplit("/", 1)[-1]
        first = browser.get(f"/sessions/{sid}", follow_redirects=True)
        assert "Question 1" in first.text
        with Store.open(browser.config.settings.db) as store:  # the store the CLI reads too
            assert store.get_session(sid).question_ids == ticked

    def test_the_pasted_text_is_escaped(self):
        browser = Browser()
        html = _prepare(browser, SUPPORT_LEAD + "\n<script>alert(1)</script>").text
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


class TestBadInput:
    """The form comes back with one line saying what to fix and the text kept."""

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("   ", "is empty: paste the job description"),
            (SPANISH, "does not look like English"),
            (FRUIT_PICKER, "interviewer practice --bank general-behavioural"),
        ],
        ids=["empty", "another-language", "no-bank-matches"],
    )
    def test_refused_with_the_text_kept(self, text: str, expected: str):
        browser = Browser()
        page = _prepare(browser, text)
        assert page.status_code == 400
        assert 'role="alert"' in page.text and expected in page.text
        assert text.strip()[:40] in page.text
        assert 'aria-invalid="true"' in page.text

    def test_a_post_without_the_csrf_token_is_refused(self):
        browser = Browser()
        page = browser.client.post("/prep", data={"job": SUPPORT_LEAD})
        assert page.status_code == 403


# --- one run in a real browser -------------------------------------------------------------


def test_a_candidate_prepares_for_a_job_and_starts_in_the_browser(chromium, tmp_path) -> None:
    with offline_app_in_chromium(chromium) as (page, base, expect):
        page.goto(base + "/")
        page.get_by_role("link", name="Prepare for a job").click()
        page.get_by_label("Job description").fill(SUPPORT_LEAD)
        page.get_by_label("Questions to pick").select_option("3")
        page.keyboard.press("Tab")
        page.get_by_role("button", name="Pick questions").click()
        expect(page.get_by_role("heading", level=2).first).to_have_text(
            "Questions for Customer Support Team Lead"
        )
        expect(page.locator("ol.picks > li")).to_have_count(3)
        kept = re.compile(r"^Customer Support Team Lead\n.*calm under pressure\.\s*$", re.S)
        expect(page.get_by_label("Job description")).to_have_value(kept)
        page.get_by_label("Follow-up questions per answer").select_option("0")
        page.get_by_role("button", name="Start the interview").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Question 1")
