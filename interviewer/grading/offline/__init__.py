"""The deterministic offline grader: grades STAR answers with no model, key or network."""

from interviewer.grading.offline.grader import GRADER_VERSION, OfflineGrader

__all__ = ["GRADER_VERSION", "OfflineGrader"]
