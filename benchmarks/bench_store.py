"""Session store speed (run by hand, prints figures).

An answer is committed before grading, so the commit is on the path between "Enter" and
the scorecard: it must stay far below what a person notices (target < 20 ms per answer,
median, on an ordinary disk). Reading a long history back must stay quick as well.

Usage: .venv/bin/python benchmarks/bench_store.py [--sessions 300] [--answers 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from interviewer.engine.store import Store
from tests.session_helpers import make_grade

ANSWER = (
    "I owned the forecasting pipeline when weekly error doubled. I compared inputs week on "
    "week, found a holiday calendar missing, added it and backtested. Error fell from 18% "
    "to 9%. I now check calendar features first. "
) * 4


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sessions", type=int, default=300)
    ap.add_argument("--answers", type=int, default=5, help="questions per session")
    args = ap.parse_args()
    grade = make_grade(3)
    with tempfile.TemporaryDirectory() as tmp, Store.open(Path(tmp) / "b.sqlite3") as store:
        add_ms, grade_ms = [], []
        t_all = time.perf_counter()
        for _ in range(args.sessions):
            sid = store.create_session("ml-problem-solving", [f"q{i}" for i in range(1, 11)])
            for i in range(args.answers):
                t = time.perf_counter()
                aid = store.add_answer(sid, f"q{i + 1}", "Question?", ANSWER, elapsed_seconds=90)
                add_ms.append(1000 * (time.perf_counter() - t))
                t = time.perf_counter()
                store.save_grade(aid, grade)
                grade_ms.append(1000 * (time.perf_counter() - t))
            store.finish_session(sid)
        build_s = time.perf_counter() - t_all
        t = time.perf_counter()
        one = store.get_session("last")
        get_ms = 1000 * (time.perf_counter() - t)
        t = time.perf_counter()
        every = store.list_sessions()
        list_s = time.perf_counter() - t
        size_mb = store.path.stat().st_size / 1e6

    q = statistics.quantiles
    print(f"sessions: {args.sessions} x {args.answers} answers, built in {build_s:.1f} s")
    print(
        f"add_answer (commit): median {statistics.median(add_ms):.2f} ms,"
        f" p95 {q(add_ms, n=20)[-1]:.2f} ms"
    )
    print(
        f"save_grade (commit): median {statistics.median(grade_ms):.2f} ms,"
        f" p95 {q(grade_ms, n=20)[-1]:.2f} ms"
    )
    print(f"get_session (one, {len(one.answers)} answers): {get_ms:.2f} ms")
    print(f"list_sessions ({len(every)} sessions with grades): {list_s * 1000:.0f} ms")
    print(f"database size: {size_mb:.1f} MB")


if __name__ == "__main__":
    main()
