"""Checks on uploads: a declared audio type AND content that looks like audio; a session
export declared as JSON that starts like one.

The declared type alone is whatever the browser says; the first bytes say what the file
really is. Both must agree with the list below, or the upload gets a clear 415 page.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException

ALLOWED_TYPES = {
    "audio/webm": "webm",
    "video/webm": "webm",  # some browsers label an audio-only webm recording as video
    "audio/ogg": "ogg",
    "audio/opus": "ogg",
    "audio/wav": "wav",
    "audio/wave": "wav",
    "audio/x-wav": "wav",
    "audio/vnd.wave": "wav",
    "audio/mpeg": "mp3",
    "audio/mp3": "mp3",
    "audio/mp4": "m4a",
    "audio/x-m4a": "m4a",
    "audio/aac": "m4a",
    "audio/flac": "flac",
    "audio/x-flac": "flac",
}


def sniff(head: bytes) -> str | None:
    """The container the first bytes belong to, or None if not an audio format we take."""
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav"
    if head[:4] == b"OggS":
        return "ogg"
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return "webm"
    if head[:4] == b"fLaC":
        return "flac"
    if head[4:8] == b"ftyp":
        return "m4a"
    if head[:3] == b"ID3" or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "mp3"
    return None


def check_audio(content_type: str | None, data: bytes) -> str:
    """Return the file extension to store the audio under; 415 when it is not audio."""
    declared = (content_type or "").split(";")[0].strip().lower()
    if declared not in ALLOWED_TYPES and declared != "application/octet-stream":
        raise HTTPException(
            415,
            f"'{declared or 'unknown'}' is not an audio type this app takes. "
            "Upload webm, ogg, wav, mp3, m4a or flac.",
        )
    found = sniff(data[:16])
    if found is None:
        raise HTTPException(
            415, "The file does not look like audio (webm, ogg, wav, mp3, m4a or flac)."
        )
    return found


TRANSCRIPT_EXTENSIONS = ("", ".vtt", ".srt", ".txt", ".text", ".md", ".log")


def check_transcript(filename: str, content_type: str | None, data: bytes) -> None:
    """A transcript upload is a text file by name and declared type; 415 otherwise. (Its
    bytes are checked when it is read: binary content is refused there, naming the file.)"""
    declared = (content_type or "").split(";")[0].strip().lower()
    suffix = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    texty = declared.startswith("text/") or declared in {
        "", "application/octet-stream", "application/x-subrip", "application/vnd.ms-teams"
    }  # fmt: skip
    if suffix not in TRANSCRIPT_EXTENSIONS or not texty or sniff(data[:16]) is not None:
        raise HTTPException(
            415, "That is not a transcript this app reads: upload a .vtt, .srt or .txt file."
        )


EXPORT_TYPES = frozenset(
    {"application/json", "text/json", "text/plain", "application/octet-stream", ""}
)


def check_export(content_type: str | None, data: bytes) -> None:
    """A session export: declared as JSON (or unlabelled) and starting like a JSON object;
    415 otherwise. The engine checks the rest and names the field that is wrong."""
    declared = (content_type or "").split(";")[0].strip().lower()
    if declared not in EXPORT_TYPES:
        raise HTTPException(
            415, f"'{declared}' is not a session file: import a .json file from Export."
        )
    if not data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        raise HTTPException(
            415, "The file is not a session export (a .json file from a report's Export)."
        )
