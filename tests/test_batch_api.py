"""``interviewer grade --batch-api``: the Batch API flow through the real SDK, mocked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import respx

from interviewer.bank import get_bank
from interviewer.batch.batch_api import BatchJob, state_path
from interviewer.batch.command import grade_file
from interviewer.batch.io import ResultWriter, read_rows
from interviewer.llm.grader import LLMGrader
from interviewer.settings import build_settings
from tests.llm_helpers import ANSWER, BASE_URL, FAKE_KEY, completion, reply_body


def batch(status: str, output: str | None = None, error: str | None = None) -> dict:
    return {
        "id": "batch_1", "object": "batch", "endpoint": "/v1/chat/completions",
        "input_file_id": "file_in", "completion_window": "24h", "status": status,
        "created_at": 1, "output_file_id": output, "error_file_id": error,
        "request_counts": {"total": 2, "completed": 1 if status != "completed" else 2,
                           "failed": 0},
    }  # fmt: skip


@pytest.fixture
def rows(tmp_path: Path):
    src = tmp_path / "in.jsonl"
    src.write_text(
        json.dumps({"id": "a", "question_id": "q1", "answer": ANSWER}) + "\n"
        + json.dumps({"id": "b", "question_id": "q1", "answer": ANSWER + " Again."}) + "\n"
    )  # fmt: skip
    return src


def mock_job(router: respx.Router, outputs: list[dict]) -> dict[str, respx.Route]:
    output_text = "".join(json.dumps(o) + "\n" for o in outputs)
    return {
        "upload": router.post(f"{BASE_URL}/files").respond(
            200,
            json={
                "id": "file_in",
                "object": "file",
                "bytes": 1,
                "created_at": 1,
                "filename": "batch.jsonl",
                "purpose": "batch",
                "status": "processed",
            },
        ),
        "create": router.post(f"{BASE_URL}/batches").respond(200, json=batch("validating")),
        "poll": router.get(f"{BASE_URL}/batches/batch_1").mock(
            side_effect=[
                respx.MockResponse(200, json=batch("in_progress")),
                respx.MockResponse(200, json=batch("completed", output="file_out")),
            ]
        ),
        "download": router.get(f"{BASE_URL}/files/file_out/content").respond(
            200, content=output_text.encode()
        ),
    }


def line(custom_id: str, body: dict | None = None, status: int = 200) -> dict:
    return {"id": f"r_{custom_id}", "custom_id": custom_id,
            "response": {"status_code": status, "body": body or completion(reply_body())},
            "error": None}  # fmt: skip


def test_submit_poll_download_and_map_back(tmp_path: Path, rows: Path, httpx2_mock):
    routes = mock_job(httpx2_mock, [line("b"), line("a")])
    settings = build_settings(openai_api_key=FAKE_KEY, openai_base_url=BASE_URL, model="gpt-t")
    grader = LLMGrader.from_settings(settings)
    bank = get_bank()
    good, _ = read_rows(rows, bank)
    out = tmp_path / "out.jsonl"
    slept: list[float] = []
    with ResultWriter(out) as writer:
        result = BatchJob(bank, grader, writer, out, sleep=slept.append).run(good)
    assert sorted(r.id for r, _ in result.graded) == ["a", "b"]
    assert slept == [30.0]  # polled once more after "in_progress"
    uploaded = routes["upload"].calls.last.request
    assert b'name="purpose"' in uploaded.content and b"batch" in uploaded.content
    lines = [json.loads(x) for x in uploaded.content.splitlines() if x.startswith(b"{")]
    assert [x["custom_id"] for x in lines] == ["a", "b"]
    assert lines[0]["url"] == "/v1/chat/completions"
    assert lines[0]["body"]["model"] == "gpt-t"
    assert lines[0]["body"]["response_format"]["type"] == "json_schema"
    created = json.loads(routes["create"].calls.last.request.content)
    assert created["input_file_id"] == "file_in" and created["completion_window"] == "24h"
    records = [json.loads(x) for x in out.read_text().splitlines()]
    assert {r["id"]: r["grade"]["meta"]["grader"] for r in records} == {"a": "llm", "b": "llm"}
    assert not state_path(out).exists()


def test_failed_request_in_the_job_is_recorded(tmp_path: Path, rows: Path, httpx2_mock):
    failed = line("a", body={"error": {"message": "overloaded"}}, status=500)
    mock_job(httpx2_mock, [failed, line("b")])
    settings = build_settings(openai_api_key=FAKE_KEY, openai_base_url=BASE_URL)
    bank = get_bank()
    good, _ = read_rows(rows, bank)
    out = tmp_path / "out.jsonl"
    with ResultWriter(out) as writer:
        result = BatchJob(bank, LLMGrader.from_settings(settings), writer, out,
                          sleep=lambda s: None).run(good)  # fmt: skip
    assert [r.id for r, _ in result.graded] == ["b"]
    assert "overloaded" in result.failed[0].message


@pytest.mark.httpx2(assert_all_called=False)
def test_rerun_resumes_the_saved_batch_instead_of_submitting_again(
    tmp_path: Path, rows: Path, httpx2_mock, monkeypatch
):
    monkeypatch.setenv("OPENAI_API_KEY", FAKE_KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", BASE_URL)
    routes = mock_job(httpx2_mock, [line("a"), line("b")])
    routes["poll"].side_effect = None
    routes["poll"].return_value = respx.MockResponse(
        200, json=batch("completed", output="file_out")
    )
    out = tmp_path / "out.jsonl"
    state_path(out).write_text(json.dumps({"batch_id": "batch_1", "input_file_id": "file_in"}))
    result = grade_file(rows, out=out, batch_api=True, quiet=True)
    assert len(result.graded) == 2
    assert routes["upload"].call_count == 0 and routes["create"].call_count == 0
