"""What to practise next: the plan, `interviewer next`, `practice --next`, and progress
against the plan in the history."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from interviewer.core.bank import get_bank
from interviewer.core.grade import ThemeGrade
from interviewer.core.records import AnswerRecord, GradeRecord, SessionRecord
from interviewer.engine.store import Store
from interviewer.prep.next import COUNT, WINDOW, plan_progress, practice_plan
from tests.cli_helpers import run_cli
from tests.session_helpers import make_grade
from tests.story_helpers import build_history

GB = "general-behavioural"
START = datetime(2026, 3, 2, 9)


def graded(sid: str, n: int, answers: list[tuple[str, dict[str, int], dict[str, int]]]):
    """A session of ``answers``: (question id, STAR scores, key-theme scores)."""
    records = []
    for i, (qid, star, themes) in enumerate(answers):
        grade = make_grade(4, **star).model_copy(
            update={"themes": [ThemeGrade(theme=t, score=s) for t, s in themes.items()]}
        )
        aid = n * 10 + i
        records.append(
            AnswerRecord(id=aid, session_id=sid, question_id=qid, prompt="?", text="...",
                         status="graded", created_at=START,
                         grades=[GradeRecord(id=aid, answer_id=aid, created_at=START, grade=grade)])
        )  # fmt: skip
    return SessionRecord(id=sid, bank_id=GB, question_ids=[a[0] for a in answers],
                         grader="offline", started_at=START + timedelta(days=n),
                         answers=records)  # fmt: skip


# Result is clearly the weakest part; leadership the weakest theme; q6 and others never asked
RESULT_WEAK = [
    graded("s1", 1, [("q1", {"result": 1}, {"constructive-conflict": 4, "collaboration": 3}),
                     ("q4", {"result": 2}, {"leadership": 1, "collaboration": 3})]),
    graded("s2", 2, [("q8", {"result": 1, "lessons_learned": 3},
                      {"prioritisation": 3, "collaboration": 4})]),
    graded("s3", 3, [("q9", {"result": 2}, {"collaboration": 4, "leadership": 2})]),
]  # fmt: skip
ASKED = {(GB, "q1"): 1, (GB, "q4"): 1, (GB, "q8"): 1, (GB, "q9"): 1}


def test_the_plan_names_the_weakest_part_and_theme_and_picks_fresh_questions() -> None:
    plan = practice_plan(RESULT_WEAK, [get_bank(GB)], ASKED)
    assert (plan.part, plan.part_average) == ("result", 1.5)  # (1 + 2 + 1 + 2) / 4
    assert plan.part_name == "Result" and "outcome" in (plan.part_advice or "")
    assert (plan.theme, plan.theme_average) == ("leadership", 1.5)
    assert plan.bank_id == GB and len(plan.picks) == COUNT
    # questions probing leadership that were never answered first (q7), then q4, q9 again
    leadership = [q.id for q in get_bank(GB).questions if "leadership" in q.themes]
    assert plan.question_ids == ["q7", "q4", "q9"] and set(plan.question_ids) <= set(leadership)
    assert plan.picks[0].why == "probes Leading people, your weakest key theme; never answered"
    assert plan.picks[1].why.endswith("answered once")
    assert ("q6", get_bank(GB).question("q6").text) in plan.unanswered
    assert plan.focus()["part"] == "result" and plan.focus()["questions"] == plan.question_ids


def test_the_plan_reads_only_the_last_sessions() -> None:
    old = [graded(f"o{i}", i - 20, [("q2", {"action": 0}, {"ownership": 0})]) for i in range(3)]
    plan = practice_plan([*old, *RESULT_WEAK], [get_bank(GB)], ASKED)
    assert plan.sessions == min(WINDOW, 6) and plan.part == "result"


def test_with_nothing_graded_the_plan_starts_with_unanswered_questions() -> None:
    plan = practice_plan([], [get_bank("ml-problem-solving")], {})
    assert plan.graded == 0 and plan.part is None and plan.theme is None
    assert plan.question_ids == ["q1", "q2", "q3"]
    assert all(p.why == "never answered" for p in plan.picks)


def test_progress_against_the_plan() -> None:
    focus = {"part": "result", "part_average": 1.5}
    better = [
        graded("p1", 4, [("q7", {"result": 3}, {})]),
        graded("p2", 5, [("q4", {"result": 4}, {})]),
    ]
    progress = plan_progress([*RESULT_WEAK, *better], "p1", focus)
    assert progress is not None
    assert (progress.part_name, progress.before, progress.now, progress.sessions) == (
        "Result",
        1.5,
        3.5,
        2,
    )
    assert plan_progress(RESULT_WEAK, "gone", focus) is None


# --- from the command line -----------------------------------------------------------------


def test_next_says_what_and_why(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite3"
    build_history(db)
    result = run_cli("next", "--db", str(db))
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "From your last 3 sessions (5 graded answers)" in out
    assert "weakest STAR part: Lessons learned (average 2.4 of 5)" in out
    assert "weakest key theme: Embrace failure as data" in out
    assert "q2: Describe a time an ML experiment or project completely failed" in out
    assert "Never answered in ml-problem-solving: q2, q3, q4, q6, q10" in out
    assert "needs a number for what changed and a lesson" in out  # the warehouse story


def test_practice_next_asks_what_next_said_and_history_shows_progress(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite3"
    build_history(db)
    said = run_cli("next", "--db", str(db)).stdout
    planned = [
        line.strip().split(":")[0]
        for line in said.split("Practise next")[1].splitlines()
        if line.startswith("  q")
    ]
    answer = (
        "Two years ago an image classifier I trained for a retailer failed its launch test: "
        "accuracy on real shelf photos was 52% against 90% in the lab. I owned the model and "
        "had to decide within a week whether to fix it or stop. I labelled 300 real photos, "
        "found the lab images were all taken under studio light and set a checkpoint: if "
        "retraining on real photos did not reach 80% in five days we would stop. It reached "
        "71%, so we stopped and moved the budget to barcode scanning, which shipped a month "
        "later. I learned to test on real data on day one, and I now set the stop rule first."
    )
    typed = "".join(f"{answer}\n\n\n" for _ in planned)
    ran = run_cli("practice", "--next", "--follow-ups", "0", "--report", "none",
                  "--db", str(db), input=typed)  # fmt: skip
    assert ran.exit_code == 0, ran.output
    assert "The plan (working on Lessons learned, Embrace failure as data)" in ran.stderr
    with Store.open(db) as store:
        session = store.get_session("last")
        options = store.session_options(session.id)
    assert session.question_ids == planned  # exactly what `next` said, in its order
    assert options["plan"]["part"] == "lessons_learned"
    assert options["plan"]["questions"] == planned

    history = run_cli("history", "--db", str(db))
    assert history.exit_code == 0, history.output
    assert "Plan (since " in history.stdout and "Lessons learned 2.4 -> " in history.stdout
    assert "over 1 session" in history.stdout

    both = run_cli("practice", "--next", "--questions", "q1", "--db", str(db))
    assert both.exit_code == 2 and "either --next or" in both.stderr
