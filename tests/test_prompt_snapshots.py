"""Prompt changes are deliberate: rendered prompts are compared with golden files.

A prompt or rubric edit changes these snapshots; update them on purpose with
``.venv/bin/pytest tests/test_prompt_snapshots.py --update-snapshots`` and commit the diff
with the change, so the review shows exactly what the model will now read.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from interviewer.core.bank import get_bank
from interviewer.core.rubric import build_rubric
from interviewer.grading.llm.render import render_messages

SNAPSHOTS = Path(__file__).parent / "snapshots"
ANSWER = (
    "When our ranking model's click-through fell 12% in a week, I owned the fix. I compared "
    "feature freshness and found a stale embedding table, rebuilt it and added an alert. "
    "Click-through recovered within two days. I learned to monitor feature freshness."
)
# Characters of the rendered prompt a grading request may use (system + user, strict mode).
# Raise it on purpose if the rubric grows; it guards cost and context length.
SIZE_BUDGET = 14_000


def rendered(question_id: str, *, json_mode: bool) -> str:
    bank = get_bank()
    messages = render_messages(
        bank.question(question_id),
        build_rubric(bank, question_id),
        ANSWER,
        nonce="SNAPSHOT",
        json_mode=json_mode,
    )
    return "\n\n".join(f"=== {m['role']} ===\n{m['content']}" for m in messages) + "\n"


@pytest.mark.parametrize(
    ("name", "question_id", "json_mode"),
    [("grade-q1-strict", "q1", False), ("grade-q8-json-mode", "q8", True)],
)
def test_rendered_prompt_matches_snapshot(name, question_id, json_mode, update_snapshots):
    path = SNAPSHOTS / f"{name}.txt"
    text = rendered(question_id, json_mode=json_mode)
    if update_snapshots or not path.exists():
        path.write_text(text, encoding="utf-8")
        if not update_snapshots:
            pytest.fail(f"snapshot {path.name} was missing and has been written: review it")
    assert text == path.read_text(encoding="utf-8"), (
        f"the rendered prompt changed; if intended, run pytest --update-snapshots and commit "
        f"{path.relative_to(SNAPSHOTS.parent.parent)}"
    )


def test_rendered_prompt_stays_under_the_size_budget():
    bank = get_bank()
    for q in bank.questions:
        size = len(rendered(q.id, json_mode=False))
        assert size < SIZE_BUDGET, f"{q.id}: {size} characters"


def test_json_mode_prompt_carries_the_schema():
    text = rendered("q8", json_mode=True)
    start = text.index("{", text.index("JSON schema"))
    schema = json.JSONDecoder().raw_decode(text[start:])[0]
    assert schema["additionalProperties"] is False
