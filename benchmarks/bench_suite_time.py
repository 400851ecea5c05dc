"""Where the test suite's wall time goes: ``make test`` (or pytest alone) run N times.

For each run: the wall time of the command, pytest's own figure, and per xdist worker
when it finished collecting, how long it ran tests and when it finished (the wall time is
the last worker's), the worker time of the real-browser tests (those using the
``chromium``/``playwright`` fixtures) against the rest, and the slowest tests. Then the
median of the runs. The machine's load average is printed with each run: other work on
the same cores slows every figure.

    .venv/bin/python benchmarks/bench_suite_time.py [--runs 3] [--pytest-only] [-- PYTEST ARGS]

This file is also the pytest plugin that records the timeline (loaded with ``-p``).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
OUT_ENV = "BENCH_SUITE_TIMELINE"
BROWSER_FIXTURES = {"chromium", "playwright"}


# --- the plugin: one tab-separated line per test, a file per worker -------------------------


def pytest_configure(config: Any) -> None:
    out = os.environ.get(OUT_ENV)
    if out:
        name = os.environ.get("PYTEST_XDIST_WORKER", "main")
        config._bench_file = open(Path(out) / f"{name}.tsv", "w", encoding="utf-8")  # noqa: SIM115
        config._bench_file.write(f"#start\t{time.time():.3f}\n")


def pytest_collection_finish(session: Any) -> None:
    f = getattr(session.config, "_bench_file", None)
    if f:
        f.write(f"#collected\t{time.time():.3f}\n")


def pytest_runtest_protocol(item: Any, nextitem: Any) -> None:
    item._bench_start = time.time()


def pytest_runtest_makereport(item: Any, call: Any) -> None:
    f = getattr(item.config, "_bench_file", None)
    if f and call.when == "teardown":
        browser = bool(BROWSER_FIXTURES & set(getattr(item, "fixturenames", ())))
        f.write(f"{item._bench_start:.3f}\t{call.stop:.3f}\t{int(browser)}\t{item.nodeid}\n")


def pytest_unconfigure(config: Any) -> None:
    f = getattr(config, "_bench_file", None)
    if f:
        f.write(f"#end\t{time.time():.3f}\n")
        f.close()


# --- the runner ------------------------------------------------------------------------------


def _read(folder: Path) -> dict[str, Any]:
    workers: dict[str, dict[str, Any]] = {}
    for path in sorted(folder.glob("*.tsv")):
        marks: dict[str, float] = {}
        tests: list[tuple[float, float, bool, str]] = []
        for line in path.read_text(encoding="utf-8").splitlines():
            cells = line.split("\t")
            if cells[0].startswith("#"):
                marks[cells[0][1:]] = float(cells[1])
            else:
                tests.append((float(cells[0]), float(cells[1]), cells[2] == "1", cells[3]))
        workers[path.stem] = {"marks": marks, "tests": tests}
    return workers


def run_once(command: list[str], pytest_args: list[str]) -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp(prefix="bench-suite-"))
    env = dict(os.environ)
    env[OUT_ENV] = str(folder)
    env["PYTHONPATH"] = os.pathsep.join([str(Path(__file__).parent), env.get("PYTHONPATH", "")])
    env["PYTEST_ADDOPTS"] = " ".join(["-p", "bench_suite_time", *pytest_args])
    load = os.getloadavg()[0]
    start = time.perf_counter()
    done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    summary = re.findall(r"(\d+ passed.*) in ([\d.]+)s", done.stdout)
    workers = _read(folder)
    shutil.rmtree(folder, ignore_errors=True)
    if done.returncode != 0 or not summary:
        sys.exit(f"{' '.join(command)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    t0 = min(w["marks"].get("start", float("inf")) for w in workers.values())
    return {
        "load": load,
        "wall": wall,
        "pytest": float(summary[-1][1]),
        "counts": summary[-1][0],
        "t0": t0,
        "workers": {k: v for k, v in workers.items() if k != "main" or len(workers) == 1},
    }


def report(i: int, r: dict[str, Any]) -> None:
    print(
        f"run {i}: wall {r['wall']:.1f} s, pytest {r['pytest']:.1f} s ({r['counts']}), "
        f"load average at start {r['load']:.1f}"
    )
    all_tests = []
    for name, w in sorted(r["workers"].items()):
        tests, marks = w["tests"], w["marks"]
        busy = sum(b - a for a, b, _, _ in tests)
        last = max((b for _, b, _, _ in tests), default=r["t0"])
        print(
            f"  {name}: collected at +{marks.get('collected', r['t0']) - r['t0']:.1f} s, "
            f"{len(tests)} tests, busy {busy:.1f} s, last test done at +{last - r['t0']:.1f} s"
        )
        all_tests += tests
    browser = sum(b - a for a, b, is_b, _ in all_tests if is_b)
    other = sum(b - a for a, b, is_b, _ in all_tests if not is_b)
    n_browser = sum(1 for t in all_tests if t[2])
    print(
        f"  worker time: real-browser tests {browser:.1f} s ({n_browser} tests), "
        f"the other {len(all_tests) - n_browser} tests {other:.1f} s"
    )
    for a, b, _, nodeid in sorted(all_tests, key=lambda t: t[0] - t[1])[:8]:
        print(f"    {b - a:5.2f} s  {nodeid}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pytest-only", action="store_true", help="pytest, not make test")
    parser.add_argument("pytest_args", nargs="*", help="extra pytest arguments (after --)")
    args = parser.parse_args()
    command = [".venv/bin/pytest"] if args.pytest_only else ["make", "test"]
    runs = []
    for i in range(1, args.runs + 1):
        runs.append(run_once(command, args.pytest_args))
        report(i, runs[-1])
    print(
        f"median of {len(runs)} runs of {' '.join(command[-2:])}: wall "
        f"{statistics.median(r['wall'] for r in runs):.1f} s, "
        f"pytest {statistics.median(r['pytest'] for r in runs):.1f} s"
    )


if __name__ == "__main__":
    main()
