"""Question banks: the built-in bank, discovery, and clear errors for malformed files."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from interviewer.core.bank import get_bank, list_banks, load_bank
from interviewer.core.errors import DataError, NotFoundError
from interviewer.core.resources import rubrics_dir
from tests.cli_helpers import run_cli

BUILTIN = rubrics_dir() / "ml-problem-solving.yaml"


def _write_bank(tmp_path: Path, mutate) -> Path:
    data = yaml.safe_load(BUILTIN.read_text())
    mutate(data)
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


class TestBuiltinBank:
    def test_has_ten_questions_in_seed_order_and_five_themes(self):
        bank = get_bank()
        assert bank.id == "ml-problem-solving"
        assert [q.id for q in bank.questions] == [f"q{i}" for i in range(1, 11)]
        assert len(bank.themes) == 5
        assert bank.question("q8").text.startswith("Describe a time you had to pivot")

    def test_every_question_probes_themes_and_has_probes(self):
        for q in get_bank().questions:
            assert q.themes, q.id
            assert len(q.probes) >= 2, q.id

    def test_cli_show_lists_questions_and_themes(self):
        result = run_cli("banks", "show", "ml-problem-solving")
        assert result.exit_code == 0, result.output
        assert result.output.count("\n  q") == 10
        for name in ("Systematic debugging", "Set pivot checkpoints", "Embrace failure as data"):
            assert name in result.output


class TestDiscovery:
    def test_user_bank_dir_is_searched_after_builtin(self, tmp_path: Path):
        user = tmp_path / "banks"
        user.mkdir()
        data = yaml.safe_load(BUILTIN.read_text())
        data["id"] = "my-bank"
        data["title"] = "Mine"
        (user / "my-bank.yaml").write_text(yaml.safe_dump(data))
        ids = [b.id for b, _ in list_banks(user)]
        builtin = [b.id for b, _ in list_banks()]
        assert {"ml-problem-solving", "general-behavioural", "customer-and-projects"} <= set(
            builtin
        )
        assert ids == [*builtin, "my-bank"]  # the user's folder comes after the built-in ones
        assert get_bank("my-bank", user).title == "Mine"

    def test_bank_dir_from_environment(self, tmp_path: Path, monkeypatch):
        user = tmp_path / "banks"
        user.mkdir()
        data = yaml.safe_load(BUILTIN.read_text())
        data["id"] = "env-bank"
        (user / "env-bank.yaml").write_text(yaml.safe_dump(data))
        monkeypatch.setenv("INTERVIEWER_BANK_DIR", str(user))
        result = run_cli("banks")
        assert result.exit_code == 0, result.output
        assert "env-bank" in result.output and "ml-problem-solving" in result.output

    def test_unknown_bank_names_the_known_ones(self):
        with pytest.raises(NotFoundError, match="ml-problem-solving"):
            get_bank("nope")


class TestMalformedBanks:
    """Each mistake gives one line naming the file and field, exit code 2, no traceback."""

    @pytest.mark.parametrize(
        ("mutate", "expected"),
        [
            (lambda d: d.pop("title"), "title: required field is missing"),
            (lambda d: d.update(colour="red"), "colour: unknown field"),
            (lambda d: d["questions"][3].update(id="q1"), "duplicate question id 'q1'"),
            (
                lambda d: d["questions"][2]["themes"].append("debuging"),
                "questions[2].themes[2]: unknown theme 'debuging'",
            ),
            (lambda d: d["questions"][0].pop("text"), "questions[0].text: required field"),
            (lambda d: d["themes"][1].update(indicators="x"), "themes[1].indicators"),
        ],
    )
    def test_error_names_file_and_field(self, tmp_path: Path, mutate, expected: str):
        path = _write_bank(tmp_path, mutate)
        with pytest.raises(DataError) as info:
            load_bank(path)
        assert str(path) in str(info.value)
        assert expected in str(info.value)

    def test_malformed_yaml_names_the_line(self, tmp_path: Path):
        path = tmp_path / "bad.yaml"
        path.write_text("id: x\ntitle: [unclosed\nquestions: []\n")
        with pytest.raises(DataError, match=r"bad\.yaml: line \d+, column \d+: invalid YAML"):
            load_bank(path)

    def test_a_byte_that_is_not_utf8_names_the_file_line_and_byte(self, tmp_path: Path):
        path = tmp_path / "latin1.yaml"
        path.write_bytes("id: x\ntitle: Caf\u00e9 questions\n".encode("latin-1"))
        with pytest.raises(DataError, match=r"latin1\.yaml: line 2: not UTF-8 text \(byte 0xe9"):
            load_bank(path)

    def test_cli_reports_one_line_and_exit_code_2(self, tmp_path: Path):
        path = _write_bank(tmp_path, lambda d: d["questions"][0]["themes"].append("nope"))
        result = run_cli("banks", "show", str(path))
        assert result.exit_code == 2
        lines = result.stderr.strip().splitlines()
        assert lines == [f"error: {path}: questions[0].themes[2]: unknown theme 'nope'"]
        assert "Traceback" not in result.output

    def test_cli_broken_bank_in_bank_dir(self, tmp_path: Path):
        user = tmp_path / "banks"
        user.mkdir()
        (user / "x.yaml").write_text("id: x\n")
        result = run_cli("banks", "--bank-dir", str(user))
        assert result.exit_code == 2
        assert "x.yaml: title: required field is missing" in result.stderr
