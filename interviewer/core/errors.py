"""Every error the tool raises on purpose, so callers can catch by kind.

Exception tree::

    InterviewerError                 one clear line for the user, exit code ``exit_code``
    ├── DataError                    a bank, rubric, answers or input file is malformed (exit 2)
    │   └── (carries file, location and message: "file: field.path: message")
    ├── NotFoundError                an unknown bank, question, session ... (exit 2)
    ├── AnswerExistsError            a second answer to an answered question (exit 2)
    ├── ConfigError                  a setting is missing or wrong, e.g. no API key (exit 2)
    ├── SessionFinishedError         answering a finished (read-only) session (exit 2)
    └── GradingError                 a grader could not produce a grade (exit 1)
        ├── LLMUnavailableError      server unreachable, auth failed, retries exhausted
        ├── LLMRefusalError          the model refused to grade
        ├── LLMTruncatedError        finish_reason == "length"
        ├── LLMContentFilterError    finish_reason == "content_filter"
        ├── LLMInvalidReplyError     the reply failed validation even after a re-ask
        └── AnswerTooLongError       longer than INTERVIEWER_MAX_ANSWER_CHARS: kept, not graded

The CLI turns any of these into one line on stderr and its exit code, never a traceback;
the web app into a page with the error's ``http_status``.
"""

from __future__ import annotations

from pathlib import Path


class InterviewerError(Exception):
    """Base class: the message is meant for the user, with any credential masked."""

    exit_code = 1
    http_status = 500

    def __str__(self) -> str:
        from interviewer.core.redaction import redact

        return redact(super().__str__())


class DataError(InterviewerError):
    """Malformed input data; the message names the file and the field or line."""

    exit_code = 2
    http_status = 400

    def __init__(self, file: str | Path | None, location: str | None, message: str) -> None:
        self.file = str(file) if file is not None else None
        self.location = location
        self.message = message
        parts = [p for p in (self.file, location) if p]
        super().__init__(": ".join([*parts, message]))


class NotFoundError(InterviewerError):
    """Something the user named does not exist."""

    exit_code = 2
    http_status = 404


class AnswerExistsError(InterviewerError):
    """The question (or this follow-up) already has an answer; the first one is kept."""

    exit_code = 2
    http_status = 409

    def __init__(self, session_id: str, question_id: str, what: str = "") -> None:
        self.session_id = session_id
        self.question_id = question_id
        super().__init__(
            f"question {question_id} of session {session_id} already has "
            f"{'an answer to ' + what if what else 'an answer'}; the first one is kept"
        )


class ConfigError(InterviewerError):
    """A setting is missing or invalid; the message says what to set."""

    exit_code = 2
    http_status = 400


class SessionFinishedError(InterviewerError):
    """The session is finished: it is read-only (its report stays available)."""

    exit_code = 2
    http_status = 409

    def __init__(self, session_id: str) -> None:
        self.session_id = session_id
        super().__init__(
            f"session {session_id} is finished, so it takes no more answers; start a new "
            "session to practise again"
        )


class GradingError(InterviewerError):
    """A grader could not produce a grade; the answer is kept as ungraded.

    Carries what is known of the failure for logs and callers: the server's HTTP
    ``status``, the ``attempts`` made, the ``last_reply`` text and the token ``usage``.
    """

    exit_code = 1
    http_status = 502

    def __init__(
        self,
        message: str = "",
        *,
        status: int | None = None,
        attempts: int | None = None,
        last_reply: str | None = None,
        usage: object | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.attempts = attempts
        self.last_reply = last_reply
        self.usage = usage


class LLMUnavailableError(GradingError):
    """The server could not be reached, rejected the key, or retries ran out."""


class LLMRefusalError(GradingError):
    """The model refused to grade the answer."""


class LLMTruncatedError(GradingError):
    """The reply was cut off (finish_reason == "length")."""


class LLMContentFilterError(GradingError):
    """The provider's content filter stopped the reply."""


class LLMInvalidReplyError(GradingError):
    """The reply did not validate against the grade schema, even after a re-ask."""


class AnswerTooLongError(GradingError):
    """The answer is longer than the grading limit; it stays saved, ungraded."""

    http_status = 413

    def __init__(self, length: int, limit: int) -> None:
        self.length = length
        self.limit = limit
        super().__init__(
            f"the answer is {length:,} characters, over the {limit:,} that are graded: it is "
            f"saved as it is; cut about {length - limit:,} characters "
            "(or raise INTERVIEWER_MAX_ANSWER_CHARS) to grade it"
        )


def check_length(text: str, limit: int) -> None:
    """Refuse to grade (or send) an answer over ``limit`` characters (0: no limit)."""
    if limit and len(text) > limit:
        raise AnswerTooLongError(len(text), limit)
