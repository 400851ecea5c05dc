"""Spoken answers (an uploaded or recorded file) and the question read aloud."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from interviewer.web import service
from interviewer.web.security import checked_form
from interviewer.web.uploads import check_audio
from interviewer.web.views.interview import _elapsed, _go, grading_failed


async def upload(request: Request) -> Response:
    config: service.WebConfigLike = request.app.state.config
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


async def speech(request: Request) -> Response:
    """The question as speech from the configured TTS endpoint (404 when there is none)."""
    config: service.WebConfigLike = request.app.state.config
    if not service.can_speak(config):
        raise HTTPException(404, "No speech endpoint is configured; the browser reads aloud.")
    audio, media_type = await run_in_threadpool(
        service.question_speech, config, **request.path_params
    )
    return Response(audio, media_type=media_type)
