"""``interviewer eval``: choose the grader (live, replayed or recording), run, report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from interviewer.core.errors import ConfigError, DataError
from interviewer.core.grade import Grader
from interviewer.core.settings import build_settings
from interviewer.evals import output
from interviewer.evals.runner import EvalResult, run_suite
from interviewer.evals.suite import load_suite
from interviewer.ui import console

REPLAY_BASE_URL = "http://replay.invalid/v1"


def eval_grader(
    grader: str | None, model: str | None, replay: Path | None, record: Path | None
) -> Grader:
    """The grader for this run; replay and record wrap the real LLM grader's transport."""
    if replay and record:
        raise ConfigError("use either --replay or --record, not both")
    if replay is None and record is None:
        from interviewer.grading.factory import make_grader

        return make_grader(build_settings(grader=grader, model=model))
    from interviewer.evals.replay import REPLAY_NONCE, recording_http_client, replay_http_client
    from interviewer.grading.llm.client import build_client
    from interviewer.grading.llm.grader import LLMGrader

    if replay is not None:
        if not replay.is_dir():
            raise DataError(replay, None, "recordings folder does not exist")
        settings = build_settings(model=model)
        # Replies come from files: no key is needed and none is sent anywhere.
        settings = settings.model_copy(
            update={"openai_base_url": REPLAY_BASE_URL, "openai_api_key": None}
        )
        http_client = replay_http_client(replay)
    else:
        settings = build_settings(model=model)
        settings.require_llm("--record")
        http_client = recording_http_client(record)  # type: ignore[arg-type]
    return LLMGrader(
        settings,
        client=build_client(settings, http_client=http_client),
        nonce=lambda: REPLAY_NONCE,
        sleep=lambda _seconds: None,
    )


def run_eval(
    suite_path: Path,
    *,
    grader: str | None = None,
    model: str | None = None,
    json_out: Path | None = None,
    junit_out: Path | None = None,
    baseline: Path | None = None,
    repeat: int = 1,
    replay: Path | None = None,
    record: Path | None = None,
) -> EvalResult:
    suite = load_suite(suite_path)
    old: dict[str, Any] | None = None
    if baseline is not None:
        try:
            old = json.loads(baseline.read_text("utf-8"))
        except (OSError, ValueError) as exc:
            raise DataError(baseline, None, f"not a JSON eval result: {exc}") from exc
    the_grader = eval_grader(grader, model, replay, record)
    console(stderr=True).print(f"Evaluating {suite.name} with the {the_grader.kind} grader.")
    result = run_suite(suite, the_grader, repeat=repeat)
    output.print_result(result, old)
    if json_out:
        output.write_json(result, json_out)
    if junit_out:
        output.write_junit(result, junit_out)
    return result
