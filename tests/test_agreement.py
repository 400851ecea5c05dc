"""The grader against the coaches: reviewed dimensions become labelled cases, agreement is
reported per grader kind and dimension, and the cases become a suite that fails when the
grader disagrees."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from interviewer.core.bank import get_bank
from interviewer.engine.reviews import review_answer
from interviewer.engine.store import Store
from interviewer.evals.agreement import agreement, labelled_cases
from interviewer.evals.suite import load_suite
from tests.cli_helpers import run_cli
from tests.review_helpers import BANK, FULL, graded_session
from tests.session_helpers import make_grade

# (question, the offline grader's Result score, the coach's Result score)
RESULTS = [("q1", 4, 4), ("q2", 3, 2), ("q3", 0, 0), ("q4", 1, 3), ("q5", 4, 5)]


def _labelled_session(db: Path) -> str:
    """Five answers graded offline with the Result scores above, one of them (q1) also by
    an LLM grade that says 1; one coach reviews every Result and q1's Task."""
    bank = get_bank(BANK)
    with Store.open(db) as store:
        sid = store.create_session(bank.id, [q for q, _, _ in RESULTS], "typed", "offline")
        for qid, grader_score, _ in RESULTS:
            aid = store.add_answer(sid, qid, bank.question(qid).text, f"My answer to {qid}.")
            store.save_grade(aid, make_grade(3, result=grader_score))
            if qid == "q1":
                llm = make_grade(3, result=1)
                llm = llm.model_copy(update={"meta": llm.meta.model_copy(update={"grader": "llm"})})
                store.save_grade(aid, llm)
        session = store.get_session(sid)
        for qid, _, coach_score in RESULTS:
            scores = {"result": coach_score, **({"task": 3} if qid == "q1" else {})}
            comments = {"result": "The ending needs a number."} if qid == "q4" else {}
            review_answer(store, session, bank, qid, "Ana", scores, comments)
    return sid


def test_every_reviewed_dimension_is_a_case_per_grader_kind(tmp_path: Path) -> None:
    sid = _labelled_session(tmp_path / "s.sqlite3")
    with Store.open(tmp_path / "s.sqlite3") as store:
        cases = labelled_cases([store.get_session(sid)])
    offline = [(c.question_id, c.dimension, c.coach, c.grader) for c in cases
               if c.grader_kind == "offline"]  # fmt: skip
    assert offline == [("q1", "result", 4, 4), ("q1", "task", 3, 3), ("q2", "result", 2, 3),
                       ("q3", "result", 0, 0), ("q4", "result", 3, 1),
                       ("q5", "result", 5, 4)]  # fmt: skip
    llm = [(c.question_id, c.dimension, c.coach, c.grader) for c in cases if c.grader_kind == "llm"]
    assert llm == [("q1", "result", 4, 1), ("q1", "task", 3, 3)]
    assert {c.answer for c in cases if c.question_id == "q1"} == {"My answer to q1."}


def test_agreement_figures_match_the_arithmetic_by_hand(tmp_path: Path) -> None:
    sid = _labelled_session(tmp_path / "s.sqlite3")
    with Store.open(tmp_path / "s.sqlite3") as store:
        result = agreement(labelled_cases([store.get_session(sid)]))
    fig = result.by_dimension[("offline", "result")]
    # Result pairs (coach, grader): (4,4) (2,3) (0,0) (3,1) (5,4); n = 5
    assert fig.n == 5
    assert fig.exact == pytest.approx(2 / 5)  # (4,4) and (0,0)
    assert fig.within_one == pytest.approx(4 / 5)  # all but (3,1)
    # Quadratic weights on the 0-5 scale: w(i, j) = (i - j)^2 / 5^2.
    # Observed: sum of w over the pairs = (0 + 1 + 0 + 4 + 1) / 25 = 6/25
    observed = (0 + 1 + 0 + 4 + 1) / 25
    # Expected by chance: sum over every coach score c and grader score g of (c - g)^2,
    # coach scores {4, 2, 0, 3, 5}, grader scores {4, 3, 0, 1, 4}:
    #   c=4: 0+1+16+9+0 = 26   c=2: 4+1+4+1+4 = 14   c=0: 16+9+0+1+16 = 42
    #   c=3: 1+0+9+4+1 = 15    c=5: 1+4+25+16+1 = 47            total 144
    # divided by 25 (the weight) and by n = 5 (the chance product of the marginals)
    expected = (26 + 14 + 42 + 15 + 47) / 25 / 5
    assert fig.kappa == pytest.approx(1 - observed / expected)  # = 1 - 30/144 = 19/24
    assert fig.kappa == pytest.approx(19 / 24)
    # The LLM grade of q1 is its own group: coach 4 against 1 on Result, exact on Task
    assert result.by_dimension[("llm", "result")].n == 1
    assert result.overall["llm"].exact == pytest.approx(1 / 2)
    assert result.overall["offline"].n == 6
    # largest disagreements first: the LLM's 1 against 4 (off by 3), then q4's 3 against 1
    top = [(c.grader_kind, c.question_id, c.gap) for c in result.largest[:2]]
    assert top == [("llm", "q1", 3), ("offline", "q4", 2)]
    assert result.largest[1].comment == "The ending needs a number."
    assert all(c.gap > 0 for c in result.largest)


def test_eval_reviews_reports_and_lists_the_largest_disagreements(tmp_path: Path) -> None:
    sid = _labelled_session(Path("sessions.sqlite3"))  # the INTERVIEWER_DB of the test
    result = run_cli("eval", "--reviews", sid, "--json", "agreement.json")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "offline\tResult\t5\t0.40\t0.80\t0.79" in lines
    assert "llm\tResult\t1\t0.00\t0.00\t0.00" in lines
    assert any("q4 Result: Ana 3, offline grader 1 (off by 2) - The ending needs a number." in x
               for x in lines)  # fmt: skip
    saved = json.loads(Path("agreement.json").read_text("utf-8"))
    assert saved["by_grader"]["offline"]["n"] == 6


def test_no_reviews_is_one_clear_line(tmp_path: Path) -> None:
    graded_session(Path("sessions.sqlite3"))
    result = run_cli("eval", "--reviews")
    assert result.exit_code == 2
    assert "no reviewed scores" in result.stderr and "interviewer review" in result.stderr
    assert run_cli("eval", "--write-suite", "x.yaml", "evals/agreement.yaml").exit_code == 2


# --- the suite written from reviews ------------------------------------------------------


def _offline_scores(sid: str) -> dict[str, int]:
    with Store.open() as store:
        grade = store.get_session(sid).questions()[0].grade
    assert grade is not None
    return grade.scores()


def test_a_suite_from_reviews_that_agree_passes(tmp_path: Path) -> None:
    sid = graded_session(Path("sessions.sqlite3"), {"q1": FULL})
    graded = _offline_scores(sid)
    # the coach agrees with the offline grader on Result and Action
    assert run_cli("review", sid, "-r", "Ana", "--answer", "q1",
                   "--score", f"result={graded['result']}",
                   "--score", f"action={graded['action']}",
                   "--score", f"data-quality={graded['data-quality']}").exit_code == 0  # fmt: skip
    out = run_cli("eval", "--reviews", "--write-suite", "coach.yaml", "--tolerance", "0")
    assert out.exit_code == 0, out.output
    suite = load_suite(Path("coach.yaml"))  # the format evals/suite.py reads
    [case] = suite.cases
    assert case.question_id == "q1" and case.answer == FULL
    # key themes are not in a suite: only the STAR parts the coach scored, exactly
    assert case.expect == {"action": (graded["action"],) * 2, "result": (graded["result"],) * 2}
    assert run_cli("eval", "coach.yaml").exit_code == 0


def test_a_suite_from_reviews_that_contradict_the_grader_fails(tmp_path: Path) -> None:
    sid = graded_session(Path("sessions.sqlite3"), {"q1": FULL})
    graded = _offline_scores(sid)
    assert graded["result"] >= 3  # the offline grader reads a clear result in this answer
    # the coach says there is no result worth the name: more than one point away
    comment = "result=The flagged share is not an outcome."
    assert run_cli("review", sid, "-r", "Ben Okafor", "--answer", "q1", "--score", "result=0",
                   "--comment", comment).exit_code == 0  # fmt: skip
    assert run_cli("eval", "--reviews", "--write-suite", "coach.yaml").exit_code == 0
    written = yaml.safe_load(Path("coach.yaml").read_text("utf-8"))
    assert written["cases"][0]["expect"] == {"result": [0, 1]}  # within one of the coach
    assert "Ben Okafor" in written["cases"][0]["note"]
    result = run_cli("eval", "coach.yaml")
    assert result.exit_code == 1
    assert f"result {graded['result']} not in 0-1" in result.stdout


def test_a_suite_from_an_imported_session_names_the_bank_it_came_from(tmp_path: Path) -> None:
    from interviewer.engine.portable import export_session, import_file, write_export

    home = tmp_path / "home.sqlite3"
    sid = graded_session(home, {"q1": FULL})
    with Store.open(home) as store:
        write_export(export_session(store, sid, lambda b, o: get_bank(b)), tmp_path / "s.json")
    with Store.open() as store:  # the coach's database
        there = import_file(store, tmp_path / "s.json").session_id
    assert run_cli("review", there, "-r", "Ana", "--answer", "q1",
                   "--score", "result=4").exit_code == 0  # fmt: skip
    result = run_cli("eval", "--reviews", there, "--write-suite", "coach.yaml")
    assert result.exit_code == 0, result.output
    written = yaml.safe_load(Path("coach.yaml").read_text("utf-8"))
    assert written["cases"][0]["bank"] == BANK
    assert run_cli("eval", "coach.yaml").exit_code == 0  # it loads, runs, and agrees
