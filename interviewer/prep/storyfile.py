"""Stories written by the candidate in a YAML file, for ``interviewer stories add FILE``.

Candidates often prepare their stories before they practise; the file puts them in the
story bank, and answers that later tell one of them join it. The format::

    stories:
      - title: Churn model after the CRM migration   # required, one line
        text: |                                      # required: the story as you tell it
          In March our churn model's recall ...

A mistake is one line naming the file, the line and the field, e.g.
``my-stories.yaml: line 4: stories[1].text: required field is missing``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import Field

from interviewer.core.datafile import StrictModel, format_loc, load_yaml, validate
from interviewer.core.errors import DataError


class WrittenStory(StrictModel):
    """One story of the file."""

    title: str = Field(min_length=1, max_length=200, pattern=r"\S")
    text: str = Field(min_length=1, pattern=r"\S")


class StoryFile(StrictModel):
    stories: list[WrittenStory] = Field(min_length=1)


def read_story_file(path: Path) -> list[WrittenStory]:
    """The stories of ``path``; a DataError naming the file, line and field otherwise."""
    data = load_yaml(path)
    if data is not None and not isinstance(data, dict):
        raise DataError(path, "line 1", "expected 'stories:' with a list of title and text")
    try:
        return validate(StoryFile, data, path).stories
    except DataError as exc:
        line = _line_of(path, exc.location)
        if line is None:
            raise
        raise DataError(path, f"line {line}: {exc.location}", exc.message) from exc


def _line_of(path: Path, location: str | None) -> int | None:
    """The line where the field at ``location`` (``stories[1].text``) is, or its parent."""
    if not location or location == format_loc(()):
        return None
    try:
        node: Any = yaml.compose(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return None
    steps = location.replace("[", ".[").split(".")
    for step in (s for s in steps if s):
        child = None
        if step.startswith("[") and isinstance(node, yaml.SequenceNode):
            index = int(step.strip("[]"))
            child = node.value[index] if index < len(node.value) else None
        elif isinstance(node, yaml.MappingNode):
            child = next((v for k, v in node.value if k.value == step), None)
        if child is None:
            break
        node = child
    return int(node.start_mark.line) + 1 if node is not None else None
