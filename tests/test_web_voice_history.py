"""The web app's spoken answers and history page, on the same modules as the CLI."""

from __future__ import annotations

import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from interviewer.core.rubric import dimension_names
from interviewer.engine.store import Store
from interviewer.views.history import trends
from tests.llm_helpers import BASE_URL, FAKE_KEY
from tests.web_helpers import STRONG, Browser

TRANSCRIBE = f"{BASE_URL}/audio/transcriptions"


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.chunks: list[str] = []
        self.dims: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "li" and dict(attrs).get("data-dimension"):
            self.dims.append(dict(attrs)["data-dimension"])

    def handle_data(self, data):
        self.chunks.append(data)


def test_history_page_shows_sessions_trends_and_reused_stories():
    b = Browser()
    for qid in ("q1", "q3"):
        sid = b.start([qid], follow_ups=0)
        assert b.answer(sid, qid, STRONG).status_code in (200, 303)
    page = b.get("/history")
    assert page.status_code == 200
    parsed = _Text()
    parsed.feed(page.text)
    text = " ".join(parsed.chunks)
    assert parsed.dims[:2] == ["situation", "task"]
    with Store.open() as store:  # the verdicts the history module gives these sessions
        expected = trends(store.list_sessions())
    names = dimension_names()
    for dim, verdict in expected.items():
        assert f"<strong>{names[dim]}</strong>: {verdict}</li>" in page.text
    assert set(expected.values()) == {"stuck"}  # the same answer twice: nothing moved
    assert "The same story for different questions" in text  # STRONG told for q1 and q3
    assert "<svg" in page.text


@pytest.mark.skipif(not shutil.which("espeak-ng"), reason="espeak-ng not installed")
def test_audio_upload_is_saved_transcribed_and_graded(tmp_path: Path, httpx2_mock):
    wav = tmp_path / "a.wav"
    subprocess.run(["espeak-ng", "-w", str(wav), "I fixed the feature pipeline."], check=True)
    route = httpx2_mock.post(TRANSCRIBE).respond(200, json={"text": STRONG})
    b = Browser(grader="offline", openai_api_key=FAKE_KEY, openai_base_url=BASE_URL)
    sid = b.start(["q1"], follow_ups=0)
    r = b.post(f"/sessions/{sid}/q/q1/audio",
               files={"audio": ("answer.wav", wav.read_bytes(), "audio/wav")})  # fmt: skip
    assert r.status_code == 200, r.text
    assert "aim for 2-3 minutes" in r.text  # delivery advice on the scorecard
    assert route.call_count == 1
    assert b"RIFF" in route.calls.last.request.content
    with Store.open() as store:
        [view] = store.get_session(sid).questions()
    assert view.answer.text == STRONG and view.grade is not None
    assert Path(view.answer.audio_path or "").read_bytes() == wav.read_bytes()
    assert view.answer.delivery is not None


@pytest.mark.skipif(not shutil.which("espeak-ng"), reason="espeak-ng not installed")
def test_failed_transcription_keeps_the_recording(tmp_path: Path, httpx2_mock):
    wav = tmp_path / "a.wav"
    subprocess.run(["espeak-ng", "-w", str(wav), "Hello there."], check=True)
    httpx2_mock.post(TRANSCRIBE).respond(503, json={"error": {"message": "down"}})
    b = Browser(grader="offline", openai_api_key=FAKE_KEY, openai_base_url=BASE_URL,
                max_retries=0)  # fmt: skip
    sid = b.start(["q1"], follow_ups=0)
    r = b.post(f"/sessions/{sid}/q/q1/audio",
               files={"audio": ("answer.wav", wav.read_bytes(), "audio/wav")})  # fmt: skip
    assert "could not be transcribed" in r.text
    with Store.open() as store:
        [answer] = store.get_session(sid).answers
    assert answer.status == "untranscribed" and Path(answer.audio_path or "").exists()
