"""A wide batch grades the offline cross-check in a worker process: same grade, and a dead
worker never fails a row (interviewer/grading/llm/offload.py)."""

from __future__ import annotations

import asyncio
import os
import signal

from interviewer.core.grade import Flag, Grade
from interviewer.grading.llm.offload import CrosscheckPool, worth_offloading
from interviewer.grading.offline import OfflineGrader
from tests.llm_helpers import (
    ANSWER,
    CHAT,
    completion,
    make_llm_grader,
    question_and_rubric,
    reply_body,
)

SHORT = "I fixed the model. It worked and everyone was happy with the outcome in the end."


def comparable(grade: Grade) -> dict:
    """The grade without its timing (latency differs between any two runs)."""
    data = grade.model_dump()
    data["meta"].pop("latency_ms")
    return data


class TestWhenToOffload:
    def test_only_a_wide_batch_on_more_than_one_core(self):
        assert worth_offloading(100, cpus=2)
        assert worth_offloading(32, cpus=8)
        assert not worth_offloading(8, cpus=8)  # the default concurrency: no pool
        assert not worth_offloading(100, cpus=1)  # no core to spare


class TestThePool:
    def test_a_worker_grades_exactly_as_this_process_does(self):
        question, rubric = question_and_rubric("q1")
        local = OfflineGrader()
        pool = CrosscheckPool(local, workers=1)
        try:

            async def both() -> list[Grade]:
                futures = [pool.submit(question, rubric, a) for a in (ANSWER, SHORT)]
                return [
                    await pool.result(f, question, rubric, a)
                    for f, a in zip(futures, (ANSWER, SHORT), strict=True)
                ]

            remote = asyncio.run(both())
        finally:
            pool.close()
        assert not pool.broken
        assert [g.model_dump() for g in remote] == [
            local.grade(question, rubric, a).model_dump() for a in (ANSWER, SHORT)
        ]

    def test_a_killed_worker_falls_back_to_grading_here(self):
        question, rubric = question_and_rubric("q1")
        local = OfflineGrader()
        pool = CrosscheckPool(local, workers=1)
        try:
            first = pool.submit(question, rubric, ANSWER)
            asyncio.run(pool.result(first, question, rubric, ANSWER))  # the worker is up
            # the executor's own table of its worker processes (no public API lists them)
            for pid in list(pool._executor()._processes):  # type: ignore[attr-defined]
                os.kill(pid, signal.SIGKILL)
            future = pool.submit(question, rubric, SHORT)
            grade = asyncio.run(pool.result(future, question, rubric, SHORT))
            later = pool.submit(question, rubric, ANSWER)  # a broken pool is not used again
        finally:
            pool.close()
        assert pool.broken and later is None
        assert grade.model_dump() == local.grade(question, rubric, SHORT).model_dump()


class TestAWideBatch:
    def test_grades_the_same_as_a_narrow_one_through_the_real_sdk(self, httpx2_mock):
        question, rubric = question_and_rubric("q1")
        httpx2_mock.post(CHAT).respond(200, json=completion(reply_body()))
        narrow, _ = make_llm_grader(concurrency=8)
        wide, _ = make_llm_grader(concurrency=32)
        assert wide.offload and not narrow.offload

        async def grade(grader, answer):
            try:
                return await grader.agrade(question, rubric, answer)
            finally:
                await grader.aclose()

        for answer in (ANSWER, SHORT):
            expected = asyncio.run(grade(narrow, answer))
            got = asyncio.run(grade(wide, answer))
            assert comparable(got) == comparable(expected)
        # the short answer's cap came from the cross-check, wherever it ran
        assert Flag.TOO_SHORT in got.flags and max(got.scores().values()) <= 2
