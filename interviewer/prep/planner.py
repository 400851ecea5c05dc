"""One way to make a plan for a job, for the command line and the web app alike.

Offline (the default, and whenever no LLM is configured): the matcher's picks. With an
LLM: the model ranks the banks' questions (the matcher's order first, as a hint) and
writes up to ``new`` questions for the job; the result is checked as a bank.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from interviewer.core.bank import Bank, list_banks
from interviewer.core.errors import NotFoundError
from interviewer.core.settings import Settings
from interviewer.prep.jobbank import Plan, offline_plan
from interviewer.prep.jobmatch import JobMatch, match_job

if TYPE_CHECKING:
    from interviewer.prep.job import JobDescription

DEFAULT_COUNT = 5
DEFAULT_NEW = 3


def banks_to_search(bank_dir: Path | str | None, only: Sequence[str] | None = None) -> list[Bank]:
    """Every built-in and user bank (a user bank with a built-in's id replaces it), or
    only the ones named; an unknown id names the known ones."""
    found: dict[str, Bank] = {}
    for bank, _ in list_banks(bank_dir):
        found[bank.id] = bank
    if not only:
        return list(found.values())
    missing = [b for b in only if b not in found]
    if missing:
        raise NotFoundError(f"no bank {missing[0]!r} (known: {', '.join(found)})")
    return [found[b] for b in dict.fromkeys(only)]


def uses_llm(settings: Settings, offline: bool = False) -> bool:
    """Plan with the LLM when one is configured, unless offline was asked for (the flag,
    or INTERVIEWER_GRADER=offline)."""
    return settings.llm_configured and not offline and settings.grader != "offline"


def plan_job(
    job: JobDescription,
    banks: Sequence[Bank],
    settings: Settings,
    *,
    count: int = DEFAULT_COUNT,
    new: int = DEFAULT_NEW,
    offline: bool = False,
) -> tuple[JobMatch, Plan]:
    """The match and the plan: offline picks, or the LLM's ranking and new questions."""
    match = match_job(job, banks)
    if not uses_llm(settings, offline):
        match.require_match()
        return match, offline_plan(match, count)
    from interviewer.prep.llmplan import llm_plan

    ranked = [(q.bank_id, q.question_id) for q in match.questions]
    seen = set(ranked)
    ranked += [(b.id, q.id) for b in banks for q in b.questions if (b.id, q.id) not in seen]
    return match, llm_plan(job, banks, ranked, settings, count=count, new=new)


def session_picks(match: JobMatch, count: int = DEFAULT_COUNT) -> tuple[Bank, list[str]]:
    """The bank and question ids a practice session on this job asks.

    A session keeps to one bank (its history, resume and reports are keyed by it), so
    this is the best-fitting bank's own picks; ``plan`` shows picks across every bank.
    """
    match.require_match()
    best = match.best_bank(count)
    bank = next(b for b in match.banks if b.id == best) if best else None
    if bank is None:  # matched themes, but no question of theirs: the strongest theme's bank
        bank = next(b for b in match.banks if b.id == match.themes[0].bank_id)
        return bank, [q.id for q in bank.questions if match.themes[0].theme_id in q.themes][:count]
    return bank, [p.question_id for p in match.picks(count, bank.id)]
