"""Test isolation: no real network, no user config, no real model calls.

Like pydantic-ai's tests, real model calls are blocked by default: any socket connection
to a non-loopback address fails loudly. HTTP to an LLM is mocked with respx through the
``httpx2_mock`` fixture of pytest-httpx2 (openai 3.x speaks httpx2).
"""

from __future__ import annotations

import socket
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
SEED = REPO.parent / "shared" / "seeds" / "000_a1680fcce5addf82.txt"

_real_connect = socket.socket.connect


def _guarded_connect(self: socket.socket, address: object) -> None:
    host = address[0] if isinstance(address, tuple) else address
    if isinstance(host, str) and (
        host.startswith("127.") or host in ("localhost", "::1") or self.family == socket.AF_UNIX
    ):
        return _real_connect(self, address)
    raise RuntimeError(f"test tried to reach the network: {address!r} (mock it with respx)")


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Each test runs in an empty folder with no keys, no .env and its own database."""
    for var in (
        "OPENAI_API_KEY",
        "OPENAI_BASE_URL",
        "OPENAI_ORG_ID",
        "OPENAI_PROJECT_ID",
        "INTERVIEWER_MODEL",
        "INTERVIEWER_GRADER",
        "INTERVIEWER_BANK_DIR",
        "INTERVIEWER_STRUCTURED_OUTPUT",
    ):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("INTERVIEWER_DB", str(tmp_path / "sessions.sqlite3"))
    monkeypatch.setenv("INTERVIEWER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)
    from interviewer.core.settings import get_settings

    get_settings.cache_clear()


@pytest.fixture
def seed_path() -> Path:
    if not SEED.exists():
        pytest.skip(f"seed document not found at {SEED}")
    return SEED


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-snapshots",
        action="store_true",
        help="rewrite tests/snapshots/* from the current prompts (review the diff!)",
    )


@pytest.fixture
def update_snapshots(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-snapshots"))


# --- one Chromium per xdist worker ----------------------------------------------------------

BROWSER_FIXTURES = frozenset({"playwright", "chromium"})


def _uses_chromium(item: pytest.Item) -> bool:
    return not BROWSER_FIXTURES.isdisjoint(getattr(item, "fixturenames", ()))


class _SharedChromium:
    """The Playwright driver and Debian's Chromium, started for the first real-browser test
    and kept while the next test needs them too (a driver and a launch per test took about
    half a second). Stopped before any other test runs, because Playwright's sync API
    leaves its event loop marked as running in this thread and ``asyncio.run()`` in a later
    test would refuse to start."""

    def __init__(self) -> None:
        self.playwright: Any = None
        self.browser: Any = None

    def start(self) -> tuple[Any, Any]:
        if self.browser is None:
            sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is missing")
            from interviewer.web.live import chromium_path, launch_chromium

            if chromium_path() is None:
                pytest.skip("Debian's chromium is not installed (scripts/system-deps.sh does)")
            self.playwright = sync_api.sync_playwright().start()
            try:
                self.browser = launch_chromium(self.playwright)
            except BaseException:
                self.stop()
                raise
        return self.playwright, self.browser

    def stop(self) -> None:
        browser, pw = self.browser, self.playwright
        self.browser = self.playwright = None
        web_helpers = sys.modules.get("tests.web_helpers")
        try:
            if web_helpers is not None:
                web_helpers.SHARED_SERVER.stop()  # the server those tests shared, with it
            if browser is not None:
                browser.close()
        finally:
            if pw is not None:
                pw.stop()


_CHROMIUM = _SharedChromium()


@pytest.fixture
def playwright() -> Any:
    """This worker's Playwright (sync API), for a test that launches its own Chromium."""
    return _CHROMIUM.start()[0]


@pytest.fixture
def chromium() -> Any:
    """This worker's headless Chromium; give each test a context of its own
    (``chromium.new_context()``) so no cookie or storage is shared."""
    return _CHROMIUM.start()[1]


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    if nextitem is None or not _uses_chromium(nextitem):
        _CHROMIUM.stop()


def pytest_sessionfinish(session: pytest.Session) -> None:
    _CHROMIUM.stop()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Real-browser tests first: they are the longest, so the workers share them at the
    start (xdist hands out one test at a time: ``--maxschedchunk=1`` in pyproject.toml)
    and the short tests even out the end; the wall time is the last worker's."""
    items.sort(key=lambda item: not _uses_chromium(item))
