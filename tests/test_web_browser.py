"""The web app in a real browser: Debian's Chromium, headless, driven by Playwright.

The app runs in this test process on a free loopback port, so the transcription endpoint
can be mocked in-process with respx (``httpx2_mock``).
"""

from __future__ import annotations

import asyncio
import json
import re
import sqlite3
import threading
import time
import wave
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from interviewer.core.settings import build_settings
from interviewer.web import WebConfig, create_app
from interviewer.web.live import chromium_path, launch_chromium
from tests.web_helpers import STRONG, serve

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
if chromium_path() is None:
    pytest.skip(
        "Debian's chromium is not installed (scripts/system-deps.sh installs it)",
        allow_module_level=True,
    )


@pytest.fixture
def page(chromium):  # type: ignore[no-untyped-def]
    """A page in a fresh context of this worker's Chromium; ``page.dialogs`` lists alerts."""
    context = chromium.new_context()
    pg = context.new_page()
    dialogs: list[str] = []
    pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    pg.dialogs = dialogs  # type: ignore[attr-defined]
    yield pg
    context.close()


def _server(**settings: object):  # type: ignore[no-untyped-def]
    """A fresh app with ``settings``, served on this worker's shared loopback server."""
    return serve(create_app(WebConfig(settings=build_settings(**settings))))


def _choose(page, base: str, questions: list[str], follow_ups: str = "0") -> None:  # type: ignore[no-untyped-def]
    """From the start page, pick the built-in bank and exactly ``questions``."""
    page.goto(base + "/")
    page.get_by_role("link", name="Choose questions from Problem Solving").click()
    page.locator("#q-q1").wait_for()  # the bank's page is shown
    ticked = page.locator("input[name=question]").evaluate_all(
        "boxes => boxes.filter(b => b.checked).map(b => b.value)"
    )
    for qid in ticked:  # the ones ticked by default that are not wanted
        if qid not in questions:
            page.locator(f"#q-{qid}").uncheck()
    for qid in questions:
        if qid not in ticked:
            page.locator(f"#q-{qid}").check()
    page.get_by_label("Follow-up questions per answer").select_option(follow_ups)
    page.get_by_role("button", name="Start the interview").click()


def test_a_typed_interview_runs_end_to_end_to_the_report(page) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("interviewer.views.report", reason="the report module has not landed")
    expect = sync_api.expect
    page.clock.install()  # the page's timer runs on a clock the test can move on
    with _server(grader="offline") as base:
        _choose(page, base, ["q1", "q2"])
        expect(page.get_by_role("heading", level=1)).to_have_text("Question 1")
        page.clock.run_for(1000)  # a second passes (no need to wait for it): the timer ticks
        expect(page.get_by_role("timer")).to_have_text(re.compile(r"0:0[1-9]"))
        expect(page.get_by_role("button", name="Play the question aloud")).to_be_visible()
        box = page.get_by_role("textbox", name=re.compile(r"^Your answer \(type"))
        box.click()
        page.keyboard.type(STRONG[:120])
        box.fill(STRONG)
        box.dispatch_event("input")
        expect(page.locator("#word-count")).to_have_text(re.compile(r"^1[0-9]{2} words"))
        page.get_by_role("button", name="Submit answer").click()

        expect(page.get_by_role("heading", level=1)).to_have_text("Scorecard for question 1")
        assert int(page.locator("#overall").inner_text()) > 40
        expect(page.get_by_role("table", name="STAR scorecard")).to_contain_text("Situation")
        page.get_by_role("link", name="Next question").click()

        expect(page.get_by_role("heading", level=1)).to_have_text("Question 2")
        page.get_by_role("textbox", name=re.compile(r"^Your answer \(type")).fill(STRONG)
        page.get_by_role("button", name="Submit answer").click()
        page.get_by_role("button", name="Finish and see the report").click()

        expect(page.get_by_role("heading", level=1)).to_contain_text("Report for session")
        expect(page.locator("#report")).to_contain_text("debugged a production ML system")
        assert page.dialogs == []


def test_an_injected_script_answer_stays_inert(page) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("interviewer.views.report", reason="the report module has not landed")
    expect = sync_api.expect
    evil = '<script>alert("owned")</script><img src=x onerror="alert(2)"> ' + STRONG
    with _server(grader="offline") as base:
        _choose(page, base, ["q1"])
        page.get_by_role("textbox", name=re.compile(r"^Your answer \(type")).fill(evil)
        page.get_by_role("button", name="Submit answer").click()
        shown = page.locator("#answer-shown")
        expect(shown).to_contain_text('<script>alert("owned")</script>')
        assert page.locator("#answer-shown script, #answer-shown img").count() == 0
        page.get_by_role("button", name="Finish and see the report").click()
        expect(page.locator("#report")).to_contain_text('alert("owned")')
        assert page.locator("#report script, #report img").count() == 0
        assert page.dialogs == []


def test_keyboard_users_reach_the_answer_box_with_a_label(page) -> None:  # type: ignore[no-untyped-def]
    with _server(grader="offline") as base:
        _choose(page, base, ["q1"])
        sync_api.expect(page.get_by_role("heading", level=1)).to_have_text("Question 1")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent").strip() == "Skip to content"
        page.keyboard.press("Enter")
        for _ in range(12):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.id") == "answer":
                break
        assert page.evaluate("document.activeElement.id") == "answer"
        page.keyboard.type("Typed with the keyboard only.")
        assert page.locator("#status").get_attribute("aria-live") == "polite"


FAKE_MIC = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]


@contextmanager
def fake_mic_page(playwright, **settings: object) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """A page on a fresh app in a Chromium whose microphone is Chromium's fake one."""
    with _server(**settings) as base:
        b = launch_chromium(playwright, FAKE_MIC)
        try:
            context = b.new_context()
            context.grant_permissions(["microphone"], origin=base)
            page = context.new_page()
            _choose(page, base, ["q1"])
            yield page
        finally:
            b.close()


def _record(page) -> None:  # type: ignore[no-untyped-def]
    expect = sync_api.expect
    page.get_by_role("button", name="Start recording").click()
    expect(page.locator("#status")).to_contain_text("Recording.")
    expect(page.get_by_role("button", name="Stop recording")).to_be_focused()
    page.wait_for_timeout(300)  # let the fake microphone produce some audio
    page.get_by_role("button", name="Stop recording").click()
    expect(page.locator("#status")).to_contain_text("Recording stopped")


def test_recording_in_the_browser_fills_the_upload_with_audio(playwright) -> None:  # type: ignore[no-untyped-def]
    """MediaRecorder with Chromium's fake microphone: the recording lands in the file input."""
    with fake_mic_page(playwright, grader="offline") as page:
        _record(page)
        picked = page.evaluate(
            "() => { const f = document.getElementById('audio').files[0];"
            " return f ? [f.name, f.type, f.size] : null; }"
        )
        assert picked is not None
        name, mime, size = picked
        assert name.startswith("answer.") and mime.startswith("audio/") and size > 0
        sync_api.expect(page.locator("#recording-preview")).to_be_visible()


def test_a_recorded_answer_is_uploaded_transcribed_and_graded(playwright, httpx2_mock) -> None:  # type: ignore[no-untyped-def]
    """Record with the fake microphone, upload; the transcription endpoint is mocked."""
    route = httpx2_mock.post("https://llm.test/v1/audio/transcriptions").respond(
        200, json={"text": STRONG, "duration": 95.0}
    )
    settings = {"grader": "offline", "openai_api_key": "test-key", "openai_base_url":
                "https://llm.test/v1"}  # fmt: skip
    with fake_mic_page(playwright, **settings) as page:
        _record(page)
        page.get_by_role("button", name="Upload the recording").click()
        sync_api.expect(page.get_by_role("heading", level=1)).to_contain_text("Scorecard")
        assert route.call_count == 1
        upload = route.calls.last.request.content
        assert b'name="file"; filename="q1.' in upload  # the recording, as saved
        assert "precision went back to 90%" in page.content()


def test_a_spoken_wav_file_is_uploaded_transcribed_and_graded(page, httpx2_mock, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A real speech file made with espeak-ng, chosen in the file input and uploaded."""
    import shutil
    import subprocess

    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed (scripts/system-deps.sh installs it)")
    wav = tmp_path / "answer.wav"
    spoken = "I owned the model and I brought precision back to ninety percent in three days."
    subprocess.run(["espeak-ng", "-w", str(wav), spoken], check=True)
    route = httpx2_mock.post("https://llm.test/v1/audio/transcriptions").respond(
        200, json={"text": STRONG, "duration": 95.0}
    )
    settings = {"grader": "offline", "openai_api_key": "test-key", "openai_base_url":
                "https://llm.test/v1"}  # fmt: skip
    with _server(**settings) as base:
        _choose(page, base, ["q1"])
        page.get_by_label(re.compile("^Audio file of your answer")).set_input_files(str(wav))
        page.get_by_role("button", name="Upload the recording").click()
        sync_api.expect(page.get_by_role("heading", level=1)).to_contain_text("Scorecard")
        assert route.call_count == 1
        request = route.calls.last.request
        assert (
            b"RIFF" in request.content or b"fLaC" in request.content or b"OggS" in (request.content)
        )
        assert request.headers["authorization"] == "Bearer test-key"
        assert "test-key" not in page.content()
        assert "precision went back to 90%" in page.content()


def test_start_page_lists_the_built_in_bank(page) -> None:  # type: ignore[no-untyped-def]
    with _server(grader="offline") as base:
        page.goto(base + "/")
        assert page.get_by_role("heading", level=1).inner_text() == (
            "Practise a behavioural interview"
        )
        link = page.get_by_role("link", name="Choose questions from Problem Solving")
        assert link.get_attribute("href") == "/banks/ml-problem-solving"


# Every element's right edge, against the viewport: what sticks out makes a phone scroll.
_WIDEST = """() => {
  const limit = window.innerWidth + 1;
  const wide = [...document.querySelectorAll("body *")]
    .map(el => [el, el.getBoundingClientRect()])
    .filter(([el, r]) => r.width > 0 && r.right > limit)
    .map(([el, r]) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
         (el.className && typeof el.className === "string" ? "." + el.className : "") +
         " right=" + Math.round(r.right));
  return {scroll: document.documentElement.scrollWidth, inner: window.innerWidth, wide: wide};
}"""


def _fits(page) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_load_state("load")  # not while the page is still being replaced
    found = page.evaluate(_WIDEST)
    assert found["scroll"] <= found["inner"], found
    assert found["wide"] == [], found


def test_on_a_phone_the_scorecard_is_cards_that_fit_and_the_report_is_inline(chromium) -> None:  # type: ignore[no-untyped-def]
    """375 px wide: nothing wider than the screen, one card per STAR part, no iframe."""
    expect = sync_api.expect
    long_word = " See https://example.com/" + "a-very-long-path-segment" * 6 + " for the details."
    context = chromium.new_context(viewport={"width": 375, "height": 812})
    page = context.new_page()
    try:
        with _server(grader="offline") as base:
            _choose(page, base, ["q1"], follow_ups="1")
            _fits(page)
            page.get_by_role("textbox", name=re.compile(r"^Your answer \(type")).fill(
                STRONG + long_word
            )
            page.get_by_role("button", name="Submit answer").click()
            expect(page.get_by_role("heading", level=1)).to_have_text("Scorecard for question 1")
            _fits(page)
            cards = page.locator("table.scorecard > tbody.as-card")
            expect(cards).to_have_count(6)
            first = cards.first.bounding_box()
            assert first is not None and first["width"] <= 375
            assert page.locator("table.scorecard > thead").is_hidden() or (
                page.locator("table.scorecard > thead").bounding_box()["height"] <= 1
            )
            for label in ("Score", "What it means", "Evidence from your answer"):
                content = cards.first.locator(f'td[data-label="{label}"]').evaluate(
                    "el => getComputedStyle(el, '::before').content"
                )
                assert label in content
            # "What it means" was squeezed to a word per line: now it has the card's width
            meaning = cards.first.locator("td.meaning").bounding_box()
            assert meaning is not None and meaning["width"] >= 0.8 * first["width"]
            finish = page.get_by_role("button", name="Finish and see the report")
            if finish.count() == 0:  # a follow-up is due: skip it
                finish = page.get_by_role("button", name=re.compile("^Finish"))
            finish.click()
            expect(page.get_by_role("heading", level=1)).to_contain_text("Report for session")
            assert page.locator("iframe").count() == 0
            expect(page.locator("#report")).to_contain_text("STAR scorecard")
            _fits(page)
    finally:
        context.close()


def test_when_the_speech_endpoint_fails_the_browser_reads_the_question(page, httpx2_mock) -> None:  # type: ignore[no-untyped-def]
    """The server's voice fails (503): the page says so and uses speech synthesis."""
    route = httpx2_mock.post("https://llm.test/v1/audio/speech").respond(
        500, json={"error": {"message": "tts is down"}}
    )
    settings = {"grader": "offline", "openai_api_key": "test-key", "openai_base_url":
                "https://llm.test/v1"}  # fmt: skip
    with _server(**settings) as base:
        page.add_init_script(
            "window.__spoken = [];window.speechSynthesis.speak = u => window.__spoken.push(u.text);"
        )
        _choose(page, base, ["q1"])
        page.get_by_role("button", name="Play the question aloud").click()
        sync_api.expect(page.locator("#status")).to_contain_text(
            "browser reads the question instead"
        )
        assert route.call_count >= 1
        spoken = page.evaluate("window.__spoken")
        assert spoken == [page.locator("#question-text").inner_text()]
        assert page.dialogs == []


# --- one answer per question: a double click sends one request ---------------------------

TRIES = 3  # each double-submit test repeats on a fresh question or session
BUSY = "Saving and grading…"
WEAK = "We fixed it quickly and everyone was happy with how the team handled it."  # is probed


def _session_and_question(page) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    found = re.search(r"/sessions/([^/]+)/q/([^/?#]+)", page.url)
    assert found, page.url
    return found.group(1), found.group(2)


def _rows(db: Path, sid: str, qid: str, kind: str = "answer") -> int:
    """Answers of ``kind`` stored for one question, read straight from the server's file."""
    con = sqlite3.connect(db)
    try:
        sql = "SELECT COUNT(*) FROM answers WHERE session_id = ? AND question_id = ? AND kind = ?"
        return int(con.execute(sql, (sid, qid, kind)).fetchone()[0])
    finally:
        con.close()


def _posts(page) -> list[str]:  # type: ignore[no-untyped-def]
    """The path of every POST the page sends from now on, as the browser issues it."""
    sent: list[str] = []
    page.on("request", lambda r: sent.append(urlsplit(r.url).path) if r.method == "POST" else None)
    return sent


def _centre(button) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Where a mouse click lands on ``button``, scrolled into view first."""
    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    assert box is not None
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def _dblclick(page, button) -> None:  # type: ignore[no-untyped-def]
    button.dblclick()


def _two_clicks(page, button) -> None:  # type: ignore[no-untyped-def]
    """Two separate clicks, the second not waiting for anything the first started."""
    x, y = _centre(button)
    page.mouse.click(x, y)
    page.mouse.click(x, y)


def _two_submits(page, button) -> None:  # type: ignore[no-untyped-def]
    """Two submit events on the form in one task, as a script or a repeated Enter would."""
    button.evaluate("b => { b.form.requestSubmit(); b.form.requestSubmit(); }")


TWICE = {"dblclick": _dblclick, "two clicks": _two_clicks, "two submits": _two_submits}


class _HeldPosts:
    """The app, holding every POST while the test says so: a slow grader, as slow as the
    test needs and no slower (no sleep to guess how long the browser takes)."""

    def __init__(self, app) -> None:  # type: ignore[no-untyped-def]
        self.app = app
        self.released = threading.Event()
        self.released.set()

    def hold(self) -> None:
        self.released.clear()

    def release(self) -> None:
        self.released.set()

    async def __call__(self, scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        if scope["type"] == "http" and scope["method"] == "POST":
            deadline = time.monotonic() + 30  # a failed test does not hang the server
            while not self.released.is_set() and time.monotonic() < deadline:
                await asyncio.sleep(0.01)
        await self.app(scope, receive, send)


# On each submit of the form: the button and form as they are then (this listener runs
# after the app's own), kept in sessionStorage to be read on the next page, and told on the
# console ("submit 1", ...; heard while the page cannot be asked, its request on its way).
# With ``again``, a second submit 50 ms after the first, while the first request is still
# on its way.
_RECORD_SUBMITS = """([selector, again]) => {
  const form = document.querySelector(selector);
  const log = [];
  sessionStorage.removeItem("submits");
  form.addEventListener("submit", e => {
    const b = e.submitter || form.querySelector("button[type=submit]");
    log.push({disabled: b.disabled, label: b.textContent, busy: b.getAttribute("aria-busy"),
              formBusy: form.getAttribute("aria-busy"), prevented: e.defaultPrevented});
    sessionStorage.setItem("submits", JSON.stringify(log));
    console.debug("submit " + log.length);
    if (again && log.length === 1) { setTimeout(() => form.requestSubmit(), 50); }
  });
}"""


def _record_submits(page, selector: str, again: bool = False) -> None:  # type: ignore[no-untyped-def]
    """Record the form's submits; first wait for the page's deferred script to have run (the
    heading shows before it does), so its listener is in place and runs before this one."""
    page.wait_for_load_state("load")
    page.evaluate(_RECORD_SUBMITS, [selector, again])


def _submits(page) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    return json.loads(page.evaluate("sessionStorage.getItem('submits') || '[]'"))


def _assert_busy_then_dropped(submits: list[dict[str, object]], label: str = BUSY) -> None:
    """The first submit left the button disabled, relabelled and busy; any later one was
    cancelled (``preventDefault``) so it could not send a second request."""
    assert submits, "the form was not submitted"
    first, *later = submits
    assert first == {"disabled": True, "label": label, "busy": "true", "formBusy": "true",
                     "prevented": False}, first  # fmt: skip
    assert all(s["prevented"] for s in later), later


@pytest.mark.parametrize("twice", list(TWICE))
def test_a_double_submit_saves_one_answer_per_question(page, tmp_path, twice: str) -> None:  # type: ignore[no-untyped-def]
    """Three questions, each submitted twice at once: one request, one row, one scorecard."""
    expect = sync_api.expect
    db = tmp_path / "web.sqlite3"
    with _server(grader="offline", db=db) as base:
        _choose(page, base, ["q1", "q2", "q3"])
        posts = _posts(page)
        for n in range(1, TRIES + 1):
            expect(page.get_by_role("heading", level=1)).to_have_text(f"Question {n}")
            sid, qid = _session_and_question(page)
            page.get_by_role("textbox", name=re.compile(r"^Your answer \(type")).fill(STRONG)
            posts.clear()
            _record_submits(page, "#answer-form")
            TWICE[twice](page, page.get_by_role("button", name="Submit answer"))
            expect(page.get_by_role("heading", level=1)).to_have_text(f"Scorecard for question {n}")
            expect(page.locator("#answer-shown")).to_contain_text("precision went back to 90%")
            assert posts == [f"/sessions/{sid}/q/{qid}/answer"], (n, posts)
            _assert_busy_then_dropped(_submits(page))
            assert _rows(db, sid, qid) == 1, n
            page.goto(base + "/")
            mine = page.locator("ul.sessions li", has_text=f"Session {sid}")
            expect(mine).to_contain_text(f"{n} of {TRIES} answered")
            if n < TRIES:
                mine.get_by_role("link", name=f"Session {sid}").click()
        assert page.dialogs == []


def test_the_submit_button_is_busy_while_the_answer_is_graded(page, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A slow server: right after the first click the button is disabled and says it is
    saving; a second click and a second submit while the answer is on its way send nothing."""
    expect = sync_api.expect
    db = tmp_path / "web.sqlite3"
    app = _HeldPosts(create_app(WebConfig(settings=build_settings(grader="offline", db=db))))
    with serve(app) as base:
        _choose(page, base, ["q1", "q2", "q3"])
        posts = _posts(page)
        for n in range(1, TRIES + 1):
            expect(page.get_by_role("heading", level=1)).to_have_text(f"Question {n}")
            sid, qid = _session_and_question(page)
            page.get_by_role("textbox", name=re.compile(r"^Your answer \(type")).fill(STRONG)
            _record_submits(page, "#answer-form", again=True)
            posts.clear()
            x, y = _centre(page.get_by_role("button", name="Submit answer"))
            app.hold()  # the answer is on its way until the release below
            with page.expect_console_message(lambda m: m.text == "submit 2", timeout=10_000):
                page.mouse.click(x, y)  # and the script's second submit, 50 ms later
            page.mouse.click(x, y)  # the impatient second click, on the disabled button
            app.release()
            expect(page.get_by_role("heading", level=1)).to_have_text(f"Scorecard for question {n}")
            submits = _submits(page)
            _assert_busy_then_dropped(submits)
            assert len(submits) == 2, submits  # the click on the disabled button is no submit
            assert posts == [f"/sessions/{sid}/q/{qid}/answer"], (n, posts)
            assert _rows(db, sid, qid) == 1
            if n < TRIES:
                page.get_by_role("link", name="Next question").click()
        page.goto(base + "/")
        expect(page.locator("ul.sessions")).to_contain_text(f"{TRIES} of {TRIES} answered")


def test_a_page_shown_again_from_the_back_forward_cache_can_submit_again(page, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A busy form comes back usable on ``pageshow`` with ``persisted`` (the pages are
    no-store, so Chromium does not cache them: the event is dispatched by hand)."""
    expect = sync_api.expect
    db = tmp_path / "web.sqlite3"
    with _server(grader="offline", db=db) as base:
        _choose(page, base, ["q1"])
        expect(page.get_by_role("heading", level=1)).to_have_text("Question 1")
        page.wait_for_load_state("load")  # the script is in place
        sid, qid = _session_and_question(page)
        page.get_by_role("textbox", name=re.compile(r"^Your answer \(type")).fill(STRONG)
        # a 204 leaves the page where it is, with the button still busy
        page.route(re.compile(r"/answer$"), lambda route: route.fulfill(status=204))
        button = page.get_by_role("button", name="Submit answer")
        button.click()
        form = page.locator("#answer-form")
        busy = form.locator("button[type=submit]")
        expect(busy).to_be_disabled()
        expect(busy).to_have_text(BUSY)
        expect(busy).to_have_attribute("aria-busy", "true")
        expect(form).to_have_attribute("aria-busy", "true")
        page.evaluate("window.dispatchEvent(new PageTransitionEvent('pageshow'))")
        expect(busy).to_be_disabled()  # a plain pageshow (not from the cache) changes nothing
        page.evaluate(
            "window.dispatchEvent(new PageTransitionEvent('pageshow', {persisted: true}))"
        )
        expect(button).to_be_enabled()
        expect(button).not_to_have_attribute("aria-busy", "true")
        expect(form).not_to_have_attribute("aria-busy", "true")
        page.unroute(re.compile(r"/answer$"))
        button.click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Scorecard for question 1")
        assert _rows(db, sid, qid) == 1


def test_a_double_click_on_the_follow_up_saves_one_follow_up(page, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A weak answer gets a follow-up; its form, double-clicked, sends one answer."""
    expect = sync_api.expect
    db = tmp_path / "web.sqlite3"
    with _server(grader="offline", db=db) as base:
        posts = _posts(page)
        for n in range(1, TRIES + 1):  # a fresh session each time
            _choose(page, base, ["q1"], follow_ups="1")
            expect(page.get_by_role("heading", level=1)).to_have_text("Question 1")
            sid, qid = _session_and_question(page)
            page.get_by_role("textbox", name=re.compile(r"^Your answer \(type")).fill(WEAK)
            page.get_by_role("button", name="Submit answer").click()
            expect(page.get_by_role("heading", level=1)).to_have_text("Scorecard for question 1")
            page.get_by_role("textbox", name="Your answer to the follow-up").fill(
                "I would add the schema check first, because it caught two later changes."
            )
            button = page.get_by_role("button", name="Submit follow-up answer")
            posts.clear()
            _record_submits(page, "#follow-up-form")
            button.dblclick()
            expect(page.locator(".follow-up-answer")).to_contain_text("schema check first")
            assert posts == [f"/sessions/{sid}/q/{qid}/follow-up"], (n, posts)
            _assert_busy_then_dropped(_submits(page))
            assert _rows(db, sid, qid, kind="follow_up") == 1
            assert _rows(db, sid, qid) == 1
        assert page.dialogs == []


def _silent_wav(path: Path) -> None:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"\0\0" * 4000)


def test_a_double_click_on_upload_sends_one_recording(page, tmp_path, httpx2_mock) -> None:  # type: ignore[no-untyped-def]
    expect = sync_api.expect
    route = httpx2_mock.post("https://llm.test/v1/audio/transcriptions").respond(
        200, json={"text": STRONG, "duration": 95.0}
    )
    wav = tmp_path / "answer.wav"
    _silent_wav(wav)
    db = tmp_path / "web.sqlite3"
    settings = {"grader": "offline", "openai_api_key": "test-key", "openai_base_url":
                "https://llm.test/v1", "db": db}  # fmt: skip
    with _server(**settings) as base:
        _choose(page, base, ["q1", "q2", "q3"])
        posts = _posts(page)
        for n in range(1, TRIES + 1):
            expect(page.get_by_role("heading", level=1)).to_have_text(f"Question {n}")
            sid, qid = _session_and_question(page)
            page.get_by_label(re.compile("^Audio file of your answer")).set_input_files(str(wav))
            button = page.get_by_role("button", name="Upload the recording")
            posts.clear()
            _record_submits(page, "#audio-form")
            button.dblclick()
            expect(page.get_by_role("heading", level=1)).to_have_text(f"Scorecard for question {n}")
            assert posts == [f"/sessions/{sid}/q/{qid}/audio"], (n, posts)
            _assert_busy_then_dropped(_submits(page), "Uploading and grading…")
            assert route.call_count == n  # one transcription per question
            assert _rows(db, sid, qid) == 1
            if n < TRIES:
                page.get_by_role("link", name="Next question").click()
        page.goto(base + "/")
        expect(page.locator("ul.sessions")).to_contain_text(f"{TRIES} of {TRIES} answered")
