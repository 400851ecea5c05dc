"""Render report templates (Jinja2 files, autoescaped for HTML) and the inline SVG charts."""

from __future__ import annotations

import math
import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from markupsafe import Markup, escape

from interviewer.views.report.model import LABELS, PART_TAGS, Report

if TYPE_CHECKING:
    from jinja2 import Environment

TEMPLATES = Path(__file__).parent / "templates"


@cache
def _env(markdown: bool) -> Environment:
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
    html: str = template.render(
        r=report, labels=LABELS, tags=PART_TAGS, bars=bars_svg(report), trend=trend_svg(report)
    )
    return html


def render_body(report: Report) -> Markup:
    """The HTML report's content without its page (no ``<head>``, no ``<style>``).

    For a page that shows the report inline under its own stylesheet: the sections are
    the same as the one-file report's, the headings start at ``<h2>``.
    """
    return Markup(render_template("_body.html.j2", report))


# Colours as SVG presentation attributes, not inline ``style``: they apply under a strict
# Content-Security-Policy too, and a stylesheet can still override them.
INK, MUTED, GRID, ACCENT, TRACK = "#1b1f24", "#57606a", "#d0d7de", "#0b5cad", "#e6eaef"
FONT = 'font-family="system-ui, -apple-system, Segoe UI, sans-serif"'


def bars_svg(report: Report) -> Markup:
    """Per-dimension average bars (0-5), inline SVG with a text alternative."""
    if not report.averages:
        return Markup("")
    row, width = 26, 220
    height = row * len(report.averages) + 8
    parts = [
        f'<svg class="bars" width="400" height="{height}" viewBox="0 0 400 {height}" '
        f'{FONT} font-size="13" fill="{INK}" role="img" '
        f'aria-label="Average score per STAR dimension">'
    ]
    for i, (dim, value) in enumerate(report.averages.items()):
        y = 4 + i * row
        w = width * value / 5
        parts.append(
            f'<text x="0" y="{y + 16}">{escape(LABELS[dim])}</text>'
            f'<rect x="150" y="{y + 4}" width="{width}" height="16" class="track" '
            f'fill="{TRACK}"/>'
            f'<rect x="150" y="{y + 4}" width="{w:.1f}" height="16" class="fill" '
            f'fill="{ACCENT}"/>'
            f'<text x="{150 + width + 8}" y="{y + 16}">{value:.1f}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def trend_svg(report: Report) -> Markup:
    """Overall score over sessions (0-100), inline SVG; empty without history."""
    return trend_chart(report.history.points if report.history else [])


_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def _tick(label: str) -> str:
    """A short x-axis label: "3 May" for a label starting with an ISO date."""
    first = label.split()[0] if label.split() else label
    found = re.fullmatch(r"\d{4}-(\d{2})-(\d{2})", first)
    if found and 1 <= int(found.group(1)) <= 12:
        return f"{int(found.group(2))} {_MONTHS[int(found.group(1)) - 1]}"
    return first[:10]


def _every(step: float, room: float) -> int:
    """Label every k-th point so that labels ``room`` units wide do not overlap."""
    return max(1, math.ceil(room / step))


def trend_chart(points: list[tuple[str, float]]) -> Markup:
    """A line of (label, 0-100 score) points as inline SVG; empty under two points.

    Labelled axes (score 0-100, sessions oldest to newest) and each score written above
    its point, so nothing needs hovering; with many sessions every k-th point is written
    (always the latest). Styled with presentation attributes only.
    """
    if len(points) < 2:
        return Markup("")
    w, h = 480, 240
    left, right, top, bottom = 48, 24, 24, 58
    plot_w, plot_h = w - left - right, h - top - bottom
    n, inset = len(points), 18  # keep the end points' values clear of the axis labels
    step = (plot_w - 2 * inset) / (n - 1)

    def x(i: int) -> float:
        return left + inset + i * step

    def y(v: float) -> float:
        return top + plot_h * (1 - max(0.0, min(100.0, v)) / 100)

    value_every, tick_every = _every(step, 28), _every(step, 46)
    parts = [
        f'<svg class="trend" width="{w}" height="{h}" viewBox="0 0 {w} {h}" {FONT} '
        f'font-size="13" fill="{INK}" role="img" aria-label="Overall score over {n} sessions, '
        f'from {points[0][1]:.0f} to {points[-1][1]:.0f} (latest)">'
    ]
    for tick in (0, 25, 50, 75, 100):  # the score axis, with light grid lines
        ty, dash = y(tick), "" if tick == 0 else ' stroke-dasharray="3 3"'
        parts.append(
            f'<line x1="{left}" y1="{ty:.1f}" x2="{w - right}" y2="{ty:.1f}" '
            f'stroke="{GRID}"{dash}/>'
            f'<text x="{left - 6}" y="{ty + 4:.1f}" text-anchor="end" fill="{MUTED}">{tick}</text>'
        )
    parts.append(
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="{MUTED}"/>'
        f'<line x1="{left}" y1="{top + plot_h}" x2="{w - right}" y2="{top + plot_h}" '
        f'stroke="{MUTED}"/>'
        f'<text x="12" y="{top + plot_h / 2:.1f}" text-anchor="middle" fill="{MUTED}" '
        f'transform="rotate(-90 12 {top + plot_h / 2:.1f})">Overall (0-100)</text>'
        f'<text x="{left + plot_w / 2:.1f}" y="{h - 8}" text-anchor="middle" fill="{MUTED}">'
        f"Sessions, oldest to newest</text>"
    )
    coords = [(x(i), y(v)) for i, (_, v) in enumerate(points)]
    line = " ".join(f"{cx:.1f},{cy:.1f}" for cx, cy in coords)
    parts.append(
        f'<polyline points="{line}" fill="none" stroke="{ACCENT}" stroke-width="2.5" '
        f'stroke-linejoin="round" stroke-linecap="round"/>'
    )
    for i, ((cx, cy), (label, v)) in enumerate(zip(coords, points, strict=True)):
        from_end = n - 1 - i
        parts.append(
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="4" fill="{ACCENT}">'
            f"<title>{escape(label)}: {v:.0f}</title></circle>"
        )
        if from_end % value_every == 0:
            parts.append(
                f'<text class="value" x="{cx:.1f}" y="{cy - 9:.1f}" text-anchor="middle" '
                f'font-weight="600">{v:.0f}</text>'
            )
        if from_end % tick_every == 0:
            parts.append(
                f'<line x1="{cx:.1f}" y1="{top + plot_h}" x2="{cx:.1f}" y2="{top + plot_h + 4}" '
                f'stroke="{MUTED}"/><text class="tick" x="{cx:.1f}" y="{top + plot_h + 18}" '
                f'text-anchor="middle" fill="{MUTED}">{escape(_tick(label))}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))
