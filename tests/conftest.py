"""Test isolation: no real network, no user config, no real model calls.

Like pydantic-ai's tests, real model calls are blocked by default: any socket connection
to a non-loopback address fails loudly. HTTP to an LLM is mocked with respx through the
``httpx2_mock`` fixture of pytest-httpx2 (openai 3.x speaks httpx2).
"""

from __future__ import annotations

import socket
from pathlib import Path

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
