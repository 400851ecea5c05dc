"""The start page and the history page with a long history (run by hand, prints figures).

Builds a temporary database of 1,000 sessions (3 answers each, every one graded with a
real offline grade, saved through the Store API; one session in 50 left unfinished),
then times ``GET /`` and ``GET /history`` (and ``/history?page=2`` when the page is
paginated) through Starlette's TestClient, on 127.0.0.1 only. For a ratio it also times
the old way of drawing the lists: ``store.list_sessions()`` (every session with every
answer and grade, each grade's JSON validated), which the start page used to call.

Target: ``GET /`` under 50 ms (median) with 1,000 sessions.

    .venv/bin/python benchmarks/bench_web_home.py [--sessions 1000] [--requests 20]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

BANK = "ml-problem-solving"
QUESTIONS = ["q1", "q2", "q3"]
ANSWER = (
    "Last spring our fraud model's precision fell from 91% to 74% within a week of a "
    "release. I owned the model, so my task was to find the cause and restore precision "
    "before the quarterly audit. I compared feature distributions between the training "
    "set and live traffic and found that a payment provider had started sending amounts "
    "in cents. I added a schema check to the pipeline and retrained on corrected data. As "
    "a result precision went back to 90% in three days. I learned to validate inputs at "
    "every boundary. (session {s}, question {q})"
)


def build(path: Path, sessions: int) -> None:
    """``sessions`` sessions of three graded answers, through the Store API."""
    from interviewer.core import bank as banks
    from interviewer.core.rubric import build_rubric
    from interviewer.engine.store import Store
    from interviewer.grading.offline import OfflineGrader

    bank = next(b for b, _ in banks.list_banks() if b.id == BANK)
    grader = OfflineGrader()
    grades = {  # one real grade per question, reused: the grader is not what is measured
        qid: grader.grade(bank.question(qid), build_rubric(bank, qid), ANSWER.format(s=0, q=qid))
        for qid in QUESTIONS
    }
    with Store.open(path) as store:
        store.db.execute("PRAGMA synchronous=OFF")  # building only: no fsync per answer
        for s in range(sessions):
            sid = store.create_session(BANK, QUESTIONS, mode="web", grader="offline")
            for qid in QUESTIONS:
                prompt = bank.question(qid).text
                aid = store.add_answer(sid, qid, prompt, ANSWER.format(s=s, q=qid))
                store.save_grade(aid, grades[qid])
            if s % 50 != 49:  # 20 of 1,000 stay unfinished: the page offers to continue them
                store.finish_session(sid)


def timed(fn: Callable[[], object], runs: int) -> list[float]:
    fn()  # warm up: imports, template compilation, the bank cache
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        out.append(1000 * (time.perf_counter() - t))
    return out


def line(label: str, ms: list[float]) -> float:
    median = statistics.median(ms)
    print(f"{label:<34} median {median:8.1f} ms   min {min(ms):8.1f}   max {max(ms):8.1f}")
    return median


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sessions", type=int, default=1000)
    ap.add_argument("--requests", type=int, default=20)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.sqlite3"
        os.environ["INTERVIEWER_DB"] = str(db)
        os.environ.pop("INTERVIEWER_BANK_DIR", None)
        t = time.perf_counter()
        build(db, args.sessions)
        built_s, size_mb = time.perf_counter() - t, db.stat().st_size / 1e6
        print(f"database: {args.sessions} sessions x {len(QUESTIONS)} graded answers, "
              f"built in {built_s:.1f} s, {size_mb:.1f} MB")  # fmt: skip

        from starlette.testclient import TestClient

        from interviewer.core.settings import build_settings
        from interviewer.engine.store import Store
        from interviewer.web import WebConfig, create_app

        config = WebConfig(settings=build_settings(db=str(db), grader="offline"))
        client = TestClient(create_app(config), base_url="http://127.0.0.1")

        def get(url: str) -> Callable[[], object]:
            def run() -> None:
                r = client.get(url)
                assert r.status_code == 200, (url, r.status_code, r.text[:300])

            return run

        def old_lists() -> None:
            with Store.open(db) as store:
                store.list_sessions()

        print(f"{args.requests} requests each, after one warm-up:")
        home = line("GET /", timed(get("/"), args.requests))
        line("GET /history", timed(get("/history"), args.requests))
        if "page=2" in client.get("/history").text:
            line("GET /history?page=2", timed(get("/history?page=2"), args.requests))
        old = line("old way: store.list_sessions()", timed(old_lists, max(5, args.requests // 4)))
        print(f"GET / is {old / home:.1f}x faster than list_sessions() alone")
        print(f"target: GET / under 50 ms -> {'met' if home < 50 else 'NOT met'}")


if __name__ == "__main__":
    main()
