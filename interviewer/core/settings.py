"""All settings in one pydantic model, built once.

Precedence: command-line flag (passed as keyword) > environment > ``.env`` > default.
pydantic-settings gives exactly that order, so there is no hand-written merging. The API
key is a ``SecretStr``: it never shows in a repr, a log line, a report or a session.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import AliasChoices, Field, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from interviewer.core.datafile import format_loc
from interviewer.core.errors import ConfigError
from interviewer.core.redaction import remember, url_secrets

# About 25 minutes of speech, ten times a long answer: anything longer is kept, not graded.
DEFAULT_MAX_ANSWER_CHARS = 20_000


class Settings(BaseSettings):
    """Every knob of the tool; see ``.env.example`` for the documented list."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", populate_by_name=True
    )

    openai_api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("OPENAI_API_KEY", "openai_api_key")
    )
    openai_base_url: str | None = Field(
        default=None, validation_alias=AliasChoices("OPENAI_BASE_URL", "openai_base_url")
    )
    model: str = Field(
        default="gpt-4o-mini", validation_alias=AliasChoices("INTERVIEWER_MODEL", "model")
    )
    grader: Literal["auto", "offline", "llm"] = Field(
        default="auto", validation_alias=AliasChoices("INTERVIEWER_GRADER", "grader")
    )
    structured_output: Literal["strict", "json"] = Field(
        default="strict",
        validation_alias=AliasChoices("INTERVIEWER_STRUCTURED_OUTPUT", "structured_output"),
    )
    timeout: float = Field(
        default=60.0, gt=0, validation_alias=AliasChoices("INTERVIEWER_TIMEOUT", "timeout")
    )
    max_retries: int = Field(
        default=4, ge=0, validation_alias=AliasChoices("INTERVIEWER_MAX_RETRIES", "max_retries")
    )
    temperature: float = Field(
        default=0.0,
        ge=0,
        le=2,
        validation_alias=AliasChoices("INTERVIEWER_TEMPERATURE", "temperature"),
    )
    seed: int | None = Field(default=0, validation_alias=AliasChoices("INTERVIEWER_SEED", "seed"))
    max_answer_chars: int = Field(  # longer answers are kept but not graded (or sent)
        default=DEFAULT_MAX_ANSWER_CHARS,
        ge=0,
        validation_alias=AliasChoices("INTERVIEWER_MAX_ANSWER_CHARS", "max_answer_chars"),
    )
    concurrency: int = Field(
        default=8, ge=1, validation_alias=AliasChoices("INTERVIEWER_CONCURRENCY", "concurrency")
    )
    bank_dir: Path | None = Field(
        default=None, validation_alias=AliasChoices("INTERVIEWER_BANK_DIR", "bank_dir")
    )
    db: Path | None = Field(default=None, validation_alias=AliasChoices("INTERVIEWER_DB", "db"))
    cache_dir: Path | None = Field(
        default=None, validation_alias=AliasChoices("INTERVIEWER_CACHE_DIR", "cache_dir")
    )
    transcribe_model: str = Field(
        default="whisper-1",
        validation_alias=AliasChoices("INTERVIEWER_TRANSCRIBE_MODEL", "transcribe_model"),
    )
    tts_model: str = Field(
        default="tts-1", validation_alias=AliasChoices("INTERVIEWER_TTS_MODEL", "tts_model")
    )
    tts_voice: str = Field(
        default="alloy", validation_alias=AliasChoices("INTERVIEWER_TTS_VOICE", "tts_voice")
    )

    @model_validator(mode="before")
    @classmethod
    def _blank_means_unset(cls, data: Any) -> Any:
        """``KEY=`` (as copied from .env.example) means "not set", not an empty path or URL."""
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if not (isinstance(v, str) and not v.strip())}
        return data

    def require_llm(self, purpose: str, server: str = "an OpenAI-compatible server") -> None:
        """Raise the one "set OPENAI_API_KEY" message when no LLM is configured.

        ``purpose`` says what needs it ("the LLM grader", "transcription"); ``server`` what
        a local OPENAI_BASE_URL could point at.
        """
        if not self.llm_configured:
            raise ConfigError(
                f"{purpose} needs an LLM: set OPENAI_API_KEY (for OpenAI), or OPENAI_BASE_URL "
                f"for {server}, in the environment or .env; or use the offline grader "
                "(--grader offline) where it applies"
            )

    @property
    def llm_configured(self) -> bool:
        """An LLM is usable when a key is set, or a base URL (local servers need no key)."""
        return bool(self.openai_api_key and self.openai_api_key.get_secret_value()) or bool(
            self.openai_base_url
        )


def build_settings(**overrides: Any) -> Settings:
    """Build settings; ``overrides`` are command-line flags (None means "not given")."""
    given = {k: v for k, v in overrides.items() if v is not None}
    try:
        settings = Settings(**given)
    except ValidationError as exc:
        err = exc.errors()[0]
        raise ConfigError(f"setting {format_loc(tuple(err['loc']))}: {err['msg']}") from exc
    # every error message is redacted against these from now on (see interviewer.core.redaction)
    key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
    remember(key, *url_secrets(settings.openai_base_url))
    return settings


@cache
def get_settings() -> Settings:
    """The process-wide settings, from environment and ``.env`` only."""
    return build_settings()
