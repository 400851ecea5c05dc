"""``interviewer eval --reviews``: read the reviewed sessions, report the grader's
agreement with the coaches, and write the cases as a suite when asked."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from interviewer.core.errors import ConfigError, NotFoundError
from interviewer.evals.agreement import Agreement, agreement, labelled_cases, suite_yaml
from interviewer.ui import console, print_table


def run_review_eval(
    sessions: list[str],
    *,
    db: Path | None = None,
    write_suite: Path | None = None,
    tolerance: int = 1,
    json_out: Path | None = None,
) -> Agreement:
    """Agreement over ``sessions`` (ids, prefixes or 'last'; none: every session)."""
    from interviewer.engine.store import Store

    if not 0 <= tolerance <= 5:
        raise ConfigError("--tolerance must be 0-5 (how far from the coach's score passes)")
    with Store.open(db) as store:
        records = (
            [store.get_session(ref) for ref in sessions] if sessions else store.list_sessions()
        )
        banks = {r.id: _bank_ref(store.session_options(r.id), r.bank_id) for r in records}
    cases = labelled_cases(records, banks)
    if not cases:
        where = ", ".join(r.id for r in records) if sessions else "any session"
        raise NotFoundError(
            f"no reviewed scores in {where}: a coach scores answers with `interviewer review`"
        )
    result = agreement(cases)
    print_agreement(result)
    if json_out is not None:
        json_out.write_text(json.dumps(result.to_json(), indent=2) + "\n", encoding="utf-8")
    if write_suite is not None:
        text = suite_yaml(cases, name=write_suite.stem, tolerance=tolerance)
        write_suite.write_text(text, encoding="utf-8")
        console(stderr=True).print(
            f"wrote {write_suite}: run it with `interviewer eval {write_suite}`", highlight=False
        )
    return result


def _bank_ref(options: dict[str, Any], bank_id: str) -> str:
    """The bank a suite case can name: the session's bank id or file; for a session that
    keeps its own copy of the bank (imported, debrief), the reference it came with."""
    ref = options.get("bank")
    if isinstance(ref, str) and ref:
        return ref
    imported = options.get("imported") or {}
    came_with = imported.get("bank") if isinstance(imported, dict) else None
    return came_with if isinstance(came_with, str) and came_with else bank_id


def print_agreement(result: Agreement) -> None:
    from interviewer.views.summary import LABELS

    rows = [
        [kind, LABELS.get(dim, dim), str(f.n), f"{f.exact:.2f}", f"{f.within_one:.2f}",
         f"{f.kappa:.2f}"]
        for (kind, dim), f in result.by_dimension.items()
    ] + [
        [kind, "all dimensions", str(f.n), f"{f.exact:.2f}", f"{f.within_one:.2f}",
         f"{f.kappa:.2f}"]
        for kind, f in result.overall.items()
    ]  # fmt: skip
    headers = ["grader", "dimension", "n", "exact", "within one", "weighted kappa"]
    print_table(headers, rows, title=f"Grader against coaches ({result.cases} labelled scores)")
    out = console()
    if not result.largest:
        out.print("\nThe grader agrees exactly with every coach's score.")
        return
    out.print("\nLargest disagreements:")
    for c in result.largest:
        comment = f" - {c.comment}" if c.comment else ""
        out.print(
            f"  {c.session_id}/{c.question_id} {LABELS.get(c.dimension, c.dimension)}: "
            f"{c.reviewer} {c.coach}, {c.grader_kind} grader {c.grader} "
            f"(off by {c.gap}){comment}",
            highlight=False,
            markup=False,
        )
