"""The JSON and CSV forms of a report: for spreadsheets and other tools."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict
from typing import Any

from interviewer.core.records import SessionRecord
from interviewer.views.report.model import Report


def to_json(session: SessionRecord, report: Report) -> str:
    summary = {
        "overall": report.overall,
        "averages": report.averages,
        "weakest": report.weakest,
        "practise_next": report.practise_next,
    }
    data: dict[str, Any] = {"session": session.model_dump(mode="json"), "summary": summary}
    markup = {"answer_parts", "follow_up_parts"}  # how the text is highlighted, not data
    data["questions"] = [
        {k: v for k, v in asdict(q).items() if k not in markup} for q in report.questions
    ]
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def to_csv(report: Report) -> str:
    """One row per question x dimension (STAR parts, then key themes), then a row per
    dimension each coach scored or commented on."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["session", "question_id", "dimension", "kind", "score", "meaning",
                     "evidence", "overall"])  # fmt: skip
    for q in report.questions:
        for kind, rows in (("star", q.rows), ("theme", q.themes)):
            for row in rows:
                writer.writerow([report.session_id, q.question_id, row.id, kind, row.score,
                                 row.meaning, " | ".join(row.evidence), q.overall])  # fmt: skip
        for review in q.reviews:  # a coach's rows: kind "coach: NAME", the comment as evidence
            for r in review.rows:
                writer.writerow([report.session_id, q.question_id, r.id,
                                 f"coach: {review.reviewer}", "" if r.coach is None else r.coach,
                                 "", r.comment, q.overall])  # fmt: skip
    return buffer.getvalue()
