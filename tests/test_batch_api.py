"""``interviewer grade --batch-api``: the Batch API flow through the real SDK, mocked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import respx

from interviewer.batch.batch_api import BatchJob, state_path
from interviewer.batch.command import grade_file
from interviewer.batch.io import ResultWriter, read_rows
from interviewer.core.bank import get_bank
from interviewer.core.settings import build_settings
from interviewer.grading.llm.grader import LLMGrader
from tests.cli_helpers import run_cli
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
    assert sorted(r.id for r, _ in result.table) == ["a", "b"]
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
    assert [r.id for r, _ in result.table] == ["b"]
    assert "overloaded" in result.failures[0].message


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
    result = grade_file(rows, out=out, batch_api=True, quiet=True, poll_seconds=0)
    assert result.graded == 2
    assert routes["upload"].call_count == 0 and routes["create"].call_count == 0


@pytest.fixture
def llm_env(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", FAKE_KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", BASE_URL)


def test_a_warm_cache_submits_no_second_job(tmp_path: Path, rows: Path, llm_env, httpx2_mock):
    routes = mock_job(httpx2_mock, [line("a"), line("b")])
    grade_file(rows, out=tmp_path / "first.jsonl", batch_api=True, quiet=True, poll_seconds=0)
    assert routes["create"].call_count == 1

    again = grade_file(
        rows, out=tmp_path / "second.jsonl", batch_api=True, quiet=True, poll_seconds=0
    )
    assert again.cache_hits == 2 and again.graded == 2
    assert routes["upload"].call_count == 1 and routes["create"].call_count == 1
    assert not state_path(tmp_path / "second.jsonl").exists()


def test_a_server_error_while_polling_just_means_poll_again(
    tmp_path: Path, rows: Path, llm_env, httpx2_mock
):
    routes = mock_job(httpx2_mock, [line("a"), line("b")])
    routes["poll"].side_effect = [
        respx.MockResponse(500, json={"error": {"message": "try later"}}),
        respx.MockResponse(200, json=batch("completed", output="file_out")),
    ]
    result = grade_file(
        rows, out=tmp_path / "out.jsonl", batch_api=True, quiet=True, poll_seconds=0
    )
    assert result.graded == 2 and routes["poll"].call_count == 2


@pytest.mark.httpx2(assert_all_called=False)
def test_a_rejected_upload_is_one_line_and_nothing_is_lost(
    tmp_path: Path, rows: Path, llm_env, httpx2_mock
):
    routes = mock_job(httpx2_mock, [])
    routes["upload"].respond(403, json={"error": {"message": "batch not allowed"}})
    out = tmp_path / "out.jsonl"
    result = run_cli("grade", str(rows), "--out", str(out), "--batch-api", "--quiet")
    assert result.exit_code == 1
    assert "the Batch API failed: 403 batch not allowed" in result.stderr
    assert "Traceback" not in result.output
    assert not state_path(out).exists()
    assert (
        run_cli("grade", str(rows), "--out", str(out), "--grader", "offline", "-q").exit_code == 0
    )
    assert sorted(json.loads(x)["id"] for x in out.read_text().splitlines()) == ["a", "b"]


@pytest.mark.httpx2(assert_all_called=False)
def test_a_failed_job_names_its_reasons(tmp_path: Path, rows: Path, llm_env, httpx2_mock):
    routes = mock_job(httpx2_mock, [])
    failed = batch("failed")
    failed["errors"] = {"object": "list", "data": [{"line": 1, "message": "model not found"}]}
    routes["poll"].side_effect = [respx.MockResponse(200, json=failed)]
    result = run_cli("grade", str(rows), "--out", str(tmp_path / "o.jsonl"), "--batch-api")
    assert result.exit_code == 1
    assert "batch batch_1 ended failed: line 1: model not found" in result.stderr
