"""Run the CLI in-process, the way a user would type it."""

from __future__ import annotations

from typer.testing import CliRunner

from interviewer.cli.app import app


def run_cli(*args: str, input: str | None = None):
    """Invoke ``interviewer ARGS``; returns click's Result (exit_code, stdout, stderr)."""
    return CliRunner().invoke(app, list(args), input=input)
