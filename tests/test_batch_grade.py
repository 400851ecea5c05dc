"""``interviewer grade``: files in, JSONL out, bad rows reported, LLM batches fast and cached."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
import respx

from interviewer.batch.command import grade_file
from interviewer.batch.limiter import AdaptiveLimiter
from tests.cli_helpers import run_cli
from tests.llm_helpers import ANSWER, BASE_URL, FAKE_KEY, completion, reply_body

CHAT = f"{BASE_URL}/chat/completions"
STRONG = ANSWER
WEAK = "We fixed it eventually."


def write_jsonl(path: Path, rows: list[dict | str]) -> Path:
    lines = [r if isinstance(r, str) else json.dumps(r) for r in rows]
    path.write_text("\n".join(lines) + "\n")
    return path


def read_out(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


@pytest.fixture
def llm_env(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", FAKE_KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", BASE_URL)
    monkeypatch.setenv("INTERVIEWER_MODEL", "gpt-test")


class TestFiles:
    def test_jsonl_in_jsonl_out_offline_by_default(self, tmp_path: Path):
        src = write_jsonl(
            tmp_path / "in.jsonl",
            [
                {"id": "s", "question_id": "q1", "answer": STRONG},
                {"id": "w", "question_id": "q2", "answer": WEAK},
            ],
        )
        out = tmp_path / "out.jsonl"
        result = run_cli("grade", str(src), "--out", str(out))
        assert result.exit_code == 0, result.output
        assert "offline grader (no LLM configured)" in result.stderr
        records = read_out(out)
        assert [r["id"] for r in records] == ["s", "w"]
        strong, weak = (r["grade"] for r in records)
        assert strong["overall"] > weak["overall"]
        assert strong["situation"]["score"] >= 0 and "flags" in weak
        assert "average" in result.stdout

    def test_csv_input(self, tmp_path: Path):
        src = tmp_path / "in.csv"
        src.write_text(f'id,question_id,answer\nc1,q1,"{STRONG}"\n')
        out = tmp_path / "out.jsonl"
        assert run_cli("grade", str(src), "-o", str(out), "--quiet").exit_code == 0
        assert read_out(out)[0]["grade"]["meta"]["grader"] == "offline"

    def test_bad_rows_are_reported_by_line_and_the_rest_graded(self, tmp_path: Path):
        src = write_jsonl(
            tmp_path / "in.jsonl",
            [
                {"id": "ok", "question_id": "q1", "answer": STRONG},
                "{broken json",
                {"id": "unknown", "question_id": "q42", "answer": STRONG},
                {"id": "empty", "question_id": "q1", "answer": "  "},
                {"id": "ok2", "question_id": "q3", "answer": STRONG},
            ],
        )
        out = tmp_path / "out.jsonl"
        result = run_cli("grade", str(src), "--out", str(out))
        assert result.exit_code == 1, result.output  # some rows failed
        assert "2 graded, 3 failed" in result.stderr
        assert f"{src}:2: malformed JSON" in result.stderr
        assert f"{src}:3: unknown question id 'q42'" in result.stderr
        assert f"{src}:4: empty answer" in result.stderr
        records = read_out(out)
        assert sorted(r["id"] for r in records if "grade" in r) == ["ok", "ok2"]
        assert sorted(r.get("line") for r in records if "error" in r) == [2, 3, 4]

    def test_rerun_resumes_where_it_stopped(self, tmp_path: Path):
        rows = [{"id": f"r{i}", "question_id": "q1", "answer": STRONG} for i in range(3)]
        src = write_jsonl(tmp_path / "in.jsonl", rows)
        out = tmp_path / "out.jsonl"
        grade_file(src, out=out, quiet=True)
        lines = out.read_text().splitlines()
        out.write_text(lines[0] + "\n" + lines[1][:40])  # interrupted mid-write
        result = run_cli("grade", str(src), "--out", str(out), "--quiet")
        assert "Resuming: 1 already graded" in result.stderr
        assert sorted(r["id"] for r in read_out(out)) == ["r0", "r1", "r2"]

    def test_llm_without_key_is_one_clear_line(self, tmp_path: Path):
        src = write_jsonl(tmp_path / "in.jsonl", [{"id": "a", "question_id": "q1", "answer": "x"}])
        result = run_cli("grade", str(src), "--grader", "llm")
        assert result.exit_code == 2
        assert "OPENAI_API_KEY" in result.stderr


class TestLLMBatch:
    def test_graded_concurrently_and_a_warm_cache_sends_nothing(
        self, tmp_path: Path, llm_env, httpx2_mock
    ):
        in_flight = {"now": 0, "max": 0}

        async def slow_reply(request):
            in_flight["now"] += 1
            in_flight["max"] = max(in_flight["max"], in_flight["now"])
            await asyncio.sleep(0.02)
            in_flight["now"] -= 1
            return respx.MockResponse(200, json=completion(reply_body()))

        route = httpx2_mock.post(CHAT).mock(side_effect=slow_reply)
        rows = [{"id": f"r{i}", "question_id": "q1", "answer": f"{STRONG} ({i})"} for i in range(8)]
        src = write_jsonl(tmp_path / "in.jsonl", rows)
        first = grade_file(src, out=tmp_path / "a.jsonl", concurrency=4, quiet=True)
        assert first.graded == 8 and route.call_count == 8
        assert 1 < in_flight["max"] <= 4
        assert first.max_in_flight == in_flight["max"]

        second = grade_file(src, out=tmp_path / "b.jsonl", concurrency=4, quiet=True)
        assert route.call_count == 8  # zero new requests
        assert second.cache_hits == 8
        assert read_out(tmp_path / "b.jsonl")[0]["grade"]["meta"]["grader"] == "llm"

        grade_file(src, out=tmp_path / "c.jsonl", use_cache=False, quiet=True)
        assert route.call_count == 16

    def test_rate_limits_lower_concurrency_and_nothing_is_lost(
        self, tmp_path: Path, llm_env, httpx2_mock
    ):
        replies = [respx.MockResponse(429, headers={"retry-after": "0"}, json={"error": {}})]
        replies += [respx.MockResponse(200, json=completion(reply_body())) for _ in range(4)]
        httpx2_mock.post(CHAT).mock(side_effect=replies)
        rows = [{"id": f"r{i}", "question_id": "q1", "answer": f"{STRONG} {i}"} for i in range(4)]
        src = write_jsonl(tmp_path / "in.jsonl", rows)
        result = grade_file(src, out=tmp_path / "o.jsonl", concurrency=4, quiet=True)
        assert result.rate_limited == 1
        assert result.graded == 4

    def test_a_failing_row_is_recorded_not_dropped(self, tmp_path: Path, llm_env, httpx2_mock):
        httpx2_mock.post(CHAT).respond(200, json=completion(None, refusal="no"))
        src = write_jsonl(
            tmp_path / "in.jsonl", [{"id": "a", "question_id": "q1", "answer": STRONG}]
        )
        out = tmp_path / "o.jsonl"
        result = run_cli("grade", str(src), "--out", str(out))
        assert result.exit_code == 1
        [record] = read_out(out)
        assert record["id"] == "a" and "refused" in record["error"]


class TestLimiter:
    def test_halves_on_429_and_grows_back(self):
        async def scenario() -> list[int]:
            limiter = AdaptiveLimiter(8, grow_after=2)
            seen = []
            limiter.on_rate_limited()
            seen.append(limiter.limit)
            for _ in range(3):
                limiter.on_rate_limited()
            seen.append(limiter.limit)
            await asyncio.sleep(0)  # the withheld permits are taken
            for _ in range(4):
                async with limiter:
                    pass
            seen.append(limiter.limit)
            return seen

        assert asyncio.run(scenario()) == [4, 1, 3]

    def test_never_more_in_flight_than_the_limit(self):
        async def scenario() -> int:
            limiter = AdaptiveLimiter(3)

            async def work() -> None:
                async with limiter:
                    await asyncio.sleep(0)

            await asyncio.gather(*(work() for _ in range(20)))
            return limiter.max_in_flight

        assert asyncio.run(scenario()) == 3
