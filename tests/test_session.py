"""The interview engine: answers saved before grading, failures survived, follow-ups, selection."""

from __future__ import annotations

from pathlib import Path

import pytest

from interviewer.core.bank import get_bank
from interviewer.core.errors import ConfigError, NotFoundError
from interviewer.engine.followups import choose_probe, load_probes, weak_part
from interviewer.engine.selection import select_questions
from interviewer.engine.session import AnswerInput, Interview, StopInterview, regrade
from interviewer.engine.store import Store
from interviewer.grading.coach import same_probe
from tests.session_helpers import FailingGrader, ListFrontend, RecordingGrader, make_grade

MAIN_ANSWER = (
    "Our churn model's precision dropped overnight. I compared feature distributions "
    "between the two weeks and found a join that silently dropped late events."
)
FOLLOW_UP_ANSWER = "False alerts fell from 120 a day to 15, and I added a drift monitor."


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store.open(tmp_path / "s.sqlite3")
    yield s
    s.close()


@pytest.fixture
def bank():
    return get_bank()


def test_answer_is_in_the_database_before_the_grader_is_called(store, bank) -> None:
    seen_in_db: list[str] = []

    def decide(text: str):
        rows = store.db.execute("SELECT text, status FROM answers").fetchall()
        seen_in_db.extend(f"{r[0]}|{r[1]}" for r in rows)
        return make_grade(4)

    engine = Interview.start(store, bank, ["q1"], RecordingGrader(decide), follow_ups=0)
    engine.run(ListFrontend([MAIN_ANSWER]))
    assert seen_in_db == [f"{MAIN_ANSWER}|ungraded"]
    assert engine.session.answers[0].status == "graded"


def test_grading_failure_keeps_the_answer_and_the_interview_goes_on(store, bank) -> None:
    grader = FailingGrader("LLM unreachable after 4 attempts")
    engine = Interview.start(store, bank, ["q1", "q2"], grader)
    front = ListFrontend([MAIN_ANSWER, "Second answer about a failed experiment."])
    session = engine.run(front)
    assert [a.text for a in session.answers] == [MAIN_ANSWER, front_second(session)]
    assert {a.status for a in session.answers} == {"failed"}
    assert session.answers[0].error == "LLM unreachable after 4 attempts"
    assert "LLM unreachable after 4 attempts" in front.failures
    assert [p for p, follow_up in front.prompts if follow_up] == []  # no grade, no probe
    assert session.finished


def front_second(session) -> str:
    return session.answers[1].text


def test_weak_answer_gets_one_targeted_follow_up_graded_with_the_original(store, bank) -> None:
    # Weak result until the follow-up answer adds a number.
    grader = RecordingGrader(
        lambda text: make_grade(4) if "fell from" in text else make_grade(4, result=1)
    )
    engine = Interview.start(store, bank, ["q1"], grader)
    front = ListFrontend([MAIN_ANSWER, FOLLOW_UP_ANSWER])
    session = engine.run(front)

    probes = [p for p, follow_up in front.prompts if follow_up]
    assert len(probes) == 1
    (view,) = session.questions()
    assert view.follow_ups[0].prompt == probes[0]
    assert view.follow_ups[0].text == FOLLOW_UP_ANSWER
    assert grader.calls[-1] == ("q1", f"{MAIN_ANSWER}\n\n{FOLLOW_UP_ANSWER}")
    assert [g.grade.result.score for g in view.answer.grades] == [1, 4]
    assert front.scorecards == ["q1"]


def test_no_follow_up_when_follow_ups_is_zero(store, bank) -> None:
    grader = RecordingGrader(lambda text: make_grade(0))
    engine = Interview.start(store, bank, ["q1"], grader, follow_ups=0)
    front = ListFrontend([MAIN_ANSWER])
    session = engine.run(front)
    assert [f for _, f in front.prompts] == [False]
    assert session.questions()[0].follow_ups == []


def test_no_follow_up_when_the_answer_is_strong(store, bank) -> None:
    engine = Interview.start(store, bank, ["q1"], RecordingGrader(), follow_ups=2)
    front = ListFrontend([MAIN_ANSWER])
    engine.run(front)
    assert len(front.prompts) == 1


def test_follow_ups_two_asks_two_different_probes_while_still_weak(store, bank) -> None:
    engine = Interview.start(
        store, bank, ["q1"], RecordingGrader(lambda t: make_grade(3, metrics=False)), follow_ups=2
    )
    front = ListFrontend([MAIN_ANSWER, "It got better.", "Much better."])
    session = engine.run(front)
    probes = [p for p, f in front.prompts if f]
    assert len(probes) == 2 and probes[0] != probes[1]
    assert len(session.questions()[0].follow_ups) == 2


def test_declining_a_follow_up_moves_on(store, bank) -> None:
    engine = Interview.start(store, bank, ["q1", "q2"], RecordingGrader(lambda t: make_grade(0)))
    front = ListFrontend([MAIN_ANSWER, None, "Answer two.", None])
    session = engine.run(front)
    assert [a.question_id for a in session.answers] == ["q1", "q2"]


def test_feedback_end_without_follow_ups_grades_at_the_end(store, bank) -> None:
    grader = RecordingGrader()
    engine = Interview.start(store, bank, ["q1", "q2"], grader, feedback="end", follow_ups=0)

    class Front(ListFrontend):
        def read_answer(self, question, prompt, follow_up):
            assert grader.calls == []  # nothing graded while the interview is running
            return super().read_answer(question, prompt, follow_up)

    front = Front(["One.", "Two."])
    session = engine.run(front)
    assert [c[0] for c in grader.calls] == ["q1", "q2"]
    assert front.scorecards == []  # shown by finish(), all at once
    assert all(v.grade for v in session.questions())


def test_stop_keeps_partial_answer_and_leaves_session_resumable(store, bank) -> None:
    engine = Interview.start(store, bank, ["q1", "q2", "q3"], RecordingGrader(), follow_ups=0)
    front = ListFrontend([MAIN_ANSWER, StopInterview(AnswerInput("I was halfway thro"))])
    with pytest.raises(StopInterview):
        engine.run(front)
    session = store.get_session(engine.session_id)
    assert [a.text for a in session.answers] == [MAIN_ANSWER, "I was halfway thro"]
    assert not session.finished
    assert session.unanswered() == ["q3"]

    resumed = Interview(store, bank, engine.session_id, RecordingGrader(), follow_ups=0)
    front2 = ListFrontend(["Third answer."])
    done = resumed.run(front2)
    assert front2.started_with == ["q3"]
    assert [a.question_id for a in done.answers] == ["q1", "q2", "q3"]
    assert {a.status for a in done.answers} == {"graded"}  # partial graded on resume
    assert done.finished


def test_skipped_question_is_not_saved(store, bank) -> None:
    engine = Interview.start(store, bank, ["q1", "q2"], RecordingGrader(), follow_ups=0)
    session = engine.run(ListFrontend([None, "Answer two."]))
    assert [a.question_id for a in session.answers] == ["q2"]


def test_regrade_appends_and_keeps_old_grades(store, bank) -> None:
    engine = Interview.start(store, bank, ["q1", "q2"], FailingGrader(), follow_ups=0)
    engine.run(ListFrontend(["One.", "Two."]))
    results = regrade(store, bank, engine.session_id, RecordingGrader(lambda t: make_grade(2)))
    assert [v.question_id for v, g, e in results] == ["q1", "q2"]
    again = regrade(store, bank, engine.session_id, RecordingGrader(lambda t: make_grade(5)))
    assert again == []  # nothing ungraded left
    regrade(
        store, bank, engine.session_id, RecordingGrader(lambda t: make_grade(5)), everything=True
    )
    view = store.get_session(engine.session_id).questions()[0]
    assert [g.grade.action.score for g in view.answer.grades] == [2, 5]
    assert view.grade.action.score == 5


# --- follow-up probes -------------------------------------------------------------------


def test_weak_part_is_the_lowest_star_part_or_a_missing_number() -> None:
    assert weak_part(make_grade(4, task=1, action=0)) == "action"
    assert weak_part(make_grade(4, metrics=False)) == "quantified_results"
    assert weak_part(make_grade(2)) is None


def test_probe_prefers_the_grades_follow_up_then_a_matching_bank_probe(bank) -> None:
    q1 = bank.question("q1")
    grade = make_grade(4, result=1, follow_up="What did the fix change for users?")
    assert choose_probe(grade, q1, []) == "What did the fix change for users?"
    second = choose_probe(grade, q1, ["What did the fix change for users?"])
    assert second in q1.probes
    plain = make_grade(4, lessons_learned=0)
    assert (
        choose_probe(plain, q1.model_copy(update={"probes": []}), [])
        == (load_probes().generic["lessons_learned"])
    )


def test_probe_never_repeats_one_already_asked_in_other_words(bank) -> None:
    q1 = bank.question("q1")
    own = "What did the fix change for users?"
    grade = make_grade(4, result=1, follow_up=own)
    for asked in (
        "what did the fix change for users",  # case and punctuation
        "WHAT DID THE FIX CHANGE FOR USERS?!",
        "What did that fix change for your users?",  # a near-duplicate
    ):
        probe = choose_probe(grade, q1, [asked])
        assert probe is not None and probe != own and not same_probe(probe, asked), asked
    # once every candidate was asked, in whatever form, nothing is asked again
    generic = load_probes().generic.values()
    everything = [own.lower(), *(p.upper() for p in q1.probes), *generic]
    assert choose_probe(grade, q1, everything) is None


def test_a_generic_probe_that_rewords_the_asked_one_is_not_asked(bank) -> None:
    asked = "What did you learn from this, and what do you do differently now?"
    grade = make_grade(4, lessons_learned=0, follow_up=asked)
    no_bank_probes = bank.question("q1").model_copy(update={"probes": []})
    # the generic lessons probe ("What did you take away from this, and what do you do
    # differently now?") asks the same thing in other words
    assert same_probe(load_probes().generic["lessons_learned"], asked)
    assert choose_probe(grade, no_bank_probes, [asked]) is None


def test_same_probe_tells_rewordings_from_other_questions() -> None:
    assert same_probe("What did you learn?", "what did you learn from it")
    assert same_probe("How did you measure the results?", "How did you measure the result")
    assert not same_probe("What was the result?", "What was the lesson?")
    assert not same_probe("How did you measure it?", "How did you measure success?")
    assert not same_probe("", "")


# --- selection --------------------------------------------------------------------------


def test_explicit_questions_are_kept_in_order(bank) -> None:
    assert select_questions(bank, ids=["q3", "q1"]) == ["q3", "q1"]


def test_unknown_question_names_the_known_ones(bank) -> None:
    with pytest.raises(NotFoundError, match="q1, q2"):
        select_questions(bank, ids=["q99"])


def test_random_is_seedable_and_theme_narrows_the_pool(bank) -> None:
    a = select_questions(bank, count=3, seed=7)
    assert a == select_questions(bank, count=3, seed=7)
    assert len(set(a)) == 3
    themed = select_questions(bank, theme="pivot-checkpoints", count=10, seed=1)
    assert themed and all("pivot-checkpoints" in bank.question(q).themes for q in themed)


def test_default_is_a_handful_covering_different_themes_and_fresh_questions(bank) -> None:
    chosen = select_questions(bank, seed=3)
    assert len(chosen) == 3
    themes = {t for q in chosen for t in bank.question(q).themes}
    assert len(themes) >= 4
    practised = {q.id: 5 for q in bank.questions if q.id != "q10"}
    assert "q10" in select_questions(bank, seed=3, answered=practised)


def test_conflicting_or_bad_selection_is_a_config_error(bank) -> None:
    with pytest.raises(ConfigError):
        select_questions(bank, ids=["q1"], count=2)
    with pytest.raises(ConfigError):
        select_questions(bank, count=0)
    with pytest.raises(NotFoundError, match="theme"):
        select_questions(bank, theme="nope")


def test_among_limits_random_and_theme_picks(bank) -> None:
    picked = select_questions(bank, count=5, seed=2, among=["q2", "q7"])
    assert sorted(picked) == ["q2", "q7"]
    with pytest.raises(NotFoundError):
        select_questions(bank, theme="pivot-checkpoints", among=["q1"])


def test_a_follow_up_asks_for_a_number_when_only_effort_numbers_were_given() -> None:
    from interviewer.core.grade import Metric
    from interviewer.engine.followups import weak_part

    grade = make_grade(4)
    effort = Metric(value="14 months", measures="tickets reviewed", role="effort")
    grade.quantified_results.metrics[:] = [effort]
    assert weak_part(grade) == "quantified_results"
    grade.quantified_results.metrics.append(Metric(value="30%", measures="drop", role="outcome"))
    assert weak_part(grade) is None
