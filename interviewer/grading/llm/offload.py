"""The offline cross-check of a busy batch, worked out in a worker process.

Every LLM grade is checked against the offline grader's reading of the answer
(``crosscheck.AnswerCheck``), about 1 ms of CPU for a 300-word answer. At a concurrency of
100 that work alone kept the event loop busy enough to stretch every request's round trip;
threads do not help (the GIL), a second core does. So a wide batch sends each answer to a
worker process when its request goes out, and the reply waits for the check only after
the server has answered.

The channel is two pipes per worker driven by the event loop itself (asyncio pipe
transports, the framing of ``multiprocessing.Connection``), not a ``ProcessPoolExecutor``:
the executor's manager and feeder threads cost about 0.45 ms of this process's CPU per
answer and fought the event loop for the GIL (measured with ``benchmarks/bench_batch.py
--large``). A question and rubric go to a worker once; after that a job is an id, a token
and the answer.

The pool is a speed-up, never a point of failure: a worker that dies, a pipe that breaks
or a check that raises falls back to the same check in this process. Workers start from a
forkserver, so a script (not the ``interviewer`` command) that grades a wide batch must
guard its entry point with ``if __name__ == "__main__":``, as with any multiprocessing.
"""

from __future__ import annotations

import asyncio
import itertools
import multiprocessing
import os
import pickle
import struct
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeAlias

from interviewer.grading.llm.crosscheck import AnswerCheck, check_answer
from interviewer.grading.llm.offload_worker import serve

if TYPE_CHECKING:
    from multiprocessing.process import BaseProcess

    from interviewer.core.bank import Question
    from interviewer.core.rubric import Rubric
    from interviewer.grading.offline import OfflineGrader

# Below this concurrency the loop has time to spare and a worker's start-up (~0.3 s to
# import the offline grader) would not pay back.
MIN_CONCURRENCY = 32
MAX_WORKERS = 4
_HEADER = struct.Struct("!i")  # multiprocessing.Connection's frame header (a length)

Pending: TypeAlias = "asyncio.Future[AnswerCheck | None]"


def worth_offloading(concurrency: int, cpus: int | None = None) -> bool:
    """A pool pays when the batch is wide and there is a core to spare."""
    cpus = os.cpu_count() if cpus is None else cpus
    return concurrency >= MIN_CONCURRENCY and (cpus or 1) > 1


class _Jobs(asyncio.Protocol):
    """A worker's job pipe; the transport buffers what the worker has not read yet."""

    def __init__(self, worker: _Worker) -> None:
        self.worker = worker

    def connection_lost(self, exc: Exception | None) -> None:
        self.worker.lost()


class _Results(asyncio.Protocol):
    """A worker's result pipe, read by the event loop: frames -> the waiting futures."""

    def __init__(self, worker: _Worker) -> None:
        self.worker = worker
        self.buffer = bytearray()

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while len(self.buffer) >= _HEADER.size:
            (size,) = _HEADER.unpack_from(self.buffer)
            end = _HEADER.size + size
            if len(self.buffer) < end:
                return
            job_id, check = pickle.loads(self.buffer[_HEADER.size : end])
            del self.buffer[:end]
            self.worker.resolve(job_id, check)

    def connection_lost(self, exc: Exception | None) -> None:
        self.worker.lost()


class _Worker:
    """One worker process, its two pipes, the jobs it has in hand and what it knows."""

    def __init__(self, pool: CrosscheckPool, process: BaseProcess) -> None:
        self.pool = pool
        self.process = process
        self.jobs: asyncio.WriteTransport | None = None
        self.results: asyncio.ReadTransport | None = None
        self.pending: dict[int, asyncio.Future[AnswerCheck | None]] = {}
        self.tokens: set[int] = set()  # the contexts this worker has been sent
        self.closing = False

    def send(self, job_id: int, token: int, context: Any, answer: str) -> None:
        assert self.jobs is not None
        data = pickle.dumps((job_id, token, context, answer), pickle.HIGHEST_PROTOCOL)
        self.jobs.write(_HEADER.pack(len(data)) + data)  # buffered by the transport

    def resolve(self, job_id: int, check: AnswerCheck | None) -> None:
        future = self.pending.pop(job_id, None)
        if future is not None and not future.done():
            future.set_result(check)

    def lost(self) -> None:
        """The worker died or its pipe broke: everything it held is redone by the caller."""
        if not self.closing:
            self.pool.broken = True
        for future in self.pending.values():
            if not future.done():
                future.set_result(None)
        self.pending.clear()

    def close(self) -> None:
        """Close both pipes now (a transport's own close waits for the event loop, which
        the join below would block), so the worker reads EOF and exits; whatever it still
        held is redone by the caller."""
        self.closing = True
        for transport in (self.jobs, self.results):
            if transport is None:
                continue
            try:  # off the event loop's selector at once, unsent jobs dropped
                if transport.is_closing():  # already lost (the worker died)
                    pass
                elif isinstance(transport, asyncio.WriteTransport):
                    transport.abort()
                else:
                    transport.close()
            except RuntimeError:  # its event loop has ended
                pass
            transport.get_extra_info("pipe").close()  # the fd, now (closing twice is a no-op)
        self.lost()
        self.process.join(timeout=1.0)  # the worker exits when its job pipe closes
        if self.process.is_alive():
            self.process.kill()
            self.process.join(timeout=1.0)


class CrosscheckPool:
    """Answer checks worked out in worker processes, awaited without blocking the loop.

    ``await start(...)`` when the request goes out, ``await result(...)`` after the reply,
    ``close()`` at the end of the batch. A new event loop gets new workers.
    """

    def __init__(self, local: Callable[[], OfflineGrader], workers: int | None = None) -> None:
        self.local = local  # the fallback's grader: the same check in this process
        cpus = os.cpu_count() or 2
        self.size = workers or max(1, min(MAX_WORKERS, cpus - 1))
        self.broken = False
        self._workers: list[_Worker] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._spawning: asyncio.Task[None] | None = None
        self._ids = itertools.count()
        # (question, rubric) pairs by identity, kept alive so an id is never reused
        self._tokens: dict[tuple[int, int], tuple[int, Question, Rubric]] = {}

    @property
    def processes(self) -> list[BaseProcess]:
        """The worker processes (for tests and diagnostics)."""
        return [w.process for w in self._workers]

    async def start(self, question: Question, rubric: Rubric, answer: str) -> Pending | None:
        """Send the check to a worker; None when the pool cannot take it (done locally)."""
        if self.broken:
            return None
        try:
            loop = asyncio.get_running_loop()
            if self._loop is not loop:  # first use, or a new event loop: new pipes
                self.close()
                self._loop = loop
                self._spawning = loop.create_task(self._spawn_all(loop))
            spawning = self._spawning
            assert spawning is not None
            await spawning  # concurrent first calls all wait for the same start
            # a lost worker breaks the pool (checked above), so every worker here is alive
            worker = min(self._workers, key=lambda w: len(w.pending))
            token = self._token(question, rubric)
            context = None if token in worker.tokens else (question, rubric)
            job_id = next(self._ids)
            future: asyncio.Future[AnswerCheck | None] = loop.create_future()
            worker.pending[job_id] = future
            worker.send(job_id, token, context, answer)
            worker.tokens.add(token)
            return future
        except Exception:  # no worker could start, or none is left: check here instead
            self.broken = True
            return None

    async def result(
        self, future: Pending | None, question: Question, rubric: Rubric, answer: str
    ) -> AnswerCheck:
        """The worker's check, or the same check worked out here if the worker failed."""
        if future is not None:
            check = await future
            if check is not None:
                return check
        return check_answer(self.local(), question, rubric, answer)

    def close(self) -> None:
        for worker in self._workers:
            worker.close()
        self._workers = []
        self._loop = None
        self._spawning = None

    def _token(self, question: Question, rubric: Rubric) -> int:
        key = (id(question), id(rubric))
        if key not in self._tokens:
            self._tokens[key] = (len(self._tokens), question, rubric)
        return self._tokens[key][0]

    async def _spawn_all(self, loop: asyncio.AbstractEventLoop) -> None:
        self._workers = [await self._spawn(loop) for _ in range(self.size)]

    async def _spawn(self, loop: asyncio.AbstractEventLoop) -> _Worker:
        # forkserver: workers fork from a clean process, not from this one with its event
        # loop and HTTP threads (forking those can deadlock on a held lock).
        context = multiprocessing.get_context("forkserver")
        job_reader, job_writer = context.Pipe(duplex=False)
        result_reader, result_writer = context.Pipe(duplex=False)
        process = context.Process(
            target=serve, args=(job_reader, result_writer), daemon=True, name="crosscheck"
        )
        process.start()
        job_reader.close()
        result_writer.close()
        worker = _Worker(self, process)
        worker.jobs, _ = await loop.connect_write_pipe(lambda: _Jobs(worker), job_writer)
        worker.results, _ = await loop.connect_read_pipe(lambda: _Results(worker), result_reader)
        return worker
