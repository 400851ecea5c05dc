"""Write SYNTHETIC LLM recordings for an eval suite, so CI runs the LLM grader's code path.

No model is reachable here, so each reply is made from the offline grader's grade of the
same answer (its scores, its verbatim evidence, its flags) and is labelled
``"synthetic": true`` in the recording file. Replace them with real ones by running
``interviewer eval SUITE --record DIR`` with an API key.

Usage: .venv/bin/python scripts/synthesize_recordings.py evals/injection-gate.yaml evals/recordings
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import httpx2

from interviewer.core.bank import get_bank
from interviewer.core.grade import Flag, Grade
from interviewer.core.rubric import STAR_DIMENSIONS, build_rubric
from interviewer.core.settings import build_settings
from interviewer.evals.replay import REPLAY_NONCE, save_recording
from interviewer.evals.suite import load_suite
from interviewer.grading.llm.client import build_client
from interviewer.grading.llm.grader import LLMGrader
from interviewer.grading.offline import OfflineGrader

NOTE = "synthetic: made from the offline grader's grade of this answer, not by a model"


def reply_from(grade: Grade) -> dict:
    def part(name: str) -> dict:
        g = getattr(grade, name)
        return {"evidence": g.evidence, "reasoning": g.feedback or "synthetic", "score": g.score}

    body = {name: part(name) for name in STAR_DIMENSIONS}
    body["quantified_results"]["metrics"] = [
        {"value": m.value, "measures": m.measures} for m in grade.quantified_results.metrics
    ]
    order = ["evidence", "metrics", "reasoning", "score"]
    body["quantified_results"] = {k: body["quantified_results"][k] for k in order}
    body["themes"] = [
        {"theme": t.theme, "evidence": t.evidence, "reasoning": t.feedback or "", "score": t.score}
        for t in grade.themes
    ]
    body.update(
        strengths=grade.strengths,
        improvements=grade.improvements,
        follow_up=grade.follow_up,
        injection_detected=Flag.PROMPT_INJECTION in grade.flags,
        off_topic=Flag.OFF_TOPIC in grade.flags,
    )
    return body


def main(suite_path: Path, folder: Path, model: str = "gpt-4o-mini") -> None:
    suite = load_suite(suite_path)
    bank = get_bank(suite.bank)
    offline = OfflineGrader()
    current: dict = {}

    def handle(request: httpx2.Request) -> httpx2.Response:
        body = json.loads(request.content)
        response = {
            "id": "synthetic",
            "object": "chat.completion",
            "created": 0,
            "model": body["model"],
            "system_fingerprint": None,
            "choices": [
                {
                    "index": 0,
                    "finish_reason": "stop",
                    "message": {"role": "assistant", "content": json.dumps(current["reply"])},
                }
            ],
            "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
        }
        save_recording(folder, body, response, synthetic=True, note=f"{NOTE} ({current['id']})")
        return httpx2.Response(200, json=response)

    settings = build_settings(model=model, openai_base_url="http://synthetic.invalid/v1")
    client = build_client(
        settings, http_client=httpx2.Client(transport=httpx2.MockTransport(handle))
    )
    grader = LLMGrader(settings, client=client, nonce=lambda: REPLAY_NONCE)
    for case in suite.cases:
        question = bank.question(case.question_id)
        rubric = build_rubric(bank, case.question_id)
        current.update(id=case.id, reply=reply_from(offline.grade(question, rubric, case.answer)))
        grader.grade(question, rubric, case.answer)
    print(f"wrote {len(suite.cases)} synthetic recordings for {suite.name} to {folder}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
