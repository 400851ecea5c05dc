"""Batch grading speed against a local stub server (run by hand, prints figures).

1. N=200 answers at concurrency 20 with latency L per request: wall time against the ideal
   N/20 x L (target ratio <= 1.25).
2. The tool's own overhead per graded answer with L=0 (target < 5 ms).
3. A second run with a warm cache sends zero requests.
4. ``--large``: N=1,000 answers of about 300 words at concurrency 100 with L=500 ms: wall
   time against the ideal (target <= 1.15) and the client's own CPU per answer (process
   CPU time of this process over N; the stub server runs in its own process; target
   <= 3 ms).

Usage: .venv/bin/python benchmarks/bench_batch.py [--runs 5] [--latency 0.2] [--large]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stub_server import StubServer

N, CONCURRENCY = 200, 20
ANSWER = (
    "Our churn model's recall fell from 80% to 61% after a data migration. I owned the model, "
    "so I compared feature distributions before and after, found a join that dropped "
    "inactive users, fixed it and backfilled a month. Recall came back to 79% in two days. "
    "I learned to diff distributions after every migration."
)


LONG_ANSWER = " ".join([ANSWER] * 6)  # about 300 words


def write_input(folder: Path, n: int = N, answer: str = ANSWER) -> Path:
    path = folder / "answers.jsonl"
    with path.open("w") as f:
        for i in range(n):
            row = {"id": f"a{i}", "question_id": "q1", "answer": f"{answer} (case {i})"}
            f.write(json.dumps(row) + "\n")
    return path


def _use_stub(server: StubServer, folder: Path) -> None:
    """Point the LLM grader at the stub server, with a fresh cache folder."""
    from interviewer.core.settings import get_settings

    os.environ.update(
        OPENAI_API_KEY="bench-key",
        OPENAI_BASE_URL=server.base_url,
        INTERVIEWER_CACHE_DIR=str(folder / "cache"),
        INTERVIEWER_GRADER="llm",
    )
    get_settings.cache_clear()


class HelperCPU:
    """CPU seconds spent by this process's descendants (the cross-check workers a wide
    batch starts, see interviewer/grading/llm/offload.py), the stub server excluded.

    Workers exit with the pool, so their CPU is sampled while the block runs: the process
    list is read every 0.5 s and only the workers' own stat files every 50 ms, so the
    sampling thread stays cheap; its own CPU (``own``) is not the client's and is
    subtracted from the client figure. Linux only; 0 elsewhere.
    """

    def __init__(self, exclude: int) -> None:
        self.exclude = {os.getpid(), exclude}
        self.seen: dict[int, float] = {}
        self.own = 0.0
        self._pids: set[int] = set()
        self._stop = threading.Event()
        self._tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

    @staticmethod
    def _stat(pid: int) -> list[str] | None:
        try:
            return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            return None

    def _find_descendants(self) -> None:
        parents: dict[int, int] = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit() and (fields := self._stat(int(entry.name))):
                parents[int(entry.name)] = int(fields[1])
        ours = {os.getpid()}
        for _ in range(3):  # workers are grandchildren: this -> forkserver -> worker
            ours |= {pid for pid, parent in parents.items() if parent in ours}
        self._pids = ours - self.exclude

    def _sample(self) -> None:
        for pid in self._pids:
            if fields := self._stat(pid):
                used = (int(fields[11]) + int(fields[12])) / self._tick
                self.seen[pid] = max(self.seen.get(pid, 0.0), used)

    def __enter__(self) -> HelperCPU:
        def loop() -> None:
            rounds = 0
            while not self._stop.wait(0.05):
                if rounds % 10 == 0:
                    self._find_descendants()
                self._sample()
                rounds += 1
            self.own = time.thread_time()

        if Path("/proc/self/stat").exists():
            self._thread = threading.Thread(target=loop, daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._sample()
        self._stop.set()
        if hasattr(self, "_thread"):
            self._thread.join()

    @property
    def seconds(self) -> float:
        return sum(self.seen.values())


def large_run(latency: float, n: int = 1000, concurrency: int = 100) -> tuple[float, float, float]:
    """(wall seconds, client CPU seconds, helper-process CPU seconds) for N long answers."""
    from interviewer.batch.command import grade_file

    with tempfile.TemporaryDirectory() as tmp, StubServer(latency) as server:
        folder = Path(tmp)
        _use_stub(server, folder)
        src = write_input(folder, n, LONG_ANSWER)
        cpu, start = time.process_time(), time.perf_counter()
        with HelperCPU(exclude=server.pid) as helpers:
            grade_file(src, out=folder / "a.jsonl", concurrency=concurrency, quiet=True,
                       use_cache=False)  # fmt: skip
            wall, used = time.perf_counter() - start, time.process_time() - cpu
        cpu = used - helpers.own  # the sampling thread is the benchmark's, not the client's
        assert server.requests == n, server.requests
        return wall, cpu, helpers.seconds


def one_run(latency: float, cache: bool) -> tuple[float, int, int]:
    """Seconds for the whole batch, requests sent on the first and on a second run."""
    from interviewer.batch.command import grade_file

    with tempfile.TemporaryDirectory() as tmp, StubServer(latency) as server:
        folder = Path(tmp)
        _use_stub(server, folder)
        src = write_input(folder)
        start = time.perf_counter()
        grade_file(src, out=folder / "a.jsonl", concurrency=CONCURRENCY, quiet=True,
                   use_cache=cache)  # fmt: skip
        elapsed = time.perf_counter() - start
        first = server.requests
        grade_file(src, out=folder / "b.jsonl", concurrency=CONCURRENCY, quiet=True,
                   use_cache=cache)  # fmt: skip
        return elapsed, first, server.requests - first


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--large", action="store_true", help="only the N=1,000 C=100 case")
    args = parser.parse_args()
    import logging

    logging.disable(logging.CRITICAL)
    if args.large:
        large_run(0.0, n=100, concurrency=100)  # warm-up
        results = [large_run(0.5) for _ in range(args.runs)]
        wall = statistics.median(w for w, _, _ in results)
        cpu = statistics.median(c for _, c, _ in results)
        helper = statistics.median(h for _, _, h in results)
        ideal = 1000 / 100 * 0.5
        runs = ", ".join(f"{w:.2f}" for w, _, _ in results)
        print(f"N=1000 concurrency=100 latency=500 ms, ~300-word answers, {args.runs} runs")
        print(f"  wall time median {wall:.2f} s (runs: {runs})")
        print(f"  ideal N/c x L    {ideal:.2f} s -> ratio {wall / ideal:.3f} (target <= 1.15)")
        print(f"  client CPU       {cpu:.2f} ms per answer in the grading process (target <= 3 ms)")
        print(
            f"  + worker CPU     {helper:.2f} ms per answer in cross-check workers (another core)"
        )
        return
    ideal = N / CONCURRENCY * args.latency
    one_run(0.0, cache=False)  # warm-up: imports and first connections are not per-answer cost
    walls, seconds_zero, warm = [], [], []
    for _ in range(args.runs):
        wall, _, _ = one_run(args.latency, cache=False)
        walls.append(wall)
        zero, first, again = one_run(0.0, cache=True)
        seconds_zero.append(zero)
        warm.append(again)
        assert first == N, first
    wall = statistics.median(walls)
    print(f"N={N} concurrency={CONCURRENCY} latency={args.latency * 1000:.0f} ms, {args.runs} runs")
    print(f"  wall time median {wall:.2f} s (runs: {', '.join(f'{w:.2f}' for w in walls)})")
    print(f"  ideal N/c x L    {ideal:.2f} s -> ratio {wall / ideal:.3f} (target <= 1.25)")
    per = statistics.median(seconds_zero) / N * 1000
    print(
        f"  overhead at L=0  {per:.2f} ms per graded answer (target < 5 ms; runs: "
        f"{', '.join(f'{z / N * 1000:.2f}' for z in seconds_zero)})"
    )
    print(f"  warm-cache rerun requests: {warm} (target 0)")


if __name__ == "__main__":
    main()
