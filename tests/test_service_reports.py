"""The reading use cases: one report and one bank lookup for the CLI and the web app."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from interviewer.cli import app
from interviewer.core.bank import get_bank
from interviewer.core.errors import NotFoundError
from interviewer.core.resources import rubrics_dir
from interviewer.engine.store import Store
from interviewer.service.banks import session_bank
from interviewer.service.reports import history, report_inputs, session_report
from interviewer.web.app import WebConfig
from interviewer.web.service import report_download
from tests.session_helpers import make_grade

BANK = "ml-problem-solving"


def _sessions(store: Store, scores: list[int], bank: str = BANK) -> list[str]:
    """Finished sessions, one graded answer each, oldest first."""
    sids = []
    for score in scores:
        sid = store.create_session(bank, ["q1", "q2"], mode="typed")
        answer = store.add_answer(sid, "q1", "Q1?", f"My answer scored {score}.")
        store.save_grade(answer, make_grade(score))
        store.finish_session(sid)
        sids.append(sid)
    return sids


class TestOneReport:
    def test_the_cli_and_the_web_download_are_the_same_report(self):
        with Store.open() as store:
            sids = _sessions(store, [2, 3, 4])
        web = report_download(WebConfig(), sids[1])
        cli = CliRunner().invoke(app, ["report", sids[1], "--format", "html"])
        assert cli.exit_code == 0, cli.output
        assert cli.stdout == web
        assert "My answer scored 3." in web

    def test_the_trend_goes_up_to_the_session_and_no_further(self):
        with Store.open() as store:
            sids = _sessions(store, [1, 3, 5])
            got = report_inputs(store, sids[1], None)
        assert [label.split()[-1] for label, _ in got.history.points] == sids[:2]
        assert got.session.id == sids[1] and got.bank.id == BANK

    def test_last_is_the_newest_session(self):
        with Store.open() as store:
            sids = _sessions(store, [2, 4])
            session, text = session_report(store, "last", "md", None)
        assert session.id == sids[-1] and "My answer scored 4." in text


class TestTheBankOfASession:
    def test_a_session_started_from_a_bank_file_finds_it_from_the_cli_only(self, tmp_path: Path):
        path = tmp_path / "mine.yaml"
        text = (rubrics_dir() / f"{BANK}.yaml").read_text("utf-8")
        path.write_text(text.replace(f"id: {BANK}", "id: my-bank", 1), "utf-8")
        with Store.open() as store:
            sid = store.create_session("my-bank", ["q1"], mode="typed", options={"bank": str(path)})
            session = store.get_session(sid)
            assert session_bank(store, session, None, paths=True).id == "my-bank"
            # the web app never opens a path a session names: an id it does not know
            with pytest.raises(NotFoundError, match="no bank 'my-bank'"):
                session_bank(store, session, None)

    def test_a_session_with_its_own_copy_uses_the_copy(self):
        own = get_bank(BANK).model_dump(mode="json")
        own["id"] = "debrief"
        own["questions"][0]["text"] = "What went wrong in the real interview?"
        with Store.open() as store:
            sid = store.create_session("debrief", ["q1"], mode="debrief", options={"bank": own})
            found = session_bank(store, store.get_session(sid), None)
        assert found.question("q1").text == "What went wrong in the real interview?"

    def test_an_unknown_bank_is_a_clear_not_found(self):
        with Store.open() as store:
            sid = store.create_session("no-such-bank", ["q1"], mode="typed")
            with pytest.raises(NotFoundError, match="no bank 'no-such-bank'"):
                session_bank(store, store.get_session(sid), None)


def test_history_lists_every_session_oldest_first_without_a_plan():
    with Store.open() as store:
        sids = _sessions(store, [2, 3])
        sessions, progress = history(store)
    assert [s.id for s in sessions] == sids and progress is None
