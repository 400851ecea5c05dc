"""What an eval run shows and writes: a table, JSON, JUnit XML and a baseline diff."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from interviewer.core.rubric import STAR_DIMENSIONS
from interviewer.evals.runner import EvalResult
from interviewer.ui import console, print_table

SHORT = dict(zip(STAR_DIMENSIONS, ("S", "T", "A", "R", "Q", "L"), strict=True))
MOVED = 2


def print_result(result: EvalResult, baseline: dict[str, Any] | None = None) -> None:
    old = {c["id"]: c for c in (baseline or {}).get("cases", [])}
    rows = []
    for case in result.cases:
        cells = []
        for dim in STAR_DIMENSIONS:
            score = case.scores.get(dim)
            cell = "-" if score is None else str(score)
            before = old.get(case.id, {}).get("scores", {}).get(dim)
            if score is not None and before is not None and before != score:
                cell += f" ({score - before:+d})"
            cells.append(cell)
        status = "pass" if case.passed else "FAIL"
        why = case.error or "; ".join(case.failures)
        rows.append([case.id, case.question_id, status, *cells, str(case.overall), why])
    headers = ["case", "q", "result", *(SHORT[d] for d in STAR_DIMENSIONS), "overall", "why"]
    print_table(headers, rows, title=f"Eval {result.suite}")
    out = console()
    for dim, fig in result.agreement.items():
        out.print(
            f"  {dim:<18} n={fig['n']:<3} exact {fig['exact']:.2f}  within-one "
            f"{fig['within_one']:.2f}  kappa {fig['kappa']:.2f}"
        )
    if result.spearman_overall is not None:
        out.print(f"  overall spearman {result.spearman_overall:.2f}")
    if result.spread:
        spread = ", ".join(f"{SHORT[d]} {s}" for d, s in result.spread.items())
        out.print(f"  score spread across repeats (max - min): {spread}")
    if result.relations is not None:
        out.print(relations_line(result.relations), highlight=False)
        for skip in result.relations.get("skipped", []):
            out.print(
                f"    skipped {skip['base']} ({skip['compare']}): {skip['why']}", highlight=False
            )
    for failure in result.threshold_failures:
        out.print(f"  [red]below threshold[/red] {failure}")
    if baseline is not None:
        for line in moved(result, baseline):
            out.print(f"  [yellow]moved[/yellow] {line}")
    passed = sum(c.passed for c in result.cases)
    verdict = "[green]PASSED[/green]" if result.passed else "[red]FAILED[/red]"
    out.print(f"{verdict}: {passed} of {len(result.cases)} cases pass")


def relations_line(relations: dict[str, Any]) -> str:
    """One line: how many variants keep their relation to the original."""
    if "transform" in relations:
        what = (
            f"metamorphic {relations['transform']}: {relations['relation'].replace('_', ' ')} "
            f"on {', '.join(relations['compare'])}"
        )
    else:
        what = "variants: relation to the original"
    skipped = len(relations.get("skipped", []))
    tail = f"; {skipped} comparison{'s' if skipped != 1 else ''} skipped" if skipped else ""
    return f"  {what} - held for {relations['held']} of {relations['variants']} variants{tail}"


def moved(result: EvalResult, baseline: dict[str, Any]) -> list[str]:
    """Cases whose score on some dimension moved by MOVED or more since the baseline."""
    old = {c["id"]: c.get("scores", {}) for c in baseline.get("cases", [])}
    lines = []
    for case in result.cases:
        before = old.get(case.id)
        if not before or not case.scores:
            continue
        deltas = [
            f"{d} {before[d]} -> {case.scores[d]}"
            for d in STAR_DIMENSIONS
            if d in before and abs(case.scores[d] - before[d]) >= MOVED
        ]
        if deltas:
            lines.append(f"{case.id}: {', '.join(deltas)}")
    return lines


def write_json(result: EvalResult, path: Path) -> None:
    path.write_text(json.dumps(result.to_json(), indent=2), encoding="utf-8")


def write_junit(result: EvalResult, path: Path) -> None:
    """One testsuite, one testcase per case (and one for the agreement thresholds)."""
    failures = sum(not c.passed for c in result.cases) + bool(result.threshold_failures)
    suite = ET.Element(
        "testsuite",
        name=f"eval.{result.suite}",
        tests=str(len(result.cases) + 1),
        failures=str(failures),
    )
    for case in result.cases:
        node = ET.SubElement(suite, "testcase", classname=result.suite, name=case.id)
        if case.error:
            ET.SubElement(node, "error", message=case.error)
        elif case.failures:
            ET.SubElement(node, "failure", message="; ".join(case.failures))
    node = ET.SubElement(suite, "testcase", classname=result.suite, name="agreement-thresholds")
    if result.threshold_failures:
        ET.SubElement(node, "failure", message="; ".join(result.threshold_failures))
    ET.ElementTree(suite).write(path, encoding="utf-8", xml_declaration=True)
