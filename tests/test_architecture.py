"""The package's layers, checked: shells -> views/engine/voice -> grading -> core, never back.

docs/architecture.md draws the picture; this test keeps the code to it. Every import of an
``interviewer`` module, at any depth in a file (lazy imports too), must go to the same
layer or a lower one; a few same-level pairs are forbidden as well (the engine does not
present, views do not store, the web app does not use the terminal).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "interviewer"

# layer of each top-level part of the package; higher may import lower, never the reverse
LAYERS = {
    "core": 0,
    "grading": 1,
    "engine": 2,
    "views": 2,
    "voice": 2,
    "debrief": 2,
    "prep": 2,
    "service": 3,
    "ui": 3,
    "batch": 3,
    "evals": 3,
    "web": 3,
    "cli": 4,
    "__main__": 5,
    "__init__": 0,
}
FORBIDDEN = {  # same-level (or shell-to-shell) imports that would blur a boundary
    ("service", "web"),
    ("service", "batch"),
    ("service", "evals"),
    ("service", "ui"),
    ("engine", "views"),
    ("views", "engine"),
    ("engine", "voice"),
    ("views", "voice"),
    ("views", "prep"),  # prep builds on views (averages); views never on prep
    ("debrief", "engine"),
    ("prep", "engine"),
    ("web", "batch"),
    ("web", "evals"),
    ("batch", "web"),
    ("batch", "evals"),
    ("evals", "web"),
    ("evals", "batch"),
}


def _part(module: str) -> str | None:
    """``interviewer.engine.store`` -> ``engine``; None for modules outside the package."""
    parts = module.split(".")
    if parts[0] != "interviewer":
        return None
    return parts[1] if len(parts) > 1 else "__init__"


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text("utf-8"), str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "interviewer":  # "from interviewer import store": a module?
                found += [
                    (node.lineno, f"interviewer.{a.name}")
                    for a in node.names
                    if (PACKAGE / a.name).is_dir() or (PACKAGE / f"{a.name}.py").exists()
                ]
            else:
                found.append((node.lineno, node.module))
    return found


def _files() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_every_part_of_the_package_has_a_layer() -> None:
    parts = {p.relative_to(PACKAGE).parts[0].removesuffix(".py") for p in _files()}
    assert parts <= set(LAYERS), f"give these a layer: {sorted(parts - set(LAYERS))}"


@pytest.mark.parametrize("path", _files(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_only_go_down(path: Path) -> None:
    here = path.relative_to(PACKAGE).parts[0].removesuffix(".py")
    wrong = []
    for line, module in _imports(path):
        there = _part(module)
        if there is None or there == here:
            continue
        if LAYERS[there] > LAYERS[here] or (here, there) in FORBIDDEN:
            wrong.append(f"{path.name}:{line} imports {module} ({here} -> {there})")
    assert not wrong, "\n".join(wrong)


# shells whose use cases go through the service: no engine module (the session, the
# selection, the store) is theirs to wire; the service re-exports the frontend's types
THROUGH_SERVICE = ("cli/practice.py", "cli/commands/practice.py")


def _uses_the_engine(path: Path) -> list[str]:
    return [
        f"{path.name}:{line} imports {module}"
        for line, module in _imports(path)
        if module == "interviewer.engine" or module.startswith("interviewer.engine.")
    ]


@pytest.mark.parametrize("name", THROUGH_SERVICE)
def test_the_practice_shell_goes_through_the_service(name: str) -> None:
    wrong = _uses_the_engine(PACKAGE / name)
    assert not wrong, "call interviewer.service.practice instead:\n" + "\n".join(wrong)


def test_the_service_rule_catches_an_engine_import(tmp_path: Path) -> None:
    bad = tmp_path / "practice.py"
    bad.write_text(
        "from interviewer.engine.store import Store\nfrom interviewer.engine import selection\n"
    )
    assert len(_uses_the_engine(bad)) == 2


def test_the_check_catches_an_upward_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from interviewer.web import service\n")
    assert _imports(bad) == [(2, "interviewer.web")]
    assert LAYERS[_part("interviewer.web") or ""] > LAYERS["core"]
