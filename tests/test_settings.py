"""Settings: flag beats environment beats .env beats default; secrets never shown."""

from __future__ import annotations

from pathlib import Path

import pytest

from interviewer.core.errors import ConfigError
from interviewer.core.settings import build_settings

REPO = Path(__file__).resolve().parent.parent


def test_precedence(monkeypatch, tmp_path: Path):
    (tmp_path / ".env").write_text("INTERVIEWER_MODEL=from-dotenv\nINTERVIEWER_TIMEOUT=5\n")
    assert build_settings().model == "from-dotenv"
    monkeypatch.setenv("INTERVIEWER_MODEL", "from-env")
    assert build_settings().model == "from-env"
    assert build_settings(model="from-flag").model == "from-flag"
    assert build_settings(model=None).model == "from-env"  # an absent flag does not override
    assert build_settings().timeout == 5


def test_copied_env_example_with_blanks_means_defaults(tmp_path: Path, monkeypatch):
    monkeypatch.delenv("INTERVIEWER_DB")  # set by conftest for isolation
    monkeypatch.delenv("INTERVIEWER_CACHE_DIR", raising=False)
    (tmp_path / ".env").write_text((REPO / ".env.example").read_text())
    s = build_settings()
    assert s.db is None and s.bank_dir is None and s.openai_base_url is None
    assert not s.llm_configured


def test_every_setting_is_documented_in_env_example():
    documented = (REPO / ".env.example").read_text()
    from interviewer.core.settings import Settings

    for name, field in Settings.model_fields.items():
        env_name = field.validation_alias.choices[0]  # type: ignore[union-attr]
        assert f"{env_name}=" in documented, f"{name} ({env_name}) missing from .env.example"


def test_api_key_is_never_shown():
    s = build_settings(openai_api_key="sk-secret-value-123")
    assert "sk-secret" not in repr(s) and "sk-secret" not in s.model_dump_json()


def test_bad_value_names_the_setting(monkeypatch):
    monkeypatch.setenv("INTERVIEWER_TIMEOUT", "soon")
    with pytest.raises(ConfigError, match="INTERVIEWER_TIMEOUT"):
        build_settings()
