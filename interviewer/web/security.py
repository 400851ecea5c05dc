"""Safe-by-default plumbing for the web app: CSRF tokens, security headers, body limits.

CSRF uses the double-submit pattern: a random token lives in a ``SameSite=Strict``,
``HttpOnly`` cookie and must come back in every POST form as ``csrf_token``. A page on
another site can neither read the cookie nor make the browser send it, so it cannot forge
a POST. The token survives a server restart, so a half-typed answer is never refused
only because the server was restarted.

Every response gets a strict Content-Security-Policy (scripts only from ``/static``), so
even text that escaped escaping could not run.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import SimpleCookie
from typing import Any

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CSRF_COOKIE = "interviewer_csrf"
CSRF_FIELD = "csrf_token"

PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "media-src 'self' blob: data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
# The report module's HTML is one self-contained file with inline CSS and SVG: allow inline
# styles there, and no script at all.
REPORT_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'self'"
)


class CSRFError(HTTPException):
    """A POST came without the page's token (a forged request or a stale form)."""

    def __init__(self) -> None:
        super().__init__(403, "This form is missing its security token, or it expired.")


def csrf_token(request: Request) -> str:
    """The token to put in this page's forms (set by ``SecurityMiddleware``)."""
    return request.scope.get("state", {}).get("csrf_token", "")


async def checked_form(request: Request, **limits: Any) -> FormData:
    """Parse the POSTed form and check its CSRF token; every POST handler goes through here."""
    form = await request.form(**limits)
    sent = form.get(CSRF_FIELD)
    cookie = request.cookies.get(CSRF_COOKIE, "")
    if not isinstance(sent, str) or not cookie or not hmac.compare_digest(sent, cookie):
        raise CSRFError()
    return form


def _cookie_value(scope: Scope, name: str) -> str | None:
    for key, value in scope.get("headers", []):
        if key == b"cookie":
            jar = SimpleCookie()
            try:
                jar.load(value.decode("latin-1"))
            except Exception:  # a malformed Cookie header is simply ignored
                continue
            if name in jar:
                return jar[name].value
    return None


class SecurityMiddleware:
    """Issue the CSRF cookie, add security headers, and cap request bodies.

    ``limit_for(path)`` gives the largest body accepted for a path: audio uploads get
    more room than forms. A body over the limit becomes a 413 page, whether the client
    announced its length or streamed it.
    """

    def __init__(self, app: ASGIApp, limit_for: Callable[[str], int]) -> None:
        self.app = app
        self.limit_for = limit_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        token = _cookie_value(scope, CSRF_COOKIE)
        fresh = not token or len(token) < 32
        if fresh:
            token = secrets.token_urlsafe(32)
        scope.setdefault("state", {})["csrf_token"] = token

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                extra = [
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"x-frame-options", b"SAMEORIGIN"),
                    (b"cache-control", b"no-store"),
                ]
                if b"content-security-policy" not in names:
                    extra.append((b"content-security-policy", PAGE_CSP.encode()))
                headers += [(k, v) for k, v in extra if k not in names]
                if fresh:
                    cookie = f"{CSRF_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict"
                    headers.append((b"set-cookie", cookie.encode()))
                message["headers"] = headers
            await send(message)

        limit = self.limit_for(scope["path"])
        declared = dict(scope.get("headers", [])).get(b"content-length", b"0")
        announced = int(declared) if declared.isdigit() else 0
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            if announced > limit:  # refuse before reading a byte of it
                raise HTTPException(413, _too_large(limit))
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise HTTPException(413, _too_large(limit))
            return message

        await self.app(scope, limited_receive, send_with_headers)


def _too_large(limit: int) -> str:
    return f"The upload is larger than the limit of {limit / 1_000_000:g} MB."
