"""A local OpenAI-compatible chat-completions stub for benchmarks.

Listens on 127.0.0.1 (a free port), waits a fixed latency per request, counts requests,
and replies with a valid grade for the LLM grader's schema. Start it with ``with
StubServer(latency) as server:``; it stops by itself when the block ends.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
import time
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# The grader names each key theme of the rubric as "Key theme `id`" and requires one
# entry per theme in the reply, so the stub echoes the ids it finds in the request.
THEME_ID = re.compile(rb"Key theme `([a-z0-9_-]+)`")


def grade_reply(themes: tuple[str, ...] = ()) -> dict:
    def dim(score: int) -> dict:
        return {"evidence": [], "reasoning": "stub", "score": score}

    return {
        "situation": dim(2), "task": dim(2), "action": dim(2), "result": dim(2),
        "quantified_results": {"evidence": [], "metrics": [], "reasoning": "stub", "score": 1},
        "lessons_learned": dim(1), "themes": [{"theme": t, **dim(1)} for t in themes],
        "strengths": [], "improvements": [],
        "follow_up": "What happened next?", "injection_detected": False, "off_topic": False,
    }  # fmt: skip


@cache
def body_for(themes: tuple[str, ...]) -> bytes:
    """The chat.completion body replying with a valid grade for these theme ids."""
    return json.dumps(
        {
            "id": "stub",
            "object": "chat.completion",
            "created": 0,
            "model": "stub-model",
            "choices": [
                {
                    "index": 0,
                    "finish_reason": "stop",
                    "message": {"role": "assistant", "content": json.dumps(grade_reply(themes))},
                }
            ],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        }
    ).encode()


def _serve(latency: float) -> None:
    """Run the server in this process; print its port, serve until killed."""
    count = {"n": 0}
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # no 40 ms Nagle/delayed-ACK stall per reply

        def do_GET(self) -> None:
            body = str(count["n"]).encode()
            self.send_response(200)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:
            request = self.rfile.read(int(self.headers.get("content-length", 0)))
            body = body_for(tuple(dict.fromkeys(m.decode() for m in THEME_ID.findall(request))))
            with lock:
                count["n"] += 1
            if latency:
                time.sleep(latency)
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    class Server(ThreadingHTTPServer):
        daemon_threads = True
        # The listen backlog is read when the socket opens, so it must be a class attribute:
        # the default of 5 drops connections when 20 clients connect at once.
        request_queue_size = 256

    server = Server(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()


class StubServer:
    """``with StubServer(latency_s) as s: s.base_url, s.requests``.

    The server runs in its own process, so it does not compete with the tool for the GIL.
    """

    def __init__(self, latency: float) -> None:
        self.latency = latency

    def __enter__(self) -> StubServer:
        self._proc = subprocess.Popen(
            [sys.executable, __file__, str(self.latency)], stdout=subprocess.PIPE, text=True
        )
        self.pid = self._proc.pid
        port = int(self._proc.stdout.readline())  # type: ignore[union-attr]
        self.base_url = f"http://127.0.0.1:{port}/v1"
        return self

    @property
    def requests(self) -> int:
        import urllib.request

        with urllib.request.urlopen(self.base_url.removesuffix("/v1") + "/count") as r:
            return int(r.read())

    def __exit__(self, *exc: object) -> None:
        self._proc.terminate()
        self._proc.wait(timeout=10)


if __name__ == "__main__":
    _serve(float(sys.argv[1]))
