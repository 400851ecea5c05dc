"""Export a session as its portable JSON file, and import one (an upload) into this store.

The file and its checks are the engine's (``engine/portable.py``): the same file as
``interviewer sessions export`` writes, the same one-line errors on the error page. The
upload goes through the app's body limit (the audio limit: a file may carry recordings),
its CSRF check, and ``uploads.check_export``.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from interviewer.core.bank import Bank
from interviewer.core.errors import InterviewerError
from interviewer.service.interview import open_store
from interviewer.web import service
from interviewer.web.security import checked_form
from interviewer.web.uploads import check_export


def _config(request: Request) -> service.ServiceConfig:
    config: service.ServiceConfig = request.app.state.config
    return config


def export_file(config: service.ServiceConfig, sid: str, audio: bool) -> tuple[str, bytes]:
    """The session's export file name and bytes (the bank found by id only, never a path)."""
    from interviewer.engine.portable import export_session, to_json

    def bank_for(bank_id: str, options: dict[str, Any]) -> Bank | None:
        try:
            return service.get_bank(config, bank_id)
        except InterviewerError:
            return None

    with open_store(config) as store:
        data = export_session(store, sid, bank_for, audio=audio)
    return f"interviewer-session-{data['session']['id']}.json", to_json(data).encode("utf-8")


def import_upload(
    config: service.ServiceConfig, data: bytes, name: str, copy: bool
) -> tuple[str, int | None]:
    """Check and store an uploaded export: the local session id, and how many reviews were
    added when the file was one of this app's sessions coming back (None: a new session)."""
    from interviewer.engine.portable import MergeResult, import_session, parse

    checked = parse(data, name)
    with open_store(config) as store:
        result = import_session(store, checked, copy=copy)
    return result.session_id, result.added if isinstance(result, MergeResult) else None


async def export(request: Request) -> Response:
    """``GET /sessions/{sid}/export.json`` (``?audio=0`` leaves the recordings out)."""
    audio = request.query_params.get("audio", "1") != "0"
    name, blob = await run_in_threadpool(
        export_file, _config(request), request.path_params["sid"], audio
    )
    return Response(
        blob,
        media_type="application/json",
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )


async def upload(request: Request) -> Response:
    """``POST /import``: the uploaded file becomes a new session, or (one of this app's
    sessions coming back from a coach) adds its new reviews to it; its report is shown."""
    form = await checked_form(request, max_files=1, max_fields=4)
    file = form.get("session_file")
    if not isinstance(file, UploadFile) or not file.filename:
        raise HTTPException(400, "Choose a session file (.json) to import first.")
    data = await file.read()
    check_export(file.content_type, data)
    name = PurePath(file.filename).name[:120]
    sid, added = await run_in_threadpool(
        import_upload, _config(request), data, name, form.get("copy") == "1"
    )
    url = str(request.app.url_path_for("report", sid=sid))
    return RedirectResponse(url if added is None else f"{url}?added={added}", status_code=303)
