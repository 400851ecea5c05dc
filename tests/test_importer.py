"""Importing a seed-format document into a bank."""

from __future__ import annotations

from pathlib import Path

import pytest

from interviewer.core.bank import get_bank, load_bank
from interviewer.core.errors import DataError
from interviewer.engine.importer import parse_document
from tests.cli_helpers import run_cli


class TestImportSeed:
    def test_reproduces_the_builtin_questions(self, seed_path: Path, tmp_path: Path):
        out = tmp_path / "seed-bank.yaml"
        result = run_cli("import", str(seed_path), "-o", str(out))
        assert result.exit_code == 0, result.output
        imported = load_bank(out)
        builtin = get_bank()
        assert [(q.id, q.text) for q in imported.questions] == [
            (q.id, q.text) for q in builtin.questions
        ]
        assert [t.name for t in imported.themes] == [t.name for t in builtin.themes]
        assert imported.id == "seed-bank"

    def test_reference_answers_hold_the_star_paragraphs(self, seed_path: Path):
        result = run_cli("import", str(seed_path))
        assert result.exit_code == 0
        bank = parse_document(seed_path.read_text(), seed_path)
        ref = bank.question("q3").reference_answer
        assert ref is not None
        parts = [line.split(":")[0] for line in ref.split("\n\n")]
        assert parts == ["Situation", "Task", "Action", "Result"]
        assert "footer" not in ref.lower()


class TestImportErrors:
    def test_no_questions(self, tmp_path: Path):
        path = tmp_path / "empty.txt"
        path.write_text("Just a title\nand some words\n")
        result = run_cli("import", str(path))
        assert result.exit_code == 2
        assert f"{path}: no questions found" in result.stderr

    def test_a_byte_that_is_not_utf8_is_one_line(self, tmp_path: Path):
        path = tmp_path / "doc.txt"
        path.write_bytes("Title\nQ1: Tell me about a caf\u00e9 you ran?\n".encode("cp1252"))
        result = run_cli("import", str(path))
        assert result.exit_code == 2
        assert f"{path}: line 2: not UTF-8 text (byte 0xe9 cannot be read)" in result.stderr

    def test_duplicate_question_names_the_line(self, tmp_path: Path):
        text = "Title\nQ1: First?\nSituation: s\nQ1: Again?\n"
        with pytest.raises(DataError, match=r"doc\.txt: line 4: question q1 appears twice"):
            parse_document(text, "doc.txt")

    def test_part_before_question_names_the_line(self):
        with pytest.raises(DataError, match="line 2: Situation paragraph before any question"):
            parse_document("Title\nSituation: early\nQ1: x?\n", "doc.txt")

    def test_continuation_lines_join_their_paragraph(self):
        text = "T\nQ1: Tell me?\nSituation: one\ntwo\nResult: done\n"
        bank = parse_document(text, "doc.txt")
        assert bank.question("q1").reference_answer == "Situation: one two\n\nResult: done"
