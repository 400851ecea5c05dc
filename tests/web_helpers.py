"""A web-app client that behaves like a browser: keeps the CSRF cookie and fills the token."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from starlette.testclient import TestClient

from interviewer.core.settings import build_settings
from interviewer.web import WebConfig, create_app

BANK = "ml-problem-solving"

STRONG = (
    "Last spring our fraud model's precision fell from 91% to 74% within a week of a "
    "release. I owned the model, so my task was to find the cause and restore precision "
    "before the quarterly audit. I compared feature distributions between the training "
    "set and live traffic, because a silent data change was more likely than a code bug, "
    "and found that a payment provider had started sending amounts in cents. I added a "
    "schema check to the pipeline and retrained on corrected data. As a result precision "
    "went back to 90% in three days and we caught two later schema changes before they "
    "reached the model. I learned to validate inputs at every boundary, and I now add a "
    "distribution check to every pipeline I build."
)


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "page has no CSRF token"
    return found.group(1)


class Browser:
    """Posts forms the way a browser would after loading the page they sit on."""

    def __init__(self, config: WebConfig | None = None, **settings: Any) -> None:
        settings.setdefault("grader", "offline")
        self.config = config or WebConfig(settings=build_settings(**settings))
        self.client = TestClient(
            create_app(self.config), raise_server_exceptions=False, base_url="http://127.0.0.1"
        )
        self.token = csrf_of(self.client.get(f"/banks/{BANK}").text)

    def get(self, url: str, **kw: Any):
        return self.client.get(url, **kw)

    def post(self, url: str, data: dict[str, Any] | None = None, **kw: Any):
        return self.client.post(url, data={"csrf_token": self.token, **(data or {})}, **kw)

    def start(self, questions: list[str], follow_ups: int = 1) -> str:
        """Start a session; returns its id."""
        r = self.post(
            "/sessions",
            {"bank": BANK, "question": questions, "follow_ups": str(follow_ups)},
            follow_redirects=False,
        )
        assert r.status_code == 303, r.text
        return r.headers["location"].rsplit("/", 1)[-1]

    def answer(self, sid: str, qid: str, text: str, **kw: Any):
        return self.post(f"/sessions/{sid}/q/{qid}/answer", {"answer": text}, **kw)


class _AppSlot:
    """An ASGI app that hands each request to the app of the test being run (503 between
    tests); it answers the server's lifespan events itself (the web app has none)."""

    def __init__(self) -> None:
        self.app: Any = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while True:
                event = (await receive())["type"].rsplit(".", 1)[-1]
                await send({"type": f"lifespan.{event}.complete"})
                if event == "shutdown":
                    return
        app = self.app
        if app is None:
            await send({"type": "http.response.start", "status": 503, "headers": []})
            await send({"type": "http.response.body", "body": b"no app is being served"})
            return
        await app(scope, receive, send)


class _SharedServer:
    """One loopback server per test process for the real-browser tests, each test serving
    its own app on it: a server per test took about 0.2 s to start and stop (uvicorn's
    shutdown polls every 0.1 s), while a fresh app keeps each test's store its own."""

    def __init__(self) -> None:
        self._slot = _AppSlot()
        self._server: Any = None
        self._base = ""

    @contextmanager
    def serve(self, app: Any) -> Iterator[str]:
        """Serve ``app`` until the block ends; yields the base URL."""
        if self._slot.app is not None:
            raise RuntimeError("the shared server serves one app at a time: use live_server")
        if self._server is None:
            from interviewer.web.live import live_server

            self._server = live_server(self._slot)
            self._base = self._server.__enter__()
        self._slot.app = app
        try:
            yield self._base
        finally:
            self._slot.app = None

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.__exit__(None, None, None)


SHARED_SERVER = _SharedServer()
serve = SHARED_SERVER.serve


@contextmanager
def offline_app_in_chromium(
    chromium: Any, *, javascript: bool = True
) -> Iterator[tuple[Any, str, Any]]:
    """(page, base URL, ``expect``): the web app with the offline grader served on
    loopback and a page in a fresh context of ``chromium`` (the conftest fixture, which
    skips the test when Playwright or Debian's chromium is missing)."""
    from playwright.sync_api import expect

    app = create_app(WebConfig(settings=build_settings(grader="offline")))
    with serve(app) as base:
        context = chromium.new_context(java_script_enabled=javascript)
        try:
            yield context.new_page(), base, expect
        finally:
            context.close()
