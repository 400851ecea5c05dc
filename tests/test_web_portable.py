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
