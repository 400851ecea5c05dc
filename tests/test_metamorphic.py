"""Metamorphic relations of the offline grader, from evals/metamorphic-*.yaml.

Each suite builds one variant per base answer of evals/metamorphic-bases.yaml (18 stories
from 17 fields, three banks) with one transform, and states how the variant's grade must
move against its original:

| suite | transform | must hold |
| --- | --- | --- |
| filler | two paragraphs of generic padding appended | overall not above |
| drop-result | the result part deleted | result and quantified results lower |
| vague-numbers | every number replaced by a vague word | quantified results lower |
| i-to-we | "I" rewritten as "we" | action lower |
| shuffle | sentences in a seeded random order | overall not above |

A comparison that cannot move (no outcome number in the base, a base already told as
"we") is skipped in the suite file with its reason; every other variant must hold. The
counts per suite are printed (``pytest tests/test_metamorphic.py -rP``) and are the same as
``interviewer eval evals/metamorphic-SUITE.yaml`` shows.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import pytest

from interviewer.evals import metamorphic
from interviewer.evals.output import relations_line
from interviewer.evals.runner import EvalResult, run_suite
from interviewer.evals.suite import Suite, load_suite
from interviewer.grading.offline import OfflineGrader
from tests.cli_helpers import run_cli

EVALS = Path(__file__).resolve().parent.parent / "evals"
BASES = EVALS / "metamorphic-bases.yaml"
SUITES = {
    "filler": ("append_filler", "not_above", ["overall"]),
    "drop-result": ("drop_result", "below", ["result", "quantified_results"]),
    "vague-numbers": ("vague_numbers", "below", ["quantified_results"]),
    "i-to-we": ("i_to_we", "below", ["action"]),
    "shuffle": ("shuffle", "not_above", ["overall"]),
}
NUMBER_WORDS = re.compile(
    r"\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|"
    r"fifty|hundred|thousand|million|dozen|doubled|halved|twice)\b",
    re.I,
)


@cache
def _bases() -> Suite:
    return load_suite(BASES)


@cache
def _suite(name: str) -> Suite:
    return load_suite(EVALS / f"metamorphic-{name}.yaml")


@cache
def _run(name: str) -> EvalResult:
    return run_suite(_suite(name), OfflineGrader())


def _counts_table() -> str:
    lines = ["Metamorphic relations, offline grader (variants that hold / variants built):"]
    for name in SUITES:
        relations = _run(name).relations
        assert relations is not None
        lines.append(f"  {name:<14}{relations_line(relations).strip()}")
    return "\n".join(lines)


class TestBases:
    def test_at_least_15_bases_from_several_fields_and_all_banks(self):
        cases = _bases().cases
        assert len(cases) >= 15
        assert len({c.field for c in cases}) >= 8
        assert {_bases().bank_of(c) for c in cases} == {
            "ml-problem-solving",
            "general-behavioural",
            "customer-and-projects",
        }
        assert sum(c.field not in {"ml-engineering", "software"} for c in cases) >= 12

    def test_every_base_is_told_in_parts_with_a_result(self):
        for case in _bases().cases:
            assert {"situation", "task", "action", "result"} <= set(case.parts), case.id
            assert case.answer == " ".join(p.strip() for p in case.parts.values())


class TestTransforms:
    """The transforms do what the relations assume, on every base."""

    def test_filler_only_appends(self):
        for i, case in enumerate(_bases().cases):
            padded = metamorphic.append_filler(case.answer, i)
            assert padded.startswith(case.answer.rstrip())
            added = padded[len(case.answer.rstrip()) :]
            assert not re.search(r"\d", added) and not NUMBER_WORDS.search(added)
            assert not re.search(r"\b(?:learn|result|outcome|improv|saved|since then)", added)

    def test_drop_result_removes_exactly_the_result(self):
        for case in _bases().cases:
            dropped = metamorphic.drop_part(case.parts, "result")
            assert case.parts["result"] not in dropped
            for part, text in case.parts.items():
                if part != "result":
                    assert text.strip() in dropped, (case.id, part)

    def test_vague_numbers_leaves_no_number(self):
        for case in _bases().cases:
            vague = metamorphic.vague_numbers(case.answer)
            assert not re.search(r"\d", vague), (case.id, vague)
            assert not NUMBER_WORDS.search(vague), (case.id, NUMBER_WORDS.findall(vague))
        assert metamorphic.vague_numbers("It fell from 31% to 4% and saved $80,000.") == (
            "It fell noticeably and saved a good deal of money."
        )

    def test_i_to_we_leaves_no_first_person_singular(self):
        for case in _bases().cases:
            told_as_we = metamorphic.i_to_we(case.answer)
            assert not re.search(r"\b(?:I|I'm|I've|I'd|me|my|mine|myself)\b", told_as_we, re.I)
            assert not re.search(r"\bwe was\b", told_as_we, re.I)
        assert metamorphic.i_to_we("I was sure my fix worked. Then I'd check.") == (
            "We were sure our fix worked. Then we'd check."
        )

    def test_shuffle_is_a_seeded_permutation_that_moves_the_opening(self):
        for case in _bases().cases:
            shuffled = metamorphic.shuffle(case.answer, case.id)
            assert shuffled == metamorphic.shuffle(case.answer, case.id)
            before, after = metamorphic.sentences(case.answer), metamorphic.sentences(shuffled)
            assert sorted(before) == sorted(after)
            assert after[0] != before[0]


class TestSuites:
    @pytest.mark.parametrize("name", sorted(SUITES))
    def test_suite_builds_a_variant_per_base_except_explicit_skips(self, name: str):
        suite = _suite(name)
        transform, relation, compare = SUITES[name]
        assert suite.metamorphic is not None
        assert (suite.metamorphic.transform, suite.metamorphic.relation) == (transform, relation)
        assert suite.metamorphic.compare == compare
        variants = [c for c in suite.cases if c.variant_of]
        not_built = {
            b
            for b, dims in suite.metamorphic.skip.items()
            if "all" in dims or set(compare) <= set(dims)
        }
        assert len(variants) == len(_bases().cases) - len(not_built)
        assert len(variants) >= 15
        for variant in variants:
            skipped = set(suite.metamorphic.skip.get(variant.variant_of or "", {}))
            assert variant.compare == [d for d in compare if d not in skipped]
        if relation == "not_above":
            assert not suite.metamorphic.skip, "a 'never raises' relation skips no base"

    @pytest.mark.parametrize("name", list(SUITES))
    def test_every_variant_keeps_its_relation(self, name: str):
        """All variants must hold; the counts of every suite are printed alongside."""
        table = _counts_table()
        print(table)
        result = _run(name)
        relations = result.relations
        assert relations is not None
        broken = {
            c.id: "; ".join(c.failures)
            for c in result.cases
            if c.variant_of and not c.relation_held
        }
        assert relations["held"] == relations["variants"], f"{table}\nbroken in {name}: {broken}"

    def test_eval_command_prints_the_count(self, tmp_path: Path):
        out = tmp_path / "r.json"
        result = run_cli(
            "eval", str(EVALS / "metamorphic-i-to-we.yaml"), "--grader", "offline",
            "--json", str(out),
        )  # fmt: skip
        data = json.loads(out.read_text())
        rel = data["relations"]
        assert rel["transform"] == "i_to_we" and rel["compare"] == ["action"]
        assert f"held for {rel['held']} of {rel['variants']} variants" in result.output
        assert "skipped warehouse-we-returns-q9 (all)" in result.output
        assert result.exit_code == (0 if rel["held"] == rel["variants"] else 1)
