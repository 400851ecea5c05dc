"""``interviewer sessions``: take a session to another machine (export) and bring one in (import).

``interviewer import`` stays the bank importer; sessions travel as one JSON file (the format
is described in ``engine/portable.py``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from interviewer.core.bank import Bank

app = typer.Typer(help="Export a session to a file, or import one (e.g. to show a mentor).")

DbOption = typer.Option(
    None, "--db", help="Session database (default: INTERVIEWER_DB or your data dir)."
)
BankDirOption = typer.Option(
    None, "--bank-dir", envvar="INTERVIEWER_BANK_DIR", help="Folder of your own bank YAML files."
)


def local_bank(bank_dir: Path | str | None) -> Any:
    """How export finds a session's bank here: by its reference, None when it is gone."""

    def find(bank_id: str, options: dict[str, Any]) -> Bank | None:
        from interviewer.core.errors import InterviewerError
        from interviewer.service.banks import bank_of_options

        try:
            return bank_of_options(options, bank_id, bank_dir, paths=True)
        except InterviewerError:
            return None

    return find


@app.command("export")
def export(
    session: str = typer.Argument("last", help="Session id, or 'last'."),
    out: Path | None = typer.Option(
        None, "-o", "--out", help="Write here (default: interviewer-session-<id>.json)."
    ),
    audio: bool = typer.Option(
        True, "--audio/--no-audio", help="Include the recordings of spoken answers."
    ),
    bank_dir: Path | None = BankDirOption,
    db: Path | None = DbOption,
) -> None:
    """Write one session (answers, follow-ups, grades, delivery, audio) to one JSON file."""
    from interviewer.core.settings import build_settings
    from interviewer.engine.portable import export_session, write_export
    from interviewer.engine.store import Store

    build_settings()  # the configured key and URL credentials are masked in whatever shape
    with Store.open(db) as store:
        data = export_session(store, session, local_bank(bank_dir), audio=audio)
    target = out or Path(f"interviewer-session-{data['session']['id']}.json")
    write_export(data, target)
    answers = data["answers"]
    recordings = sum(1 for a in answers if a.get("audio", {}) and a["audio"].get("data"))
    extra = f", {recordings} recording(s)" if recordings else ""
    typer.echo(
        f"wrote {target}: session {data['session']['id']}, {len(answers)} answer(s), "
        f"{len(data['grades'])} grade(s){extra}"
    )
    gone = [a["question_id"] for a in answers if a["audio"] and not a["audio"]["sha256"]]
    if gone:
        typer.echo(f"note: recording(s) not found here, left out: {', '.join(gone)}", err=True)


@app.command("import")
def import_(
    file: Path = typer.Argument(..., help="A file written by `interviewer sessions export`."),
    copy: bool = typer.Option(
        False,
        "--copy",
        help="Import as a separate session: a file imported before, or one of your sessions "
        "coming back that changed since.",
    ),
    db: Path | None = DbOption,
) -> None:
    """Bring an exported session into this machine's sessions, under a new local id.

    A file that is one of your own sessions coming back (reviewed by a coach) adds the
    coaches' new reviews to that session instead of making a second copy.
    """
    from interviewer.engine.portable import MergeResult, import_file
    from interviewer.engine.store import Store

    with Store.open(db) as store:
        result = import_file(store, file, copy=copy)
    if isinstance(result, MergeResult):
        typer.echo(result.summary())
        typer.echo(f"see it with: interviewer report {result.session_id}")
        return
    typer.echo(
        f"imported {file} as session {result.session_id} (was {result.origin_id} where it was "
        f"exported): {result.answers} answer(s), {result.grades} grade(s)"
    )
    if result.edited:
        reviews = ["the coaches' reviews"] if result.reviews_edited else []
        which = ", ".join([*result.edited_answers, *reviews]) or "grades or answers"
        typer.echo(f"note: changed after it was graded or exported ({which}): shown as edited")
    if result.audio_missing:
        typer.echo(
            f"note: the file carries no recording for {', '.join(result.audio_missing)} "
            "(exported with --no-audio?): imported without it"
        )
    typer.echo(f"see it with: interviewer report {result.session_id}")


@app.command("list")
def list_sessions(db: Path | None = DbOption) -> None:
    """Your sessions, newest first, with where imported ones came from."""
    from interviewer.engine.store import Store
    from interviewer.ui import print_table

    with Store.open(db) as store:
        summaries = store.session_summaries()  # one query, no answer loaded
    rows = [
        [
            s.id,
            s.bank_id,
            f"{s.answered}/{s.planned}",
            s.mode,
            (f"imported from {s.imported_from}" + (" (edited)" if s.edited else ""))
            if s.imported_from
            else "",
        ]
        for s in summaries
    ]
    print_table(["id", "bank", "answered", "mode", "origin"], rows, title="Sessions")
