"""The cross-check worker process of a wide batch (the pool is in ``offload.py``).

Only the standard library is imported at the top, and the worker ignores Ctrl-C before
it loads anything else: Ctrl-C at a terminal reaches the whole process group, the batch
process handles it and closes the pipes, and this worker then ends on EOF or on the
broken result pipe - quietly, whenever the Ctrl-C came (loading the offline grader takes
a few hundred milliseconds).
"""

from __future__ import annotations

import pickle
import signal
from multiprocessing.connection import Connection
from typing import Any


def serve(jobs: Connection, results: Connection) -> None:
    """Read ``(job id, token, context, answer)`` frames until the pipe closes; reply
    ``(job id, AnswerCheck | None)`` (None: the check raised; the caller redoes it)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        _serve(jobs, results)
    except KeyboardInterrupt:  # one that came before SIGINT was ignored
        return


def _serve(jobs: Connection, results: Connection) -> None:
    from interviewer.grading.llm.crosscheck import check_answer
    from interviewer.grading.offline import OfflineGrader

    grader = OfflineGrader()
    contexts: dict[int, tuple[Any, Any]] = {}  # token -> (question, rubric)
    while True:
        try:
            job_id, token, context, answer = pickle.loads(jobs.recv_bytes())
        except (EOFError, OSError):
            return
        if context is not None:
            contexts[token] = context
        try:
            question, rubric = contexts[token]
            check = check_answer(grader, question, rubric, answer)
        except Exception:
            check = None
        try:
            results.send_bytes(pickle.dumps((job_id, check), pickle.HIGHEST_PROTOCOL))
        except OSError:  # the batch closed its end (it ended or was interrupted): done
            return
