"""The start page and the history drawn from summary queries, and the history in pages.

``Store.session_summaries`` must say what ``list_sessions`` (full records) would say;
the pages must show what they showed before without loading every session.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from interviewer.engine import migrations as migrations_mod
from interviewer.engine.store import MIGRATIONS, Store
from interviewer.views.history import summarise
from interviewer.web import service
from tests.session_helpers import make_grade
from tests.web_helpers import BANK, STRONG, Browser


def _fill(store: Store) -> list[str]:
    """Sessions covering the cases a summary must count right; ids oldest first."""
    sids = []
    # graded twice (the newest grade counts), one ungraded answer, one not answered
    sid = store.create_session(BANK, ["q1", "q2", "q3"])
    a = store.add_answer(sid, "q1", "Q1?", "I fixed it.")
    store.save_grade(a, make_grade(1))
    store.save_grade(a, make_grade(4, task=2, result=5))
    store.add_answer(sid, "q2", "Q2?", "We shipped it.")
    sids.append(sid)
    # finished, two graded answers, a follow-up added after the grade (pending again)
    sid = store.create_session(BANK, ["q1", "q2"])
    a = store.add_answer(sid, "q1", "Q1?", "First answer.")
    store.save_grade(a, make_grade(3, situation=5))
    b = store.add_answer(sid, "q2", "Q2?", "Second answer.")
    store.save_grade(b, make_grade(2, lessons_learned=0))
    store.add_answer(sid, "q1", "Why?", "Because.", kind="follow_up", parent_id=a, slot=0)
    store.finish_session(sid)
    sids.append(sid)
    # a failed grade, an untranscribed recording, and an old duplicate kept as 'extra'
    sid = store.create_session(BANK, ["q1", "q2", "q3", "q4"], mode="voice")
    a = store.add_answer(sid, "q1", "Q1?", "An answer the grader choked on.")
    store.mark_failed(a, "server unreachable")
    store.add_answer(sid, "q2", "Q2?", "", status="untranscribed", audio_path="a.webm")
    store.add_answer(sid, "q1", "Q1?", "A duplicate from before m002.", kind="extra")
    sids.append(sid)
    # finished and empty; then one fully graded with its follow-up covered
    sid = store.create_session(BANK, ["q5"])
    store.finish_session(sid)
    sids.append(sid)
    sid = store.create_session(BANK, ["q3"], grader="llm")
    a = store.add_answer(sid, "q3", "Q3?", "Answer.")
    store.add_answer(sid, "q3", "More?", "More.", kind="follow_up", parent_id=a, slot=0)
    store.save_grade(a, make_grade(5))
    store.finish_session(sid)
    sids.append(sid)
    return sids


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store.open(tmp_path / "h.sqlite3")
    yield s
    s.close()


def test_summary_rows_agree_with_the_full_records(store: Store) -> None:
    sids = _fill(store)
    rows = store.session_summaries()
    assert [r.id for r in rows] == sids[::-1]  # newest first
    full = {s.id: s for s in store.list_sessions()}
    for row in rows:
        s = full[row.id]
        summary = summarise(s)
        assert (row.bank_id, row.mode, row.grader) == (s.bank_id, s.mode, s.grader)
        assert (row.started_at, row.finished_at) == (s.started_at, s.finished_at)
        assert row.finished is s.finished
        assert row.planned == len(s.question_ids)
        assert row.answered == len([a for a in s.answers if a.kind == "answer"])
        assert row.graded == summary.graded
        assert row.pending == len(s.pending())
        if summary.overall is None:
            assert row.overall is None and row.averages == {}
        else:
            assert row.overall == pytest.approx(summary.overall)
            assert row.averages == pytest.approx(summary.averages)
    first, second, third = (next(r for r in rows if r.id == sid) for sid in sids[:3])
    assert (first.answered, first.graded, first.pending) == (2, 1, 1)
    assert first.overall == make_grade(4, task=2, result=5).overall  # the newest grade
    assert first.averages["task"] == 2
    assert (second.graded, second.pending) == (2, 1)  # the follow-up waits for a grade
    assert (third.answered, third.graded, third.pending) == (2, 0, 2)  # 'extra' not counted


def test_summaries_page_filter_and_count(store: Store) -> None:
    sids = _fill(store)
    newest = sids[::-1]
    assert [r.id for r in store.session_summaries(limit=2)] == newest[:2]
    assert [r.id for r in store.session_summaries(limit=2, offset=2)] == newest[2:4]
    assert [r.id for r in store.session_summaries(limit=2, offset=4)] == newest[4:]
    assert store.session_summaries(limit=2, offset=10) == []
    unfinished = [sids[2], sids[0]]
    assert [r.id for r in store.session_summaries(unfinished=True)] == unfinished
    assert [r.id for r in store.session_summaries(unfinished=False)] == [
        s for s in newest if s not in unfinished
    ]
    assert store.session_ids(unfinished=True) == unfinished
    assert store.session_ids() == newest
    assert (store.count_sessions(), store.count_sessions(unfinished=True)) == (5, 2)
    assert store.count_sessions(unfinished=False) == 3
    latest = store.latest_sessions(2)
    assert [s.id for s in latest] == sids[-2:]  # oldest first, like list_sessions
    assert latest[-1].answers[0].grades  # full records: answers with grades


def test_summaries_of_an_empty_store(store: Store) -> None:
    assert store.session_summaries() == [] and store.count_sessions() == 0
    assert store.latest_sessions(20) == [] and store.session_ids() == []


def test_the_index_migration_upgrades_an_old_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.sqlite3"
    index = [m.__name__ for m in MIGRATIONS].index("m003_sessions_by_start")
    monkeypatch.setattr(migrations_mod, "MIGRATIONS", MIGRATIONS[:index])  # from before m003
    with Store.open(path) as old:
        sids = _fill(old)
    monkeypatch.setattr(migrations_mod, "MIGRATIONS", MIGRATIONS)
    with Store.open(path) as upgraded:
        assert [r.id for r in upgraded.session_summaries()] == sids[::-1]
    db = sqlite3.connect(path)
    names = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"sessions_started", "sessions_unfinished"} <= names
    ran = [r[0] for r in db.execute("SELECT name FROM _migrations")]
    assert ran.count("m003_sessions_by_start") == 1
    db.close()


# --- the pages ---------------------------------------------------------------------------


def _stored_sessions(n: int, finish: set[int] | None = None) -> list[str]:
    """``n`` sessions in the test's database, each with one graded answer; oldest first."""
    finish = set(range(n)) if finish is None else finish
    with Store.open() as store:
        sids = []
        for i in range(n):
            sid = store.create_session(BANK, ["q1", "q2"], mode="web")
            a = store.add_answer(sid, "q1", "Q1?", f"Answer {i}.")
            store.save_grade(a, make_grade(i % 6))
            if i in finish:
                store.finish_session(sid)
            sids.append(sid)
    return sids


def _listed(page: str) -> list[str]:
    body = re.search(r"<tbody>(.*?)</tbody>", page, re.S)
    assert body, "the history has a table of sessions"
    return re.findall(r'<tr><td><a href="/sessions/([^"/]+)/report"', body.group(1))


def _pager(page: str) -> dict[str, str]:
    nav = re.search(r'<nav class="next pages" aria-label="History pages">(.*?)</nav>', page, re.S)
    if not nav:
        return {}
    return dict(re.findall(r'<a rel="(prev|next)" href="([^"]+)"', nav.group(1)))


def _no_full_loads(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: Store) -> None:
        raise AssertionError("the page loaded every session")

    monkeypatch.setattr(Store, "list_sessions", refuse)


def test_history_is_paginated_newest_first_with_links(monkeypatch: pytest.MonkeyPatch) -> None:
    per, n = service.HISTORY_PAGE, 2 * service.HISTORY_PAGE + 5
    unfinished = {n - 1 - (per + 3), n - 1 - (per + 7)}  # two on page 2 (newest first)
    sids = _stored_sessions(n, finish=set(range(n)) - unfinished)
    newest = sids[::-1]
    b = Browser()
    _no_full_loads(monkeypatch)
    first = b.get("/history")
    assert first.status_code == 200
    assert _listed(first.text) == newest[:per]
    assert _pager(first.text) == {"next": "/history?page=2"}
    assert f"Page 1 of 3, {n} sessions" in first.text
    assert f"from your latest {service.TREND_SESSIONS} sessions" in first.text
    assert "<svg" in first.text  # the chart of the latest sessions

    second = b.get("/history?page=2")
    assert _listed(second.text) == newest[per : 2 * per]
    assert _pager(second.text) == {"prev": "/history?page=1", "next": "/history?page=3"}
    continued = re.findall(r'class="continue" href="/sessions/([^"/]+)"', second.text)
    assert sorted(continued) == sorted(sids[i] for i in unfinished)

    third = b.get("/history?page=3")
    assert _listed(third.text) == newest[2 * per :] == sids[4::-1]
    assert _pager(third.text) == {"prev": "/history?page=2"}
    assert not re.findall(r'class="continue"', third.text)

    assert _listed(b.get("/history?page=99").text) == sids[4::-1]  # past the end: the last
    assert _listed(b.get("/history?page=nope").text) == newest[:per]
    assert _listed(b.get("/history?page=-2").text) == newest[:per]


def test_history_rows_show_the_summary_figures() -> None:
    sids = _stored_sessions(2)
    page = Browser().get("/history").text
    row = re.search(rf"<tr><td><a href=\"/sessions/{sids[1]}/report\">.*?</tr>", page, re.S)
    assert row
    cells = re.findall(r"<td>([^<]*)</td>", row.group(0))
    grade = make_grade(1)
    assert cells[1:4] == ["1", f"{grade.overall:.0f}", "1.0"]  # graded, overall, situation
    assert _pager(page) == {} and "Page 1 of" not in page  # one page: no pager
    assert "from your latest" not in page


def test_an_empty_history_says_so() -> None:
    page = Browser().get("/history").text
    assert "No sessions yet." in page and _pager(page) == {}


def test_home_lists_unfinished_and_finished_sessions_as_before(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    b = Browser()
    done = []
    for qid in ("q1", "q3"):  # through the app: answered, graded and finished
        sid = b.start([qid], follow_ups=0)
        b.answer(sid, qid, STRONG)
        b.post(f"/sessions/{sid}/finish")
        done.append(sid)
    done += _stored_sessions(10)
    opened = _stored_sessions(7, finish=set())
    _no_full_loads(monkeypatch)
    page = b.get("/")
    assert page.status_code == 200
    resume = re.search(r'<section aria-labelledby="resume-title">(.*?)</section>', page.text, re.S)
    assert resume
    assert re.findall(r'href="/sessions/([^"/]+)"', resume.group(1)) == opened[::-1][:5]
    assert f"({BANK}, 1 of 2 answered, started " in resume.group(1)
    assert "2 older unfinished sessions" in page.text
    finished = re.search(r'<section aria-labelledby="done-title">(.*?)</section>', page.text, re.S)
    assert finished
    listed = re.findall(r'href="/sessions/([^"/]+)/report"', finished.group(1))
    assert listed == done[::-1][:10]  # the ten latest finished, newest first


def test_home_without_sessions_lists_none() -> None:
    page = Browser().get("/").text
    assert 'aria-labelledby="resume-title"' not in page
    assert 'aria-labelledby="done-title"' not in page
    assert "Question banks" in page


def test_unfinished_ids_reads_ids_only(monkeypatch: pytest.MonkeyPatch) -> None:
    sids = _stored_sessions(4, finish={0, 2})
    b = Browser()
    _no_full_loads(monkeypatch)
    assert service.unfinished_ids(b.config) == {sids[1], sids[3]}
