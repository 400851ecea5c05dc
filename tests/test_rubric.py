"""The STAR rubric file and the per-answer rubric built from the bank's key themes."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from interviewer.core.bank import get_bank
from interviewer.core.errors import DataError
from interviewer.core.grade import compute_overall
from interviewer.core.resources import rubrics_dir
from interviewer.core.rubric import STAR_DIMENSIONS, build_rubric, load_star_rubric

STAR = rubrics_dir() / "star.yaml"


class TestStarRubric:
    def test_every_dimension_has_six_anchored_levels_and_a_weight(self):
        star = load_star_rubric()
        assert [d.id for d in star.dimensions] == list(STAR_DIMENSIONS)
        for dim in star.dimensions:
            assert sorted(dim.levels) == [0, 1, 2, 3, 4, 5]
            assert all(len(text) > 20 for text in dim.levels.values())
            assert dim.weight > 0

    def test_missing_level_is_an_error_naming_the_field(self, tmp_path: Path):
        data = yaml.safe_load(STAR.read_text())
        del data["dimensions"][2]["levels"][3]
        path = tmp_path / "star.yaml"
        path.write_text(yaml.safe_dump(data))
        with pytest.raises(DataError) as info:
            load_star_rubric(path)
        message = str(info.value)
        assert message.startswith(f"{path}: dimensions[2].levels: ")
        assert "level 3 is missing" in message

    def test_missing_dimension_is_an_error(self, tmp_path: Path):
        data = yaml.safe_load(STAR.read_text())
        data["dimensions"] = [d for d in data["dimensions"] if d["id"] != "result"]
        path = tmp_path / "star.yaml"
        path.write_text(yaml.safe_dump(data))
        with pytest.raises(DataError, match="dimension 'result' is missing"):
            load_star_rubric(path)


class TestBuildRubric:
    def test_star_dimensions_plus_the_questions_themes(self):
        bank = get_bank()
        rubric = build_rubric(bank, "q8")
        assert [d.id for d in rubric.star] == list(STAR_DIMENSIONS)
        assert [d.id for d in rubric.themes] == bank.question("q8").themes
        theme = rubric.dimension("pivot-checkpoints")
        assert theme.indicators == bank.theme("pivot-checkpoints").indicators
        assert "sunk cost" in theme.description

    def test_hash_is_stable_and_differs_per_question(self):
        bank = get_bank()
        assert build_rubric(bank, "q1").hash == build_rubric(bank, "q1").hash
        assert build_rubric(bank, "q1").hash != build_rubric(bank, "q2").hash

    def test_overall_uses_weights(self):
        rubric = build_rubric(get_bank(), "q1")
        all_five = {d.id: 5 for d in rubric.dimensions}
        assert compute_overall(all_five, rubric) == 100
        assert compute_overall({}, rubric) == 0
        only_action = compute_overall({"action": 5}, rubric)
        only_task = compute_overall({"task": 5}, rubric)
        assert only_action == 2 * only_task  # action weighs twice as much as task
