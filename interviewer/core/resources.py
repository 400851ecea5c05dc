"""Where the shipped data lives: ``prompts/`` and ``rubrics/``.

In a wheel they are installed as ``interviewer/_data/{prompts,rubrics}``; in a source
checkout (editable install, tests) they are the repo's top-level folders. Looking in both
places keeps one source of truth in the repo while a plain ``pip install .`` still works.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent.parent  # interviewer/


@cache
def data_dir(name: str) -> Path:
    """Return the folder holding shipped data ``name`` ("prompts" or "rubrics")."""
    for candidate in (_PACKAGE_DIR / "_data" / name, _PACKAGE_DIR.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"shipped data folder {name!r} not found next to {_PACKAGE_DIR}")


def prompts_dir() -> Path:
    return data_dir("prompts")


def rubrics_dir() -> Path:
    return data_dir("rubrics")
