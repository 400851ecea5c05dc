"""``interviewer stories coverage`` with a long history (run by hand, prints figures).

Builds a temporary database of 500 graded answers (100 sessions of 5 questions, every
answer graded by the real offline grader, saved through the Store API) telling 60
different stories, each told several times with its opening worded differently. Then
times the coverage command in process (``story_bank`` + ``story_cards`` + ``coverage``
+ printing, output discarded):

- cold: the first run on a fresh copy of the database, which places all 500 answers
  into stories (detection, and one write transaction);
- warm: a later run, with nothing new to place;

and the whole command as a user runs it (``interviewer stories coverage``, a new
process: start-up and imports included).

Target: under 500 ms (median) with 500 stored answers.

    .venv/bin/python benchmarks/bench_stories.py [--answers 500] [--runs 7]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

BANK = "ml-problem-solving"
PER_SESSION = 5
SYSTEMS = [
    "churn model",
    "fraud model",
    "ranking service",
    "demand forecast",
    "search index",
    "recommendation model",
    "pricing model",
    "spam filter",
    "ETA model",
    "ad classifier",
]
METRICS = ["recall", "precision", "click-through rate", "accuracy", "error rate", "latency"]
EVENTS = ["a CRM migration", "a schema change", "a holiday weekend", "a new data vendor",
          "a feature store upgrade", "a traffic spike"]  # fmt: skip
MONTHS = ["March", "June", "October", "January", "May", "August"]
REST = (
    " My task was to find the cause before the {deadline}. I compared the inputs before and "
    "after, found that {cause}, fixed it and added a check to the pipeline. As a result "
    "{metric} went back to {after}% within {days} days. I learned to check the data first, "
    "and I now add a distribution check to every pipeline I build."
)


def stories(count: int, rng: random.Random) -> list[tuple[str, str]]:
    """``count`` stories: (opening, rest with placeholders filled)."""
    out = []
    for i in range(count):
        # system, metric and month together tell the 60 stories apart
        system, metric = SYSTEMS[i % len(SYSTEMS)], METRICS[i // len(SYSTEMS) % len(METRICS)]
        opening = (
            f"In {MONTHS[i // 7 % len(MONTHS)]} our {system}'s {metric} on segment {i} moved from "
            f"{rng.randint(60, 95)}% to {rng.randint(20, 59)}% after {rng.choice(EVENTS)}."
            f" I was the engineer who owned the {system} for team {i}."
        )
        rest = REST.format(
            deadline=rng.choice(["board meeting", "audit", "launch"]),
            cause=rng.choice(["a unit changed", "ids were remapped", "a join dropped rows"]),
            metric=metric,
            after=rng.randint(70, 95),
            days=rng.randint(2, 9),
        )
        out.append((opening, rest))
    return out


def retold(opening: str, rng: random.Random) -> str:
    """The opening as told another time: a word or two changed, the story the same."""
    words = opening.split()
    for _ in range(2):
        i = rng.randrange(len(words))
        words[i] = rng.choice(["then", "really", "suddenly", "also"])
    return " ".join(words)


def build(path: Path, answers: int, n_stories: int, seed: int = 7) -> None:
    from interviewer.core.bank import get_bank
    from interviewer.core.rubric import build_rubric
    from interviewer.engine.store import Store
    from interviewer.grading.offline import OfflineGrader

    rng = random.Random(seed)
    bank, grader = get_bank(BANK), OfflineGrader()
    told = stories(n_stories, rng)
    qids = [q.id for q in bank.questions]
    with Store.open(path) as store:
        store.db.execute("PRAGMA synchronous=OFF")  # building only: no fsync per answer
        for _ in range(answers // PER_SESSION):
            asked = rng.sample(qids, PER_SESSION)
            sid = store.create_session(bank.id, asked, "typed", "offline")
            for qid in asked:
                opening, rest = told[rng.randrange(n_stories)]
                text = retold(opening, rng) + rest
                question = bank.question(qid)
                aid = store.add_answer(sid, qid, question.text, text)
                store.save_grade(aid, grader.grade(question, build_rubric(bank, qid), text))
            store.finish_session(sid)


def coverage_once(db: Path) -> float:
    """One ``stories coverage`` in process, output discarded; milliseconds."""
    from interviewer.cli.stories import print_coverage
    from interviewer.core import bank as banks
    from interviewer.engine.store import Store
    from interviewer.engine.stories import story_bank
    from interviewer.prep.stories import coverage, story_cards

    start = time.perf_counter()
    found = [b for b, _ in banks.list_banks()]
    with Store.open(db) as store:
        stored, sessions = story_bank(store)
    matrix = coverage(story_cards(stored, sessions), found)
    with contextlib.redirect_stdout(io.StringIO()):
        print_coverage(matrix)
    return 1000 * (time.perf_counter() - start)


def line(label: str, ms: list[float]) -> None:
    print(f"{label:<40} median {statistics.median(ms):8.1f} ms   "
          f"runs: {', '.join(f'{m:.0f}' for m in ms)}")  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--answers", type=int, default=500)
    ap.add_argument("--stories", type=int, default=60)
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "base.sqlite3"
        t = time.perf_counter()
        build(base, args.answers, args.stories)
        print(f"built {args.answers} graded answers ({args.stories} stories) "
              f"in {time.perf_counter() - t:.1f} s")  # fmt: skip
        cold = []
        for i in range(args.runs):
            copy = Path(tmp) / f"cold{i}.sqlite3"
            shutil.copy(base, copy)
            cold.append(coverage_once(copy))
        warm_db = Path(tmp) / f"cold{args.runs - 1}.sqlite3"
        warm = [coverage_once(warm_db) for _ in range(args.runs)]
        cli = []
        exe = Path(sys.executable).parent / "interviewer"
        for _ in range(args.runs):
            t = time.perf_counter()
            subprocess.run([str(exe), "stories", "coverage", "--db", str(warm_db)],
                           check=True, capture_output=True)  # fmt: skip
            cli.append(1000 * (time.perf_counter() - t))
        from interviewer.engine.store import Store
        from interviewer.engine.stories import list_stories

        with Store.open(warm_db) as store:
            found = len(list_stories(store))
        print(f"stories found: {found}")
        line("cold (places all answers)", cold)
        line("warm (nothing new)", warm)
        line("`interviewer stories coverage` process", cli)
        verdict = {k: "OK" if statistics.median(v) < 500 else "MISSED"
                   for k, v in (("cold", cold), ("warm", warm))}  # fmt: skip
        print(f"target: < 500 ms median -> cold {verdict['cold']}, warm {verdict['warm']}")


if __name__ == "__main__":
    main()
