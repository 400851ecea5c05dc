"""``interviewer practice`` with spoken answers: audio saved first, transcribed, graded."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import respx

from interviewer.engine.store import Store
from tests.cli_helpers import run_cli
from tests.llm_helpers import BASE_URL, FAKE_KEY

pytestmark = pytest.mark.skipif(not shutil.which("espeak-ng"), reason="espeak-ng not installed")
TRANSCRIBE = f"{BASE_URL}/audio/transcriptions"
SPOKEN = (
    "um so last year our churn model started flagging twice as many customers on mondays and "
    "I was on call so I had to find out why and I compared the monday features with the "
    "friday ones and found the session window swallowed the weekend so I split it into two "
    "features and false alarms went from 400 a week to 60 and I learned to check windows first"
)


@pytest.fixture
def audio_dir(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("OPENAI_API_KEY", FAKE_KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", BASE_URL)
    monkeypatch.setenv("INTERVIEWER_MAX_RETRIES", "0")
    folder = tmp_path / "answers"
    folder.mkdir()
    subprocess.run(["espeak-ng", "-w", str(folder / "q1.wav"), SPOKEN], check=True)
    return folder


def practice(audio_dir: Path, db: Path):
    return run_cli("practice", "--questions", "q1", "--audio-dir", str(audio_dir),
                   "--grader", "offline", "--follow-ups", "0", "--db", str(db),
                   "--report", "none")  # fmt: skip


def test_audio_is_kept_transcribed_and_graded_with_delivery(audio_dir, tmp_path, httpx2_mock):
    route = httpx2_mock.post(TRANSCRIBE).respond(200, json={"text": SPOKEN, "duration": 20.0})
    db = tmp_path / "s.sqlite3"
    result = practice(audio_dir, db)
    assert result.exit_code == 0, result.output
    assert route.call_count == 1
    with Store.open(db) as store:
        session = store.get_session("last")
    [view] = session.questions()
    assert session.mode == "voice"
    assert view.answer.text == SPOKEN
    kept = Path(view.answer.audio_path or "")
    assert kept.parent == db.parent / "audio" / session.id and kept.read_bytes()[:4] == b"RIFF"
    assert view.answer.delivery["fillers"] >= 2 and view.answer.delivery["words"] > 50
    assert view.grade is not None and view.grade.action.score >= 2
    assert "words/min" in result.output


def test_failed_transcription_keeps_the_audio_and_regrade_finishes_it(
    audio_dir, tmp_path, httpx2_mock
):
    route = httpx2_mock.post(TRANSCRIBE).mock(
        side_effect=[respx.MockResponse(503, json={"error": {"message": "down"}}),
                     respx.MockResponse(200, json={"text": SPOKEN})]
    )  # fmt: skip
    db = tmp_path / "s.sqlite3"
    result = practice(audio_dir, db)
    assert result.exit_code == 1, result.output  # saved, not graded: not a success
    assert "Saved the recording" in result.output and "Saved. 0 words" not in result.output
    assert "Not transcribed" in result.output and "regrade" in result.output
    with Store.open(db) as store:
        [answer] = store.get_session("last").answers
    assert answer.status == "untranscribed" and Path(answer.audio_path or "").exists()

    again = run_cli("regrade", "last", "--grader", "offline", "--db", str(db))
    assert again.exit_code == 0, again.output
    assert route.call_count == 2
    with Store.open(db) as store:
        [view] = store.get_session("last").questions()
    assert view.answer.text == SPOKEN and view.grade is not None


def test_garbled_transcript_is_flagged_not_trusted(audio_dir, tmp_path, httpx2_mock):
    garbled = {"text": "xq zzv bcdf ghjk qwrt xkcd", "segments": [
        {"id": 0, "start": 0, "end": 5, "text": "xq zzv", "avg_logprob": -2.5}]}  # fmt: skip
    httpx2_mock.post(TRANSCRIBE).respond(200, json=garbled)
    db = tmp_path / "s.sqlite3"
    assert practice(audio_dir, db).exit_code == 0
    with Store.open(db) as store:
        [view] = store.get_session("last").questions()
    assert view.grade is not None
    assert "insufficient_evidence" in view.grade.flags
    assert max(view.grade.scores().values()) <= 1


def test_missing_audio_file_is_one_clear_line(tmp_path: Path):
    result = run_cli("practice", "--questions", "q1", "--audio", str(tmp_path / "nope.wav"),
                     "--grader", "offline", "--db", str(tmp_path / "s.sqlite3"))  # fmt: skip
    assert result.exit_code == 2
    assert "nope.wav: audio file for q1 not found" in result.stderr
    with Store.open(tmp_path / "s.sqlite3") as store:
        assert store.list_sessions() == []  # no empty session left behind
