"""The command line: commands, the terminal frontend and console output."""

from interviewer.cli.app import app, main

__all__ = ["app", "main"]
