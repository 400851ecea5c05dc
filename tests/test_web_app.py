"""The web app through Starlette's TestClient: pages, the interview flow, safety rules."""

from __future__ import annotations

import html
import re
import subprocess
import sys
from html.parser import HTMLParser

import pytest

from interviewer.core.errors import GradingError
from interviewer.core.settings import build_settings
from interviewer.engine.store import Store
from interviewer.web import WebConfig
from interviewer.web.security import CSRF_COOKIE
from tests.cli_helpers import run_cli
from tests.web_helpers import BANK, STRONG, Browser

WEAK = "We fixed it quickly and everyone was happy with how the team handled it."


class _Scripts(HTMLParser):
    """Collects <script> elements: inline ones would be a sign of unescaped text."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.scripts.append(dict(attrs))


def scripts_in(html: str) -> list[dict[str, str | None]]:
    parser = _Scripts()
    parser.feed(html)
    return parser.scripts


def stored(sid: str):
    with Store.open() as store:
        return store.get_session(sid)


# --- pages -------------------------------------------------------------------------------


def test_start_page_lists_banks_and_sets_a_strict_csrf_cookie() -> None:
    b = Browser()
    r = b.get("/")
    assert r.status_code == 200
    assert f'href="/banks/{BANK}"' in r.text
    cookie = b.client.cookies.get(CSRF_COOKIE)
    assert cookie and len(cookie) >= 32
    # a new visitor gets a cookie
    first = b.client.__class__(b.client.app, base_url="http://localhost").get("/")
    set_cookie = first.headers["set-cookie"]
    assert "HttpOnly" in set_cookie and "SameSite=Strict" in set_cookie
    assert "script-src 'self'" in first.headers["content-security-policy"]
    assert first.headers["x-content-type-options"] == "nosniff"


def test_bank_page_ticks_the_engines_default_questions() -> None:
    r = Browser().get(f"/banks/{BANK}")
    ticked = re.findall(r'value="(q\d+)" id="q-q\d+"[^>]*checked', r.text)
    assert len(ticked) == 3
    assert all(f'<label for="q-{q}">' in r.text for q in ticked)  # every box has a label


def test_assets_are_served_by_the_app_with_no_external_resources() -> None:
    b = Browser()
    sid = b.start(["q1"])
    page = b.get(f"/sessions/{sid}/q/q1").text
    assert b.get("/static/interview.js").status_code == 200
    assert b.get("/static/app.css").status_code == 200
    assert not re.search(r'(src|href)="(https?:)?//', page)


# --- the interview -----------------------------------------------------------------------


def test_a_typed_interview_goes_from_question_to_scorecard_to_report() -> None:
    b = Browser()
    sid = b.start(["q1", "q3"], follow_ups=0)
    assert b.get(f"/sessions/{sid}").url.path == f"/sessions/{sid}/q/q1"
    r = b.answer(sid, "q1", STRONG)
    assert r.url.path == f"/sessions/{sid}/q/q1/scorecard"
    assert re.search(r'id="overall">(\d+)<', r.text)
    assert "Next question" in r.text
    session = stored(sid)
    assert session.mode == "web"
    assert session.answers[0].text == STRONG and session.answers[0].status == "graded"
    r = b.answer(sid, "q3", STRONG)
    assert 'id="finish"' in r.text  # last question: finish instead of next
    r = b.post(f"/sessions/{sid}/finish")
    assert r.url.path == f"/sessions/{sid}/report"
    assert stored(sid).finished


def test_answered_question_and_finished_session_redirect_to_where_they_are() -> None:
    b = Browser()
    sid = b.start(["q1"], follow_ups=0)
    b.answer(sid, "q1", STRONG)
    assert b.get(f"/sessions/{sid}/q/q1").url.path == f"/sessions/{sid}/q/q1/scorecard"
    b.post(f"/sessions/{sid}/finish")
    assert b.get(f"/sessions/{sid}").url.path == f"/sessions/{sid}/report"


def test_a_script_in_an_answer_is_shown_as_text_everywhere() -> None:
    b = Browser()
    sid = b.start(["q1"], follow_ups=0)
    evil = "<script>alert('x')</script> " + STRONG
    r = b.answer(sid, "q1", evil)
    assert "&lt;script&gt;alert(" in r.text
    assert "<script>alert(" not in r.text
    assert all(s.get("src") for s in scripts_in(r.text))  # only the app's own files


def test_a_weak_answer_gets_one_follow_up_graded_with_the_answer() -> None:
    b = Browser()
    sid = b.start(["q1"], follow_ups=1)
    r = b.answer(sid, "q1", WEAK)
    probe = re.search(r'<p class="question" id="probe-text">(.*?)</p>', r.text, re.S)
    assert probe, "a weak answer should be probed"
    r = b.post(f"/sessions/{sid}/q/q1/follow-up", {"answer": STRONG})
    assert r.url.path == f"/sessions/{sid}/q/q1/scorecard"
    assert 'id="probe-text"' not in r.text  # one follow-up only
    session = stored(sid)
    main, follow = session.questions()[0].answer, session.questions()[0].follow_ups
    assert [f.text for f in follow] == [STRONG]
    assert follow[0].prompt == probe.group(1).strip().replace("&#39;", "'")
    assert len(main.grades) == 2  # graded alone, then with the follow-up
    # a second follow-up is refused, and the text shown back rather than lost
    again = b.post(f"/sessions/{sid}/q/q1/follow-up", {"answer": "one more thing"})
    assert again.status_code == 409 and "one more thing" in again.text


def test_no_follow_up_when_the_session_asks_for_none() -> None:
    b = Browser()
    sid = b.start(["q1"], follow_ups=0)
    assert 'id="probe-text"' not in b.answer(sid, "q1", WEAK).text


def test_a_second_answer_to_a_question_is_refused_and_shown_back() -> None:
    b = Browser()
    sid = b.start(["q1", "q2"])
    b.answer(sid, "q1", STRONG)
    r = b.answer(sid, "q1", "a different story")
    assert r.status_code == 409
    assert "a different story" in r.text
    assert [a.text for a in stored(sid).answers if a.kind == "answer"] == [STRONG]


class _FailingGrader:
    kind = "offline"

    def grade(self, question, rubric, answer):  # type: ignore[no-untyped-def]
        raise GradingError("the grading server is unavailable")


def test_a_grader_failure_shows_a_clear_page_and_the_answer_stays_saved() -> None:
    config = WebConfig(
        settings=build_settings(grader="offline"),
        grader_factory=lambda settings, kind: _FailingGrader(),
    )
    b = Browser(config)
    sid = b.start(["q1"])
    r = b.answer(sid, "q1", STRONG)
    assert r.status_code == 502
    assert "the grading server is unavailable" in r.text
    assert "Your answer was saved" in r.text
    assert f'action="/sessions/{sid}/q/q1/regrade"' in r.text
    answer = stored(sid).answers[0]
    assert (answer.text, answer.status) == (STRONG, "failed")
    # the scorecard page says so too, and offers a retry
    card = b.get(f"/sessions/{sid}/q/q1/scorecard")
    assert "Grading failed" in card.text and "Try grading again" in card.text


def test_regrade_after_a_failure_grades_the_saved_answer() -> None:
    failing = WebConfig(
        settings=build_settings(grader="offline"),
        grader_factory=lambda settings, kind: _FailingGrader(),
    )
    b = Browser(failing)
    sid = b.start(["q1"])
    b.answer(sid, "q1", STRONG)
    fixed = Browser()  # same database, the real offline grader
    r = fixed.post(f"/sessions/{sid}/q/q1/regrade")
    assert r.url.path.endswith("/scorecard") and 'id="overall"' in r.text
    assert stored(sid).answers[0].status == "graded"


# --- bad input and errors ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/sessions/nope", "no session 'nope'"),
        ("/banks/nope", "nope"),
        ("/no/such/page", "There is no page at /no/such/page"),
    ],
)
def test_unknown_things_give_a_404_page(url: str, expected: str) -> None:
    r = Browser().get(url)
    assert r.status_code == 404
    assert "<h1" in r.text and expected in html.unescape(r.text)


def test_a_question_not_in_the_session_is_a_404() -> None:
    b = Browser()
    sid = b.start(["q1"])
    r = b.get(f"/sessions/{sid}/q/q2")
    assert r.status_code == 404 and "not part of session" in r.text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"bank": BANK, "follow_ups": "1"}, "Choose at least one question"),
        ({"bank": BANK, "question": "q1", "follow_ups": "7"}, "must be 0, 1 or 2"),
        ({"bank": BANK, "question": "q99", "follow_ups": "1"}, "q99"),
    ],
)
def test_bad_start_forms_get_a_400_or_404_page(data: dict[str, str], message: str) -> None:
    r = Browser().post("/sessions", data)
    assert r.status_code in (400, 404)
    assert message in r.text


def test_an_empty_answer_is_a_400_and_nothing_is_stored() -> None:
    b = Browser()
    sid = b.start(["q1"])
    r = b.answer(sid, "q1", "   \n ")
    assert r.status_code == 400 and "empty" in r.text
    assert stored(sid).answers == []


def test_every_post_route_refuses_a_request_without_the_csrf_token() -> None:
    b = Browser()
    sid = b.start(["q1"])
    posts = [r for r in b.client.app.routes if "POST" in (getattr(r, "methods", None) or ())]
    assert len(posts) >= 6
    for route in posts:
        url = route.path.format(sid=sid, qid="q1")
        missing = b.client.post(url, data={"answer": "x", "bank": BANK, "question": "q1"})
        forged = b.client.post(url, data={"csrf_token": "forged-" + "x" * 40, "answer": "x"})
        assert missing.status_code == 403, url
        assert forged.status_code == 403, url
        assert "security token" in missing.text
    assert stored(sid).answers == []


def test_no_api_key_reaches_any_page() -> None:
    key = "sk-test-key-must-never-leave-the-server"
    b = Browser(grader="offline", openai_api_key=key, openai_base_url="http://llm.invalid/v1")
    sid = b.start(["q1"], follow_ups=0)
    pages = [b.get("/"), b.get(f"/banks/{BANK}"), b.get(f"/sessions/{sid}/q/q1")]
    pages.append(b.answer(sid, "q1", STRONG))
    pages.append(b.get("/static/interview.js"))
    for page in pages:
        assert key not in page.text
        assert key not in str(page.headers)


# --- uploads -----------------------------------------------------------------------------


def test_an_oversized_upload_gets_a_413_page() -> None:
    config = WebConfig(settings=build_settings(grader="offline"), audio_limit=1000)
    b = Browser(config)
    sid = b.start(["q1"])
    big = b"RIFF" + b"\0" * 4 + b"WAVE" + b"\0" * 5000
    r = b.post(f"/sessions/{sid}/q/q1/audio", files={"audio": ("answer.wav", big, "audio/wav")})
    assert r.status_code == 413
    assert "larger than the limit" in r.text
    assert stored(sid).answers == []


@pytest.mark.parametrize(
    ("name", "data", "ctype"),
    [
        ("notes.txt", b"just some text", "text/plain"),
        ("fake.wav", b"<html>not audio at all</html>", "audio/wav"),
    ],
)
def test_a_non_audio_upload_gets_a_415_page(name: str, data: bytes, ctype: str) -> None:
    b = Browser()
    sid = b.start(["q1"])
    r = b.post(f"/sessions/{sid}/q/q1/audio", files={"audio": (name, data, ctype)})
    assert r.status_code == 415
    assert "audio" in r.text
    assert stored(sid).answers == []


def test_an_oversized_form_is_refused_too() -> None:
    config = WebConfig(settings=build_settings(grader="offline"), form_limit=2000)
    b = Browser(config)
    sid = b.start(["q1"])
    r = b.answer(sid, "q1", "word " * 1000)
    assert r.status_code == 413


# --- the serve command -------------------------------------------------------------------


def test_serve_refuses_the_llm_grader_without_an_llm_in_one_line() -> None:
    result = run_cli("serve", "--grader", "llm")
    assert result.exit_code == 2
    assert "OPENAI_API_KEY" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_serve_binds_loopback_by_default_and_prints_the_url(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import httpx

    proc = subprocess.Popen(
        [sys.executable, "-m", "interviewer", "serve", "--port", "0", "--db", str(tmp_path / "db")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline()  # type: ignore[union-attr]
        found = re.search(r"running at (http://127\.0\.0\.1:\d+/)", line)
        assert found, line
        r = httpx.get(found.group(1))
        assert r.status_code == 200 and "Question banks" in r.text
    finally:
        proc.terminate()
        proc.wait(timeout=10)
