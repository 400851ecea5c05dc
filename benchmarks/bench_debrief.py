"""How long `interviewer debrief` takes to read a transcript, by length.

A usual interview is built as WebVTT: eight questions of the built-in banks, each asked by
the interviewer and answered in several cues of about 250 words, with interjections and a
follow-up. It is repeated 1, 10 and 100 times (100x is about 300,000 words, days of talk)
and read, segmented and matched (``plan_debrief``, what ``--dry-run`` does); the median of
several runs is printed with the ratio to the previous size (10 is linear). The store and
offline grading of the usual transcript are timed separately.

Usage: .venv/bin/python benchmarks/bench_debrief.py [--runs 5] [--sizes 1 10 100]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from interviewer.core.bank import list_banks
from interviewer.debrief.plan import plan_debrief
from interviewer.debrief.transcript import parse_transcript

ANSWER = (
    "Last spring the weekly report for our regional managers started arriving two days late "
    "because the export from the warehouse system kept failing overnight. I owned the report, "
    "so my job was to get it out on Monday mornings again before the quarterly review. I read "
    "the export logs for a week and found the job ran out of memory whenever returns spiked. "
    "I split the export into one file per region, added a retry with a smaller batch, and set "
    "an alert for the warehouse team when a file was missing by six. The report went out on "
    "time for the next eleven weeks, and the managers cut their Monday call from an hour to "
    "twenty minutes. I learned to look at the failure pattern before changing anything, and "
    "I now add an alert to every scheduled job I build, "
)


def stamp(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}.000"


def usual_interview() -> str:
    """One interview: eight bank questions, answers in cues, interjections, a follow-up."""
    banks = [b for b, _ in list_banks()]
    questions = [q.text for b in banks for q in b.questions][::4][:8]
    cues, t = [], 0

    def cue(who: str, text: str, length: int) -> None:
        nonlocal t
        cues.append(f"{stamp(t)} --> {stamp(t + length)}\n<v {who}>{text}</v>\n")
        t += length

    cue("Alex Interviewer", "Hi, can you hear me okay?", 3)
    cue("Sam Candidate", "Yes, perfectly, thanks.", 2)
    for question in questions:
        cue("Alex Interviewer", question, 6)
        words = ANSWER.split()
        for i in range(0, len(words), 25):
            cue("Sam Candidate", " ".join(words[i : i + 25]), 10)
            if i == 50:
                cue("Alex Interviewer", "Mm-hm.", 1)
        cue("Alex Interviewer", "What was the result?", 3)
        cue("Sam Candidate", "Reports went out on time for eleven weeks in a row.", 5)
    return "\n".join(cues)


def median_time(fn, runs: int) -> tuple[float, list[float]]:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 10, 100])
    args = parser.parse_args()
    banks = [b for b, _ in list_banks()]
    body = usual_interview()
    previous, prev_size = None, 1
    for size in args.sizes:
        data = ("WEBVTT\n\n" + "\n".join([body] * size)).encode()
        plan = plan_debrief(parse_transcript(data, "call.vtt"), banks)  # warm caches
        median, times = median_time(
            lambda data=data: plan_debrief(parse_transcript(data, "call.vtt"), banks), args.runs
        )
        ratio = f"  x{median / previous:.1f} for x{size // prev_size}" if previous else ""
        words = len(data.split())
        print(f"{size:>4}x  {len(data):>10,} bytes  {words:>8,} words  "
              f"{len(plan.exchanges):>4} questions  read+segment+match median "
              f"{median * 1000:8.1f} ms{ratio}   runs: "
              + ", ".join(f"{x * 1000:.1f}" for x in times))  # fmt: skip
        previous, prev_size = median, size

    from interviewer.engine.debrief import store_debrief
    from interviewer.engine.store import Store
    from interviewer.grading.offline import OfflineGrader

    plan = plan_debrief(parse_transcript(("WEBVTT\n\n" + body).encode(), "call.vtt"), banks)
    with tempfile.TemporaryDirectory() as tmp, Store.open(Path(tmp) / "b.sqlite3") as store:
        median, times = median_time(lambda: store_debrief(store, plan, OfflineGrader()), args.runs)
    runs = ", ".join(f"{x * 1000:.1f}" for x in times)
    print(f"store + offline grading of the usual interview ({len(plan.exchanges)} questions): "
          f"median {median * 1000:.1f} ms   runs: {runs}")  # fmt: skip


if __name__ == "__main__":
    main()
