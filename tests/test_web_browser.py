"""The web app in a real browser: Debian's Chromium, headless, driven by Playwright.

The app runs in this test process on a free loopback port, so the transcription endpoint
can be mocked in-process with respx (``httpx2_mock``).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from interviewer.settings import build_settings
from interviewer.web import WebConfig, create_app
from interviewer.web.live import chromium_path, launch_chromium, live_server

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
if chromium_path() is None:
    pytest.skip(
        "Debian's chromium is not installed (scripts/system-deps.sh installs it)",
        allow_module_level=True,
    )


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as pw:
        b = launch_chromium(pw)
        yield b
        b.close()


@pytest.fixture
def page(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context()
    pg = context.new_page()
    dialogs: list[str] = []
    pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    pg.dialogs = dialogs  # type: ignore[attr-defined]
    yield pg
    context.close()


def _server(**settings: object):  # type: ignore[no-untyped-def]
    return live_server(create_app(WebConfig(settings=build_settings(**settings))))


def test_start_page_lists_the_built_in_bank(page) -> None:  # type: ignore[no-untyped-def]
    with _server(grader="offline") as base:
        page.goto(base + "/")
        assert page.get_by_role("heading", level=1).inner_text() == (
            "Practise a behavioural interview"
        )
        link = page.get_by_role("link", name="Choose questions from Problem Solving")
        assert link.get_attribute("href") == "/banks/ml-problem-solving"
