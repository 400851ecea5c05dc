"""The offline cross-check of a busy batch, graded in a worker process.

Every LLM grade is checked against the offline grader (``crosscheck.py``), about 1 ms of
CPU for a 300-word answer. At a concurrency of 100 that work alone kept the event loop busy
enough to stretch every request's round trip; threads do not help (the GIL), a second core
does. So a large batch grades the cross-check in a small process pool while its request is
in flight, and the reply waits for it only after the server answered.

The pool is a speed-up, never a point of failure: a worker that dies (``BrokenProcessPool``)
or any other fault in the pool falls back to grading in this process. Workers start from
a forkserver, so a script (not the ``interviewer`` command) that grades a wide batch must
guard its entry point with ``if __name__ == "__main__":``, as with any multiprocessing.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from interviewer.core.bank import Question
    from interviewer.core.grade import Grade
    from interviewer.core.rubric import Rubric
    from interviewer.grading.offline import OfflineGrader

# Below this concurrency the loop has time to spare and a pool's start-up (~0.3 s to import
# the offline grader in the worker) would not pay back.
MIN_CONCURRENCY = 32
MAX_WORKERS = 4

_worker_grader: OfflineGrader | None = None


def _grade_in_worker(question: Question, rubric: Rubric, answer: str) -> Grade:
    """Runs in the worker: one offline grader per process, built on first use."""
    global _worker_grader
    if _worker_grader is None:
        from interviewer.grading.offline import OfflineGrader

        _worker_grader = OfflineGrader()
    return _worker_grader.grade(question, rubric, answer)


def worth_offloading(concurrency: int, cpus: int | None = None) -> bool:
    """A pool pays when the batch is wide and there is a core to spare."""
    cpus = os.cpu_count() if cpus is None else cpus
    return concurrency >= MIN_CONCURRENCY and (cpus or 1) > 1


class CrosscheckPool:
    """Offline grades computed in worker processes, awaited without blocking the loop."""

    def __init__(self, local: OfflineGrader, workers: int | None = None) -> None:
        self.local = local  # the fallback, and the grader the workers copy
        cpus = os.cpu_count() or 2
        self.workers = workers or max(1, min(MAX_WORKERS, cpus - 1))
        self._pool: ProcessPoolExecutor | None = None
        self.broken = False

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # forkserver: workers fork from a clean process, not from this one with its
            # event loop and HTTP threads (forking those can deadlock on a held lock).
            context = multiprocessing.get_context("forkserver")
            self._pool = ProcessPoolExecutor(self.workers, mp_context=context)
        return self._pool

    def submit(self, question: Question, rubric: Rubric, answer: str) -> Future[Grade] | None:
        """Start the cross-check; None when the pool cannot take it (graded locally later)."""
        if self.broken:
            return None
        try:
            return self._executor().submit(_grade_in_worker, question, rubric, answer)
        except Exception:  # a broken or shut-down pool: grade in this process instead
            self.broken = True
            return None

    async def result(
        self, future: Future[Grade] | None, question: Question, rubric: Rubric, answer: str
    ) -> Grade:
        """The worker's grade, or the same grade computed here if the worker failed."""
        if future is not None:
            try:
                return await asyncio.wrap_future(future)
            except Exception:  # a worker died or could not unpickle: never fail the row
                self.broken = True
        return self.local.grade(question, rubric, answer)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
