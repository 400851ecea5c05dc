"""Spoken answers (an uploaded or recorded file) and the question read aloud."""

from __future__ import annotations

import logging

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from interviewer.core.errors import NotFoundError
from interviewer.core.redaction import redact
from interviewer.web import service
from interviewer.web.security import checked_form
from interviewer.web.uploads import check_audio
from interviewer.web.views.interview import _elapsed, _go, grading_failed

log = logging.getLogger(__name__)


async def upload(request: Request) -> Response:
    config: service.ServiceConfig = request.app.state.config
    form = await checked_form(request, max_files=1, max_fields=8)
    audio = form.get("audio")
    if not isinstance(audio, UploadFile) or not audio.filename:
        raise HTTPException(400, "Choose or record an audio file first.")
    data = await audio.read()
    if not data:
        raise HTTPException(400, "The audio file is empty.")
    ext = check_audio(audio.content_type, data)
    outcome = await run_in_threadpool(
        service.answer_audio,
        config,
        request.path_params["sid"],
        request.path_params["qid"],
        data,
        ext,
        elapsed_seconds=_elapsed(form.get("elapsed_seconds")),
    )
    if outcome.error:
        return grading_failed(request, outcome)
    return _go(request, "scorecard", **request.path_params)


SPEECH_FAILED = "Speech is not available right now; the browser reads the question instead."


async def speech(request: Request) -> Response:
    """The question as speech from the configured TTS endpoint (404 when there is none).

    When the endpoint fails this is a short 503, not an error page: the page falls back to
    the browser's own speech synthesis. The log gets one line, without a traceback, and
    nothing is re-raised: an escaped exception made the server drop the keep-alive
    connection, so the page's next request failed too.
    """
    config: service.ServiceConfig = request.app.state.config
    if not service.can_speak(config):
        raise HTTPException(404, "No speech endpoint is configured; the browser reads aloud.")
    sid, qid = request.path_params["sid"], request.path_params["qid"]
    try:
        audio, media_type = await run_in_threadpool(service.question_speech, config, sid, qid)
    except NotFoundError:
        raise  # an unknown session or question is a 404 page, as everywhere
    except Exception as exc:
        log.warning("speech for %s/%s failed: %s", sid, qid, _one_line(exc))
        return PlainTextResponse(SPEECH_FAILED, status_code=503, headers={"retry-after": "60"})
    return Response(audio, media_type=media_type)


def _one_line(exc: BaseException) -> str:
    """The failure in one short line, with anything that looks like a key masked."""
    text = redact(" ".join(str(exc).split())) or "no detail"
    return f"{type(exc).__name__}: {text[:300]}"
