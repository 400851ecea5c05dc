"""Grade rows concurrently, with the cache, progress, and results appended as they finish.

The LLM grader runs through its async path under an ``AdaptiveLimiter``; the offline
grader is CPU-bound and takes about 2 ms, so it runs inline. A row that fails is written
as an error line and the batch goes on.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Any

from interviewer.batch.cache import GradeCache, grade_key, grader_identity
from interviewer.batch.io import ResultWriter, Row, RowError
from interviewer.batch.limiter import AdaptiveLimiter
from interviewer.core.bank import Bank
from interviewer.core.errors import GradingError, check_length
from interviewer.core.grade import AsyncGrader, Grade, Grader
from interviewer.core.rubric import Rubric, build_rubric
from interviewer.core.settings import Settings
from interviewer.views.summary import Averages

KEPT_FAILURES = 50  # failures kept to print; every one is in the output file
KEPT_ROWS = 200  # rows kept for the summary table; the averages cover every row


@dataclass
class BatchResult:
    """Counts and running sums, so memory stays flat however many rows are graded."""

    graded: int = 0
    failed: int = 0
    cache_hits: int = 0
    max_in_flight: int = 0
    rate_limited: int = 0
    failures: list[RowError] = field(default_factory=list)
    table: list[tuple[Row, Grade]] = field(default_factory=list)
    averages: Averages = field(default_factory=Averages)

    def add_grade(self, row: Row, grade: Grade, cached: bool = False) -> None:
        self.graded += 1
        self.cache_hits += cached
        self.averages.add(grade)
        if len(self.table) < KEPT_ROWS:
            self.table.append((row, grade))

    def add_failure(self, failure: RowError) -> None:
        self.failed += 1
        if len(self.failures) < KEPT_FAILURES:
            self.failures.append(failure)


@dataclass
class BatchRunner:
    """Grades ``rows`` of one bank with ``grader`` and writes each result to ``writer``."""

    bank: Bank
    grader: Grader
    settings: Settings
    writer: ResultWriter
    cache: GradeCache | None = None
    concurrency: int = 8
    show_progress: bool = False
    _rubrics: dict[str, Rubric] = field(default_factory=dict)

    def rubric(self, question_id: str) -> Rubric:
        if question_id not in self._rubrics:
            self._rubrics[question_id] = build_rubric(self.bank, question_id)
        return self._rubrics[question_id]

    def run(self, rows: Iterable[Row | RowError]) -> BatchResult:
        return asyncio.run(self.arun(rows))

    async def arun(self, rows: Iterable[Row | RowError]) -> BatchResult:
        """Grade ``rows`` as they stream in; a ``RowError`` is written as it comes.

        At most a window of rows is in flight (twice the concurrency), so a 20,000-row
        file costs the memory of a few dozen.
        """
        result = BatchResult()
        limiter = AdaptiveLimiter(self.concurrency)
        identity = grader_identity(self.grader, self.settings)
        window = max(16, 2 * self.concurrency)
        with self._progress() as advance:

            def fail(failure: RowError) -> None:
                self.writer.write_error(failure)
                result.add_failure(failure)

            async def one(row: Row) -> None:
                grade, hit, error = await self._grade(row, identity, limiter)
                if grade is not None:
                    self.writer.write_grade(row, grade)
                    result.add_grade(row, grade, cached=hit)
                else:
                    fail(RowError(row.id, row.question_id, row.line, error or "failed"))
                advance()

            pending: set[asyncio.Task[None]] = set()
            try:
                for item in rows:
                    if isinstance(item, RowError):
                        fail(item)
                        continue
                    if len(pending) >= window:
                        _, pending = await asyncio.wait(
                            pending, return_when=asyncio.FIRST_COMPLETED
                        )
                    pending.add(asyncio.create_task(one(item)))
                if pending:
                    await asyncio.gather(*pending)
            finally:
                for task in pending:
                    task.cancel()
                await _close_async_client(self.grader)
        result.max_in_flight = limiter.max_in_flight
        result.rate_limited = limiter.rate_limited
        return result

    async def _grade(
        self, row: Row, identity: dict[str, Any], limiter: AdaptiveLimiter
    ) -> tuple[Grade | None, bool, str | None]:
        rubric = self.rubric(row.question_id)
        try:
            check_length(row.answer, self.settings.max_answer_chars)
        except GradingError as exc:
            return None, False, f"{row.id}: {exc}"
        cache = self.cache if self.grader.kind == "llm" else None
        key = grade_key(identity, row.question, rubric, row.answer) if cache is not None else ""
        if cache is not None and (hit := cache.get(key)) is not None:
            return hit, True, None
        try:
            if isinstance(self.grader, AsyncGrader):
                async with limiter:
                    grade = await self.grader.agrade(
                        row.question, rubric, row.answer, on_rate_limited=limiter.on_rate_limited
                    )
            else:  # the offline grader: about 2 ms of CPU, run inline
                grade = self.grader.grade(row.question, rubric, row.answer)
        except GradingError as exc:
            return None, False, f"{row.id}: {exc}"
        if cache is not None:
            cache.put(key, grade)
        return grade, False, None

    def _progress(self) -> AbstractContextManager[Callable[[], None]]:
        if not self.show_progress:
            return nullcontext(lambda: None)
        return _rich_progress(None)


async def _close_async_client(grader: Grader) -> None:
    """Close the grader's async client inside this event loop, before ``asyncio.run`` ends.

    Its connections belong to this loop; left open they fail noisily when the loop closes.
    """
    if isinstance(grader, AsyncGrader):
        await grader.aclose()


class _rich_progress:
    """A rich progress bar with rate and ETA; a context manager yielding ``advance``."""

    def __init__(self, total: int | None) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
        )

        from interviewer.ui import console

        self.progress = Progress(
            TextColumn("grading"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeRemainingColumn(),
            console=console(stderr=True),
            transient=True,
        )
        self.total = total
        self.task = self.progress.add_task("grade", total=total, rate="")

    def __enter__(self) -> Callable[[], None]:
        self.progress.start()

        def advance() -> None:
            self.progress.advance(self.task)
            task = self.progress.tasks[0]
            if task.speed:
                self.progress.update(self.task, rate=f"{task.speed:.1f}/s")

        return advance

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()
