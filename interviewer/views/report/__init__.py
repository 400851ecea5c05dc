"""Rubric feedback reports for a session: Markdown, self-contained HTML, JSON and CSV.

``build_report`` turns a stored session into plain data (per question: the answer with
evidence marked, the STAR scorecard with each level's meaning, metrics, lessons, themes,
strengths, improvements, follow-ups; a summary with the weakest dimension). The formats
only render that data; HTML and Markdown come from Jinja2 templates with autoescaping, so
candidate text is always text.
"""

from __future__ import annotations

from pathlib import Path

from interviewer.core.bank import Bank
from interviewer.core.records import SessionRecord
from interviewer.views.report.model import History, build_report

FORMATS = ("html", "md", "json", "csv")


def render_report(
    session: SessionRecord, bank: Bank, fmt: str, history: History | None = None
) -> str:
    """The report as text in ``fmt`` (html, md, json or csv)."""
    from interviewer.core.errors import ConfigError

    if fmt not in FORMATS:
        raise ConfigError(f"unknown report format {fmt!r} (choose one of: {', '.join(FORMATS)})")
    report = build_report(session, bank, history)
    if fmt == "json":
        from interviewer.views.report.tabular import to_json

        return to_json(session, report)
    if fmt == "csv":
        from interviewer.views.report.tabular import to_csv

        return to_csv(report)
    from interviewer.views.report.render import render_template

    return render_template(f"report.{fmt}.j2", report)


def write_report(
    session: SessionRecord,
    bank: Bank,
    fmt: str,
    path: Path,
    history: History | None = None,
) -> Path:
    path.write_text(render_report(session, bank, fmt, history), encoding="utf-8")
    return path
