"""The web app's Export (a link on the report) and Import (an upload form on the history):
a session practised in one browser opens in another machine's app, bad files get a page."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from interviewer.core.settings import build_settings
from interviewer.web import WebConfig
from tests.web_helpers import STRONG, Browser

SECOND = "I disagreed with my manager about a release date, so we talked it through."


@pytest.fixture
def candidate() -> Browser:
    return Browser()


@pytest.fixture
def mentor(tmp_path: Path) -> Browser:
    return Browser(db=tmp_path / "mentor" / "sessions.sqlite3")


def practised(browser: Browser) -> str:
    sid = browser.start(["q1", "q2"], follow_ups=0)
    assert browser.answer(sid, "q1", STRONG).status_code == 200
    assert browser.answer(sid, "q2", SECOND).status_code == 200
    return sid


def upload(browser: Browser, content: bytes, name: str = "share.json", **fields: str):
    return browser.post(
        "/import",
        fields,
        files={"session_file": (name, content, "application/json")},
        follow_redirects=False,
    )


def test_export_from_the_report_then_import_in_another_app(
    candidate: Browser, mentor: Browser
) -> None:
    sid = practised(candidate)
    page = candidate.get(f"/sessions/{sid}/report").text
    link = re.search(r'href="([^"]+export\.json)" download>Export the session', page)
    assert link, "the report page has no Export link"

    exported = candidate.get(link.group(1))
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("application/json")
    assert f'filename="interviewer-session-{sid}.json"' in exported.headers["content-disposition"]
    assert json.loads(exported.content)["session"]["id"] == sid

    imported = upload(mentor, exported.content)
    assert imported.status_code == 303
    report_url = imported.headers["location"]
    new_sid = report_url.split("/")[-2]
    assert new_sid != sid and report_url.endswith("/report")
    shown = mentor.get(report_url).text
    assert f"Imported from session {sid}" in shown
    assert "Edited" not in shown
    assert "validate inputs at every boundary" in shown and "release date" in shown
    history = mentor.get("/history").text
    assert new_sid in history and "(imported)" in history


def test_the_history_page_has_an_import_form_even_with_no_sessions(mentor: Browser) -> None:
    page = mentor.get("/history").text
    form = re.search(r'<form method="post" action="/import" enctype="multipart/form-data"', page)
    assert form and 'name="session_file"' in page and 'name="csrf_token"' in page
    assert '<label for="session_file">' in page  # labelled, so usable with a screen reader


def test_an_edited_file_is_marked_in_the_report_and_the_history(
    candidate: Browser, mentor: Browser
) -> None:
    sid = practised(candidate)
    data = json.loads(candidate.get(f"/sessions/{sid}/export.json").content)
    data["answers"][1]["text"] = SECOND + " We shipped on time and sales rose 40%."
    new = upload(mentor, json.dumps(data).encode()).headers["location"]

    shown = mentor.get(new).text
    assert "Edited: answers changed after grading: q2." in shown
    assert shown.count("Edited after grading:") == 1  # only q2's section
    assert "(imported, edited)" in mentor.get("/history").text


def test_an_import_without_the_form_token_is_refused(candidate: Browser, mentor: Browser) -> None:
    blob = candidate.get(f"/sessions/{practised(candidate)}/export.json").content
    r = mentor.client.post("/import", files={"session_file": ("s.json", blob, "application/json")})
    assert r.status_code == 403
    assert "(imported" not in mentor.get("/history").text


@pytest.mark.parametrize(
    ("content", "name", "status", "expected"),
    [
        (b"\x89PNG\r\n\x1a\n....", "photo.png", 415, "not a session export"),
        (b'{"id": "my-bank", "questions": []}', "bank.json", 400, "not an interviewer session"),
        (b'{"format": "interviewer-session", "schema_version": 9}', "new.json", 400, "upgrade"),
        (b'{"format": "interviewer-session", "schema_ver', "cut.json", 400, "truncated"),
    ],
)
def test_a_bad_upload_gets_a_clear_page(
    mentor: Browser, content: bytes, name: str, status: int, expected: str
) -> None:
    r = upload(mentor, content, name)
    assert r.status_code == status
    assert expected in r.text and "Traceback" not in r.text
    if status == 400:
        assert name in r.text  # the file is named, as on the command line


def test_importing_twice_names_the_first_copy_and_a_copy_can_be_kept(
    candidate: Browser, mentor: Browser
) -> None:
    blob = candidate.get(f"/sessions/{practised(candidate)}/export.json").content
    first = upload(mentor, blob).headers["location"].split("/")[-2]

    again = upload(mentor, blob)
    assert again.status_code == 400 and f"already imported as session {first}" in again.text
    copy = upload(mentor, blob, copy="1")
    assert copy.status_code == 303 and first not in copy.headers["location"]


def test_an_upload_over_the_limit_is_refused(candidate: Browser, tmp_path: Path) -> None:
    small = Browser(
        WebConfig(
            settings=build_settings(grader="offline", db=tmp_path / "x.db"), audio_limit=2_000
        )
    )
    blob = candidate.get(f"/sessions/{practised(candidate)}/export.json").content
    assert len(blob) > 2_000
    assert upload(small, blob).status_code == 413


def test_exporting_an_unknown_session_is_a_404_page(candidate: Browser) -> None:
    r = candidate.get("/sessions/2020-01-01-zzzz/export.json")
    assert r.status_code == 404 and "2020-01-01-zzzz" in r.text


def test_the_configured_key_never_leaves_in_an_export(tmp_path: Path) -> None:
    key = "team-gateway-secret-8XK2PQ"
    browser = Browser(openai_api_key=key, db=tmp_path / "k.db")
    sid = browser.start(["q1"], follow_ups=0)
    browser.answer(sid, "q1", f"{STRONG} (Our gateway key was {key}.)")

    blob = browser.get(f"/sessions/{sid}/export.json").content
    assert key.encode() not in blob and b"[redacted]" in blob


def test_an_export_can_leave_the_recordings_out(candidate: Browser) -> None:
    sid = practised(candidate)
    with_audio = json.loads(candidate.get(f"/sessions/{sid}/export.json").content)
    without = json.loads(candidate.get(f"/sessions/{sid}/export.json?audio=0").content)
    assert with_audio["audio_included"] is True and without["audio_included"] is False
    assert without["content_hash"] == with_audio["content_hash"]  # the same session


# --- a coach's review comes home --------------------------------------------------------------


def reviewed_by_mentors(candidate: Browser, mentor: Browser) -> tuple[str, bytes]:
    """The candidate's session, reviewed in the mentor's app by two coaches, exported back."""
    sid = practised(candidate)
    there = upload(mentor, candidate.get(f"/sessions/{sid}/export.json").content)
    theirs = there.headers["location"].split("/")[-2]
    form = mentor.get(f"/sessions/{theirs}/review").text
    q1, q2 = re.findall(r'name="score-(\d+)-result"', form)
    for reviewer, answer, score in (("Ana Ruiz", q1, "1"), ("Ben Okafor", q2, "0")):
        saved = mentor.post(
            f"/sessions/{theirs}/review",
            {"reviewer": reviewer, f"score-{answer}-result": score,
             f"note-{answer}": f"{reviewer.split()[0]}: say what the result was worth."},
            follow_redirects=False,
        )  # fmt: skip
        assert saved.status_code == 303, saved.text
    return sid, mentor.get(f"/sessions/{theirs}/export.json").content


def test_a_reviewed_file_lands_on_the_original_sessions_report_with_the_coaches(
    candidate: Browser, mentor: Browser
) -> None:
    sid, back = reviewed_by_mentors(candidate, mentor)

    home = upload(candidate, back, "from-mentor.json")
    assert home.status_code == 303
    assert home.headers["location"] == f"/sessions/{sid}/report?added=2"
    page = candidate.get(home.headers["location"]).text
    assert "Added 2 reviews from the imported file to this session" in page
    assert "Ana Ruiz" in page and "Ben Okafor" in page
    assert "Ana: say what the result was worth." in page
    assert "Imported from" not in page  # the candidate's own session, not a copy
    history = candidate.get("/history").text
    assert history.count('/report">') == 1 and "(imported" not in history

    again = upload(candidate, back, "from-mentor.json")
    assert again.headers["location"] == f"/sessions/{sid}/report?added=0"
    assert (
        "Nothing new: this session already has every review"
        in candidate.get(again.headers["location"]).text
    )


def test_an_edited_reviewed_file_is_not_merged_and_says_why(
    candidate: Browser, mentor: Browser
) -> None:
    sid, back = reviewed_by_mentors(candidate, mentor)
    data = json.loads(back)
    data["answers"][0]["text"] = STRONG.replace("90%", "99%")

    r = upload(candidate, json.dumps(data).encode(), "from-mentor.json")
    assert r.status_code == 400
    assert f"from-mentor.json: this is session {sid} coming back" in r.text
    assert "answer q1 changed since export" in r.text
    assert "Ana Ruiz" not in candidate.get(f"/sessions/{sid}/report").text
    copy = upload(candidate, json.dumps(data).encode(), "from-mentor.json", copy="1")
    assert copy.status_code == 303 and sid not in copy.headers["location"]


# --- the history's coach/grader switch --------------------------------------------------------


def history_row(page: str, sid: str) -> list[str]:
    """The session's cells after its first one: date, graded, overall, then S T A R Q L."""
    row = re.search(rf'<tr><td><a href="/sessions/{sid}/report">.*?</tr>', page, re.S)
    assert row, f"no row for {sid}"
    return [c.strip() for c in re.findall(r"<td>([^<]*)</td>", row.group(0))]


def test_the_history_page_follows_the_coaches_or_the_grader(
    candidate: Browser, mentor: Browser
) -> None:
    from interviewer.engine.store import Store
    from interviewer.views.summary import session_stats

    sid, back = reviewed_by_mentors(candidate, mentor)
    upload(candidate, back)
    with Store.open() as store:
        record = store.get_session(sid)
    figures = {by: session_stats(record, by) for by in ("grader", "coach")}

    plain = candidate.get("/history").text
    assert 'href="/history?by=coach"' in plain  # a plain link: no script needed
    assert re.search(r'<a href="/history" aria-current="page">the grader', plain)
    coach = candidate.get("/history?by=coach").text
    assert re.search(r'<a href="/history\?by=coach" aria-current="page">the coaches', coach)
    assert "(coach scores where a coach gave one)" in coach
    for page, by in ((plain, "grader"), (coach, "coach")):
        cells = history_row(page, sid)
        stats = figures[by]
        assert cells[2] == f"{stats.overall:.0f}"
        assert cells[3:] == [f"{stats.averages[d]:.1f}" for d in stats.averages]
    assert history_row(coach, sid) != history_row(plain, sid)  # the coaches were harsher


def test_the_coach_switch_says_when_no_coach_has_reviewed_yet(candidate: Browser) -> None:
    practised(candidate)
    page = candidate.get("/history?by=coach").text
    assert "No coach has reviewed your latest sessions yet" in page
    assert "No coach has reviewed" not in candidate.get("/history?by=nonsense").text
