"""``interviewer practice``, ``resume`` and ``regrade`` as a user runs them, offline."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pexpect
import pytest
import yaml

from interviewer.engine.store import Store
from tests.cli_helpers import run_cli

ANSWER_Q1 = (
    "Last spring our churn model started flagging twice as many customers on Mondays. "
    "I owned the model, so my task was to find the cause before the weekly retention review. "
    "I compared the feature distributions for Monday and Friday traffic and found that a "
    "session-count feature was computed over a window that swallowed the weekend. I split "
    "weekday and weekend counts into two features and replayed a month of traffic to "
    "validate it. As a result false alarms fell from 400 a week to 60 and the retention "
    "team got back about 10 hours a week. I learned to check feature windows first."
)
WEAK = "We fixed it."


def _typed(*answers: str) -> str:
    """Keyboard input: each answer followed by two empty lines, which finish it."""
    return "".join(f"{a}\n\n\n" for a in answers)


def _db(tmp_path: Path) -> Path:
    return tmp_path / "s.sqlite3"


class TestTypedPractice:
    def test_one_question_is_saved_graded_and_summarised(self, tmp_path: Path):
        db = _db(tmp_path)
        result = run_cli(
            "practice", "--questions", "q1", "--follow-ups", "0", "--db", str(db),
            input=_typed(ANSWER_Q1),
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        assert "Question 1 of 1 (q1)" in result.output
        assert "Scorecard q1" in result.output
        assert "offline grader" in result.stderr
        assert "\x1b[" not in result.output  # not a terminal: plain text, no colour codes
        assert re.search(r"Situation +[#.]{5} \d/5", result.output)
        with Store.open(db) as store:
            session = store.get_session("last")
        assert session.finished
        [view] = session.questions()
        assert view.answer.text == ANSWER_Q1
        assert view.grade is not None and view.grade.meta.grader == "offline"

    def test_weak_answer_gets_a_follow_up_graded_with_it(self, tmp_path: Path):
        db = _db(tmp_path)
        follow = "The error rate fell from 9% to 2% after my change."
        result = run_cli(
            "practice", "--questions", "q2", "--db", str(db), input=_typed(WEAK, follow)
        )
        assert result.exit_code == 0, result.output
        assert "Follow-up:" in result.output
        with Store.open(db) as store:
            [view] = store.get_session("last").questions()
        assert [f.text for f in view.follow_ups] == [follow]
        assert view.grade is not None and view.grade.quantified_results.score >= 1

    def test_feedback_end_shows_scorecards_only_after_the_last_question(self, tmp_path: Path):
        result = run_cli(
            "practice", "--questions", "q1,q3", "--feedback", "end", "--follow-ups", "0",
            "--db", str(_db(tmp_path)), input=_typed(ANSWER_Q1, ANSWER_Q1),
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        out = result.output
        assert out.index("Question 2 of 2") < out.index("Scorecard q1")

    def test_quit_keeps_what_was_typed_and_says_how_to_resume(self, tmp_path: Path):
        db = _db(tmp_path)
        result = run_cli(
            "practice", "--questions", "q1,q3", "--follow-ups", "0", "--db", str(db),
            input=_typed(ANSWER_Q1) + "/quit\n",
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        assert "interviewer resume" in result.output
        with Store.open(db) as store:
            session = store.get_session("last")
        assert not session.finished
        assert session.unanswered() == ["q3"]

    def test_unknown_question_is_one_clear_line(self, tmp_path: Path):
        result = run_cli("practice", "--questions", "q99", "--db", str(_db(tmp_path)))
        assert result.exit_code == 2
        assert "no question 'q99'" in result.stderr
        assert "Traceback" not in result.output


class TestScriptedPractice:
    def test_answers_file_runs_without_a_terminal(self, tmp_path: Path):
        answers = tmp_path / "answers.yaml"
        answers.write_text(
            yaml.safe_dump({"q1": ANSWER_Q1, "q2": {"answer": WEAK, "follow_ups": ["I cut 3%."]}})
        )
        db = _db(tmp_path)
        result = run_cli("practice", "--answers", str(answers), "--db", str(db))
        assert result.exit_code == 0, result.output
        with Store.open(db) as store:
            session = store.get_session("last")
        assert session.mode == "scripted"
        views = {v.question_id: v for v in session.questions()}
        assert set(views) == {"q1", "q2"}
        assert [f.text for f in views["q2"].follow_ups] == ["I cut 3%."]

    def test_bad_answers_file_names_file_and_field(self, tmp_path: Path):
        answers = tmp_path / "answers.yaml"
        answers.write_text(yaml.safe_dump({"q42": "text"}))
        result = run_cli("practice", "--answers", str(answers), "--db", str(_db(tmp_path)))
        assert result.exit_code == 2
        assert f"{answers}: q42: bank 'ml-problem-solving' has no question 'q42'" in result.stderr

    def test_an_answers_file_with_a_bad_byte_is_one_line(self, tmp_path: Path):
        answers = tmp_path / "answers.yaml"
        answers.write_bytes(b'q1: "I fixed the caf\xe9 till"\n')  # Latin-1, not UTF-8
        result = run_cli("practice", "--answers", str(answers), "--db", str(_db(tmp_path)))
        assert result.exit_code == 2
        assert f"{answers}: line 1: not UTF-8 text (byte 0xe9 cannot be read)" in result.stderr
        assert "Traceback" not in result.stderr and not _db(tmp_path).exists()


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")}
    env["INTERVIEWER_DB"] = str(_db(tmp_path))
    env["PYTHONUNBUFFERED"] = "1"
    return env


class TestNothingIsLost:
    def test_killed_mid_session_then_resumed(self, tmp_path: Path):
        """SIGKILL after the first answer: resume asks only the rest, nothing is lost."""
        cmd = [sys.executable, "-m", "interviewer", "practice", "--questions", "q1,q3",
               "--follow-ups", "0"]  # fmt: skip
        proc = subprocess.Popen(
            cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            env=_env(tmp_path), cwd=tmp_path, text=True,
        )  # fmt: skip
        assert proc.stdin and proc.stdout
        proc.stdin.write(_typed(ANSWER_Q1))
        proc.stdin.flush()
        seen = ""
        deadline = time.monotonic() + 60
        while "Question 2 of 2" not in seen and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            seen += line
        assert "Question 2 of 2" in seen, seen
        proc.send_signal(signal.SIGKILL)
        proc.wait()

        with Store.open(_db(tmp_path)) as store:
            killed = store.get_session("last")
        assert not killed.finished
        assert [a.text for a in killed.answers] == [ANSWER_Q1]

        second = "I had a week to clean a sensor feed; I dropped impossible values and " * 3
        resumed = subprocess.run(
            [sys.executable, "-m", "interviewer", "resume"], input=_typed(second),
            capture_output=True, text=True, env=_env(tmp_path), cwd=tmp_path, timeout=120,
        )  # fmt: skip
        assert resumed.returncode == 0, resumed.stdout + resumed.stderr
        assert "Question 2 of 2 (q3)" in resumed.stdout
        assert "(q1)" not in resumed.stdout.split("Question 2 of 2")[0]
        with Store.open(_db(tmp_path)) as store:
            done = store.get_session(killed.id)
        assert done.finished
        assert [v.question_id for v in done.questions()] == ["q1", "q3"]
        assert done.questions()[0].answer.text == ANSWER_Q1
        assert all(v.grade is not None for v in done.questions())

    def test_regrade_keeps_old_grades(self, tmp_path: Path):
        db = _db(tmp_path)
        run_cli("practice", "--questions", "q1", "--follow-ups", "0", "--db", str(db),
                input=_typed(ANSWER_Q1))  # fmt: skip
        result = run_cli("regrade", "last", "--all", "--db", str(db))
        assert result.exit_code == 0, result.output
        assert "Graded 1 of 1" in result.output
        with Store.open(db) as store:
            [view] = store.get_session("last").questions()
        assert len(view.answer.grades) == 2

    def test_regrade_with_llm_and_no_key_says_what_to_set(self, tmp_path: Path):
        db = _db(tmp_path)
        run_cli("practice", "--questions", "q1", "--follow-ups", "0", "--db", str(db),
                input=_typed(ANSWER_Q1))  # fmt: skip
        result = run_cli("regrade", "last", "--grader", "llm", "--db", str(db))
        assert result.exit_code == 2
        assert "OPENAI_API_KEY" in result.stderr


class TestGradingFailure:
    def test_llm_down_keeps_answers_interview_goes_on_then_regrade(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, httpx2_mock
    ):
        from tests.llm_helpers import BASE_URL, FAKE_KEY, completion, reply_body

        monkeypatch.setenv("OPENAI_API_KEY", FAKE_KEY)
        monkeypatch.setenv("OPENAI_BASE_URL", BASE_URL)
        monkeypatch.setenv("INTERVIEWER_MAX_RETRIES", "0")
        down = httpx2_mock.post(f"{BASE_URL}/chat/completions").respond(
            401, json={"error": {"message": f"Incorrect API key provided: {FAKE_KEY}"}}
        )
        db = _db(tmp_path)
        result = run_cli(
            "practice", "--questions", "q1,q3", "--grader", "llm", "--db", str(db),
            input=_typed(ANSWER_Q1, ANSWER_Q1),
        )  # fmt: skip
        assert result.exit_code == 1, result.output  # saved, but not graded: not a success
        assert "2 answers saved but not graded" in result.stderr
        assert down.call_count == 2  # one attempt per answer, and the second was still asked
        assert "Could not grade q1" in result.output
        assert "Question 2 of 2 (q3)" in result.output
        assert FAKE_KEY not in result.output + result.stderr
        with Store.open(db) as store:
            session = store.get_session("last")
        assert [a.text for a in session.answers] == [ANSWER_Q1, ANSWER_Q1]
        assert {a.status for a in session.answers} == {"failed"}
        assert all(a.error and FAKE_KEY not in a.error for a in session.answers)
        for f in tmp_path.glob("s.sqlite3*"):  # the database and any WAL left
            assert FAKE_KEY.encode() not in f.read_bytes()

        httpx2_mock.post(f"{BASE_URL}/chat/completions").respond(200, json=completion(reply_body()))
        result = run_cli("regrade", "last", "--grader", "llm", "--db", str(db))
        # the stand-in reply names q1's themes only, so q3 fails again: exit 1
        assert "Graded 1 of 2" in result.output and result.exit_code == 1
        assert "q1" in result.output
        with Store.open(db) as store:
            views = {v.question_id: v for v in store.get_session("last").questions()}
        assert views["q1"].answer.status == "graded"
        assert views["q1"].grade is not None and views["q1"].grade.meta.grader == "llm"


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_ctrl_c_while_typing_keeps_the_partial_answer(tmp_path: Path):
    child = pexpect.spawn(
        sys.executable, ["-m", "interviewer", "practice", "--questions", "q1,q3"],
        env=_env(tmp_path), cwd=str(tmp_path), encoding="utf-8", timeout=60,
    )  # fmt: skip
    child.expect("empty line twice")
    child.sendline("I was on call when the ranking model started")
    child.sendline("returning stale results for one region.")
    for _ in range(3):  # the line prompt comes back once each line has been read
        child.expect_exact("> ")
    child.sendintr()
    child.expect("interviewer resume")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    with Store.open(_db(tmp_path)) as store:
        session = store.get_session("last")
    assert not session.finished
    [answer] = session.answers
    assert answer.text == (
        "I was on call when the ranking model started\nreturning stale results for one region."
    )
    assert session.unanswered() == ["q3"]


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_interactive_loop_in_a_real_terminal(tmp_path: Path):
    child = pexpect.spawn(
        sys.executable, ["-m", "interviewer", "practice", "--questions", "q1", "--follow-ups",
                         "0"], env=_env(tmp_path), cwd=str(tmp_path), encoding="utf-8",
        timeout=60, dimensions=(40, 120),
    )  # fmt: skip
    child.expect("Question 1 of 1")
    child.expect("empty line twice")
    for line in ANSWER_Q1.split(". "):
        child.sendline(line)
    child.sendline("")
    child.sendline("")
    child.expect("Scorecard q1")
    child.expect("Situation.*[█░]{5}")  # a terminal gets rich bars
    child.expect("/coach for a stronger version")  # offered offline too
    child.sendline("")
    child.expect("saved to")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_editor_mode_takes_the_answer_from_editor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """--editor: whatever the editor saves (minus # comment lines) is the answer."""
    fake_editor = tmp_path / "fake_editor.py"
    fake_editor.write_text(
        "import sys\n"
        "path = sys.argv[1]\n"
        "template = open(path).read()\n"
        f"open(path, 'w').write({ANSWER_Q1!r} + template)\n"
    )
    monkeypatch.setenv("EDITOR", f"{sys.executable} {fake_editor}")
    monkeypatch.delenv("VISUAL", raising=False)
    db = _db(tmp_path)
    result = run_cli(
        "practice", "--questions", "q1", "--follow-ups", "0", "--editor", "--db", str(db)
    )
    assert result.exit_code == 0, result.output
    with Store.open(db) as store:
        [answer] = store.get_session("last").answers
    assert answer.text == ANSWER_Q1  # the template's comment lines are dropped


class TestResume:
    def test_nothing_to_resume_is_one_clear_line(self, tmp_path: Path):
        result = run_cli("resume", "--db", str(_db(tmp_path)))
        assert result.exit_code == 2
        assert "no unfinished session" in result.stderr

    def test_a_finished_session_is_not_resumed(self, tmp_path: Path):
        db = _db(tmp_path)
        run_cli("practice", "--questions", "q1", "--follow-ups", "0", "--db", str(db),
                input=_typed(ANSWER_Q1))  # fmt: skip
        result = run_cli("resume", "last", "--db", str(db))
        assert result.exit_code == 2
        assert "already finished" in result.stderr

    def test_resume_by_id_prefix_keeps_flags_of_the_session(self, tmp_path: Path):
        db = _db(tmp_path)
        run_cli("practice", "--questions", "q1,q3", "--feedback", "end", "--follow-ups", "0",
                "--db", str(db), input=_typed(ANSWER_Q1) + "/quit\n")  # fmt: skip
        with Store.open(db) as store:
            sid = store.get_session("last").id
        result = run_cli("resume", sid[:-1], "--db", str(db), input=_typed(WEAK))
        assert result.exit_code == 0, result.output
        assert "Follow-up:" not in result.output  # --follow-ups 0 is remembered
        # --feedback end is remembered: both scorecards come after the last question
        assert result.output.index("(q3)") < result.output.index("Scorecard q1")
        with Store.open(db) as store:
            assert store.get_session(sid).finished


def test_a_report_is_written_at_the_end_with_the_answer_escaped(tmp_path: Path):
    pytest.importorskip("interviewer.views.report")
    from html.parser import HTMLParser

    answer = ANSWER_Q1 + " I wrote <script>alert(1)</script> in the runbook."
    db = _db(tmp_path)
    result = run_cli(
        "practice", "--questions", "q1", "--follow-ups", "0", "--db", str(db),
        input=_typed(answer),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    with Store.open(db) as store:
        sid = store.get_session("last").id
    report = tmp_path / "reports" / f"{sid}.html"
    assert f"Report: {report}" in result.output.replace("\n", "")

    class Texts(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.scripts: list[str] = []
            self.text = ""
            self._in_script = False

        def handle_starttag(self, tag, attrs):
            self._in_script = tag == "script"

        def handle_endtag(self, tag):
            self._in_script = False

        def handle_data(self, data):
            if self._in_script:
                self.scripts.append(data)
            self.text += data

    page = Texts()
    page.feed(report.read_text(encoding="utf-8"))
    assert "alert(1)" not in "".join(page.scripts)  # the candidate's text never runs
    assert "<script>alert(1)</script>" in page.text  # ...but is shown, as text
    assert "in the runbook" in page.text


def test_report_none_writes_no_report(tmp_path: Path):
    result = run_cli(
        "practice", "--questions", "q1", "--follow-ups", "0", "--report", "none",
        "--db", str(_db(tmp_path)), input=_typed(ANSWER_Q1),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Report:" not in result.output
    assert not (tmp_path / "reports").exists()


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_coach_key_shows_a_stronger_version_with_placeholders(tmp_path: Path):
    """In a terminal, /coach after a scorecard asks the LLM (a loopback stub here)."""
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    rewrite = "Situation: churn rose.\nResult: churn fell by 35% after my fix."
    body = json.dumps({
        "id": "c", "object": "chat.completion", "created": 0, "model": "m",
        "choices": [{"index": 0, "finish_reason": "stop",
                     "message": {"role": "assistant", "content": rewrite}}],
    }).encode()  # fmt: skip

    class Stub(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers["content-length"]))
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Stub)
    # polled every 0.05 s, not 0.5 s: shutdown() below waits for the next poll
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    env = _env(tmp_path) | {
        "OPENAI_BASE_URL": f"http://127.0.0.1:{server.server_address[1]}/v1",
        "INTERVIEWER_MAX_RETRIES": "0",
    }
    try:
        child = pexpect.spawn(
            sys.executable, ["-m", "interviewer", "practice", "--questions", "q1",
                             "--follow-ups", "0", "--grader", "offline", "--report", "none"],
            env=env, cwd=str(tmp_path), encoding="utf-8", timeout=60, dimensions=(40, 120),
        )  # fmt: skip
        child.expect("empty line twice")
        child.sendline("We had churn and I fixed it, it got better.")
        child.sendline("")
        child.sendline("")
        child.expect("/coach for a stronger version")
        child.sendline("/coach")
        child.expect("A stronger version")
        child.expect(r"churn fell by \[X%\]")
        child.expect(pexpect.EOF)
    finally:
        server.shutdown()


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_coach_key_without_an_llm_shows_the_answer_in_star_order(tmp_path: Path):
    """Offline, /coach shows the candidate's own sentences in STAR order with placeholders."""
    child = pexpect.spawn(
        sys.executable, ["-m", "interviewer", "practice", "--questions", "q1",
                         "--follow-ups", "0", "--report", "none"],
        env=_env(tmp_path), cwd=str(tmp_path), encoding="utf-8", timeout=60,
        dimensions=(40, 120),
    )  # fmt: skip
    child.expect("empty line twice")
    child.sendline("Our churn model got worse. I retrained it on fresh data.")
    child.sendline("")
    child.sendline("")
    child.expect("/coach for a stronger version")
    child.sendline("/coach")
    child.expect(r"I retrained it on fresh data")
    child.expect(r"\[Lessons: what you do differently since\]")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
