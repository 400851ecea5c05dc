"""``service.practice``: the practice use cases a shell calls - start, run with its own
frontend, stop, resume with the session's own options, regrade, write the report."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from interviewer.core.bank import get_bank
from interviewer.core.errors import NotFoundError
from interviewer.core.settings import build_settings
from interviewer.service.practice import AnswerInput, Practice, Selection, StopInterview
from tests.cli_helpers import run_cli
from tests.session_helpers import FailingGrader, ListFrontend

STRONG = (
    "Last spring the nightly invoice export began dropping rows for one region. I owned the "
    "pipeline, so I diffed a good night against a bad one and traced it to a timezone cast "
    "that pushed late orders into the next day's partition. I fixed the cast, backfilled "
    "three weeks of data and added a row-count check per region. Missing invoices fell from "
    "about 240 a week to zero, and I learned to test date boundaries before trusting a join."
)
WEAK = "I looked into it and it was fine in the end."
PROBE_REPLY = "The export recovered 1,200 rows and nobody had to re-send an invoice."


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "sessions.sqlite3"


@pytest.fixture
def settings():
    return build_settings(grader="offline")


def _start(practice: Practice, ids: list[str], **how):
    bank = get_bank()
    return practice.start(bank, practice.choose(bank, Selection(ids=ids)), **how)


class TestStart:
    def test_a_run_asks_grades_and_finishes_the_session(self, settings, db) -> None:
        with Practice.open(settings, db) as practice:
            run = _start(practice, ["q1", "q3"], follow_ups=0)
            session = run.run(frontend := ListFrontend([STRONG, STRONG]))
        assert session.id == run.session_id and session.finished
        assert frontend.started_with == ["q1", "q3"] and frontend.scorecards == ["q1", "q3"]
        assert [v.grade is not None for v in session.questions()] == [True, True]
        assert session.grader == "offline" and session.mode == "typed"

    def test_the_session_records_how_it_was_started(self, settings, db) -> None:
        with Practice.open(settings, db) as practice:
            run = _start(practice, ["q2"], feedback="end", follow_ups=2, plan={"theme": "x"})
            options = practice.store.session_options(run.session_id)
        assert options == {
            "feedback": "end",
            "follow_ups": 2,
            "bank": get_bank().id,
            "plan": {"theme": "x"},
        }

    def test_a_weak_answer_gets_a_follow_up_graded_with_it(self, settings, db) -> None:
        with Practice.open(settings, db) as practice:
            session = _start(practice, ["q1"], follow_ups=1).run(ListFrontend([WEAK, PROBE_REPLY]))
        [view] = session.questions()
        assert [f.text for f in view.follow_ups] == [PROBE_REPLY]

    def test_the_choice_is_checked_against_the_bank(self, settings, db) -> None:
        with Practice.open(settings, db) as practice, pytest.raises(NotFoundError, match="q99"):
            practice.choose(get_bank(), Selection(ids=["q99"]))


class TestStopAndResume:
    def test_stopping_keeps_the_answers_and_the_session_open(self, settings, db) -> None:
        with Practice.open(settings, db) as practice:
            run = _start(practice, ["q1", "q3"], follow_ups=0)
            with pytest.raises(StopInterview):
                run.run(ListFrontend([STRONG, StopInterview(AnswerInput("half an answer"))]))
            session = practice.resumable(None)
        assert session.id == run.session_id and not session.finished
        assert [a.text for a in session.answers] == [STRONG, "half an answer"]

    def test_resume_asks_only_the_rest_with_the_stored_feedback_and_follow_ups(
        self, settings, db
    ) -> None:
        with Practice.open(settings, db) as practice:
            first = _start(practice, ["q1", "q3"], feedback="end", follow_ups=0)
            with pytest.raises(StopInterview):
                first.run(ListFrontend([STRONG, StopInterview()]))
        with Practice.open(settings, db) as practice:  # a later command
            run = practice.resume(practice.resumable(first.session_id[:-1]))
            session = run.run(frontend := ListFrontend([WEAK]))
        assert run.feedback == "end" and frontend.scorecards_at_end is True
        assert frontend.asked == [("q3", False)]  # no probe for the weak answer: 0 kept
        assert session.finished and len(session.questions()) == 2

    def test_resume_keeps_the_follow_ups_the_session_was_started_with(self, settings, db) -> None:
        with Practice.open(settings, db) as practice:
            first = _start(practice, ["q1", "q3"], follow_ups=1)
            with pytest.raises(StopInterview):
                first.run(ListFrontend([STRONG, StopInterview()]))
            session = practice.resume(practice.resumable(None)).run(
                ListFrontend([WEAK, PROBE_REPLY])
            )
        assert [f.text for f in session.questions()[1].follow_ups] == [PROBE_REPLY]

    def test_nothing_to_resume_is_refused(self, settings, db) -> None:
        with Practice.open(settings, db) as practice:
            with pytest.raises(NotFoundError, match="no unfinished session"):
                practice.resumable(None)
            sid = _start(practice, ["q1"], follow_ups=0).run(ListFrontend([STRONG])).id
            with pytest.raises(NotFoundError, match="already finished and fully graded"):
                practice.resumable(sid)


class TestRegrade:
    def test_answers_that_failed_are_graded_later(self, settings, db) -> None:
        with Practice.open(settings, db, grader=FailingGrader("server unreachable")) as practice:
            session = _start(practice, ["q1", "q3"], follow_ups=0).run(ListFrontend([STRONG, WEAK]))
        assert len(session.pending()) == 2
        with Practice.open(settings, db) as practice:
            assert practice.resumable(None).id == session.id  # finished, but work is pending
            done = practice.regrade(session.id)
            again = practice.regrade(session.id)
            record = practice.store.get_session(session.id)
        assert [g.question_id for g in done.graded] == ["q1", "q3"]
        assert done.failed == 0 and done.transcribed is None
        assert [g.overall for g in done.graded] == [v.grade.overall for v in record.questions()]
        assert again.graded == []  # nothing pending any more
        assert not record.pending()

    def test_a_failure_is_reported_per_answer_and_keeps_the_answer(self, settings, db) -> None:
        with Practice.open(settings, db) as practice:
            sid = _start(practice, ["q1"], follow_ups=0).run(ListFrontend([STRONG])).id
        with Practice.open(settings, db, grader=FailingGrader("rate limited")) as practice:
            done = practice.regrade("last", everything=True)
            record = practice.store.get_session(sid)
        assert done.failed == 1 and done.graded[0].error == "rate limited"
        assert record.answers[0].text == STRONG
        assert record.questions()[0].grade is not None  # the old grade is still shown


class TestReport:
    def test_the_file_is_what_the_report_command_prints(self, settings, db) -> None:
        pytest.importorskip("interviewer.views.report")
        with Practice.open(settings, db) as practice:
            _start(practice, ["q1"], follow_ups=0).run(ListFrontend([WEAK]))
            sid = _start(practice, ["q3"], follow_ups=0).run(ListFrontend([STRONG])).id
            path = practice.write_report(sid, "html")
        assert path == db.parent / "reports" / f"{sid}.html"
        printed = run_cli("report", sid, "--format", "html", "--db", str(db))
        assert printed.exit_code == 0, printed.output
        assert path.read_text(encoding="utf-8") == printed.stdout
        assert "Overall score over sessions" in printed.stdout  # the trend of both sessions

    def test_practice_writes_the_same_report_as_the_report_command(
        self, settings, tmp_path, db
    ) -> None:
        pytest.importorskip("interviewer.views.report")
        answers = tmp_path / "answers.yaml"
        answers.write_text(yaml.safe_dump({"q1": WEAK, "q3": STRONG}))
        for _ in range(2):
            result = run_cli(
                "practice", "--answers", str(answers), "--follow-ups", "0",
                "--grader", "offline", "--report", "json", "--db", str(db),
            )  # fmt: skip
            assert result.exit_code == 0, result.output
        with Practice.open(settings, db) as practice:
            sid = practice.store.get_session("last").id
        written = db.parent / "reports" / f"{sid}.json"
        assert f"Report: {written}" in result.output.replace("\n", "")
        printed = run_cli("report", sid, "--format", "json", "--db", str(db))
        assert written.read_text(encoding="utf-8") == printed.stdout


@pytest.mark.skipif(not shutil.which("espeak-ng"), reason="espeak-ng not installed")
def test_regrade_transcribes_a_saved_recording_first(tmp_path, db, monkeypatch, httpx2_mock):
    from tests.llm_helpers import BASE_URL, FAKE_KEY

    monkeypatch.setenv("OPENAI_API_KEY", FAKE_KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", BASE_URL)
    monkeypatch.setenv("INTERVIEWER_MAX_RETRIES", "0")
    recording = tmp_path / "q1.wav"
    subprocess.run(["espeak-ng", "-w", str(recording), STRONG], check=True)
    route = httpx2_mock.post(f"{BASE_URL}/audio/transcriptions").respond(200, json={"text": STRONG})
    settings = build_settings(grader="offline")
    heard_later = AnswerInput("", audio_path=str(recording), status="untranscribed")
    with Practice.open(settings, db) as practice:
        session = _start(practice, ["q1"], follow_ups=0).run(ListFrontend([heard_later]))
        assert [a.status for a in session.answers] == ["untranscribed"]
        done = practice.regrade(session.id)
        [view] = practice.store.get_session(session.id).questions()
    assert route.call_count == 1 and done.transcribed == 1
    assert [g.question_id for g in done.graded] == ["q1"] and done.failed == 0
    assert view.answer.text == STRONG and view.grade is not None
