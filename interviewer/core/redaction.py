"""One redaction function for every error that leaves the process.

Whatever is printed, written to an output file, stored in the database or shown on a page
goes through :func:`redact` first. It removes

- the secrets this process knows: the configured API key and the credentials inside the
  configured base URL (``remember`` is called by ``settings.build_settings``), and
- anything that looks like one: ``sk-...`` keys, ``Bearer`` tokens, ``api-key`` headers
  and parameters, 32-hex-digit Azure keys, the userinfo of any URL
  (``https://user:pass@host``) and secret-looking query parameters (``?api-key=...``).

A server or proxy that echoes the Authorization header into its error message therefore
cannot leak the key through us.
"""

from __future__ import annotations

import re
import threading
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

MASK = "[redacted]"

_SECRET_PARAMS = re.compile(
    r"(?i)^(api[-_]?key|key|token|access[-_]?token|secret|client[-_]?secret|password|"
    r"passwd|pwd|sig|signature|code|auth|authorization|credential|credentials)$"
)

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # URL userinfo: scheme://user:pass@host -> scheme://[redacted]@host
    (re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*://)[^/\s@'\"<>]+@"), rf"\1{MASK}@"),
    # secret-looking query parameters: ?api-key=...&sig=...
    (
        re.compile(
            r"(?i)([?&;](?:api[-_]?key|key|token|access[-_]?token|secret|client[-_]?secret|"
            r"password|passwd|pwd|sig|signature|code|auth)=)[^&#\s'\"<>]+"
        ),
        rf"\1{MASK}",
    ),
    # Authorization: Bearer <token> / Basic <token>
    (re.compile(r"(?i)\b(bearer|basic)(\s+)[A-Za-z0-9_\-.=+/~:]{6,}"), rf"\1\2{MASK}"),
    # OpenAI-style keys anywhere: sk-..., sk-proj-...
    (re.compile(r"\bsk-[A-Za-z0-9_\-]{8,}"), MASK),
    # api-key / api_key / x-api-key headers or JSON fields: value after ':' or '='
    (
        re.compile(r"(?i)\b((?:x-)?api[-_]?key['\"]?\s*[:=]\s*['\"]?)[^\s'\",}&]{6,}"),
        rf"\1{MASK}",
    ),
    # Azure OpenAI keys: 32 hex digits
    (re.compile(r"\b[0-9a-fA-F]{32}\b"), MASK),
)

_known: set[str] = set()
_lock = threading.Lock()


def remember(*secrets: str | None) -> None:
    """Add secrets to remove verbatim wherever they appear (short values are ignored)."""
    with _lock:
        for secret in secrets:
            if secret and len(secret) >= 6:
                _known.add(secret)


def url_secrets(url: str | None) -> list[str]:
    """The credentials a URL carries: its password, user name and secret query values."""
    if not url:
        return []
    try:
        parts = urlsplit(url)
    except ValueError:
        return []
    found = [s for s in (parts.password, parts.username) if s]
    found += [v for k, v in parse_qsl(parts.query) if _SECRET_PARAMS.match(k) and v]
    return found


def safe_url(url: str | None) -> str:
    """A URL fit to show: userinfo and secret query values replaced by the mask."""
    if not url:
        return ""
    try:
        parts = urlsplit(url)
    except ValueError:
        return redact(url)
    netloc = parts.netloc.rsplit("@", 1)[-1]
    if "@" in parts.netloc:
        netloc = f"{MASK}@{netloc}"
    query = urlencode(
        [(k, MASK if _SECRET_PARAMS.match(k) else v) for k, v in parse_qsl(parts.query)],
        safe="[]",
    )
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def redact(text: str, extra: tuple[str, ...] | list[str] = ()) -> str:
    """``text`` with every known and every secret-looking credential masked."""
    if not text:
        return text
    with _lock:
        known = sorted({*_known, *(s for s in extra if s)}, key=len, reverse=True)
    for secret in known:
        if secret in text:
            text = text.replace(secret, MASK)
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text
