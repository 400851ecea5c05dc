"""The portable session file's shape and how a file is checked before anything is stored.

One JSON object (see ``engine/portable.py`` for the fields and the versioning rule).
Reading is strict about what it needs and lenient about what it does not know: a key this
version does not read (a new optional section such as ``"reviews"``) is ignored, a file
whose ``schema_version`` is newer than ``SCHEMA_VERSION`` is refused with "upgrade".
Every failure is one ``DataError`` naming the file and the field path (``answers[2].text``).

Three hashes, each detecting a different change (none is a signature: whoever recomputes
them hides an edit): ``content_hash`` covers the answers and grades (what was graded);
``reviews_hash`` (optional, from the first version that carries reviews back) covers the
coaches' reviews *together with* the ``content_hash`` they were written against, so a
review changed after export, or moved onto another session's file, is caught. Reviews are
kept out of ``content_hash`` on purpose: a coach adds them after grading, so they must not
make the answers look edited, and a reader that predates ``reviews_hash`` (it computes
``content_hash`` over answers and grades only) still reads a reviewed file as untouched.
A file without ``reviews_hash`` (written before it existed) has its reviews taken as they
are. ``fingerprint`` is the session's content with ids replaced by positions and the
recordings left out: the same for a session and every copy of it on any machine, which is
how a file coming home is recognised (``engine/portable_merge.py``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from datetime import datetime
from typing import Annotated, Any, get_args

from pydantic import AfterValidator, BaseModel, ConfigDict, field_validator

from interviewer.core.bank import Bank
from interviewer.core.datafile import validate
from interviewer.core.errors import DataError
from interviewer.core.grade import load_stored_grade
from interviewer.core.records import AnswerStatus, SessionRecord
from interviewer.engine.reviews import check_review_entries

FORMAT = "interviewer-session"
SCHEMA_VERSION = 1  # the major version: raise it only when an older reader would misread a file
MODES = get_args(SessionRecord.model_fields["mode"].annotation)
KINDS = ("answer", "follow_up", "extra")
BANK = "bank"  # session option: a bank id or path, or the session's own copy of its bank
IMPORTED = "imported"  # session option: where an imported session came from


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def content_hash(answers: list[Any], grades: list[Any]) -> str:
    """sha256 of the canonical JSON of the answers (audio bytes left out: their own sha256
    is in) and the grades, exactly as they are in the file."""
    bare = [_without_audio_data(a) for a in answers]
    blob = json.dumps(
        {"answers": bare, "grades": grades},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def answer_label(answer: Any) -> str:
    """How an answer is named to the user: ``q1``, or ``q1 follow-up 1``."""
    if answer.kind == "follow_up" and answer.slot is not None:
        return f"{answer.question_id} follow-up {answer.slot + 1}"
    return str(answer.question_id)


def reviews_hash(content: str, reviews: list[Any]) -> str:
    """sha256 of the canonical JSON of the reviews, exactly as in the file, bound to the
    ``content_hash`` of the answers and grades they review."""
    blob = json.dumps(
        {"content_hash": content, "reviews": reviews},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def fingerprint(answers: list[AnswerEntry], grades: list[GradeEntry]) -> list[str]:
    """Per answer, then for the grades: a sha256 of the content with every id replaced by
    its position and the recording left out (a copy stored without it is the same)."""
    pos = {a.id: i for i, a in enumerate(answers)}
    parts = [
        {
            **a.model_dump(mode="json", exclude={"id", "audio"}),
            "parent": pos.get(a.parent) if a.parent is not None else None,
        }
        for a in answers
    ]
    graded = [{**g.model_dump(mode="json"), "answer": pos.get(g.answer)} for g in grades]
    return [_canonical_sha(p) for p in parts] + [_canonical_sha(graded)]


def _canonical_sha(value: Any) -> str:
    blob = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _without_audio_data(answer: Any) -> Any:
    if isinstance(answer, dict) and isinstance(answer.get("audio"), dict):
        audio = {k: v for k, v in answer["audio"].items() if k != "data"}
        return {**answer, "audio": audio}
    return answer


class _Section(BaseModel):
    """A part of the file: keys this version does not know are ignored (newer minor fields)."""

    model_config = ConfigDict(extra="ignore")


def _iso_time(value: str) -> str:
    datetime.fromisoformat(value)  # raises ValueError -> the field is named
    return value


IsoTime = Annotated[str, AfterValidator(_iso_time)]  # kept as written: the round trip is exact


class AudioEntry(_Section):
    name: str
    sha256: str | None = None
    size: int | None = None
    data: str | None = None  # base64; absent when exported with --no-audio

    @field_validator("name")
    @classmethod
    def _plain_name(cls, name: str) -> str:
        if not name or "/" in name or "\\" in name or name in (".", ".."):
            raise ValueError("must be a plain file name")
        return name


class AnswerEntry(_Section):
    id: int
    question_id: str
    kind: str
    parent: int | None = None
    slot: int | None = None
    prompt: str
    text: str
    status: AnswerStatus
    error: str | None = None
    created_at: IsoTime
    elapsed_seconds: float | None = None
    delivery: dict[str, Any] | None = None
    audio: AudioEntry | None = None
    graded_sha256: str | None = None  # sha256 of the text when it was last graded

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, kind: str) -> str:
        if kind not in KINDS:
            raise ValueError(f"unknown answer kind {kind!r} (known: {', '.join(KINDS)})")
        return kind


class GradeEntry(_Section):
    answer: int
    created_at: IsoTime
    grade: dict[str, Any]


class ReviewEntry(_Section):
    """A coach's review of a main answer, as stored (``core.review``); every version."""

    answer: int
    created_at: IsoTime
    review: dict[str, Any]


class SessionEntry(_Section):
    id: str
    bank_id: str
    question_ids: list[str]
    mode: str
    grader: str
    options: dict[str, Any] = {}
    started_at: IsoTime
    finished_at: IsoTime | None = None

    @field_validator("mode")
    @classmethod
    def _known_mode(cls, mode: str) -> str:
        if mode not in MODES:
            raise ValueError(f"mode {mode!r} is not known here: upgrade interviewer")
        return mode


class ExportFile(_Section):
    """A checked export: the sections this version reads."""

    format: str
    schema_version: int
    exported_at: str
    interviewer_version: str
    session: SessionEntry
    bank: dict[str, Any]
    answers: list[AnswerEntry]
    grades: list[GradeEntry]
    reviews: list[ReviewEntry] = []  # optional: files from before reviews have none
    audio_included: bool = False
    content_hash: str
    reviews_hash: str | None = None  # optional: files from before it have none


class Checked(BaseModel):
    """A file that passed every check, with what import needs to know about it."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    source: str  # the file's name, for messages
    data: ExportFile
    bank: Bank
    audio: dict[int, bytes]  # answer id -> recording, sha256 checked
    audio_missing: list[int]  # answers that had a recording the file does not carry
    digest: str  # the content hash of the answers and grades as they are in the file
    hash_matches: bool  # ... and whether it is the one written at export
    edited: list[int]  # answers whose text no longer matches the text that was graded
    reviews_edited: bool = False  # the reviews no longer match their ``reviews_hash``


def parse(raw: bytes | str, source: str) -> Checked:
    """Check an export file's text; raises DataError naming ``source`` and the field."""
    try:
        text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError:
        raise DataError(
            source, None, "not an interviewer session export (not UTF-8 text)"
        ) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        if not text[: exc.pos].strip():
            raise DataError(source, None, "not an interviewer session export (not JSON)") from None
        raise DataError(
            source,
            f"line {exc.lineno}, column {exc.colno}",
            f"not valid JSON ({exc.msg}): the file is truncated or damaged; export it again",
        ) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise DataError(
            source, None, f'not an interviewer session export (no "format": "{FORMAT}")'
        )
    version = data.get("schema_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise DataError(source, "schema_version", "must be a whole number from 1")
    if version > SCHEMA_VERSION:
        raise DataError(
            source,
            None,
            f"written by a newer interviewer (session format {version}, this one reads up to "
            f"{SCHEMA_VERSION}): upgrade interviewer (`pip install -U interviewer`) to import it",
        )
    checked = validate(ExportFile, data, source)
    bank = validate(Bank, checked.bank, f"{source}: bank")
    _check_links(checked, source)
    for i, g in enumerate(checked.grades):
        try:
            load_stored_grade(g.grade, f"grades[{i}].grade")
        except DataError as exc:
            raise DataError(source, exc.location, exc.message) from None
    mains = {a.id: a.question_id for a in checked.answers if a.kind == "answer"}
    check_review_entries(checked.reviews, mains, bank, source)
    audio, missing = _audio(checked, source)
    edited = [
        a.id for a in checked.answers if a.graded_sha256 and a.graded_sha256 != sha256_text(a.text)
    ]
    digest = content_hash(data["answers"], data["grades"])
    stated = checked.reviews_hash
    reviews_edited = stated is not None and stated != reviews_hash(
        checked.content_hash, data.get("reviews") or []
    )
    return Checked(
        source=source,
        data=checked,
        bank=bank,
        audio=audio,
        audio_missing=missing,
        digest=digest,
        hash_matches=digest == checked.content_hash,
        edited=edited,
        reviews_edited=reviews_edited,
    )


def _check_links(data: ExportFile, source: str) -> None:
    """Ids are unique, follow-ups point at an earlier main answer, grades at an answer."""
    seen: dict[int, AnswerEntry] = {}
    places: set[tuple[object, ...]] = set()  # one main answer per question, one per slot
    for i, a in enumerate(data.answers):
        if a.id in seen:
            raise DataError(source, f"answers[{i}].id", f"answer id {a.id} appears twice")
        if a.kind == "follow_up":
            parent = seen.get(a.parent) if a.parent is not None else None
            if parent is None or parent.kind != "answer":
                raise DataError(
                    source, f"answers[{i}].parent", "a follow-up must point at an earlier answer"
                )
        place = ("main", a.question_id) if a.kind == "answer" else (a.kind, a.parent, a.slot)
        if a.kind != "extra" and place in places:
            raise DataError(source, f"answers[{i}]", f"a second answer to {a.question_id}")
        places.add(place)
        seen[a.id] = a
    for i, g in enumerate(data.grades):
        if g.answer not in seen:
            raise DataError(source, f"grades[{i}].answer", f"no answer with id {g.answer}")


def _audio(data: ExportFile, source: str) -> tuple[dict[int, bytes], list[int]]:
    """Decode every recording and check its sha256; list the ones the file lacks."""
    found: dict[int, bytes] = {}
    missing: list[int] = []
    for i, a in enumerate(data.answers):
        if a.audio is None:
            continue
        if a.audio.data is None:
            missing.append(a.id)
            continue
        where = f"answers[{i}].audio.data"
        try:
            blob = base64.b64decode(a.audio.data, validate=True)
        except (binascii.Error, ValueError):
            raise DataError(source, where, "not valid base64: the file is damaged") from None
        if a.audio.sha256 is None or hashlib.sha256(blob).hexdigest() != a.audio.sha256:
            raise DataError(
                source,
                where,
                "the recording does not match its sha256: the file is damaged or was "
                "changed; export it again",
            )
        found[a.id] = blob
    return found, missing
