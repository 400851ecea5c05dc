"""Builders for chat-completion replies, as an OpenAI-compatible server would send them."""

from __future__ import annotations

import json
from typing import Any

import respx

from interviewer.core.bank import Question, get_bank
from interviewer.core.rubric import Rubric, build_rubric
from interviewer.core.settings import build_settings
from interviewer.grading.llm.grader import LLMGrader

BASE_URL = "https://llm.test/v1"
FAKE_KEY = "test-key-not-real"
CHAT = f"{BASE_URL}/chat/completions"

ANSWER = (
    "In March our fraud model's precision dropped from 92% to 70% overnight. "
    "I was the on-call ML engineer, so I had to find the cause before the Friday release. "
    "I compared the feature distributions before and after the drop and found that a "
    "currency field had switched from cents to dollars upstream. I added a unit check to "
    "the pipeline and backfilled two days of features. "
    "Precision recovered to 91% within a day and we avoided about $30,000 in manual reviews. "
    "I learned to put schema and unit checks on every upstream feed."
)


def dimension(score: int, *quotes: str, reasoning: str = "Matches the anchor.") -> dict:
    return {"evidence": list(quotes), "reasoning": reasoning, "score": score}


def reply_body(**overrides: Any) -> dict:
    """A valid grade reply for ANSWER, graded against q1's rubric."""
    body = {
        "situation": dimension(4, "our fraud model's precision dropped from 92% to 70% overnight"),
        "task": dimension(4, "I had to find the cause before the Friday release"),
        "action": dimension(4, "I compared the feature distributions before and after the drop"),
        "result": dimension(4, "Precision recovered to 91% within a day"),
        "quantified_results": {
            "evidence": ["Precision recovered to 91% within a day"],
            "metrics": [{"value": "91%", "measures": "precision after the fix"}],
            "reasoning": "Before and after numbers.",
            "score": 4,
        },
        "lessons_learned": dimension(3, "I learned to put schema and unit checks"),
        "themes": [
            {"theme": "systematic-debugging", **dimension(4, "I compared the feature")},
            {"theme": "data-quality", **dimension(3, "added a unit check to the pipeline")},
        ],
        "strengths": ["Clear before/after numbers."],
        "improvements": ["Say which alternatives you ruled out."],
        "follow_up": "How did you rule out the model itself?",
        "injection_detected": False,
        "off_topic": False,
    }
    body.update(overrides)
    return body


def completion(
    content: str | dict | None,
    *,
    finish_reason: str = "stop",
    refusal: str | None = None,
    model: str = "gpt-test",
) -> dict:
    """A chat.completion JSON body."""
    if isinstance(content, dict):
        content = json.dumps(content)
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 1,
        "model": model,
        "system_fingerprint": "fp_test",
        "choices": [
            {
                "index": 0,
                "finish_reason": finish_reason,
                "message": {"role": "assistant", "content": content, "refusal": refusal},
            }
        ],
        "usage": {"prompt_tokens": 100, "completion_tokens": 50, "total_tokens": 150},
    }


def question_and_rubric(question_id: str = "q1") -> tuple[Question, Rubric]:
    bank = get_bank()
    return bank.question(question_id), build_rubric(bank, question_id)


class Recorder:
    """Sync and async stand-ins for sleep that record the waits asked for."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)

    async def asleep(self, seconds: float) -> None:
        self.waits.append(seconds)


def make_llm_grader(**settings: Any) -> tuple[LLMGrader, Recorder]:
    """An LLM grader against the mocked server, with a fixed nonce and recorded waits."""
    rec = Recorder()
    config: dict[str, Any] = {
        "openai_api_key": FAKE_KEY,
        "openai_base_url": BASE_URL,
        "model": "gpt-test",
    }
    config.update(settings)
    grader = LLMGrader.from_settings(
        build_settings(**config), nonce=lambda: "feedc0de", sleep=rec.sleep, async_sleep=rec.asleep
    )
    return grader, rec


def sent(route: respx.Route, call: int = -1) -> dict:
    """The JSON body of a request the mocked server received."""
    return json.loads(route.calls[call].request.content)
