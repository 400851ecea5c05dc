"""The use cases every shell calls, in one place: ``interview`` (start, answer, follow-up,
regrade, finish), ``practice`` (a practice run driven through a frontend: start, resume,
regrade, the report file), ``reports`` (a session's report, the history) and ``banks``
(which bank a session was asked from). The CLI and the web app only translate input to
these calls and their results to output.
"""
