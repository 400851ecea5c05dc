"""Prompt templates: files in ``prompts/``, filled with ``string.Template``.

A variable the template names but the caller does not pass is an error (``substitute``,
never ``safe_substitute``): a blank in a prompt is a silent bug. Hashes of the template
files are stamped on every grade so a prompt edit is visible in the results.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from string import Template

from interviewer.core.errors import ConfigError
from interviewer.core.resources import prompts_dir
from interviewer.core.rubric import content_hash


@cache
def load_prompt(name: str, folder: Path | None = None) -> Template:
    """The template ``prompts/<name>.md``."""
    path = (folder or prompts_dir()) / f"{name}.md"
    try:
        return Template(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"prompt {name!r} not found at {path}") from exc


def render_prompt(name: str, /, **variables: object) -> str:
    """Fill the template; a missing variable raises ConfigError naming it and the file."""
    template = load_prompt(name)
    try:
        return template.substitute({k: str(v) for k, v in variables.items()})
    except KeyError as exc:
        raise ConfigError(f"prompt {name!r} needs variable {exc.args[0]!r}") from exc
    except ValueError as exc:
        raise ConfigError(f"prompt {name!r} is not a valid template: {exc}") from exc


@cache
def prompt_hash(*names: str) -> str:
    """One hash over the named templates' text, in order."""
    return content_hash([load_prompt(n).template for n in names])
