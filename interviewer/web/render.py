"""Jinja2 templates (files in ``templates/``, autoescaped) and the page renderer.

Autoescape is on for every template, so candidate text is always shown as text. Nothing
from the settings reaches a template except what a page names explicitly: never a key.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.templating import Jinja2Templates

from interviewer.core.rubric import answer_target, dimension_names
from interviewer.views.summary import follow_up_changes
from interviewer.web.security import CSRF_FIELD, csrf_token

HERE = Path(__file__).resolve().parent
TEMPLATES_DIR = HERE / "templates"
STATIC_DIR = HERE / "static"

_env = Environment(
    loader=FileSystemLoader(TEMPLATES_DIR),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
templates = Jinja2Templates(env=_env)

DIMENSION_NAMES = dimension_names()
_env.filters["dimension_name"] = lambda d: DIMENSION_NAMES.get(d, str(d).replace("_", " "))
# How each follow-up moved the grade, for the scorecard (from the grades the answer keeps).
_env.filters["follow_up_changes"] = follow_up_changes


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render a page; every page gets the CSRF token for its forms."""
    context.setdefault("title", "")
    context["csrf_field"] = CSRF_FIELD
    context["csrf_token"] = csrf_token(request)
    context["url"] = lambda name, **params: str(request.app.url_path_for(name, **params))
    context["target"] = answer_target()  # the one answer-length target (rubrics/star.yaml)
    return templates.TemplateResponse(request, name, context, status_code=status_code)
