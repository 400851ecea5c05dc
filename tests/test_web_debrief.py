"""The web app's debrief: upload or paste a transcript, check what was found, store and
grade it, land on its report."""

from __future__ import annotations

import re

from interviewer.core.settings import build_settings
from interviewer.engine.store import Store
from interviewer.web import WebConfig
from tests.debrief_helpers import INTERRUPTED_TXT, SRT, THREE_QUESTIONS_VTT
from tests.web_helpers import Browser


def upload(browser: Browser, data: bytes, name: str = "call.vtt", **fields: str):  # type: ignore[no-untyped-def]
    content_type = fields.pop("content_type", "text/vtt")
    return browser.post(
        "/debrief",
        {"action": "preview", **fields},
        files={"transcript": (name, data, content_type)},
        follow_redirects=False,
    )


def stored() -> list:  # type: ignore[type-arg]
    with Store.open() as store:
        return store.list_sessions()


def test_the_home_page_links_to_the_debrief_form() -> None:
    browser = Browser()
    home = browser.get("/")
    assert 'href="/debrief"' in home.text
    form = browser.get("/debrief")
    assert form.status_code == 200
    assert 'enctype="multipart/form-data"' in form.text
    assert 'name="csrf_token"' in form.text and 'type="file"' in form.text


def test_preview_shows_speakers_the_guess_and_the_matches_and_stores_nothing() -> None:
    browser = Browser()
    page = upload(browser, THREE_QUESTIONS_VTT.encode())
    assert page.status_code == 200, page.text
    text = page.text
    assert "What was found in call.vtt" in text
    assert re.search(r'value="Ravi Menon" id="me-2"[^>]* checked', text)  # the guess, picked
    assert 'value="Dana Whitfield"' in text  # the picker offers the other speaker
    assert "3 questions found" in text
    assert "general-behavioural q8: Tell me about a time you had more to do" in text
    assert "Hello Ravi, can you hear me okay?" in text  # set aside, and said so
    assert stored() == []


def test_store_and_grade_leads_to_the_debrief_report() -> None:
    browser = Browser()
    response = upload(browser, THREE_QUESTIONS_VTT.encode(), action="store")
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    [session] = stored()
    assert location == f"/sessions/{session.id}/report"
    assert session.mode == "debrief" and all(v.grade for v in session.questions())
    report = browser.get(location)
    assert report.status_code == 200
    assert "Interview debrief report" in report.text
    assert "Describe a time you made a mistake at work that affected other people." in report.text
    download = browser.get(f"/sessions/{session.id}/report.html")
    assert "Interview debrief report" in download.text
    history = browser.get("/history")
    assert f'{session.id}</a> <span class="kind">(debrief)</span>' in history.text


def test_the_picker_and_pasted_text_carry_on_to_the_stored_session() -> None:
    browser = Browser()
    response = browser.post(
        "/debrief",
        {"text": INTERRUPTED_TXT, "name": "notes.txt", "me": "Me", "action": "store"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    [view] = stored()[0].questions()
    assert view.answer.text.startswith("At the bike shop")
    assert [f.prompt for f in view.follow_ups] == ["What did you learn from it?"]


def test_a_speaker_that_is_not_you_gives_the_form_back_with_the_text() -> None:
    browser = Browser()
    page = upload(browser, SRT.encode(), name="call.srt", me="Priya")
    assert page.status_code == 400
    assert "no interview questions found in what TOM said" in page.text
    assert "Our courier contract ended" in page.text  # the transcript is kept
    assert stored() == []


def test_no_speakers_says_how_to_label_and_keeps_what_was_pasted() -> None:
    browser = Browser()
    pasted = "We chatted about my commute & the <weather> for a while."
    page = browser.post("/debrief", {"text": pasted, "action": "preview"})
    assert page.status_code == 400
    assert "has no recognisable speakers" in page.text
    assert "Interviewer: Tell me about a time you missed a deadline.<br>Me: " in page.text
    assert "We chatted about my commute &amp; the &lt;weather&gt; for a while." in page.text


def test_empty_binary_and_wrong_type_uploads_are_refused_clearly() -> None:
    browser = Browser()
    empty = upload(browser, b"")
    assert empty.status_code == 400 and "call.vtt: the file is empty" in empty.text
    binary = upload(browser, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 30)
    assert binary.status_code == 400 and "call.vtt: is not a text file" in binary.text
    picture = upload(browser, b"\x89PNG\r\n", name="me.png", content_type="image/png")
    assert picture.status_code == 415
    audio = upload(browser, b"RIFF\x00\x00\x00\x00WAVEfmt ", name="call.txt")
    assert audio.status_code == 415
    nothing = browser.post("/debrief", {"action": "preview"})
    assert nothing.status_code == 400 and "Choose a transcript file" in nothing.text
    assert stored() == []


def test_uploads_keep_the_apps_limits_and_csrf() -> None:
    small = WebConfig(settings=build_settings(grader="offline"), form_limit=2_000)
    browser = Browser(config=small)
    too_big = upload(browser, THREE_QUESTIONS_VTT.encode() * 2)
    assert too_big.status_code == 413
    forged = Browser().client.post(
        "/debrief", data={"action": "store"},
        files={"transcript": ("call.vtt", THREE_QUESTIONS_VTT.encode(), "text/vtt")},
    )  # fmt: skip
    assert forged.status_code == 403
    assert stored() == []


def test_a_debrief_that_cannot_be_saved_gives_the_text_back(tmp_path) -> None:  # type: ignore[no-untyped-def]
    browser = Browser()
    broken = tmp_path / "not-a-database.sqlite3"
    broken.write_bytes(b"this file is not a database at all" * 100)
    browser.client.app.state.config = WebConfig(
        settings=build_settings(grader="offline", db=broken)
    )
    page = browser.post(
        "/debrief", {"text": INTERRUPTED_TXT, "name": "notes.txt", "action": "store"}
    )
    assert page.status_code == 503
    assert "The debrief was not saved" in page.text
    assert "I rebuilt the wheel while he waited" in page.text
