"""Load YAML data files and validate them, turning every failure into one clear line.

Banks, rubrics and answer files are edited by hand, so a mistake must name the file and
the field path (``questions[3].themes[0]``) or line, never show a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from interviewer.core.errors import DataError

M = TypeVar("M", bound=BaseModel)


class StrictModel(BaseModel):
    """Base for data models written by people: unknown fields are errors, not ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# libyaml's safe loader when PyYAML was built with it (about 10x faster), else pure Python
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def decode_utf8(raw: bytes, source: Path | str) -> str:
    """The UTF-8 text of ``raw`` (a BOM is dropped); a byte that is not UTF-8 is a
    DataError naming the source, the line and the byte, and saying what to do."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError(
            source,
            f"line {line}",
            f"not UTF-8 text (byte 0x{raw[exc.start]:02x} cannot be read); save the file as UTF-8",
        ) from exc


def load_yaml(path: Path) -> Any:
    """Parse a YAML file; a syntax error or a byte that is not UTF-8 names the file and line."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DataError(path, None, f"cannot read file: {exc.strerror or exc}") from exc
    text = decode_utf8(raw, path)
    try:
        return yaml.load(text, Loader=_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise DataError(path, where, f"invalid YAML: {problem}") from exc


def format_loc(loc: tuple[int | str, ...]) -> str:
    """Render a pydantic location as ``a.b[2].c``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(top level)"


def validate(model: type[M], data: Any, path: Path | str) -> M:
    """Validate ``data`` as ``model``; the first error becomes a DataError naming the field."""
    if data is None:
        raise DataError(path, None, "file is empty")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = format_loc(tuple(first["loc"]))
        msg = first["msg"]
        if first["type"] == "missing":
            msg = "required field is missing"
        elif first["type"] == "extra_forbidden":
            msg = "unknown field"
        more = exc.error_count() - 1
        if more:
            msg += f" (and {more} more error{'s' if more > 1 else ''})"
        raise DataError(path, loc, msg) from exc


def load_model(model: type[M], path: Path) -> M:
    """Read a YAML file and validate it as ``model``."""
    return validate(model, load_yaml(path), path)
