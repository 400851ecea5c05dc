"""Reading a real interview's transcript into speaker turns, whatever the file looks like."""

from __future__ import annotations

import gc
import time
from pathlib import Path

import pytest

from interviewer.core.errors import DataError
from interviewer.debrief.transcript import parse_transcript, read_transcript
from tests.debrief_helpers import INTERRUPTED_TXT, SRT, THREE_QUESTIONS_VTT


def turns_of(text: str | bytes, name: str = "call.vtt") -> list[tuple[str | None, str]]:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return [(t.speaker, t.text) for t in parse_transcript(data, name).turns]


# --- WebVTT ------------------------------------------------------------------------------


def test_webvtt_voice_tags_become_speakers_and_one_speakers_cues_one_turn() -> None:
    transcript = parse_transcript(THREE_QUESTIONS_VTT.encode(), "call.vtt")
    assert transcript.format == "vtt"
    assert transcript.speakers == ["Dana Whitfield", "Ravi Menon"]
    turns = transcript.turns
    assert [t.speaker for t in turns[:4]] == [
        "Dana Whitfield", "Ravi Menon", "Dana Whitfield", "Ravi Menon"
    ]  # fmt: skip
    first_answer = turns[3]
    # three cues of multi-line text are one turn, in order, with no tag left
    assert first_answer.text.startswith("Last year a senior colleague wanted to rebuild")
    assert "measured on the month-end run. The export went from 50 minutes" in first_answer.text
    assert "<" not in first_answer.text and "\n" not in first_answer.text
    assert first_answer.start == 11.0
    assert "emailed every affected customer myself & added" in turns[5].text  # entity decoded


def test_webvtt_notes_cue_ids_and_styling_are_not_speech() -> None:
    vtt = (
        "WEBVTT - interview\n\nSTYLE\n::cue { color: white }\n\nNOTE this is a comment\n\n"
        "cue-7\n00:01.000 --> 00:04.000 align:start\n<v.loud Ann Lee><c.yellow>Why did you "
        "leave</c> <00:02.000>your last job?</v>\n"
    )
    assert turns_of(vtt) == [("Ann Lee", "Why did you leave your last job?")]


def test_zoom_style_name_prefixes_in_cues_are_speakers() -> None:
    vtt = (
        "WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\nAnn Lee: Walk me through a hard call.\n\n"
        "2\n00:00:03.000 --> 00:00:09.000\nBo Chen: Sure. Last winter I had to close a\n"
        "clinic early.\n"
    )
    assert turns_of(vtt) == [
        ("Ann Lee", "Walk me through a hard call."),
        ("Bo Chen", "Sure. Last winter I had to close a clinic early."),
    ]


# --- SRT ---------------------------------------------------------------------------------


def test_srt_cues_with_name_prefixes() -> None:
    transcript = parse_transcript(SRT.encode(), "call.srt")
    assert transcript.format == "srt"
    assert transcript.speakers == ["PRIYA", "TOM"]
    assert [t.start for t in transcript.turns] == [1.0, 5.0]
    assert transcript.turns[1].text.endswith("they renewed for another year in June.")


def test_srt_without_names_keeps_the_words_unlabelled() -> None:
    srt = "1\n00:00:01,000 --> 00:00:02,000\nTell me about a time you failed.\n\n2\n"
    srt += "00:00:03,000 --> 00:00:08,000\n- I missed a grant deadline in 2022.\n"
    turns = turns_of(srt, "call.srt")
    assert turns == [(None, "Tell me about a time you failed. I missed a grant deadline in 2022.")]


# --- plain text --------------------------------------------------------------------------


def test_plain_text_labels_continuation_lines_and_paragraphs() -> None:
    transcript = parse_transcript(INTERRUPTED_TXT.encode(), "notes.txt")
    assert transcript.format == "text"
    assert transcript.speakers == ["Interviewer", "Me"]
    answer = next(t for t in transcript.turns if t.text.startswith("At the bike shop"))
    assert answer.text.endswith("buckled on the first ride.")  # the next line joined
    assert answer.line == 6


def test_plain_text_timestamps_and_names_before_the_colon() -> None:
    text = (
        "[00:00:05] Jane Smith: Describe a time you changed a team's mind.\n"
        "[00:00:09] Omar Haddad: In 2023 I showed my team two weeks of support tickets.\n"
        "Jane Smith (00:01:10): What happened next?\n"
        "Omar Haddad (00:01:12): They agreed to the new triage rota.\n"
    )
    turns = parse_transcript(text.encode(), "call.txt").turns
    assert [(t.speaker, t.start) for t in turns] == [
        ("Jane Smith", 5.0), ("Omar Haddad", 9.0), ("Jane Smith", 70.0), ("Omar Haddad", 72.0)
    ]  # fmt: skip


def test_otter_style_name_and_time_on_their_own_line() -> None:
    text = "Kim Park  0:03\nTell me about a project you led.\n\n"
    text += "Lee Ahn  0:07\nI led our move to a new CRM.\n"
    assert turns_of(text, "otter.txt") == [
        ("Kim Park", "Tell me about a project you led."),
        ("Lee Ahn", "I led our move to a new CRM."),
    ]


def test_star_labels_and_one_off_colons_inside_an_answer_are_not_speakers() -> None:
    text = (
        "Interviewer: Tell me about a time you saved money.\n"
        "Me: Situation: our cloud bill doubled.\nResult: we cut it by 40%.\n"
        "Anyway: that was the story.\n"
        "Interviewer: Thanks.\n"
    )
    transcript = parse_transcript(text.encode(), "call.txt")
    assert transcript.speakers == ["Interviewer", "Me"]
    assert transcript.turns[1].text == (
        "Situation: our cloud bill doubled. Result: we cut it by 40%. Anyway: that was the story."
    )


# --- bytes -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "encode",
    [
        lambda s: s.encode("utf-8-sig"),
        lambda s: s.encode("utf-16"),
        lambda s: s.replace("\n", "\r\n").encode("utf-8"),
        lambda s: s.replace("\n", "\r").encode("utf-8"),
    ],
    ids=["utf-8 BOM", "utf-16 BOM", "CRLF", "CR"],
)
def test_boms_utf16_and_windows_newlines_read_the_same(encode) -> None:  # type: ignore[no-untyped-def]
    expected = turns_of(INTERRUPTED_TXT, "notes.txt")
    assert turns_of(encode(INTERRUPTED_TXT), "notes.txt") == expected


def test_windows_1252_bytes_are_read_and_noted() -> None:
    data = "Interviewer: Tell me about your café job.\nMe: I ran the till – alone.\n".encode(
        "cp1252"
    )
    transcript = parse_transcript(data, "old.txt")
    assert transcript.turns[1].text == "I ran the till – alone."
    assert transcript.notes == ["not UTF-8: read as Windows-1252"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "old.vtt: the file is empty"),
        (b"  \n\n \r\n", "old.vtt: the file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20, "old.vtt: is not a text file"),
        (bytes(range(1, 32)) * 40, "old.vtt: is not a text file"),
        (b"WEBVTT\n\nNOTE nothing was said\n", "old.vtt: has no words in it"),
    ],
    ids=["empty", "blank", "png", "control bytes", "header only"],
)
def test_empty_and_binary_files_are_refused_naming_the_file(data: bytes, message: str) -> None:
    with pytest.raises(DataError) as err:
        parse_transcript(data, "old.vtt")
    assert str(err.value).startswith(message)
    assert "\n" not in str(err.value)


def test_reading_a_folder_or_a_missing_file_names_it(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="is a folder"):
        read_transcript(tmp_path)
    with pytest.raises(DataError, match=r"gone\.vtt: cannot read the file"):
        read_transcript(tmp_path / "gone.vtt")


# --- cost --------------------------------------------------------------------------------


def _cpu(fn, arg, calls: int = 3) -> float:  # type: ignore[no-untyped-def]
    best = float("inf")
    for _ in range(calls):
        start = time.thread_time()
        fn(arg)
        best = min(best, time.thread_time() - start)
    return best


@pytest.mark.parametrize(
    ("unit", "name"),
    [(THREE_QUESTIONS_VTT.split("\n", 2)[2], "long.vtt"), (INTERRUPTED_TXT, "long.txt")],
    ids=["vtt", "text"],
)
def test_a_transcript_100_times_longer_parses_in_linear_time(unit: str, name: str) -> None:
    """4x the text costs about 4x the time (under 8x: a quadratic step would be ~16x)."""
    head = "WEBVTT\n\n" if name.endswith(".vtt") else ""
    small = (head + unit * 100).encode()
    large = (head + unit * 400).encode()
    parse = lambda data: parse_transcript(data, name)  # noqa: E731
    assert len(parse(small).turns) >= 100
    gc.disable()
    try:
        ratio = _cpu(parse, large) / _cpu(parse, small)
        if ratio >= 8:  # measured once more before failing: noise does not repeat
            ratio = _cpu(parse, large) / _cpu(parse, small)
    finally:
        gc.enable()
    assert ratio < 8, f"4x longer transcript took {ratio:.1f}x the time"
