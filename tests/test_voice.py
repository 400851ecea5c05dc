"""The spoken path: real speech from espeak-ng through decode, resample, split and a
transcription endpoint mocked with respx; delivery metrics on known transcripts."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile

from interviewer.cli import record
from interviewer.core.errors import ConfigError, DataError
from interviewer.core.settings import build_settings
from interviewer.voice.audio import RATE, Audio, load_audio
from interviewer.voice.delivery import count_fillers, load_config, looks_garbled, measure
from interviewer.voice.split import split_audio
from interviewer.voice.transcribe import Segment, Transcriber, Transcript
from tests.cli_helpers import run_cli
from tests.llm_helpers import BASE_URL, FAKE_KEY

needs_espeak = pytest.mark.skipif(not shutil.which("espeak-ng"), reason="espeak-ng not installed")
SENTENCE = "I compared the feature distributions and found a unit bug in the currency feed."


def speech(path: Path, text: str = SENTENCE) -> Path:
    subprocess.run(["espeak-ng", "-w", str(path), text], check=True, capture_output=True)
    return path


@needs_espeak
class TestDecoding:
    @pytest.mark.parametrize("fmt", ["wav", "flac", "ogg"])
    def test_real_speech_is_decoded_to_16k_mono(self, tmp_path: Path, fmt: str):
        wav = speech(tmp_path / "a.wav")
        data, rate = soundfile.read(wav)
        assert rate != RATE  # espeak-ng speaks at 22.05 kHz: resampling really happens
        path = tmp_path / f"a.{fmt}"
        soundfile.write(path, data, rate)
        audio = load_audio(path)
        assert audio.rate == RATE
        assert audio.samples.ndim == 1
        assert audio.seconds == pytest.approx(len(data) / rate, abs=0.05)
        assert np.abs(audio.samples).max() > 0.05  # there is speech in it

    def test_unreadable_file_names_it(self, tmp_path: Path):
        bad = tmp_path / "notes.wav"
        bad.write_text("this is not audio")
        with pytest.raises(DataError, match=r"notes\.wav: cannot read this audio"):
            load_audio(bad)

    def test_m4a_without_ffmpeg_says_what_to_install(self, tmp_path: Path, monkeypatch):
        monkeypatch.setattr(shutil, "which", lambda name: None)
        path = tmp_path / "a.m4a"
        path.write_bytes(b"\x00" * 64)
        with pytest.raises(DataError, match="needs ffmpeg"):
            load_audio(path)


@needs_espeak
class TestSplitting:
    def test_long_audio_is_split_in_a_silence(self, tmp_path: Path):
        one = load_audio(speech(tmp_path / "a.wav"))
        gap = np.zeros(int(0.8 * RATE), dtype=np.float32)
        long = Audio(np.concatenate([one.samples, gap, one.samples, gap, one.samples]))
        parts = split_audio(long, max_seconds=one.seconds + 0.9)
        assert len(parts) >= 3
        assert sum(len(p.samples) for p in parts) == len(long.samples)
        frame = int(0.03 * RATE)
        for part in parts[:-1]:  # every cut lands where it is quiet
            tail = part.samples[-frame:]
            assert float(np.sqrt((tail**2).mean())) < 0.01

    def test_short_audio_is_one_part(self):
        audio = Audio(np.zeros(RATE, dtype=np.float32))
        assert split_audio(audio, max_seconds=5) == [audio]


@needs_espeak
class TestTranscription:
    def _transcriber(self, **kw) -> Transcriber:
        settings = build_settings(openai_api_key=FAKE_KEY, openai_base_url=BASE_URL, **kw)
        return Transcriber(settings, sleep=lambda s: None)

    def test_request_is_multipart_with_the_audio(self, tmp_path: Path, httpx2_mock):
        route = httpx2_mock.post(f"{BASE_URL}/audio/transcriptions").respond(
            200,
            json={"text": SENTENCE, "duration": 4.0, "segments": [
                {"id": 0, "start": 0.0, "end": 4.0, "text": SENTENCE, "avg_logprob": -0.2}]},
        )  # fmt: skip
        transcript = self._transcriber().transcribe_file(speech(tmp_path / "a.wav"))
        assert transcript.text == SENTENCE
        assert transcript.segments[0].end == 4.0
        request = route.calls.last.request
        assert request.headers["content-type"].startswith("multipart/form-data")
        assert b"RIFF" in request.content and b"WAVE" in request.content
        assert b'name="model"' in request.content and b"whisper-1" in request.content
        assert b"verbose_json" in request.content
        assert FAKE_KEY.encode() not in request.content

    def test_long_audio_is_sent_in_parts_and_joined(self, tmp_path: Path, httpx2_mock):
        route = httpx2_mock.post(f"{BASE_URL}/audio/transcriptions").mock(
            side_effect=[
                __import__("respx").MockResponse(200, json={"text": "first part"}),
                __import__("respx").MockResponse(200, json={"text": "second part"}),
            ]
        )
        one = load_audio(speech(tmp_path / "a.wav"))
        gap = np.zeros(int(0.5 * RATE), dtype=np.float32)
        both = Audio(np.concatenate([one.samples, gap, one.samples]))
        transcriber = self._transcriber(transcribe_model="gpt-4o-mini-transcribe")
        transcriber.max_seconds = one.seconds + 0.6
        transcript = transcriber.transcribe(both)
        assert route.call_count == 2
        assert transcript.text == "first part second part"
        assert b"verbose_json" not in route.calls.last.request.content

    def test_server_errors_are_retried(self, tmp_path: Path, httpx2_mock):
        import respx

        route = httpx2_mock.post(f"{BASE_URL}/audio/transcriptions").mock(
            side_effect=[respx.MockResponse(503, json={"error": {}}),
                         respx.MockResponse(200, json={"text": "ok"})]
        )  # fmt: skip
        assert self._transcriber().transcribe_file(speech(tmp_path / "a.wav")).text == "ok"
        assert route.call_count == 2

    def test_cli_transcribe_without_endpoint_says_what_to_set(self, tmp_path: Path):
        result = run_cli("transcribe", str(speech(tmp_path / "a.wav")))
        assert result.exit_code == 2
        assert "OPENAI_API_KEY" in result.stderr and "whisper" in result.stderr

    def test_cli_speak_writes_audio_with_espeak(self, tmp_path: Path):
        out = tmp_path / "q.wav"
        result = run_cli("speak", "Tell me about a time you failed.", "-o", str(out))
        assert result.exit_code == 0, result.output
        assert load_audio(out).seconds > 1.0


class TestDelivery:
    def test_pace_fillers_and_length(self):
        text = " ".join(["um so I built the model and you know it worked"] * 30)
        d = measure(Transcript(text, duration=150.0))
        assert d.words == 330
        assert d.words_per_minute == pytest.approx(132.0)
        assert d.fillers == 90  # um, so, you know
        assert d.top_filler in {"um", "so", "you know"}
        assert any("filler" in a for a in d.advice)
        assert not any("2-3 minutes" in a for a in d.advice)

    def test_short_fast_answer_gets_both_notes(self):
        d = measure(Transcript(" ".join(["word"] * 120), duration=40.0))
        assert d.words_per_minute == pytest.approx(180.0)
        advice = " ".join(d.advice)
        assert "40s" in advice and "fast" in advice

    def test_long_pauses_from_timestamps(self):
        segs = [Segment(0, 10, "a"), Segment(14, 20, "b"), Segment(20.5, 30, "c")]
        assert measure(Transcript("a b c", 30.0, segs)).long_pauses == 1

    def test_fillers_count_phrases_once(self):
        found = count_fillers("You know, I like, you know, liked it", load_config().fillers)
        assert found["you know"] == 2 and found["like"] == 1

    def test_garbled_transcripts_are_noticed(self):
        assert looks_garbled(Transcript("", 10))
        assert looks_garbled(Transcript("xkcd qwrt zzpf bcdf ghjk", 10))
        assert looks_garbled(Transcript("the the the " * 10, 10))
        low = [Segment(0, 5, "hmm", avg_logprob=-2.0)]
        assert looks_garbled(Transcript("I fixed the model", 5, low))
        assert not looks_garbled(Transcript(SENTENCE, 5))


def test_missing_microphone_library_names_the_extra(monkeypatch, tmp_path: Path):
    monkeypatch.setitem(sys.modules, "sounddevice", None)  # import fails as if not installed
    with pytest.raises(ConfigError, match=r"interviewer\[voice\]"):
        record.record_answer(tmp_path / "a.wav")


def test_undecodable_format_the_endpoint_accepts_is_sent_as_is(tmp_path, httpx2_mock, monkeypatch):
    """A browser's webm with no ffmpeg here: the endpoint gets the original bytes."""
    monkeypatch.setattr(shutil, "which", lambda name: None)
    webm = tmp_path / "answer.webm"
    webm.write_bytes(b"\x1a\x45\xdf\xa3" + b"\x00" * 256)  # EBML magic: a webm container
    route = httpx2_mock.post(f"{BASE_URL}/audio/transcriptions").respond(
        200, json={"text": "hello", "duration": 3.5}
    )
    settings = build_settings(openai_api_key=FAKE_KEY, openai_base_url=BASE_URL)
    transcript = Transcriber(settings, sleep=lambda s: None).transcribe_file(webm)
    assert transcript.text == "hello" and transcript.duration == 3.5
    body = route.calls.last.request.content
    assert b"\x1a\x45\xdf\xa3" in body and b'filename="answer.webm"' in body
    assert b"audio/webm" in body


def test_speak_uses_the_speech_endpoint_when_an_llm_is_configured(
    tmp_path, httpx2_mock, monkeypatch
):
    monkeypatch.setenv("OPENAI_API_KEY", FAKE_KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", BASE_URL)
    route = httpx2_mock.post(f"{BASE_URL}/audio/speech").respond(200, content=b"ID3fake-mp3")
    out = tmp_path / "q.mp3"
    result = run_cli("speak", "Tell me about a time you failed.", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == b"ID3fake-mp3"
    sent = json.loads(route.calls.last.request.content)
    assert sent["input"] == "Tell me about a time you failed." and sent["voice"] == "alloy"
    assert sent["response_format"] == "mp3" and "speech endpoint" in result.stderr


# ``speak -o FILE`` writes the format FILE's extension names, or refuses before speaking.
MAGIC = {
    "wav": lambda b: b[:4] == b"RIFF" and b[8:12] == b"WAVE",
    "flac": lambda b: b[:4] == b"fLaC",
    "ogg": lambda b: b[:4] == b"OggS",
    "opus": lambda b: b[:4] == b"OggS" and b"OpusHead" in b[:128],
    "mp3": lambda b: b[:3] == b"ID3" or (b[0] == 0xFF and b[1] & 0xE0 == 0xE0 and b[1] & 0x06),
}
SF_FORMAT = {"wav": "WAV", "flac": "FLAC", "ogg": "OGG", "opus": "OGG", "mp3": "MP3"}


def _writable_here(fmt: str) -> bool:
    from interviewer.voice.audio import writable_formats

    return f".{fmt}" in writable_formats()


def _assert_speech_file(path: Path, fmt: str, min_seconds: float = 1.0) -> None:
    data = path.read_bytes()
    assert MAGIC[fmt](data), data[:16]
    info = soundfile.info(str(path))
    assert info.format == SF_FORMAT[fmt]
    assert info.duration > min_seconds
    samples, _ = soundfile.read(str(path))  # load_audio sends .opus to ffmpeg: read it here
    assert np.abs(samples).max() > 0.05  # speech, not silence


@needs_espeak
class TestSpeakFormats:
    @pytest.mark.parametrize("fmt", ["wav", "flac", "ogg", "mp3", "opus"])
    def test_extension_names_the_format_written(self, tmp_path: Path, fmt: str):
        if not _writable_here(fmt):
            pytest.skip(f"this libsndfile cannot write {fmt} and ffmpeg is not installed")
        out = tmp_path / f"q.{fmt}"
        result = run_cli("speak", "Tell me about a time you failed.", "-o", str(out))
        assert result.exit_code == 0, result.output
        _assert_speech_file(out, fmt)
        assert f"wrote {out} (espeak-ng" in result.stderr
        assert list(tmp_path.iterdir()) == [out]  # no temporary file left beside it

    def test_upper_case_extension_is_the_same_format(self, tmp_path: Path):
        out = tmp_path / "Q.FLAC"
        assert run_cli("speak", "Hello there.", "-o", str(out)).exit_code == 0
        assert MAGIC["flac"](out.read_bytes())

    @pytest.mark.parametrize("name", ["q.xyz", "q.m4a", "q"])
    def test_unwritable_extension_is_refused_before_speaking(
        self, tmp_path: Path, monkeypatch, name: str
    ):
        real_which = shutil.which
        monkeypatch.setattr(shutil, "which", lambda n: None if n == "ffmpeg" else real_which(n))

        def no_synthesis(*args, **kwargs):
            raise AssertionError(f"synthesised before refusing: {args}")

        monkeypatch.setattr(subprocess, "run", no_synthesis)
        out = tmp_path / name
        result = run_cli("speak", "Tell me about a time you failed.", "-o", str(out))
        assert result.exit_code == 2
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, result.stderr
        suffix = out.suffix
        what = f"cannot write {suffix} audio" if suffix else "no extension"
        assert lines[0].startswith(f"error: {out}: {what}")
        formats = lines[0].split("; formats: ")[1].split(", ")
        assert formats[:3] == ["wav", "flac", "ogg"]
        assert ("mp3" in formats) == _writable_here("mp3")
        assert "m4a" not in formats  # needs ffmpeg, hidden here
        assert not out.exists()

    @pytest.mark.skipif(not shutil.which("ffmpeg"), reason="ffmpeg not installed")
    def test_m4a_through_ffmpeg(self, tmp_path: Path):
        out = tmp_path / "q.m4a"
        result = run_cli("speak", "Tell me about a time you failed.", "-o", str(out))
        assert result.exit_code == 0, result.output
        assert out.read_bytes()[4:8] == b"ftyp" and "m4a via ffmpeg" in result.stderr
        assert load_audio(out).seconds > 1.0


@needs_espeak
class TestSpeakFormatsFromTheEndpoint:
    """The endpoint is asked for the extension's format; what it cannot make is converted."""

    @pytest.fixture(autouse=True)
    def _llm(self, monkeypatch):
        monkeypatch.setenv("OPENAI_API_KEY", FAKE_KEY)
        monkeypatch.setenv("OPENAI_BASE_URL", BASE_URL)

    def _encoded(self, tmp_path: Path, fmt: str) -> bytes:
        (tmp_path / "src").mkdir(exist_ok=True)
        wav = speech(tmp_path / "src" / "a.wav")
        if fmt == "wav":
            return wav.read_bytes()
        data, rate = soundfile.read(wav)
        path = tmp_path / "src" / f"a.{fmt}"
        soundfile.write(path, data, rate, format=SF_FORMAT[fmt])
        return path.read_bytes()

    def _speak(self, out: Path, httpx2_mock, reply: bytes):
        route = httpx2_mock.post(f"{BASE_URL}/audio/speech").respond(200, content=reply)
        result = run_cli("speak", "Tell me about a time you failed.", "-o", str(out))
        asked = json.loads(route.calls.last.request.content)["response_format"]
        return result, asked

    def test_flac_is_asked_for_and_written_as_sent(self, tmp_path: Path, httpx2_mock):
        reply = self._encoded(tmp_path, "flac")
        out = tmp_path / "q.flac"
        result, asked = self._speak(out, httpx2_mock, reply)
        assert result.exit_code == 0, result.output
        assert asked == "flac"
        assert out.read_bytes() == reply
        assert result.stderr.strip().endswith("(speech endpoint (tts-1))")

    def test_ogg_the_endpoint_cannot_make_is_asked_as_wav_and_converted(
        self, tmp_path: Path, httpx2_mock
    ):
        out = tmp_path / "q.ogg"
        result, asked = self._speak(out, httpx2_mock, self._encoded(tmp_path, "wav"))
        assert result.exit_code == 0, result.output
        assert asked == "wav"
        _assert_speech_file(out, "ogg")
        assert "ogg via soundfile" in result.stderr

    def test_a_server_that_ignores_the_format_is_converted(self, tmp_path: Path, httpx2_mock):
        if not _writable_here("mp3"):
            pytest.skip("this libsndfile cannot write mp3 and ffmpeg is not installed")
        out = tmp_path / "q.mp3"
        result, asked = self._speak(out, httpx2_mock, self._encoded(tmp_path, "wav"))
        assert result.exit_code == 0, result.output
        assert asked == "mp3"
        _assert_speech_file(out, "mp3")

    def test_an_undecodable_reply_writes_nothing(self, tmp_path: Path, httpx2_mock):
        out = tmp_path / "q.wav"
        result, asked = self._speak(out, httpx2_mock, b"\x00\x01" * 500)  # e.g. raw pcm
        assert asked == "wav"
        assert result.exit_code == 2
        assert result.stderr.startswith(
            f"error: {out}: cannot turn the speech endpoint's reply into .wav: "
        )
        assert "interviewer-tts" not in result.stderr  # no temporary path in the message
        assert not out.exists()

    def test_aac_is_writable_only_because_the_endpoint_makes_it(
        self, tmp_path: Path, httpx2_mock, monkeypatch
    ):
        real_which = shutil.which
        monkeypatch.setattr(shutil, "which", lambda n: None if n == "ffmpeg" else real_which(n))
        adts = bytes([0xFF, 0xF1, 0x50, 0x80, 0x02, 0x1F, 0xFC]) + b"\x00" * 64
        out = tmp_path / "q.aac"
        result, asked = self._speak(out, httpx2_mock, adts)
        assert result.exit_code == 0, result.output
        assert asked == "aac" and out.read_bytes() == adts

    def test_a_reply_in_another_format_that_cannot_be_converted_says_so(
        self, tmp_path: Path, httpx2_mock, monkeypatch
    ):
        real_which = shutil.which
        monkeypatch.setattr(shutil, "which", lambda n: None if n == "ffmpeg" else real_which(n))
        out = tmp_path / "q.aac"
        result, asked = self._speak(out, httpx2_mock, self._encoded(tmp_path, "wav"))
        assert asked == "aac"
        assert result.exit_code == 2
        assert result.stderr.startswith(
            f"error: {out}: cannot turn the speech endpoint's reply (wav) into .aac here; "
        )
        assert not out.exists()
