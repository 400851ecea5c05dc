"""Recorded LLM replies, so the LLM grader's real code path runs in CI with no key.

A recording is keyed by a hash of what decides the reply: the model, the sampling settings,
the response format and the messages (which carry the prompt, the rubric and the answer;
the nonce is fixed to ``replay`` in these runs so the key is stable). It is served by an
httpx2 transport under the real openai SDK. ``--record`` forwards to the live server and
saves each reply; a reply written by hand or synthesised carries ``"synthetic": true`` in
the file itself.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from interviewer.core.rubric import content_hash

REPLAY_NONCE = "replay"
KEY_FIELDS = ("model", "messages", "temperature", "seed", "response_format")


def request_key(body: dict[str, Any]) -> str:
    return content_hash({k: body.get(k) for k in KEY_FIELDS})


def recording_path(folder: Path, key: str) -> Path:
    return folder / f"{key}.json"


def save_recording(
    folder: Path, body: dict[str, Any], response: dict[str, Any], *, synthetic: bool, note: str = ""
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    key = request_key(body)
    record = {
        "key": key,
        "synthetic": synthetic,
        "note": note,
        "model": body.get("model"),
        "response": response,
    }
    path = recording_path(folder, key)
    path.write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def missing_message(key: str, folder: Path) -> str:
    return (
        f"no recording for this request (key {key}) in {folder}: the prompt, rubric, answer, "
        f"model or sampling settings changed; re-record with --record {folder} and an API key"
    )


def replay_http_client(folder: Path) -> Any:
    """An httpx2 client that answers chat completions from the recordings in ``folder``."""
    import httpx2

    def handle(request: httpx2.Request) -> httpx2.Response:
        body = json.loads(request.content)
        key = request_key(body)
        path = recording_path(folder, key)
        if not path.exists():
            return httpx2.Response(400, json={"error": {"message": missing_message(key, folder)}})
        return httpx2.Response(200, json=json.loads(path.read_text("utf-8"))["response"])

    return httpx2.Client(transport=httpx2.MockTransport(handle))


def recording_http_client(folder: Path) -> Any:
    """An httpx2 client that forwards to the live server and saves every good reply."""
    import httpx2

    inner = httpx2.HTTPTransport()

    class Recorder(httpx2.BaseTransport):
        def handle_request(self, request: httpx2.Request) -> httpx2.Response:
            response = inner.handle_request(request)
            response.read()
            if response.status_code == 200 and request.url.path.endswith("/chat/completions"):
                save_recording(
                    folder, json.loads(request.content), response.json(), synthetic=False
                )
            return response

    return httpx2.Client(transport=Recorder())
