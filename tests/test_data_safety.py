"""Nothing typed is ever lost, nothing secret is ever printed: the CLI under kills, bad
bytes, failing servers and oversized answers, run as a user runs it."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest
import respx

from interviewer.core.redaction import redact, remember, safe_url
from interviewer.engine.store import Store
from tests.cli_helpers import run_cli
from tests.llm_helpers import BASE_URL, completion, reply_body

ANSWER = (
    "At the food bank I volunteer with, Saturday queues had grown to two hours. As shift "
    "lead my task was to shorten them before winter. I timed each station for three "
    "weekends, moved registration to a pre-filled card and added a second packing line. "
    "The wait fell from 120 to 35 minutes and we served 40 more families a week. Since "
    "then I time a process before changing it."
)
FOLLOW_UP = "The wait stayed under 40 minutes for the rest of the winter."
SECRET_KEY = "sk-proj-ABCDEFGHIJKLMNOPQRSTUVWX0123456789"


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "INTERVIEWER_"))}
    env |= {"INTERVIEWER_DB": str(tmp_path / "s.sqlite3"), "PYTHONUNBUFFERED": "1", **extra}
    return env


def _answers_in_db(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [r[0] for r in conn.execute("SELECT text FROM answers ORDER BY id")]


def _write_answers(path: Path) -> Path:
    path.write_text(json.dumps({"q1": ANSWER}), encoding="utf-8")  # JSON is valid YAML
    return path


class TestSavedMeansCommitted:
    """SIGKILL the instant "Saved." appears: the answer must already be in the database."""

    @pytest.mark.parametrize("attempt", range(4))
    def test_scripted_answers(self, tmp_path: Path, attempt: int) -> None:
        answers = _write_answers(tmp_path / "answers.yaml")
        cmd = [sys.executable, "-m", "interviewer", "practice", "--answers", str(answers),
               "--follow-ups", "0", "--report", "none"]  # fmt: skip
        proc = subprocess.Popen(cmd, env=_env(tmp_path), cwd=tmp_path, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, text=True)  # fmt: skip
        assert proc.stdout is not None
        for line in proc.stdout:
            if "Saved." in line:
                proc.send_signal(signal.SIGKILL)
                break
        proc.wait(timeout=30)
        assert proc.returncode == -signal.SIGKILL
        assert _answers_in_db(tmp_path / "s.sqlite3") == [ANSWER]

    @pytest.mark.parametrize("attempt", range(3))
    def test_typed_in_a_terminal(self, tmp_path: Path, attempt: int) -> None:
        child = pexpect.spawn(
            sys.executable, ["-m", "interviewer", "practice", "--questions", "q1",
                             "--follow-ups", "0", "--report", "none"],
            env=_env(tmp_path), cwd=str(tmp_path), encoding="utf-8", timeout=60,
        )  # fmt: skip
        child.expect("empty line twice")
        child.sendline(ANSWER)
        child.sendline("")
        child.sendline("")
        child.expect("Saved.")
        child.kill(signal.SIGKILL)
        child.close(force=True)
        assert _answers_in_db(tmp_path / "s.sqlite3") == [ANSWER]


class TestPendingWork:
    def _graded_then_follow_up(self, db: Path) -> str:
        """The state a kill during the combined grading leaves: a graded main answer and a
        follow-up saved after that grade."""
        from interviewer.core.bank import get_bank
        from interviewer.engine.session import AnswerInput, Interview
        from interviewer.grading.offline import OfflineGrader

        with Store.open(db) as store:
            engine = Interview.start(store, get_bank(), ["q1", "q2"], OfflineGrader())
            aid = engine.submit_answer("q1", AnswerInput(ANSWER))
            engine.grade(aid)
            engine.submit_follow_up(aid, "What number changed?", AnswerInput(FOLLOW_UP))
            return engine.session_id

    def test_regrade_last_grades_a_follow_up_saved_after_the_grade(self, tmp_path: Path):
        db = tmp_path / "s.sqlite3"
        sid = self._graded_then_follow_up(db)
        result = run_cli("regrade", "last", "--db", str(db))
        assert result.exit_code == 0, result.output
        assert "Graded 1 of 1" in result.output
        with Store.open(db) as store:
            session = store.get_session(sid)
        [view] = session.questions()
        assert len(view.answer.grades) == 2 and not session.pending()
        assert {a.status for a in session.answers} == {"graded"}

    def test_resume_grades_it_too(self, tmp_path: Path):
        db = tmp_path / "s.sqlite3"
        sid = self._graded_then_follow_up(db)
        with Store.open(db) as store:
            store.finish_session(sid)  # even a finished session with pending work
        result = run_cli("resume", "--db", str(db))
        assert result.exit_code == 0, result.output
        assert "not graded yet" in result.output
        with Store.open(db) as store:
            assert not store.get_session(sid).pending()
        again = run_cli("resume", "--db", str(db))
        assert again.exit_code == 2 and "no unfinished session" in again.stderr

    def test_practice_where_nothing_could_be_graded_exits_1_and_resume_grades(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ):
        monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")  # nothing listens
        monkeypatch.setenv("INTERVIEWER_MAX_RETRIES", "0")
        db = tmp_path / "s.sqlite3"
        answers = _write_answers(tmp_path / "a.yaml")
        result = run_cli("practice", "--answers", str(answers), "--grader", "llm",
                         "--db", str(db), "--report", "none")  # fmt: skip
        assert result.exit_code == 1, result.output
        assert "interviewer resume" in result.stderr
        monkeypatch.delenv("OPENAI_BASE_URL")
        result = run_cli("resume", "--db", str(db), "--grader", "offline")
        assert result.exit_code == 0, result.output
        with Store.open(db) as store:
            [view] = store.get_session("last").questions()
        assert view.grade is not None and view.answer.text == ANSWER


def _jsonl(path: Path, *lines: bytes) -> Path:
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def _row(rid: str, answer: str = ANSWER, qid: str = "q1") -> bytes:
    record = {"id": rid, "question_id": qid, "answer": answer}
    return json.dumps(record, ensure_ascii=False).encode()


def _out(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text("utf-8").splitlines()]


class TestInputFiles:
    def test_a_bad_byte_spoils_its_row_only_in_jsonl(self, tmp_path: Path):
        latin1 = _row("b", "Caf\u00e9 staff").decode().encode("latin-1")
        src = _jsonl(tmp_path / "in.jsonl", _row("a"), latin1, _row("c")[:-2] + b'\xff"}')
        out = tmp_path / "out.jsonl"
        result = run_cli("grade", str(src), "-o", str(out), "--quiet")
        assert result.exit_code == 1
        assert "Traceback" not in result.output
        assert f"{src}:2: the line is not valid UTF-8 (byte 0xe9" in result.stderr
        assert f"{src}:3: the line is not valid UTF-8 (byte 0xff" in result.stderr
        assert [r["id"] for r in _out(out) if "grade" in r] == ["a"]

    def test_a_bad_byte_in_a_multi_line_csv_record(self, tmp_path: Path):
        src = tmp_path / "in.csv"
        src.write_bytes(
            b'id,question_id,answer\na,q1,"' + ANSWER.encode() + b'\nsecond line"\n'
            b'b,q1,"caf\xe9\nmore"\nc,q2,' + ANSWER.replace(",", "").encode() + b"\n"
        )
        out = tmp_path / "out.jsonl"
        result = run_cli("grade", str(src), "-o", str(out), "--quiet")
        assert result.exit_code == 1
        assert f"{src}:4: the line is not valid UTF-8" in result.stderr
        assert sorted(r["id"] for r in _out(out) if "grade" in r) == ["a", "c"]

    def test_utf16_and_binary_files_are_errors_not_tracebacks(self, tmp_path: Path):
        text = _row("a").decode() + "\n"
        bomless = tmp_path / "u16.jsonl"
        bomless.write_bytes(text.encode("utf-16-le"))
        with_bom = tmp_path / "bom.jsonl"
        with_bom.write_bytes(text.encode("utf-16"))
        binary = tmp_path / "bin.jsonl"
        binary.write_bytes(bytes(range(256)) * 4)
        r1 = run_cli("grade", str(bomless), "-o", str(tmp_path / "1.jsonl"), "--quiet")
        assert r1.exit_code == 1 and "NUL bytes" in r1.stderr and f"{bomless}:1:" in r1.stderr
        r2 = run_cli("grade", str(with_bom), "-o", str(tmp_path / "2.jsonl"), "--quiet")
        assert r2.exit_code == 2 and "UTF-16: save it as UTF-8" in r2.stderr
        r3 = run_cli("grade", str(binary), "-o", str(tmp_path / "3.jsonl"), "--quiet")
        assert r3.exit_code == 1 and "Traceback" not in r3.output

    def test_unknown_extension_is_refused_unless_format_given(self, tmp_path: Path):
        src = tmp_path / "answers.txt"
        src.write_text("id,question_id,answer\na,q1," + ANSWER.replace(",", "") + "\n")
        refused = run_cli("grade", str(src))
        assert refused.exit_code == 2
        assert "--format jsonl|csv" in refused.stderr and str(src) in refused.stderr
        assert not (tmp_path / "answers.grades.jsonl").exists()
        ok = run_cli("grade", str(src), "--format", "csv", "--quiet")
        assert ok.exit_code == 0, ok.output

    def test_row_errors_say_what_is_wrong_in_words(self, tmp_path: Path):
        src = _jsonl(tmp_path / "in.jsonl", _row("a"), b'"Tell me about a time..."', b"42")
        result = run_cli("grade", str(src), "-o", str(tmp_path / "o.jsonl"), "--quiet")
        assert f"{src}:2: expected an object with id, question_id, answer; this line is a " \
               "JSON string" in result.stderr  # fmt: skip
        assert "Tell me about a time" not in result.stderr
        assert f"{src}:3: expected an object" in result.stderr and "a number" in result.stderr

    def test_output_is_the_same_on_every_rerun(self, tmp_path: Path):
        src = _jsonl(tmp_path / "in.jsonl", _row("a"), _row("b", qid="q99"), _row("a"),
                     b"{broken", _row("c"))  # fmt: skip
        out = tmp_path / "out.jsonl"
        runs = []
        for _ in range(3):
            result = run_cli("grade", str(src), "-o", str(out), "--quiet")
            assert result.exit_code == 1
            runs.append(sorted(out.read_text("utf-8").splitlines()))
        assert len(runs[0]) == 5
        assert runs[0] == runs[1] == runs[2]

    @pytest.mark.httpx2(assert_all_called=False)
    def test_an_answer_over_the_limit_is_an_error_row_and_nothing_is_sent(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, httpx2_mock
    ):
        monkeypatch.setenv("OPENAI_API_KEY", "test-key-not-real")
        monkeypatch.setenv("OPENAI_BASE_URL", BASE_URL)
        route = httpx2_mock.post(f"{BASE_URL}/chat/completions").respond(
            200, json=completion(reply_body())
        )
        huge = ("I checked the logs. " * 300_000)[:5_000_000]
        src = _jsonl(tmp_path / "in.jsonl", _row("big", huge))
        out = tmp_path / "out.jsonl"
        result = run_cli("grade", str(src), "-o", str(out), "--quiet", "--grader", "llm")
        assert result.exit_code == 1
        assert route.call_count == 0
        assert "5,000,000 characters, over the 20,000" in _out(out)[0]["error"]

    def test_practice_keeps_an_over_long_answer_and_says_it_was_not_graded(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ):
        monkeypatch.setenv("INTERVIEWER_MAX_ANSWER_CHARS", "200")
        db = tmp_path / "s.sqlite3"
        answers = _write_answers(tmp_path / "a.yaml")
        result = run_cli("practice", "--answers", str(answers), "--db", str(db),
                         "--report", "none")  # fmt: skip
        assert result.exit_code == 1
        assert "over the 200 that are graded" in result.output
        assert _answers_in_db(db) == [ANSWER]


class TestNoSecretsPrinted:
    def test_a_server_echoing_the_authorization_header(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, httpx2_mock
    ):
        monkeypatch.setenv("OPENAI_API_KEY", SECRET_KEY)
        monkeypatch.setenv("OPENAI_BASE_URL", BASE_URL)
        monkeypatch.setenv("INTERVIEWER_MAX_RETRIES", "0")

        def echo(request):
            auth = request.headers.get("authorization", "")
            message = f"Invalid header: Authorization: {auth} (api_key={SECRET_KEY})"
            return respx.MockResponse(422, json={"error": {"message": message}})

        httpx2_mock.post(f"{BASE_URL}/chat/completions").mock(side_effect=echo)
        db = tmp_path / "s.sqlite3"
        src = _jsonl(tmp_path / "in.jsonl", _row("a"))
        out = tmp_path / "out.jsonl"
        graded = run_cli("grade", str(src), "-o", str(out), "--grader", "llm", "--no-cache")
        answers = _write_answers(tmp_path / "a.yaml")
        practised = run_cli("practice", "--answers", str(answers), "--grader", "llm",
                            "--db", str(db), "--report", "html")  # fmt: skip
        report = run_cli("report", "last", "--db", str(db), "--format", "html",
                         "-o", str(tmp_path / "r.html"))  # fmt: skip
        assert graded.exit_code == 1 and practised.exit_code == 1
        assert "rejected the request (422)" in graded.stderr
        everything = graded.output + graded.stderr + practised.output + practised.stderr
        everything += report.output + out.read_text() + (tmp_path / "r.html").read_text()
        for f in [*tmp_path.glob("s.sqlite3*"), *tmp_path.glob("reports/*")]:
            everything += f.read_bytes().decode("utf-8", "replace")
        assert "[redacted]" in everything
        assert SECRET_KEY not in everything
        assert SECRET_KEY[8:30] not in everything

    def test_credentials_in_the_base_url_are_not_printed(self, tmp_path: Path):
        src = _jsonl(tmp_path / "in.jsonl", _row("a"))
        out = tmp_path / "out.jsonl"
        base = "http://alice:Hunter2Secret@127.0.0.1:9/v1?api-key=QueryKey123456"
        env = _env(tmp_path, OPENAI_BASE_URL=base, INTERVIEWER_MAX_RETRIES="0")
        done = subprocess.run(
            [sys.executable, "-m", "interviewer", "grade", str(src), "-o", str(out),
             "--grader", "llm"], env=env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert done.returncode == 1
        everything = done.stdout + done.stderr + out.read_text()
        assert "127.0.0.1:9" in everything  # still says where it tried
        assert "Hunter2Secret" not in everything and "QueryKey123456" not in everything
        assert "alice" not in everything


class TestRedaction:
    @pytest.mark.parametrize(
        ("text", "secret"),
        [
            ("Authorization: Bearer abc.DEF-123_456", "abc.DEF-123_456"),
            ("bad key sk-live-0123456789abcdef", "sk-live-0123456789abcdef"),
            ('{"api-key": "azure-key-9988776655"}', "azure-key-9988776655"),
            ("api-key header 0123456789abcdef0123456789abcdef", "0123456789abcdef0123456789abcdef"),
            ("https://bob:pa55word@host/v1 refused", "pa55word"),
            ("GET https://host/v1?x=1&api-key=s3cr3tvalue failed", "s3cr3tvalue"),
        ],
    )
    def test_each_kind_of_credential_is_masked(self, text: str, secret: str) -> None:
        assert secret not in redact(text)
        assert "[redacted]" in redact(text)

    def test_a_remembered_secret_is_masked_anywhere(self) -> None:
        remember("plainlocalkey42")
        assert redact("the server said: plainlocalkey42 is wrong") == (
            "the server said: [redacted] is wrong"
        )

    def test_safe_url_keeps_where_and_drops_who(self) -> None:
        shown = safe_url("https://u:p4ss@llm.example:8443/v1?api-key=k3y&deployment=x")
        assert shown.startswith("https://[redacted]@llm.example:8443/v1?")
        assert "p4ss" not in shown and "k3y" not in shown and "deployment=x" in shown

    def test_ordinary_text_is_left_alone(self) -> None:
        text = "Precision went from 0.71 to 0.79; I asked the key stakeholders."
        assert redact(text) == text
