"""Reports read like feedback: checked by parsing the HTML, not by matching it whole."""

from __future__ import annotations

import csv
import io
import json
from html.parser import HTMLParser
from pathlib import Path

import pytest

from interviewer.core.bank import get_bank
from interviewer.core.rubric import build_rubric
from interviewer.engine.store import Store
from interviewer.grading.offline import OfflineGrader
from interviewer.views.report import render_report
from tests.cli_helpers import run_cli

STRONG = (
    "Last year our fraud model's precision fell from 92% to 70% overnight. I was on call, so "
    "I had to find the cause before the Friday release. I compared feature distributions "
    "before and after the drop and found a currency field that had switched units, so I "
    "added a unit check and backfilled two days. Precision recovered to 91% within a day and "
    "we avoided $30,000 of manual reviews. I learned to put unit checks on every feed."
)
XSS = 'We shipped it. <script>alert("x")</script> <img src=x onerror=alert(1)>'


def make_session(db: Path, answers: dict[str, str], follow_up: str | None = None) -> str:
    bank = get_bank()
    grader = OfflineGrader()
    with Store.open(db) as store:
        sid = store.create_session(bank.id, list(answers), "typed", "offline")
        for qid, text in answers.items():
            aid = store.add_answer(sid, qid, bank.question(qid).text, text)
            full = text
            if follow_up:
                store.add_answer(sid, qid, "What changed?", follow_up, kind="follow_up",
                                 parent_id=aid)  # fmt: skip
                full = f"{text}\n\n{follow_up}"
            q = bank.question(qid)
            store.save_grade(aid, grader.grade(q, build_rubric(bank, qid), full))
        store.finish_session(sid)
    return sid


class Page(HTMLParser):
    """Collects what a reader (or a browser) would see and run."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.stack: list[str] = []
        self.by_class: dict[str, list[str]] = {}

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self.stack.append(dict(attrs).get("class") or tag)

    def handle_endtag(self, tag):
        if self.stack:
            self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)
        for cls in self.stack:
            self.by_class.setdefault(cls, []).append(data)

    def all(self, tag: str) -> list[dict]:
        return [a for t, a in self.tags if t == tag]


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    return page


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "s.sqlite3"


class TestHtml:
    def test_sections_scorecard_and_evidence(self, db: Path):
        sid = make_session(db, {"q1": STRONG, "q2": "We tried something and it failed."},
                           follow_up="The error rate went from 9% to 2%.")  # fmt: skip
        with Store.open(db) as store:
            session = store.get_session(sid)
        page = parse(render_report(session, get_bank(), "html"))
        sections = [a["data-question"] for a in page.all("section") if "data-question" in a]
        assert sections == ["q1", "q2"]
        rows = [a["data-dimension"] for a in page.all("tr") if "data-dimension" in a]
        assert rows.count("situation") == 2 and rows.count("lessons_learned") == 2
        grade = session.questions()[0].grade
        assert grade is not None
        marked = "".join(page.by_class.get("mark", []))
        assert grade.result.evidence[0].strip(".") in marked
        meaning = build_rubric(get_bank(), "q1").dimension("action").levels[grade.action.score]
        assert meaning in page.by_class["meaning"]
        assert "The error rate went from 9% to 2%." in "".join(page.text)  # follow-up shown
        weakest = "".join(page.by_class["weakest"])
        assert weakest in {"Situation", "Task", "Action", "Result", "Quantified results",
                           "Lessons learned"}  # fmt: skip

    def test_self_contained_and_printable(self, db: Path):
        sid = make_session(db, {"q1": STRONG})
        with Store.open(db) as store:
            html = render_report(store.get_session(sid), get_bank(), "html")
        page = parse(html)
        assert not page.all("script") and not page.all("link")
        assert page.all("svg"), "charts are inline SVG"
        for tag, attrs in page.tags:
            for value in attrs.values():
                assert not str(value or "").startswith(("http://", "https://")), (tag, attrs)
        viewport = [a for a in page.all("meta") if a.get("name") == "viewport"]
        assert viewport and "@media print" in html

    def test_candidate_text_is_escaped(self, db: Path):
        sid = make_session(db, {"q1": XSS})
        with Store.open(db) as store:
            html = render_report(store.get_session(sid), get_bank(), "html")
        page = parse(html)
        assert not page.all("script") and not page.all("img")
        assert '<script>alert("x")</script>' in "".join(page.text)


class TestOtherFormats:
    def test_markdown(self, db: Path):
        sid = make_session(db, {"q1": STRONG})
        result = run_cli("report", sid, "--format", "md", "--db", str(db))
        assert result.exit_code == 0, result.output
        md = result.stdout
        assert "## q1: Tell me about a time you debugged" in md
        assert "| Action |" in md and "Practise next:" in md
        assert "**Metrics found:**" in md and "92%" in md

    def test_markdown_escapes_html(self, db: Path):
        sid = make_session(db, {"q1": XSS})
        md = run_cli("report", sid, "-f", "md", "--db", str(db)).stdout
        assert "<script>" not in md

    def test_json_and_csv(self, db: Path, tmp_path: Path):
        sid = make_session(db, {"q1": STRONG, "q3": STRONG})
        out = tmp_path / "r.json"
        assert (
            run_cli("report", "last", "-f", "json", "-o", str(out), "--db", str(db)).exit_code == 0
        )
        data = json.loads(out.read_text())
        assert data["session"]["id"] == sid
        assert data["summary"]["weakest"] in data["summary"]["averages"]
        assert [q["question_id"] for q in data["questions"]] == ["q1", "q3"]
        text = run_cli("report", sid, "-f", "csv", "--db", str(db)).stdout
        rows = list(csv.DictReader(io.StringIO(text)))
        star = [r for r in rows if r["kind"] == "star"]
        assert len(star) == 12 and {r["question_id"] for r in star} == {"q1", "q3"}

    def test_unknown_format_and_session(self, db: Path):
        make_session(db, {"q1": STRONG})
        assert run_cli("report", "last", "-f", "pdf", "--db", str(db)).exit_code == 2
        result = run_cli("report", "nope", "--db", str(db))
        assert result.exit_code == 2 and "no session 'nope'" in result.stderr
