"""The web app's pages around the interview: icon, error pages, start page, report, speech.

Through Starlette's TestClient, except one keep-alive check on a real uvicorn server.
"""

from __future__ import annotations

import html
import http.client
import inspect
import logging
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.testclient import TestClient

from interviewer.core.errors import NotFoundError
from interviewer.core.settings import build_settings
from interviewer.engine.store import Store
from interviewer.views.report.render import trend_chart
from interviewer.web import WebConfig, create_app
from interviewer.web import app as web_app
from interviewer.web.live import live_server
from interviewer.web.messages import not_found_detail
from interviewer.web.render import templates
from interviewer.web.security import PAGE_CSP
from interviewer.web.views import pages
from tests.llm_helpers import BASE_URL, FAKE_KEY
from tests.web_helpers import STRONG, Browser

WEAK = "We fixed it quickly and everyone was happy with how the team handled it."
SPEECH = f"{BASE_URL}/audio/speech"


class _Tags(HTMLParser):
    """Start tags with their attributes, and the text a reader sees."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.chunks: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.chunks.append(data)

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.tags if t == tag]

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.chunks).split())


def parsed(page: str) -> _Tags:
    tags = _Tags()
    tags.feed(page)
    return tags


def session_ids() -> list[str]:
    with Store.open() as store:
        return [s.id for s in store.list_sessions()]


# --- the icon ----------------------------------------------------------------------------


def test_every_page_links_an_icon_that_the_app_serves() -> None:
    b = Browser()
    for url in ("/", "/history", "/no/such/page"):
        icons = [a for a in parsed(b.get(url).text).all("link") if a.get("rel") == "icon"]
        assert {a["href"] for a in icons} == {"/static/favicon.svg", "/static/favicon.ico"}
    svg = b.get("/static/favicon.svg")
    assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml")
    assert "style" not in svg.text  # nothing the page CSP (style-src 'self') would block
    ico = b.get("/static/favicon.ico")
    assert ico.status_code == 200 and ico.content[:4] == b"\0\0\1\0"  # an ICO header


def test_the_favicon_handler_answers_with_the_icon() -> None:
    client = TestClient(Starlette(routes=[Route("/favicon.ico", pages.favicon)]))
    r = client.get("/favicon.ico")
    assert r.status_code == 200
    assert r.headers["content-type"] == "image/x-icon"
    assert r.content[:4] == b"\0\0\1\0"


@pytest.mark.skipif(
    not any(getattr(r, "path", "") == "/favicon.ico" for r in create_app().routes),
    reason="app.py does not route /favicon.ico to pages.favicon yet",
)
def test_favicon_ico_is_not_a_404() -> None:
    r = Browser().get("/favicon.ico")
    assert r.status_code == 200 and r.headers["content-type"] == "image/x-icon"


# --- the 404 page for an unknown session -------------------------------------------------


def _store_error(ref: str) -> NotFoundError:
    with Store.open() as store, pytest.raises(NotFoundError) as caught:
        store.resolve_id(ref)
    return caught.value


def test_not_found_detail_names_no_other_session() -> None:
    b = Browser()
    sids = [b.start(["q1"]) for _ in range(3)]
    unknown = _store_error("nope")
    assert all(sid in str(unknown) for sid in sids)  # the CLI's message lists them
    assert not_found_detail(unknown) == "There is no session 'nope'."
    assert not_found_detail(str(unknown)) == "There is no session 'nope'."
    prefix = sids[0][0]
    if sum(s.startswith(prefix) for s in sids) > 1:  # ambiguous prefixes list ids too
        assert not any(s in not_found_detail(_store_error(prefix)) for s in sids)
    quoted = not_found_detail(_store_error("it's"))
    assert quoted == "There is no session 'it's'."
    assert not_found_detail(NotFoundError("no bank 'x' (known: a)")) == "no bank 'x' (known: a)"
    assert len(not_found_detail(_store_error("x" * 500))) < 100


def test_not_found_detail_before_any_session() -> None:
    assert not_found_detail(_store_error("nope")) == "There is no session 'nope'."
    assert not_found_detail(_store_error("last")) == "There are no sessions yet."


@pytest.mark.skipif(
    "not_found_detail" not in inspect.getsource(web_app),
    reason="app.py's _error_page does not call messages.not_found_detail yet",
)
def test_the_404_page_for_an_unknown_session_lists_no_session_ids() -> None:
    b = Browser()
    sids = [b.start(["q1"]) for _ in range(6)]
    for url in ("/sessions/nope", "/sessions/nope/report", "/sessions/nope/q/q1"):
        r = b.get(url)
        assert r.status_code == 404
        assert "There is no session 'nope'." in html.unescape(r.text)
        assert not any(sid in r.text for sid in sids), url


# --- the start page ----------------------------------------------------------------------


def test_continue_lists_the_five_latest_unfinished_sessions_and_links_the_history() -> None:
    b = Browser()
    sids = [b.start(["q1"]) for _ in range(7)]
    done = b.start(["q1"], follow_ups=0)
    b.answer(done, "q1", STRONG)
    b.post(f"/sessions/{done}/finish")
    page = b.get("/")
    resume = re.search(r'<section aria-labelledby="resume-title">(.*?)</section>', page.text, re.S)
    assert resume, "the start page offers to continue"
    listed = re.findall(r'href="/sessions/([^"/]+)"', resume.group(1))
    assert listed == sids[::-1][:5]  # newest first, five of them
    assert 'href="/history"' in resume.group(1) and "2 older unfinished sessions" in page.text
    history = b.get("/history").text
    continued = re.findall(r'class="continue" href="/sessions/([^"/]+)"', history)
    assert sorted(continued) == sorted(sids)  # older ones can be continued from there
    assert done not in continued


def test_continue_shows_no_history_link_when_everything_fits() -> None:
    b = Browser()
    b.start(["q1"])
    page = b.get("/").text
    assert "older unfinished" not in page


# --- the report, inline ------------------------------------------------------------------


def test_the_report_is_inline_under_the_page_csp() -> None:
    b = Browser()
    earlier = b.start(["q1"], follow_ups=0)
    b.answer(earlier, "q1", WEAK)
    b.post(f"/sessions/{earlier}/finish")
    sid = b.start(["q1", "q3"], follow_ups=0)
    b.answer(sid, "q1", STRONG)
    b.answer(sid, "q3", "<script>alert(1)</script> " + STRONG)
    r = b.post(f"/sessions/{sid}/finish")
    assert r.url.path == f"/sessions/{sid}/report"
    assert r.headers["content-security-policy"] == PAGE_CSP
    page = parsed(r.text)
    assert not page.all("iframe")
    assert [a["data-question"] for a in page.all("section") if "data-question" in a] == [
        "q1",
        "q3",
    ]
    assert not page.all("style") and not any("style" in a for _, a in page.tags)
    assert [a.get("src") for a in page.all("script")] == []  # the report page needs none
    assert "<script>alert(1)</script>" in page.text  # candidate text stays text
    assert "Overall score over sessions" in page.text  # the trend up to this session
    assert len([a for a in page.all("h1")]) == 1
    download = b.get(f"/sessions/{sid}/report.html")
    assert download.status_code == 200 and "<style>" in download.text
    assert "style-src 'unsafe-inline'" in download.headers["content-security-policy"]
    assert 'class="trend"' in download.text


# --- the trend chart ---------------------------------------------------------------------


def test_the_trend_chart_has_a_line_labelled_axes_and_written_values() -> None:
    points = [("2024-05-01 abc", 32.0), ("2024-05-08 def", 46.4), ("2024-06-02 ghi", 71.0)]
    svg = str(trend_chart(points))
    chart = parsed(svg)
    line = chart.all("polyline")
    assert len(line) == 1 and line[0]["stroke"] and line[0]["fill"] == "none"
    assert len(line[0]["points"].split()) == 3
    assert "style" not in svg  # presentation attributes only: fine under the page CSP
    for text in ("Overall (0-100)", "Sessions, oldest to newest", "0", "50", "100"):
        assert text in chart.chunks
    assert [c for c in chart.chunks if c in ("32", "46", "71")] == ["32", "46", "71"]
    assert [c for c in chart.chunks if c.endswith(("May", "Jun"))] == ["1 May", "8 May", "2 Jun"]
    assert trend_chart(points[:1]) == ""


def test_a_long_trend_writes_some_values_and_always_the_latest() -> None:
    points = [(f"2024-05-{d:02d} s{d}", float(d * 3)) for d in range(1, 30)]
    chart = parsed(str(trend_chart(points)))
    values = [c for c in chart.chunks if c.isdigit() and int(c) % 3 == 0 and int(c) > 0]
    assert "87" in values  # the latest
    assert 5 <= len(values) < 29


def test_the_history_page_draws_the_chart() -> None:
    b = Browser()
    for qid in ("q1", "q3"):
        sid = b.start([qid], follow_ups=0)
        b.answer(sid, qid, STRONG)
    page = parsed(b.get("/history").text)
    assert page.all("polyline") and page.all("svg")[0]["class"] == "trend"
    assert "Sessions, oldest to newest" in page.text


# --- the follow-up scorecard -------------------------------------------------------------


def _change_line(page: str) -> str:
    found = re.search(r'<p class="score-change">(.*?)</p>', page, re.S)
    assert found, "the scorecard says how the follow-up changed the score"
    return parsed(found.group(1).replace(" to ", " ")).text


def test_the_follow_up_scorecard_shows_how_the_score_changed() -> None:
    b = Browser()
    sid = b.start(["q1"], follow_ups=1)
    first = b.answer(sid, "q1", WEAK)
    assert 'class="score-change"' not in first.text  # nothing to compare yet
    r = b.post(f"/sessions/{sid}/q/q1/follow-up", {"answer": STRONG})
    with Store.open() as store:
        grades = store.get_session(sid).questions()[0].answer.grades
    before, after = grades[0].grade, grades[1].grade
    assert before.overall != after.overall
    line = _change_line(r.text)
    assert f"overall {before.overall} → {after.overall}" in line
    changed = [d for d in before.star() if before.star()[d].score != after.star()[d].score]
    assert changed, "a strong follow-up raises some STAR part"
    names = {"situation": "Situation", "task": "Task", "action": "Action", "result": "Result"}
    for dim in changed:
        a, z = before.star()[dim].score, after.star()[dim].score
        if dim in names:
            assert f"{names[dim]} {a} → {z}" in line
    # graded again later: "before" is still the grade stored before the follow-up
    again = b.post(f"/sessions/{sid}/q/q1/regrade")
    assert f"overall {before.overall} → {after.overall}" in _change_line(again.text)


# --- speech ------------------------------------------------------------------------------


def _speaking_browser() -> tuple[Browser, str]:
    b = Browser(grader="offline", openai_api_key=FAKE_KEY, openai_base_url=BASE_URL)
    return b, b.start(["q1"])


def test_a_failing_speech_endpoint_is_a_short_503_with_one_log_line(
    httpx2_mock, caplog: pytest.LogCaptureFixture
) -> None:
    httpx2_mock.post(SPEECH).respond(500, json={"error": {"message": "tts is down"}})
    b, sid = _speaking_browser()
    caplog.set_level(logging.INFO)
    r = b.get(f"/sessions/{sid}/q/q1/speech")
    assert r.status_code == 503
    assert r.headers["content-type"].startswith("text/plain")
    assert "browser reads the question" in r.text and len(r.text) < 200
    failures = [rec for rec in caplog.records if rec.levelno >= logging.WARNING]
    assert len(failures) == 1
    assert failures[0].exc_info is None and "Traceback" not in caplog.text
    assert "\n" not in failures[0].getMessage() and "speech" in failures[0].getMessage()
    assert FAKE_KEY not in caplog.text
    assert b.get(f"/sessions/{sid}/q/q1").status_code == 200  # the next request is fine


def test_speech_for_an_unknown_question_is_still_a_404(httpx2_mock) -> None:
    b, sid = _speaking_browser()
    assert b.get(f"/sessions/{sid}/q/q9/speech").status_code == 404


def test_after_a_speech_failure_the_same_connection_serves_the_next_request(
    httpx2_mock,
) -> None:
    """On a real server: the failed speech request does not reset the keep-alive connection."""
    httpx2_mock.post(SPEECH).respond(500, json={"error": {"message": "tts is down"}})
    settings = build_settings(grader="offline", openai_api_key=FAKE_KEY, openai_base_url=BASE_URL)
    app = create_app(WebConfig(settings=settings))
    b = Browser(WebConfig(settings=settings))
    sid = b.start(["q1"])
    with live_server(app) as base:
        url = urlsplit(base)
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
        try:
            conn.request("GET", f"/sessions/{sid}/q/q1/speech")
            first = conn.getresponse()
            assert first.status == 503 and b"browser reads" in first.read()
            conn.request("GET", f"/sessions/{sid}/q/q1")  # same socket, kept alive
            second = conn.getresponse()
            assert second.status == 200 and b"Question 1" in second.read()
        finally:
            conn.close()


def test_the_page_script_falls_back_to_the_browser_voice_with_a_notice() -> None:
    script = Browser().get("/static/interview.js").text
    assert "speechSynthesis" in script
    assert "browser reads the question instead" in script


# --- the error page for a refused answer -------------------------------------------------


def _error_page(**context: object) -> str:
    page = templates.get_template("error.html")
    return page.render(
        title="Answer too long",
        csrf_field="csrf_token",
        csrf_token="t",
        url=lambda name, **params: "/",
        **context,
    )


def test_the_error_page_gives_a_refused_answer_back_with_a_way_to_the_question() -> None:
    text = "My answer <b>with</b> markup " + "word " * 50
    out = _error_page(status=413, detail="Too long.", answer_text=text, next_url="/sessions/s/q/q1")
    page = parsed(out)
    area = re.search(r'<textarea id="kept-answer"[^>]*>(.*?)</textarea>', out, re.S)
    assert area and html.unescape(area.group(1)) == text
    assert "<b>with</b>" not in out  # shown as text
    links = re.findall(r'<a class="button" href="([^"]+)">([^<]+)</a>', out)
    assert links == [("/sessions/s/q/q1", "Back to the question")]
    assert page.all("label")[0]["for"] == "kept-answer"
    conflict = _error_page(status=409, detail="Already.", answer_text="x", next_url="/sessions/s")
    assert "Continue the interview" in conflict
