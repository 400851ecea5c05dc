"""Ctrl-C during a wide `interviewer grade`: the real command in its own process group,
a real local server, a real SIGINT to the whole group (as a terminal sends it).

What a user must see: one line saying what is saved and how to go on, exit 130, no
traceback from the command or from its cross-check worker processes, and a rerun that
grades exactly the rest.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.llm_helpers import ANSWER, FAKE_KEY, completion, reply_body

ROWS = 60
LATENCY_S = 0.25
BODY = json.dumps(completion(reply_body())).encode()


class _SlowServer(BaseHTTPRequestHandler):
    """An OpenAI-compatible chat endpoint that answers every request after LATENCY_S."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        time.sleep(LATENCY_S)
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(BODY)))
            self.end_headers()
            self.wfile.write(BODY)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client was interrupted: that is the point of the test

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _SlowServer)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    finally:
        httpd.shutdown()
        httpd.server_close()


def _grade(tmp_path: Path, base_url: str) -> subprocess.Popen[str]:
    env = dict(
        os.environ,
        OPENAI_API_KEY=FAKE_KEY,
        OPENAI_BASE_URL=base_url,
        INTERVIEWER_CACHE_DIR=str(tmp_path / "cache"),
        INTERVIEWER_DB=str(tmp_path / "sessions.sqlite3"),
    )
    command = [sys.executable, "-m", "interviewer", "grade", "answers.jsonl", "--grader", "llm",
               "--concurrency", "32", "--no-cache", "-q", "-o", "out.jsonl"]  # fmt: skip
    return subprocess.Popen(command, cwd=tmp_path, env=env, text=True, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip


def _ids(path: Path) -> list[str]:
    if not path.exists():
        return []
    return [json.loads(line)["id"] for line in path.read_text().splitlines() if line.strip()]


def test_ctrl_c_saves_what_is_graded_says_so_and_a_rerun_grades_the_rest(tmp_path, server):
    rows = [{"id": f"a{i}", "question_id": "q1", "answer": f"{ANSWER} (case {i})"}
            for i in range(ROWS)]  # fmt: skip
    (tmp_path / "answers.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = tmp_path / "out.jsonl"

    first = _grade(tmp_path, server)
    deadline = time.monotonic() + 30
    while not _ids(out) and time.monotonic() < deadline and first.poll() is None:
        time.sleep(0.02)
    assert _ids(out), "nothing was graded before the interrupt"
    os.killpg(first.pid, signal.SIGINT)  # what Ctrl-C does: the whole foreground group
    _, err = first.communicate(timeout=30)

    saved = _ids(out)
    assert first.returncode == 130
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    assert f"Interrupted. {len(saved)} graded rows are saved in out.jsonl" in err
    assert "run the same command again" in err
    assert 0 < len(saved) < ROWS

    second = _grade(tmp_path, server)
    _, err = second.communicate(timeout=60)
    assert second.returncode == 0, err
    assert f"Resuming: {len(saved)} already graded" in err
    assert sorted(_ids(out)) == sorted(r["id"] for r in rows)  # each row exactly once
