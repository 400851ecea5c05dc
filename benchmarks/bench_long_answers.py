"""Offline grading time of very long answers of adversarial shapes, by length.

Grading cost must grow linearly with the answer's length: doubling the length should
roughly double the time. Each shape is built at 12,500 / 25,000 / 50,000 / 100,000
characters and graded with the offline grader; the median of several runs is printed, with
the ratio to the previous size (about 2 is linear, about 4 is quadratic).

Usage: .venv/bin/python benchmarks/bench_long_answers.py [--runs 3] [--sizes 12500 25000]
       [--shapes injection lessons] [--max-seconds 10]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from interviewer.core.bank import get_bank
from interviewer.core.rubric import build_rubric
from interviewer.grading.offline import OfflineGrader

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repo: tests/ is a package
from tests.long_inputs import SHAPES, STORY

SIZES = (12_500, 25_000, 50_000, 100_000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--shapes", nargs="+", choices=sorted(SHAPES), default=list(SHAPES))
    parser.add_argument(
        "--max-seconds",
        type=float,
        default=10.0,
        help="a shape whose run takes longer is not repeated, nor run at larger sizes",
    )
    args = parser.parse_args()
    bank = get_bank()
    question = bank.question("q1")
    rubric = build_rubric(bank, "q1")
    grader = OfflineGrader()
    grader.grade(question, rubric, STORY)  # load templates, warm caches
    header = "".join(f"{n:>16,}" for n in args.sizes)
    print(f"offline grading time, median of {args.runs} (ratio to the previous size)")
    print(f"{'shape':<24}{header}")
    for name in args.shapes:
        row = f"{name:<24}"
        previous = None
        for n in args.sizes:
            if previous is not None and previous > args.max_seconds:
                row += f"{'skipped':>16}"
                continue
            answer = SHAPES[name](n)
            times: list[float] = []
            for _ in range(args.runs):
                start = time.perf_counter()
                grader.grade(question, rubric, answer)
                times.append(time.perf_counter() - start)
                if times[-1] > args.max_seconds:
                    break  # one run is enough to see it is slow
            med = statistics.median(times)
            ratio = f" (x{med / previous:.1f})" if previous else ""
            row += f"{f'{med:.3f}s{ratio}':>16}"
            previous = med
        print(row, flush=True)


if __name__ == "__main__":
    main()
