"""The local web app: mock interviews in the browser, on the same engine, store and graders
as the command line. ``create_app`` builds it; ``interviewer serve`` runs it on uvicorn."""

from __future__ import annotations

from interviewer.web.app import WebConfig, create_app

__all__ = ["WebConfig", "create_app"]
