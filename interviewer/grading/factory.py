"""Pick a grader: the one place that decides between the offline grader and the LLM grader.

``auto`` uses the LLM grader when an LLM is configured (a key or a base URL) and the
offline grader otherwise, so the tool works on a fresh machine. Callers show the user
which grader they got with ``describe_grader``.
"""

from __future__ import annotations

from typing import Literal

from interviewer.core.errors import ConfigError
from interviewer.core.grade import Grader
from interviewer.core.settings import Settings, get_settings

GraderKind = Literal["auto", "offline", "llm"]
ResolvedKind = Literal["offline", "llm"]
KINDS: tuple[str, ...] = ("auto", "offline", "llm")


def resolve_kind(settings: Settings, kind: str | None = None) -> tuple[ResolvedKind, str]:
    """The grader ``kind`` means with these settings, and why (for the user).

    ``kind`` None means the ``grader`` setting (INTERVIEWER_GRADER, default ``auto``).
    """
    kind = kind or settings.grader
    if kind not in KINDS:
        raise ConfigError(f"unknown grader {kind!r} (choose one of: {', '.join(KINDS)})")
    if kind == "offline":
        return "offline", "asked for"
    if kind == "llm":
        settings.require_llm("the LLM grader", "a local OpenAI-compatible server")
        return "llm", f"model {settings.model}"
    if settings.llm_configured:
        return "llm", f"model {settings.model}, LLM configured"
    return "offline", "no LLM configured"


def make_grader(settings: Settings | None = None, kind: str | None = None) -> Grader:
    """Build the grader for ``kind`` (auto, offline or llm); its ``.kind`` says which it is."""
    settings = settings or get_settings()
    resolved, _ = resolve_kind(settings, kind)
    if resolved == "offline":
        from interviewer.grading.offline import OfflineGrader

        return OfflineGrader()
    from interviewer.grading.llm.grader import LLMGrader

    return LLMGrader.from_settings(settings)


def describe_grader(settings: Settings | None = None, kind: str | None = None) -> str:
    """One line for the user, e.g. "the offline grader (no LLM configured)"."""
    settings = settings or get_settings()
    resolved, why = resolve_kind(settings, kind)
    name = "the offline grader" if resolved == "offline" else "the LLM grader"
    return f"{name} ({why})"
