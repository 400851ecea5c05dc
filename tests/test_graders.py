"""Choosing a grader: auto is offline without an LLM and the LLM grader with one."""

from __future__ import annotations

import pytest

from interviewer.core.errors import ConfigError
from interviewer.core.settings import build_settings
from interviewer.grading.factory import describe_grader, make_grader, resolve_kind


def test_auto_without_a_key_uses_the_offline_grader_and_says_why() -> None:
    settings = build_settings()
    grader = make_grader(settings, "auto")
    assert grader.kind == "offline"
    assert describe_grader(settings, "auto") == "the offline grader (no LLM configured)"


def test_the_grader_setting_is_the_default_kind(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTERVIEWER_GRADER", "offline")
    monkeypatch.setenv("OPENAI_API_KEY", "test-key")
    settings = build_settings()
    assert resolve_kind(settings) == ("offline", "asked for")
    assert make_grader(settings).kind == "offline"


def test_auto_with_a_key_or_a_base_url_picks_the_llm() -> None:
    with_key = build_settings(openai_api_key="test-key", model="m-1")
    assert resolve_kind(with_key, "auto")[0] == "llm"
    assert "model m-1" in describe_grader(with_key, "auto")
    local = build_settings(openai_base_url="http://127.0.0.1:9/v1")
    assert resolve_kind(local, "auto")[0] == "llm"


def test_asking_for_the_llm_without_one_is_a_config_error_that_says_what_to_set() -> None:
    with pytest.raises(ConfigError, match=r"OPENAI_API_KEY.*--grader offline"):
        make_grader(build_settings(), "llm")


def test_an_unknown_kind_is_named() -> None:
    with pytest.raises(ConfigError, match="unknown grader 'gpt'"):
        make_grader(build_settings(), "gpt")


def test_auto_with_a_key_builds_the_llm_grader() -> None:
    pytest.importorskip("interviewer.grading.llm.grader")
    grader = make_grader(build_settings(openai_api_key="test-key"), "auto")
    assert grader.kind == "llm"
