"""interviewer: a mock interviewer that grades behavioural answers against a STAR rubric."""

__version__ = "0.1.0"
