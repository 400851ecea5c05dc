"""Peak memory of `interviewer grade` as the input grows (offline grader, --quiet).

Rows stream from the file to the grader to the output, so the peak should stay flat:
the target is 2,000 and 20,000 rows within 20% of each other, both under 150 MB.

    .venv/bin/python benchmarks/bench_grade_memory.py [--rows 2000 20000] [--runs 3]

Each run is a fresh process; the peak is its maximum resident set size (``wait4``).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SENTENCES = [
    "Our weekly sales report at the garden centre showed returns of potted plants doubling.",
    "As the floor supervisor I had to find out why before the spring rush started.",
    "I pulled three months of return slips and sorted them by supplier and by reason.",
    "Most returns came from one grower whose plants arrived root-bound and dry.",
    "I met the grower, agreed a watering check on delivery and trained two staff on it.",
    "Returns fell from 60 to 14 a week and the grower replaced the stock at no cost.",
    "I learned to read the return slips every Monday instead of waiting for the report.",
]


def make_input(path: Path, rows: int) -> None:
    words = " ".join(SENTENCES * 4)  # about 300 words
    with path.open("w", encoding="utf-8") as out:
        for i in range(rows):
            qid = f"q{i % 10 + 1}"
            out.write(json.dumps({"id": f"r{i}", "question_id": qid, "answer": words}) + "\n")


def peak_mb(rows_file: Path, out: Path) -> tuple[float, float]:
    """(peak RSS in MB, seconds) of one `interviewer grade` process."""
    out.unlink(missing_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")}
    cmd = [sys.executable, "-m", "interviewer", "grade", str(rows_file), "-o", str(out),
           "--quiet", "--grader", "offline"]  # fmt: skip
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"grade exited {os.waitstatus_to_exitcode(status)}")
    return usage.ru_maxrss / 1024, seconds  # ru_maxrss is in kB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[2000, 20000])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        peaks: dict[int, float] = {}
        for n in args.rows:
            src = Path(tmp) / f"in-{n}.jsonl"
            make_input(src, n)
            results = [peak_mb(src, Path(tmp) / "out.jsonl") for _ in range(args.runs)]
            peaks[n] = statistics.median(mb for mb, _ in results)
            secs = statistics.median(s for _, s in results)
            print(f"{n:>7,} rows: peak {peaks[n]:6.1f} MB (median of {args.runs}), {secs:.1f} s")
        if len(peaks) >= 2:
            lo, hi = min(peaks.values()), max(peaks.values())
            print(f"largest / smallest peak: {hi / lo:.2f} (target <= 1.20, all < 150 MB)")


if __name__ == "__main__":
    main()
