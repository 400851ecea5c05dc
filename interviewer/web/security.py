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
from urllib.parse import urlsplit

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


LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "[::1]", "::1"})


class CSRFError(HTTPException):
    """A POST came without the page's token (a forged request or a stale form)."""

    def __init__(self) -> None:
        super().__init__(403, "This form is missing its security token, or it expired.")


def csrf_token(request: Request) -> str:
    """The token to put in this page's forms (set by ``SecurityMiddleware``)."""
    token = request.scope.get("state", {}).get("csrf_token", "")
    return token if isinstance(token, str) else ""


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

    def __init__(
        self,
        app: ASGIApp,
        limit_for: Callable[[str], int],
        allowed_hosts: frozenset[str] = LOOPBACK_HOSTS,
    ) -> None:
        self.app = app
        self.limit_for = limit_for
        self.allowed_hosts = frozenset(h.lower() for h in allowed_hosts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refused = self._refuse(scope)
        if refused is not None:
            status, text = refused
            await _plain(send, status, text)
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
                    # same-origin, not no-referrer: under no-referrer a browser sends
                    # "Origin: null" on form posts, which the origin check must refuse
                    (b"referrer-policy", b"same-origin"),
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

    def _refuse(self, scope: Scope) -> tuple[int, str] | None:
        """DNS rebinding and cross-site requests: (status, why), or None to serve it.

        Only the names this server was started for are served (a page on another site
        that rebinds its name to 127.0.0.1 still sends its own Host). A state-changing
        request must come from a page of this server: its Origin (or Referer) names the
        same host and port it was sent to.
        """
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        host = headers.get("host", "")
        if host_name(host) not in self.allowed_hosts:
            return 421, (
                f"This server does not answer to the name {host[:80]!r}. Open it at "
                "http://127.0.0.1 or http://localhost, or start it with --allowed-host NAME."
            )
        if scope.get("method", "GET") in {"GET", "HEAD", "OPTIONS"}:
            return None
        source = headers.get("origin") or headers.get("referer")
        if source is None:
            return None  # no browser leaves both out on a cross-site POST; CSRF still checked
        parts = urlsplit(source) if source != "null" else None
        if parts is None or parts.netloc.lower() != host.lower():
            return 403, "This form was sent from another site, so it was refused."
        return None


def host_name(host: str) -> str:
    """The name part of a Host header: ``localhost:8000`` -> ``localhost``, ``[::1]:80``
    -> ``[::1]``."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[: host.find("]") + 1] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def allowed_hosts(listen_host: str, extra: tuple[str, ...] | list[str] = ()) -> frozenset[str]:
    """Loopback names, the ``--host`` the server listens on, and every ``--allowed-host``."""
    names = {*LOOPBACK_HOSTS, *(h.strip().lower() for h in extra if h.strip())}
    if listen_host and listen_host not in {"0.0.0.0", "::"}:
        names.add(f"[{listen_host}]" if ":" in listen_host else listen_host.lower())
    return frozenset(names)


async def _plain(send: Send, status: int, text: str) -> None:
    body = text.encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"x-content-type-options", b"nosniff"),
                (b"cache-control", b"no-store"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _too_large(limit: int) -> str:
    return f"The upload is larger than the limit of {limit / 1_000_000:g} MB."
