"""The deterministic offline grader: grades STAR answers with no model, key or network.

The grader is imported on first use (PEP 562), so a command that needs only the words and
stems (``plan`` reads a job description with them) does not load the whole grader.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from interviewer.grading.offline.grader import GRADER_VERSION, OfflineGrader

__all__ = ["GRADER_VERSION", "OfflineGrader"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from interviewer.grading.offline import grader

        return getattr(grader, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
