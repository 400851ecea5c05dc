"""Reading back what this tool stored, by this version or an earlier or later one.

Grades and reviews are validated strictly when made; read back, the same strict models
would fail on a field another version added. ``read_stored`` ignores unknown fields,
lets missing optional ones take their defaults, and refuses a schema newer than the code
with one line that says to upgrade (a ``DataError``, never a raw ValidationError).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, TypeVar, get_args

from pydantic import BaseModel, ValidationError

from interviewer.core.errors import DataError

M = TypeVar("M", bound=BaseModel)


def read_stored(
    model: type[M], raw: str | bytes | Mapping[str, Any], where: str, *, kind: str, newest: int
) -> M:
    """``raw`` (JSON text or a mapping) as ``model``, leniently; ``kind`` names it in
    errors ("grade"), ``newest`` is the newest ``schema_version`` this code reads."""
    data = json.loads(raw) if isinstance(raw, str | bytes) else dict(raw)
    version = data.get("schema_version", 1)
    if not isinstance(version, int) or version > newest:
        raise DataError(
            None,
            where,
            f"written by a newer interviewer ({kind} schema {version}, this one reads up to "
            f"{newest}): upgrade with `pip install -U interviewer`",
        )
    try:
        return model.model_validate(known_fields(model, data))
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first["loc"])
        raise DataError(None, where, f"unreadable {kind}: {loc}: {first['msg']}") from exc


def known_fields(model: type[BaseModel], data: Any) -> Any:
    """``data`` without the keys ``model`` (and its nested models) does not know."""
    if not isinstance(data, dict):
        return data
    out = {}
    for name, value in data.items():
        field = model.model_fields.get(name)
        if field is None:
            continue
        inner = _model_in(field.annotation)
        if inner is not None and isinstance(value, list):
            out[name] = [known_fields(inner, v) for v in value]
        elif inner is not None:
            out[name] = known_fields(inner, value)
        else:
            out[name] = value
    return out


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model inside ``X``, ``list[X]`` or ``X | None``, if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None
