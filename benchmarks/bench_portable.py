"""Export and import of one large session: 30 questions, each with a follow-up, three
grades and a 2 MB recording (about 60 MB of audio in the file), in temporary stores.

Prints, per run and as the median: export time (to the file), import time (parse, check
every sha256, one transaction, write the recordings) and the file size.

    .venv/bin/python benchmarks/bench_portable.py [--runs 5] [--questions 30] [--audio-mb 2]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from interviewer.core.bank import get_bank
from interviewer.engine.portable import export_session, import_file, write_export
from interviewer.engine.store import Store
from tests.session_helpers import make_grade

ANSWER = (
    "When our night shift kept missing the 6 a.m. truck, I was the team lead, so I owned the "
    "fix. I timed every step of the loading for a week, moved the label printing to the "
    "evening and paired new starters with veterans. Missed trucks fell from four a week to "
    "none in a month, and I learned to measure before I reorganise. "
) * 3


def build(store: Store, folder: Path, questions: int, audio_bytes: int) -> str:
    bank = get_bank("ml-problem-solving")
    ids = [q.id for q in bank.questions][:questions]
    ids += [f"q{100 + i}" for i in range(questions - len(ids))]
    sid = store.create_session(bank.id, ids, "voice", "offline")
    for i, qid in enumerate(ids):
        audio = folder / f"{qid}.wav"
        audio.write_bytes(b"RIFF" + os.urandom(audio_bytes))
        delivery = {"seconds": 120.0 + i, "words": 260, "words_per_minute": 130.0,
                    "fillers": 3, "fillers_per_minute": 1.5, "top_filler": "um",
                    "long_pauses": 1, "garbled": False, "advice": []}  # fmt: skip
        main = store.add_answer(sid, qid, f"Question {qid}?", ANSWER, elapsed_seconds=120.0,
                                audio_path=str(audio), delivery=delivery)  # fmt: skip
        store.save_grade(main, make_grade(2))
        store.add_answer(sid, qid, "And then?", "It stayed at zero.", kind="follow_up",
                         parent_id=main, slot=0)  # fmt: skip
        store.save_grade(main, make_grade(3))
        store.save_grade(main, make_grade(4))
    store.finish_session(sid)
    return sid


def one_run(questions: int, audio_mb: float) -> tuple[float, float, float]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "rec").mkdir()
        with Store.open(root / "a" / "s.sqlite3") as home:
            sid = build(home, root / "rec", questions, int(audio_mb * 1_000_000))
            start = time.perf_counter()
            path = root / "export.json"
            write_export(export_session(home, sid, lambda b, o: get_bank(b)), path)
            exported = time.perf_counter() - start
        with Store.open(root / "b" / "s.sqlite3") as away:
            start = time.perf_counter()
            import_file(away, path)
            imported = time.perf_counter() - start
        return exported, imported, path.stat().st_size / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--questions", type=int, default=30)
    parser.add_argument("--audio-mb", type=float, default=2.0)
    args = parser.parse_args()
    runs = [one_run(args.questions, args.audio_mb) for _ in range(args.runs)]
    for i, (e, im, mb) in enumerate(runs, 1):
        print(f"run {i}: export {e:.2f} s, import {im:.2f} s, file {mb:.1f} MB")
    print(
        f"median of {len(runs)}: export {statistics.median(r[0] for r in runs):.2f} s, "
        f"import {statistics.median(r[1] for r in runs):.2f} s "
        f"({args.questions} questions with follow-ups, {3 * args.questions} grades, "
        f"{runs[0][2]:.1f} MB file)"
    )


if __name__ == "__main__":
    main()
