"""Which bank a question comes from: one definition for every shell.

A session keeps its own copy of its bank when it has one (a debrief's questions as they
were asked, an imported session's questions); otherwise it names a bank. The command line
may also name a bank file by path; the web app takes ids only, never a path.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from interviewer.core import bank as banks
from interviewer.core.bank import Bank
from interviewer.core.errors import NotFoundError
from interviewer.core.records import SessionRecord

if TYPE_CHECKING:
    from interviewer.engine.store import Store


def bank_by_id(bank_id: str, bank_dir: Path | str | None) -> Bank:
    """A bank by id, only from the built-in and ``bank_dir`` banks: never a path."""
    found = {b.id: b for b, _ in banks.list_banks(bank_dir)}
    if bank_id not in found:
        raise NotFoundError(f"there is no bank {bank_id[:60]!r}: choose one on the start page")
    return found[bank_id]


def session_bank(
    store: Store, session: SessionRecord, bank_dir: Path | None, *, paths: bool = False
) -> Bank:
    """The bank ``session`` was asked from (``bank_of_options`` on its stored options)."""
    options = store.session_options(session.id)
    return bank_of_options(options, session.bank_id, bank_dir, paths=paths)


def bank_of_options(
    options: Mapping[str, Any], bank_id: str, bank_dir: Path | str | None, *, paths: bool = False
) -> Bank:
    """The bank a session with these options was asked from: its own stored copy, else the
    bank it names: by id, or (``paths``, the command line) also the file it was started from."""
    own = options.get("bank", bank_id)
    if isinstance(own, dict):
        return banks.get_bank(own)
    if paths and isinstance(own, str):
        return banks.get_bank(own, bank_dir)
    return bank_by_id(bank_id, bank_dir)
