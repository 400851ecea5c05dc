"""Reports read like feedback: checked by parsing the HTML, not by matching it whole."""

from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from interviewer.core.bank import get_bank
from interviewer.core.rubric import STAR_DIMENSIONS, build_rubric
from interviewer.engine.store import Store
from interviewer.grading.coach import same_probe
from interviewer.grading.offline import OfflineGrader
from interviewer.views.report import render_report
from interviewer.views.report.model import build_report
from interviewer.views.report.render import _md_escape, render_body
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


class Runs(HTMLParser):
    """The evidence runs of a report: parts, tag letters, mark class and title, and text."""

    def __init__(self) -> None:
        super().__init__()
        self.runs: list[dict] = []
        self.open = False  # inside a run: from its <span class="evidence"> to its </mark>
        self.where: str | None = None  # "tag" or "mark" while inside one

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if tag == "span" and "evidence" in classes:
            self.runs.append({"parts": a["data-parts"].split(), "tags": [], "text": "",
                              "mark": None, "title": None})  # fmt: skip
            self.open = True
        elif self.open and tag == "span" and "tag" in classes:
            self.runs[-1]["tags"].append(classes)
            self.where = "tag"
        elif self.open and tag == "mark":
            self.runs[-1].update(mark=classes, title=a.get("title"))
            self.where = "mark"

    def handle_endtag(self, tag):
        self.where = None
        if tag == "mark":
            self.open = False

    def handle_data(self, data):
        if self.where == "tag":
            self.runs[-1]["tags"][-1] = (self.runs[-1]["tags"][-1], data)
        elif self.where == "mark":
            self.runs[-1]["text"] += data


def evidence_runs(html: str) -> list[dict]:
    runs = Runs()
    runs.feed(html)
    return runs.runs


INK = "#1d2330"  # the report's text colour


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two #rrggbb colours."""

    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def part_colours(css: str) -> dict[str, tuple[str, str, str]]:
    """Per STAR part: (tint behind the text, solid underline, solid tag background)."""
    out = {}
    for dim in STAR_DIMENSIONS:
        mark = re.search(rf"\.part-{dim} \{{ background: (#[0-9a-f]{{6}}); border-color: "
                         rf"(#[0-9a-f]{{6}}); \}}", css)  # fmt: skip
        tag = re.search(rf"\.tag-{dim} \{{ background: (#[0-9a-f]{{6}}); \}}", css)
        assert mark and tag, f"no colour for {dim}"
        out[dim] = (mark.group(1), mark.group(2), tag.group(1))
    return out


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "s.sqlite3"


class TestHtml:
    def test_sections_scorecard_and_evidence(self, db: Path):
        sid = make_session(db, {"q1": STRONG, "q2": "We tried something and it failed."},
                           follow_up="The error rate went from 9% to 2%.")  # fmt: skip
        with Store.open(db) as store:
            session = store.get_session(sid)
        html = render_report(session, get_bank(), "html")
        page = parse(html)
        sections = [a["data-question"] for a in page.all("section") if "data-question" in a]
        assert sections == ["q1", "q2"]
        rows = [a["data-dimension"] for a in page.all("tr") if "data-dimension" in a]
        assert rows.count("situation") == 2 and rows.count("lessons_learned") == 2
        grade = session.questions()[0].grade
        assert grade is not None
        marked = "".join(run["text"] for run in evidence_runs(html))
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


FOLLOW_UP = "The error rate went from 9% to 2%."
NO_RESULT = (
    "At my last company our nightly data load kept failing. I was responsible for the "
    "pipeline. I rewrote the loader and added retries."
)


def _render(db: Path, fmt: str) -> str:
    with Store.open(db) as store:
        return render_report(store.get_session("last"), get_bank(), fmt)


class TestStarParts:
    """Each STAR part highlighted in its own colour, with a tag and a legend."""

    def test_each_quote_is_marked_with_the_part_it_is_evidence_for(self, db: Path):
        sid = make_session(db, {"q1": STRONG})
        with Store.open(db) as store:
            grade = store.get_session(sid).questions()[0].grade
        assert grade is not None
        runs = evidence_runs(_render(db, "html"))
        letters = {"situation": "S", "task": "T", "action": "A", "result": "R",
                   "quantified_results": "Q", "lessons_learned": "L"}  # fmt: skip
        for dim, dimension in grade.star().items():
            for quote in dimension.evidence:
                found = [r for r in runs if quote.strip(".") in r["text"]]
                assert found and all(dim in r["parts"] for r in found), (dim, quote)
        assert {d for r in runs for d in r["parts"]} == set(STAR_DIMENSIONS)
        for run in runs:
            # the mark's colour is its first part's; every part it shows has a visible tag
            assert run["mark"] == [f"part-{run['parts'][0]}"]
            assert [t for t, _ in run["tags"]] == [["tag", f"tag-{d}"] for d in run["parts"]]
            assert "".join(letter for _, letter in run["tags"]) == "".join(
                letters[d] for d in run["parts"]
            )
            assert run["title"].startswith("Evidence for ")  # named, not colour alone
        # no longer one colour for everything
        assert len({r["mark"][0] for r in runs}) >= 4

    def test_legend_names_every_part_and_says_which_are_not_highlighted(self, db: Path):
        make_session(db, {"q2": "We tried something and it failed."})
        html = _render(db, "html")
        start = html.index('<ul class="part-legend"')
        page = parse(html[start : html.index("</ul>", start)])
        assert len(page.all("li")) == 6
        tags = [a["class"] for a in page.all("span") if "tag" in a.get("class", "")]
        assert tags == [f"tag tag-{d}" for d in STAR_DIMENSIONS]
        text = "".join(page.text)
        for name in ("Situation", "Task", "Action", "Result", "Quantified results",
                     "Lessons learned"):  # fmt: skip
            assert name in text
        shown = {d for r in evidence_runs(html) for d in r["parts"]}
        assert text.count("(none highlighted)") == 6 - len(shown) > 0

    def test_part_colours_are_distinct_readable_and_classes_only(self, db: Path):
        make_session(db, {"q1": STRONG})
        html = _render(db, "html")
        app_css = Path(__file__).parent.parent / "interviewer" / "web" / "static" / "app.css"
        for css, ink in ((html, INK), (app_css.read_text("utf-8"), "#1b1f24")):
            colours = part_colours(css)
            assert len({tint for tint, _, _ in colours.values()}) == 6
            assert len({solid for _, solid, _ in colours.values()}) == 6
            for tint, solid, tag in colours.values():
                assert contrast(ink, tint) >= 7  # text on its highlight
                assert contrast("#ffffff", tag) >= 4.5  # the tag's white letter
                assert solid == tag  # underline and tag share the part's colour
        # the web app shows the same body under a CSP without inline styles
        with Store.open(db) as store:
            body = str(render_body(build_report(store.get_session("last"), get_bank())))
        assert "style=" not in body and "<style" not in body and "evidence" in body

    def test_markdown_tags_each_part_plainly(self, db: Path):
        make_session(db, {"q1": STRONG})
        md = _render(db, "md")
        assert "Highlights: **[S]** Situation · **[T]** Task" in md
        assert "**[A]** I compared feature distributions" in md
        assert "**[L]** I learned to put unit checks on every feed" in md


class TestFollowUps:
    def test_follow_up_answer_is_shown_once(self, db: Path):
        make_session(db, {"q2": "We tried something and it failed."}, follow_up=FOLLOW_UP)
        page = parse(_render(db, "html"))
        answer = "".join(page.by_class["answer"])
        assert "We tried something" in answer and "error rate" not in answer
        assert "".join(page.by_class["follow-ups"]).count("error rate went from 9% to 2%") == 1
        md = _render(db, "md")
        quoted = [line for line in md.splitlines() if line.startswith(">")]
        assert quoted and not any("error rate" in line for line in quoted)
        [line] = [line for line in md.splitlines() if line.startswith("- Follow-up:")]
        assert "The error rate went from 9% to 2%" in line
        data = json.loads(_render(db, "json"))
        assert data["questions"][0]["answer"] == "We tried something and it failed."
        assert data["questions"][0]["follow_ups"] == [["What changed?", FOLLOW_UP]]

    def test_suggested_follow_up_is_never_one_already_asked(self, db: Path):
        bank, grader, main = get_bank(), OfflineGrader(), "We tried something and it failed."
        question, rubric = bank.question("q2"), build_rubric(bank, "q2")
        suggested = grader.grade(question, rubric, main).follow_up
        asked = suggested.upper().replace(",", "").rstrip("?.") + " !"  # same, other form
        with Store.open(db) as store:
            sid = store.create_session(bank.id, ["q2"], "typed", "offline")
            aid = store.add_answer(sid, "q2", question.text, main)
            store.add_answer(sid, "q2", asked, "We were cross.", kind="follow_up", parent_id=aid)
            store.save_grade(aid, grader.grade(question, rubric, f"{main}\n\nWe were cross."))
            grade = store.get_session(sid).questions()[0].grade
        assert grade is not None and same_probe(grade.follow_up, asked)  # it would repeat
        html = _render(db, "html")
        probe = "".join(parse(html).by_class["probe"])
        assert probe and grade.follow_up not in probe
        next_probe = json.loads(_render(db, "json"))["questions"][0]["next_probe"]
        assert next_probe and not same_probe(next_probe, asked)
        assert next_probe in question.probes  # replaced by a bank probe, not dropped
        md = _render(db, "md")
        assert grade.follow_up not in md and _md_escape(next_probe) in md


class TestStarOrder:
    def test_each_answer_is_shown_in_star_order_with_placeholders(self, db: Path):
        make_session(db, {"q3": NO_RESULT})
        html = _render(db, "html")
        page = parse(html)
        assert "Your answer in STAR order" in page.text
        parts = [a["data-part"] for a in page.all("li") if "data-part" in a]
        assert parts == sorted(parts, key=["situation", "task", "action", "result",
                                           "lessons_learned"].index)  # fmt: skip
        placeholders = "".join(page.by_class["placeholder"])
        assert "[Result: what changed, with a number]" in placeholders
        assert "[Lessons: what you do differently since]" in placeholders
        star_order = html[html.index('<ol class="star-order">') :]
        for sentence in ("At my last company our nightly data load kept failing.",
                         "I rewrote the loader and added retries."):  # fmt: skip
            assert star_order.count(sentence) == 1
        md = _render(db, "md")
        assert "**Your answer in STAR order**" in md
        assert "\\[Result: what changed, with a number\\]" in md


def test_level_descriptions_are_shown_whole(db: Path):
    make_session(db, {"q1": STRONG, "q2": "We tried something and it failed."})
    with Store.open(db) as store:
        session = store.get_session("last")
    html, md = _render(db, "html"), _render(db, "md")
    cells = parse(html).by_class["meaning"]
    for view in session.questions():
        assert view.grade is not None
        rubric = build_rubric(get_bank(), view.question_id)
        for dim, dimension in view.grade.star().items():
            meaning = rubric.dimension(dim).levels[dimension.score]
            assert meaning in cells and _md_escape(meaning) in md
    assert not any(c.rstrip().endswith(("...", "…")) for c in cells)
