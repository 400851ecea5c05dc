"""The web app in a real browser: Debian's Chromium, headless, driven by Playwright.

The app runs in this test process on a free loopback port, so the transcription endpoint
can be mocked in-process with respx (``httpx2_mock``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from interviewer.settings import build_settings
from interviewer.web import WebConfig, create_app
from interviewer.web.live import chromium_path, launch_chromium, live_server
from tests.web_helpers import STRONG

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
if chromium_path() is None:
    pytest.skip(
        "Debian's chromium is not installed (scripts/system-deps.sh installs it)",
        allow_module_level=True,
    )


@pytest.fixture(scope="module")
def playwright() -> Iterator[object]:
    with sync_api.sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="module")
def browser(playwright) -> Iterator[object]:  # type: ignore[no-untyped-def]
    b = launch_chromium(playwright)
    yield b
    b.close()


@pytest.fixture
def page(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context()
    pg = context.new_page()
    dialogs: list[str] = []
    pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    pg.dialogs = dialogs  # type: ignore[attr-defined]
    yield pg
    context.close()


def _server(**settings: object):  # type: ignore[no-untyped-def]
    return live_server(create_app(WebConfig(settings=build_settings(**settings))))


def _choose(page, base: str, questions: list[str], follow_ups: str = "0") -> None:  # type: ignore[no-untyped-def]
    """From the start page, pick the built-in bank and exactly ``questions``."""
    page.goto(base + "/")
    page.get_by_role("link", name="Choose questions from Problem Solving").click()
    for box in page.get_by_role("checkbox").all():
        box.uncheck()
    for qid in questions:
        page.locator(f"#q-{qid}").check()
    page.get_by_label("Follow-up questions per answer").select_option(follow_ups)
    page.get_by_role("button", name="Start the interview").click()


def test_a_typed_interview_runs_end_to_end_to_the_report(page) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("interviewer.report", reason="the report module has not landed")
    expect = sync_api.expect
    with _server(grader="offline") as base:
        _choose(page, base, ["q1", "q2"])
        expect(page.get_by_role("heading", level=1)).to_have_text("Question 1")
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
    pytest.importorskip("interviewer.report", reason="the report module has not landed")
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
    """A page on a fresh server in a Chromium whose microphone is Chromium's fake one."""
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
    page.wait_for_timeout(1200)  # let the fake microphone produce some audio
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
    found = page.evaluate(_WIDEST)
    assert found["scroll"] <= found["inner"], found
    assert found["wide"] == [], found


def test_on_a_phone_the_scorecard_is_cards_that_fit_and_the_report_is_inline(browser) -> None:  # type: ignore[no-untyped-def]
    """375 px wide: nothing wider than the screen, one card per STAR part, no iframe."""
    expect = sync_api.expect
    long_word = " See https://example.com/" + "a-very-long-path-segment" * 6 + " for the details."
    context = browser.new_context(viewport={"width": 375, "height": 812})
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
