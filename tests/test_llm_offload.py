"""A wide batch works out the offline cross-check in a worker process: the same check, and
a dead worker never fails a row (interviewer/grading/llm/offload.py)."""

from __future__ import annotations

import asyncio
import os
import signal

from interviewer.core.grade import Flag, Grade
from interviewer.grading.llm.crosscheck import AnswerCheck, check_answer
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
    def test_a_worker_checks_exactly_as_this_process_does(self):
        question, rubric = question_and_rubric("q1")
        local = OfflineGrader()
        pool = CrosscheckPool(lambda: local, workers=1)

        async def both() -> list[AnswerCheck]:
            try:
                futures = [await pool.start(question, rubric, a) for a in (ANSWER, SHORT)]
                assert all(f is not None for f in futures)  # sent to the worker
                return [
                    await pool.result(f, question, rubric, a)
                    for f, a in zip(futures, (ANSWER, SHORT), strict=True)
                ]
            finally:
                pool.close()

        remote = asyncio.run(both())
        assert not pool.broken
        assert remote == [check_answer(local, question, rubric, a) for a in (ANSWER, SHORT)]
        assert Flag.TOO_SHORT in remote[1].established  # a real check, not an empty record

    def test_many_checks_at_once_all_go_to_the_workers(self):
        """A batch starts 100 requests at once: none of them may find the pool half-built."""
        question, rubric = question_and_rubric("q1")
        pool = CrosscheckPool(OfflineGrader, workers=2)
        answers = [f"{ANSWER} (case {i})" for i in range(40)]

        async def at_once() -> list[object]:
            try:
                return list(
                    await asyncio.gather(*(pool.start(question, rubric, a) for a in answers))
                )
            finally:
                pool.close()

        futures = asyncio.run(at_once())
        assert None not in futures and not pool.broken

    def test_closing_ends_the_workers_cleanly(self):
        """Closing hands the workers EOF at once: they exit by themselves (exit code 0)
        instead of being killed after the join times out (which held up every batch)."""
        question, rubric = question_and_rubric("q1")
        pool = CrosscheckPool(OfflineGrader, workers=2)

        async def use_then_close() -> list:
            future = await pool.start(question, rubric, ANSWER)
            await pool.result(future, question, rubric, ANSWER)
            processes = pool.processes
            pool.close()  # inside the running loop, as LLMGrader.aclose does
            return processes

        processes = asyncio.run(use_then_close())
        assert len(processes) == 2
        assert [p.exitcode for p in processes] == [0, 0]

    def test_a_killed_worker_falls_back_to_checking_here(self):
        question, rubric = question_and_rubric("q1")
        local = OfflineGrader()
        pool = CrosscheckPool(lambda: local, workers=1)

        async def kill_then_check() -> tuple[AnswerCheck, object]:
            try:
                first = await pool.start(question, rubric, ANSWER)
                await pool.result(first, question, rubric, ANSWER)  # the worker is up
                for process in pool.processes:
                    os.kill(process.pid, signal.SIGKILL)
                future = await pool.start(question, rubric, SHORT)  # may still be taken
                check = await pool.result(future, question, rubric, SHORT)
                later = await pool.start(question, rubric, ANSWER)  # not used again
                return check, later
            finally:
                pool.close()

        check, later = asyncio.run(kill_then_check())
        assert pool.broken and later is None
        assert check == check_answer(local, question, rubric, SHORT)

    def test_a_new_event_loop_gets_new_workers(self):
        question, rubric = question_and_rubric("q1")
        local = OfflineGrader()
        pool = CrosscheckPool(lambda: local, workers=1)

        async def one() -> tuple[AnswerCheck, list[int]]:
            future = await pool.start(question, rubric, ANSWER)
            return await pool.result(future, question, rubric, ANSWER), [
                p.pid for p in pool.processes
            ]

        try:
            first, first_pids = asyncio.run(one())
            second, second_pids = asyncio.run(one())
        finally:
            pool.close()
        assert first == second and not pool.broken
        assert first_pids != second_pids


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
