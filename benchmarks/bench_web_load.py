"""50 candidates at once against `interviewer serve` on loopback (offline grader).

Each candidate loads the bank page (CSRF cookie and token), starts a session of three
questions and types an answer to each, as a browser would (following redirects). At the
end the database is read directly: every answer sent must be stored once and graded.

    .venv/bin/python benchmarks/bench_web_load.py [--candidates 50] [--answers 3]

Prints answers sent / stored / graded / doubled, the 5xx count and p50/p95/max latency
of one answer (POST until its scorecard page arrived). Bounded: it stops after
``--timeout`` seconds, and talks to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

BANK = "ml-problem-solving"
ANSWER = (
    "Last spring the returns desk at our shop was swamped every Monday. As the shift lead my "
    "task was to cut the queue before the holiday season. I sorted a month of return slips "
    "by reason and found that most came from one supplier's sizing labels, so I asked the "
    "supplier to fix the labels and put a size chart at the till. Monday returns fell from "
    "80 to 25 a week and the queue dropped from 40 minutes to 10. I learned to read the "
    "slips every week instead of waiting for the monthly report. (candidate {c}, answer {q})"
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def candidate(base: str, c: int, n: int, stats: dict, lock: threading.Lock) -> None:
    with httpx.Client(base_url=base, follow_redirects=True, timeout=60) as client:
        page = client.get(f"/banks/{BANK}")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        if page.status_code != 200 or token is None:
            with lock:
                stats["5xx"] += page.status_code >= 500
                stats["not_started"] += 1
            return
        csrf = token.group(1)
        questions = [f"q{i + 1}" for i in range(n)]
        started = client.post(
            "/sessions",
            data={"csrf_token": csrf, "bank": BANK, "question": questions, "follow_ups": "0"},
        )
        with lock:
            stats["5xx"] += started.status_code >= 500
        if started.status_code != 200 or "/q/" not in str(started.url):
            with lock:
                stats["not_started"] += 1
            return
        sid = str(started.url).split("/sessions/")[1].split("/")[0]
        for q in questions:
            t0 = time.perf_counter()
            r = client.post(
                f"/sessions/{sid}/q/{q}/answer",
                data={"csrf_token": csrf, "answer": ANSWER.format(c=c, q=q)},
            )
            took = time.perf_counter() - t0
            with lock:
                stats["sent"] += 1
                stats["latency"].append(took)
                stats["5xx"] += r.status_code >= 500
                if r.status_code >= 400:
                    stats["errors"].append(f"{r.status_code} {sid} {q}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=50)
    parser.add_argument("--answers", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "load.sqlite3"
        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")}
        server = subprocess.Popen(
            [sys.executable, "-m", "interviewer", "serve", "--port", str(port), "--db", str(db),
             "--grader", "offline"],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        try:
            assert server.stdout is not None
            for line in server.stdout:  # wait for "running at"
                if "running at" in line:
                    break
            threading.Thread(target=server.stdout.read, daemon=True).start()
            stats: dict = {"sent": 0, "5xx": 0, "not_started": 0, "latency": [], "errors": []}
            lock = threading.Lock()
            base = f"http://127.0.0.1:{port}"
            threads = [
                threading.Thread(target=candidate, args=(base, c, args.answers, stats, lock))
                for c in range(args.candidates)
            ]
            t0 = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=max(1.0, args.timeout - (time.perf_counter() - t0)))
            wall = time.perf_counter() - t0
        finally:
            server.terminate()
            server.wait(timeout=30)
        with sqlite3.connect(db) as conn:
            stored = conn.execute("SELECT COUNT(*) FROM answers WHERE kind='answer'").fetchone()[0]
            graded = conn.execute(
                "SELECT COUNT(*) FROM answers WHERE kind='answer' AND status='graded'"
            ).fetchone()[0]
            doubled = conn.execute(
                "SELECT COUNT(*) FROM (SELECT session_id, question_id FROM answers"
                " WHERE kind='answer' GROUP BY 1, 2 HAVING COUNT(*) > 1)"
            ).fetchone()[0]
        lat = sorted(stats["latency"])
        p = (lambda q: lat[min(len(lat) - 1, int(q * len(lat)))]) if lat else (lambda q: 0.0)
        print(f"candidates {args.candidates} x {args.answers} answers, wall {wall:.1f} s")
        print(f"answers sent {stats['sent']}, stored {stored}, graded {graded}, "
              f"doubled {doubled}, sessions not started {stats['not_started']}")  # fmt: skip
        print(f"5xx responses {stats['5xx']}, other errors {len(stats['errors'])}")
        if lat:
            print(f"latency per answer: p50 {statistics.median(lat):.2f} s, p95 {p(0.95):.2f} s, "
                  f"max {lat[-1]:.2f} s; {stats['sent'] / wall:.1f} answers/s")  # fmt: skip
        for e in stats["errors"][:10]:
            print("  ", e)


if __name__ == "__main__":
    main()
