"""Export and Import in a real browser (Debian's Chromium via Playwright): the candidate
downloads the session from the report page, the mentor's app imports it from the history
page using only the keyboard, and the imported report opens."""

from __future__ import annotations

from pathlib import Path

import pytest

from interviewer.core.settings import build_settings
from interviewer.engine.store import Store
from interviewer.web import WebConfig, create_app
from interviewer.web.live import chromium_path, live_server
from tests.session_helpers import make_grade

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
if chromium_path() is None:
    pytest.skip("Debian's chromium is not installed", allow_module_level=True)

STORY = (
    "At the food bank I coordinated, Saturday queues reached two hours. I was asked to cut "
    "the wait before winter. I split pickup into booked half-hour slots and trained six "
    "volunteers to run them. Average waits fell to twenty minutes within a month."
)


def test_a_session_travels_from_one_app_to_another_in_the_browser(chromium, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    expect = sync_api.expect
    mine, theirs = tmp_path / "mine.sqlite3", tmp_path / "theirs.sqlite3"
    with Store.open(mine) as store:
        sid = store.create_session("ml-problem-solving", ["q1"], "web", "offline")
        store.save_grade(store.add_answer(sid, "q1", "Tell me...", STORY), make_grade(3))
        store.finish_session(sid)
    candidate = live_server(create_app(WebConfig(settings=build_settings(db=mine))))
    mentor = live_server(create_app(WebConfig(settings=build_settings(db=theirs))))
    context = chromium.new_context(accept_downloads=True)
    page = context.new_page()
    with candidate as here, mentor as there:
        page.goto(f"{here}/sessions/{sid}/report")
        with page.expect_download() as download:
            page.get_by_role("link", name="Export the session").click()
        saved = tmp_path / download.value.suggested_filename
        download.value.save_as(saved)
        assert saved.name == f"interviewer-session-{sid}.json"

        page.goto(f"{there}/history")
        page.get_by_label("Session file (.json)").set_input_files(str(saved))
        page.get_by_label("Session file (.json)").focus()
        page.keyboard.press("Tab")  # the "keep a second copy" box, then the button
        page.keyboard.press("Tab")
        expect(page.get_by_role("button", name="Import")).to_be_focused()
        page.keyboard.press("Enter")

        expect(page.get_by_role("heading", level=1)).to_contain_text("Report for session")
        expect(page.locator(".origin")).to_contain_text(f"Imported from session {sid} (exported")
        expect(page.locator("blockquote.answer")).to_contain_text(
            "Saturday queues reached two hours"
        )
        page.goto(f"{there}/history")
        expect(page.get_by_text("(imported)")).to_be_visible()
    context.close()


def test_a_coachs_review_comes_home_and_the_history_follows_the_coach(  # type: ignore[no-untyped-def]
    chromium, tmp_path: Path
) -> None:
    from interviewer.core.bank import Bank, get_bank
    from interviewer.engine.portable import export_session, import_file, write_export
    from interviewer.engine.reviews import review_answer

    expect = sync_api.expect
    mine, theirs = tmp_path / "mine.sqlite3", tmp_path / "theirs.sqlite3"
    with Store.open(mine) as store:
        sid = store.create_session("ml-problem-solving", ["q1"], "web", "offline")
        store.save_grade(store.add_answer(sid, "q1", "Tell me...", STORY), make_grade(4))
        store.finish_session(sid)
        write_export(export_session(store, sid, lambda b, o: get_bank(b)), tmp_path / "out.json")
    with Store.open(theirs) as store:  # the coach's machine: import, review, export
        there = store.get_session(import_file(store, tmp_path / "out.json").session_id)
        bank = Bank.model_validate(there.options["bank"])
        review_answer(store, there, bank, "q1", "Ana Ruiz", scores={"result": 1},
                      note="Say what twenty minutes meant to the families.")  # fmt: skip
        write_export(export_session(store, there.id, lambda b, o: None), tmp_path / "back.json")
    candidate = live_server(create_app(WebConfig(settings=build_settings(db=mine))))
    context = chromium.new_context()
    page = context.new_page()
    with candidate as here:
        page.goto(f"{here}/history")
        page.get_by_label("Session file (.json)").set_input_files(str(tmp_path / "back.json"))
        page.get_by_label("Session file (.json)").focus()
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")
        expect(page.get_by_role("button", name="Import")).to_be_focused()
        page.keyboard.press("Enter")

        expect(page.get_by_role("heading", level=1)).to_contain_text(f"Report for session {sid}")
        expect(page.get_by_role("status")).to_contain_text("Added 1 review")
        expect(page.locator("#report")).to_contain_text("Ana Ruiz")
        expect(page.locator("#report")).to_contain_text("twenty minutes meant to the families")

        page.goto(f"{here}/history")
        page.get_by_role("link", name="the coaches' (where a coach gave one)").focus()
        page.keyboard.press("Enter")
        expect(page).to_have_url(f"{here}/history?by=coach")
        expect(page.get_by_role("heading", name="Trend of each STAR part")).to_contain_text(
            "coach scores"
        )
    context.close()
