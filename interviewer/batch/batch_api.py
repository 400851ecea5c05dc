"""Grade a file through the OpenAI Batch API: upload, create, poll, download, map back.

The requests are exactly those the LLM grader sends (its conversation generator builds
them), and each reply goes back through the same conversation, so verification, caps and
flags are identical. A reply that needs a re-ask is finished with ordinary requests. The
batch id is saved next to the output (``OUT.batch.json``), so a rerun resumes polling the
same job instead of paying for a second one.
"""

from __future__ import annotations

import io
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openai

from interviewer.batch.cache import GradeCache, grade_key, grader_identity
from interviewer.batch.io import ResultWriter, Row, RowError
from interviewer.batch.runner import BatchResult
from interviewer.core.bank import Bank
from interviewer.core.errors import GradingError, LLMUnavailableError
from interviewer.core.grade import Grade
from interviewer.core.rubric import build_rubric
from interviewer.grading.llm.chat import CHAT_PATH
from interviewer.grading.llm.grader import LLMGrader
from interviewer.ui import console

DONE = {"completed", "failed", "expired", "cancelled"}
POLL_SECONDS = 30.0
# While polling a job that may run for hours, these only mean "ask again later".
TRANSIENT = (openai.APIConnectionError, openai.RateLimitError, openai.InternalServerError)


def state_path(out: Path) -> Path:
    return out.with_name(out.name + ".batch.json")


@dataclass
class BatchJob:
    """Runs one Batch API job for ``rows``; ``sleep`` is injectable so tests never wait."""

    bank: Bank
    grader: LLMGrader
    writer: ResultWriter
    out: Path
    sleep: Callable[[float], None] = time.sleep
    poll_seconds: float = POLL_SECONDS
    cache: GradeCache | None = None

    def run(self, rows: list[Row], batch_id: str | None = None) -> BatchResult:
        result = BatchResult()
        rows = self._from_cache(rows, result, resuming=bool(batch_id or self._has_state()))
        if not rows and batch_id is None:
            return result
        try:
            batch_id = batch_id or self._saved_id() or self._submit(rows)
            batch = self._wait(batch_id)
            return self._collect(batch, rows, result)
        except openai.APIError as exc:
            why = _why(exc)
            hint = f" (rerun the same command to resume batch {batch_id})" if batch_id else ""
            raise LLMUnavailableError(f"the Batch API failed: {why}{hint}") from exc

    def _key(self, row: Row) -> str:
        identity = grader_identity(self.grader, self.grader.settings)
        rubric = build_rubric(self.bank, row.question_id)
        return grade_key(identity, row.question, rubric, row.answer)

    def _from_cache(self, rows: list[Row], result: BatchResult, resuming: bool) -> list[Row]:
        """Write cached grades at once; the rest still need a request.

        A resumed job already holds requests for its rows, so nothing is dropped from it.
        """
        if self.cache is None or resuming:
            return rows
        todo = []
        for row in rows:
            hit = self.cache.get(self._key(row))
            if hit is None:
                todo.append(row)
                continue
            self.writer.write_grade(row, hit)
            result.add_grade(row, hit, cached=True)
        return todo

    def _has_state(self) -> bool:
        return state_path(self.out).exists()

    def _collect(self, batch: Any, rows: list[Row], result: BatchResult) -> BatchResult:
        batch_id = batch.id
        by_id = {r.id: r for r in rows}
        replies = self._download(batch.output_file_id) if batch.output_file_id else []
        errors = self._download(batch.error_file_id) if batch.error_file_id else []
        for line in replies + errors:
            row = by_id.pop(str(line.get("custom_id")), None)
            if row is None:
                continue
            grade, error = self._finish(row, line)
            if grade is not None:
                self.writer.write_grade(row, grade)
                result.add_grade(row, grade)
                if self.cache is not None:
                    self.cache.put(self._key(row), grade)
            else:
                failure = RowError(row.id, row.question_id, row.line, f"{row.id}: {error}")
                self.writer.write_error(failure)
                result.add_failure(failure)
        for row in by_id.values():  # in the input, not in the job's output
            message = f"{row.id}: no reply in batch {batch_id} ({batch.status})"
            failure = RowError(row.id, row.question_id, row.line, message)
            self.writer.write_error(failure)
            result.add_failure(failure)
        state_path(self.out).unlink(missing_ok=True)
        return result

    def _saved_id(self) -> str | None:
        path = state_path(self.out)
        if path.exists():
            batch_id: str = json.loads(path.read_text("utf-8"))["batch_id"]
            console(stderr=True).print(f"Resuming batch {batch_id} (from {path}).")
            return batch_id
        return None

    def _submit(self, rows: list[Row]) -> str:
        lines = []
        for row in rows:
            rubric = build_rubric(self.bank, row.question_id)
            request = next(self.grader.conversation(row.question, rubric, row.answer))
            lines.append(json.dumps({"custom_id": row.id, "method": "POST",
                                     "url": f"/v1{CHAT_PATH}", "body": request}))  # fmt: skip
        payload = ("\n".join(lines) + "\n").encode()
        client = self.grader.client
        uploaded = client.files.create(file=("batch.jsonl", io.BytesIO(payload)), purpose="batch")
        batch = client.batches.create(
            input_file_id=uploaded.id, endpoint=f"/v1{CHAT_PATH}", completion_window="24h"
        )
        batch_id: str = batch.id
        state_path(self.out).write_text(
            json.dumps({"batch_id": batch_id, "input_file_id": uploaded.id}), encoding="utf-8"
        )
        console(stderr=True).print(
            f"Submitted batch {batch_id} ({len(rows)} requests); saved to {state_path(self.out)}."
        )
        return batch_id

    def _wait(self, batch_id: str) -> Any:
        client = self.grader.client
        while True:
            try:
                batch = client.batches.retrieve(batch_id)
            except TRANSIENT:
                self.sleep(self.poll_seconds)
                continue
            if batch.status in DONE:
                if batch.status != "completed" and not (
                    batch.output_file_id or batch.error_file_id
                ):
                    errors = batch.errors.data if batch.errors and batch.errors.data else []
                    why = "; ".join(
                        f"line {e.line}: {e.message}" if e.line else str(e.message) for e in errors
                    )
                    state_path(self.out).unlink(missing_ok=True)  # nothing left to resume
                    raise LLMUnavailableError(
                        f"batch {batch_id} ended {batch.status}" + (f": {why}" if why else "")
                    )
                return batch
            counts = batch.request_counts
            done = f" {counts.completed}/{counts.total}" if counts else ""
            console(stderr=True).print(f"batch {batch_id}: {batch.status}{done}")
            self.sleep(self.poll_seconds)

    def _download(self, file_id: str) -> list[dict[str, Any]]:
        text = self.grader.client.files.content(file_id).text
        return [json.loads(line) for line in text.splitlines() if line.strip()]

    def _finish(self, row: Row, line: dict[str, Any]) -> tuple[Grade | None, str | None]:
        """Feed the job's reply into the grader's conversation; re-asks go out directly."""
        from openai.types.chat import ChatCompletion

        response = line.get("response") or {}
        if line.get("error") or response.get("status_code") != 200:
            error = line.get("error") or response.get("body", {}).get("error") or "failed"
            return None, f"the batch request failed: {error}"
        rubric = build_rubric(self.bank, row.question_id)
        conversation = self.grader.conversation(row.question, rubric, row.answer)
        next(conversation)
        reply: Any = ChatCompletion.model_validate(response["body"])
        try:
            while True:
                request = conversation.send(reply)
                reply = self.grader.send(request)
        except StopIteration as done:
            return done.value, None
        except GradingError as exc:
            return None, str(exc)


def _why(exc: openai.APIError) -> str:
    """The status and the server's own message, without the SDK's prefix."""
    body = exc.body if isinstance(exc.body, dict) else {}
    body = body.get("error", body) if isinstance(body.get("error"), dict) else body
    message = body.get("message") or exc.message
    status = getattr(exc, "status_code", None)
    return f"{status} {message}" if status else str(message)
