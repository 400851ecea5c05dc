"""Render report templates (Jinja2 files, autoescaped for HTML) and the inline SVG charts."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from markupsafe import Markup, escape

from interviewer.report.model import LABELS, Report

TEMPLATES = Path(__file__).parent / "templates"


@cache
def _env(markdown: bool):
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=not markdown,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = _md_escape
    return env


def _md_escape(text: str) -> str:
    """Candidate text in Markdown: no HTML, no accidental formatting."""
    out = str(text).replace("\\", "\\\\")
    for ch in "`*_[]<>#|":
        out = out.replace(ch, "\\" + ch)
    return out


def render_template(name: str, report: Report) -> str:
    markdown = name.endswith(".md.j2")
    template = _env(markdown).get_template(name)
    return template.render(r=report, labels=LABELS, bars=bars_svg(report), trend=trend_svg(report))


def bars_svg(report: Report) -> Markup:
    """Per-dimension average bars (0-5), inline SVG with a text alternative."""
    if not report.averages:
        return Markup("")
    row, width = 26, 220
    height = row * len(report.averages) + 8
    parts = [
        f'<svg class="bars" viewBox="0 0 400 {height}" role="img" '
        f'aria-label="Average score per STAR dimension">'
    ]
    for i, (dim, value) in enumerate(report.averages.items()):
        y = 4 + i * row
        w = width * value / 5
        parts.append(
            f'<text x="0" y="{y + 16}">{escape(LABELS[dim])}</text>'
            f'<rect x="150" y="{y + 4}" width="{width}" height="16" class="track"/>'
            f'<rect x="150" y="{y + 4}" width="{w:.1f}" height="16" class="fill"/>'
            f'<text x="{150 + width + 8}" y="{y + 16}">{value:.1f}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def trend_svg(report: Report) -> Markup:
    """Overall score over sessions (0-100), inline SVG; empty without history."""
    return trend_chart(report.history.points if report.history else [])


def trend_chart(points: list[tuple[str, float]]) -> Markup:
    """A line of (label, 0-100 score) points as inline SVG; empty under two points."""
    if len(points) < 2:
        return Markup("")
    w, h, pad = 400, 140, 24
    step = (w - 2 * pad) / (len(points) - 1)
    coords = [
        (pad + i * step, h - pad - (h - 2 * pad) * v / 100) for i, (_, v) in enumerate(points)
    ]
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    dots = "".join(
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3"><title>{escape(label)}: {v:.0f}</title></circle>'
        for (x, y), (label, v) in zip(coords, points, strict=True)
    )
    return Markup(
        f'<svg class="trend" viewBox="0 0 {w} {h}" role="img" aria-label="Overall score over '
        f'sessions"><polyline points="{line}" fill="none"/>{dots}</svg>'
    )
