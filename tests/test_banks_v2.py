"""The second-generation built-in banks, used the way a candidate uses them: through the CLI.

``general-behavioural`` (conflict, failure, leadership, teamwork, feedback, prioritisation)
and ``customer-and-projects`` (difficult customers, deadlines, scope, stakeholders, service
recovery) must load with the bank schema, be listed by ``interviewer banks``, and work with
``practice --bank`` and ``grade --bank``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from interviewer.core.bank import get_bank, load_bank
from interviewer.core.resources import rubrics_dir
from interviewer.engine.store import Store
from tests.cli_helpers import run_cli

V2_BANKS = {
    "general-behavioural": {"conflict", "failure", "lead", "teamwork", "feedback", "priorit"},
    "customer-and-projects": {"customer", "deadline", "scope", "stakeholder", "put it right"},
}

CONFLICT_ANSWER = (
    "Last spring I ran the returns desk at a furniture store, and a colleague on the sales "
    "floor kept promising customers free collection of old sofas, which we did not offer. "
    "It was my job to sort out the returns queue before the summer sale. I asked him for a "
    "coffee and asked why he promised it; he said customers would not buy without it. I "
    "pulled the numbers: collections were costing us about 40 pounds each. We agreed to "
    "offer collection for a 20 pound fee instead, and he told his customers plainly. In "
    "the next month complaints about collections fell from 15 to 2, and the fee covered "
    "half the cost. Since then I take a disagreement to the person before I take it to a "
    "manager."
)
CUSTOMER_ANSWER = (
    "At the garden centre where I was a supervisor, a customer shouted at me because the "
    "40 hedge plants he had paid for were delivered to the wrong address the day before "
    "his daughter's wedding. My goal was to get the plants to him that day. I let him tell "
    "me the whole story, apologised, checked the delivery note, and found the driver had "
    "swapped two orders. I drove a replacement set over myself that afternoon and refunded "
    "the delivery charge. He planted them in time, came back the next month and spent 600 "
    "pounds, and I added an address check to the driver's loading sheet, which stopped "
    "the swaps. I learned to check the paperwork before I argue about who was at fault."
)


def _typed(*answers: str) -> str:
    return "".join(f"{a}\n\n\n" for a in answers)


class TestBankFiles:
    @pytest.mark.parametrize("bank_id", sorted(V2_BANKS))
    def test_loads_with_the_bank_schema_and_is_well_formed(self, bank_id: str):
        bank = load_bank(rubrics_dir() / f"{bank_id}.yaml")
        assert bank.id == bank_id
        assert 8 <= len(bank.questions) <= 10
        assert [q.id for q in bank.questions] == [
            f"q{i}" for i in range(1, len(bank.questions) + 1)
        ]
        assert len(bank.themes) >= 4
        for theme in bank.themes:
            assert theme.name and theme.description, theme.id
            assert len(theme.indicators) >= 4, theme.id
        used = set()
        for q in bank.questions:
            assert 1 <= len(q.themes) <= 3, q.id
            assert len(q.probes) >= 2, q.id
            assert all(p.endswith("?") for p in q.probes), q.id
            assert q.reference_answer is None, f"{q.id}: no model answers are shipped"
            used |= set(q.themes)
        assert used == {t.id for t in bank.themes}, "every key theme is probed by a question"

    @pytest.mark.parametrize("bank_id", sorted(V2_BANKS))
    def test_covers_the_topics_it_promises(self, bank_id: str):
        bank = get_bank(bank_id)
        text = " ".join(q.text.lower() for q in bank.questions)
        text += " " + " ".join(f"{t.name} {t.description}".lower() for t in bank.themes)
        missing = {topic for topic in V2_BANKS[bank_id] if topic not in text}
        assert not missing

    def test_the_default_bank_is_still_the_ml_bank(self):
        assert get_bank().id == "ml-problem-solving"


class TestCli:
    def test_banks_lists_both_new_banks_with_their_sizes(self):
        result = run_cli("banks")
        assert result.exit_code == 0, result.output
        lines = {line.split("\t")[0]: line.split("\t") for line in result.output.splitlines()}
        for bank_id in V2_BANKS:
            assert bank_id in lines, result.output
            assert lines[bank_id][1] == str(len(get_bank(bank_id).questions))
        assert "ml-problem-solving" in lines

    @pytest.mark.parametrize("bank_id", sorted(V2_BANKS))
    def test_banks_show_prints_questions_and_themes(self, bank_id: str):
        bank = get_bank(bank_id)
        result = run_cli("banks", "show", bank_id)
        assert result.exit_code == 0, result.output
        assert result.output.count("\n  q") == len(bank.questions)
        for theme in bank.themes:
            assert theme.name in result.output

    @pytest.mark.parametrize(
        ("bank_id", "answer"),
        [("general-behavioural", CONFLICT_ANSWER), ("customer-and-projects", CUSTOMER_ANSWER)],
    )
    def test_practice_typed_answer_is_graded_against_that_bank(
        self, tmp_path: Path, bank_id: str, answer: str
    ):
        db = tmp_path / "s.sqlite3"
        result = run_cli(
            "practice", "--bank", bank_id, "--questions", "q1", "--follow-ups", "0",
            "--grader", "offline", "--report", "none", "--db", str(db), input=_typed(answer),
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        assert get_bank(bank_id).question("q1").text in result.output
        assert "Scorecard q1" in result.output
        with Store.open(db) as store:
            session = store.get_session("last")
        assert session.bank_id == bank_id
        [view] = session.questions()
        assert view.answer.text == answer
        assert view.grade is not None
        themes = {t.theme for t in view.grade.themes}
        assert themes == set(get_bank(bank_id).question("q1").themes)

    def test_practice_scripted_answers_with_a_follow_up(self, tmp_path: Path):
        answers = tmp_path / "answers.yaml"
        answers.write_text(
            yaml.safe_dump(
                {
                    "q2": {"answer": "We were late once.", "follow_ups": ["I told the client."]},
                    "q5": CUSTOMER_ANSWER,
                }
            )
        )
        db = tmp_path / "s.sqlite3"
        result = run_cli(
            "practice", "--bank", "customer-and-projects", "--answers", str(answers),
            "--grader", "offline", "--report", "none", "--db", str(db),
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        with Store.open(db) as store:
            views = {v.question_id: v for v in store.get_session("last").questions()}
        assert set(views) == {"q2", "q5"}
        assert [f.text for f in views["q2"].follow_ups] == ["I told the client."]
        assert all(v.grade is not None for v in views.values())

    def test_practice_by_theme_picks_only_that_themes_questions(self, tmp_path: Path):
        bank = get_bank("general-behavioural")
        wanted = {q.id for q in bank.questions if "prioritisation" in q.themes}
        result = run_cli(
            "practice", "--bank", bank.id, "--theme", "prioritisation", "--random", "2",
            "--seed", "3", "--follow-ups", "0", "--grader", "offline", "--report", "none",
            "--db", str(tmp_path / "s.sqlite3"), input=_typed(CONFLICT_ANSWER, CONFLICT_ANSWER),
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        with Store.open(tmp_path / "s.sqlite3") as store:
            asked = {v.question_id for v in store.get_session("last").questions()}
        assert asked and asked <= wanted

    def test_practice_unknown_question_of_a_v2_bank_is_one_clear_line(self, tmp_path: Path):
        result = run_cli(
            "practice", "--bank", "general-behavioural", "--questions", "q42",
            "--db", str(tmp_path / "s.sqlite3"),
        )  # fmt: skip
        assert result.exit_code == 2
        assert "bank 'general-behavioural' has no question 'q42'" in result.stderr

    @pytest.mark.parametrize("bank_id", sorted(V2_BANKS))
    def test_grade_file_against_the_bank(self, tmp_path: Path, bank_id: str):
        bank = get_bank(bank_id)
        answers = (CUSTOMER_ANSWER, CONFLICT_ANSWER)
        rows = [
            {"id": f"r{i}", "question_id": q.id, "answer": answers[i % 2]}
            for i, q in enumerate(bank.questions)
        ]
        src = tmp_path / "answers.jsonl"
        src.write_text("".join(json.dumps(r) + "\n" for r in rows))
        out = tmp_path / "grades.jsonl"
        result = run_cli(
            "grade", str(src), "--bank", bank_id, "--grader", "offline", "--out", str(out)
        )
        assert result.exit_code == 0, result.output
        graded = [json.loads(line) for line in out.read_text().splitlines()]
        assert [g["id"] for g in graded] == [r["id"] for r in rows]
        for g, q in zip(graded, bank.questions, strict=True):
            assert g["question_id"] == q.id
            assert "error" not in g
            assert {t["theme"] for t in g["grade"]["themes"]} == set(q.themes)

    def test_grade_refuses_a_question_the_bank_does_not_have(self, tmp_path: Path):
        src = tmp_path / "answers.jsonl"
        row = {"id": "a", "question_id": "q11", "answer": CUSTOMER_ANSWER}
        src.write_text(json.dumps(row) + "\n")
        out = tmp_path / "grades.jsonl"
        result = run_cli(
            "grade", str(src), "--bank", "customer-and-projects", "--grader", "offline",
            "--out", str(out),
        )  # fmt: skip
        assert result.exit_code == 1, result.output
        [line] = [json.loads(x) for x in out.read_text().splitlines()]
        assert "unknown question id 'q11' in bank 'customer-and-projects'" in line["error"]
