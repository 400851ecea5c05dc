"""What the web pages say about an error, where the engine's wording is meant for the CLI.

The store's "no such session" message helps someone at a terminal by listing the latest
session ids. A web page is different: anyone who can reach it could read other sessions'
ids there, so a page says only that the session does not exist.
"""

from __future__ import annotations

import ast
import re

from interviewer.core.errors import NotFoundError

# The store's wording (interviewer/engine/store.py, Store.resolve_id): the reference is repr()'d.
_NO_SESSION = re.compile(r"""^no session (?P<ref>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")""")
_AMBIGUOUS = re.compile(r"""^session (?P<ref>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*") is ambiguous""")
_NO_SESSIONS_YET = "no sessions yet"
_LONGEST_REF = 60


def _shown(ref_repr: str) -> str:
    """The reference as the visitor typed it, shortened if it is long."""
    try:
        ref = str(ast.literal_eval(ref_repr))
    except (ValueError, SyntaxError):
        ref = ref_repr.strip("'\"")
    if len(ref) > _LONGEST_REF:
        ref = ref[: _LONGEST_REF - 3] + "..."
    return ref


def not_found_detail(error: NotFoundError | str) -> str:
    """The 404 page's text for a NotFoundError: never a list of session ids.

    An unknown or ambiguous session becomes "There is no session 'X'."; any other
    NotFoundError (an unknown bank, a question not in the session) keeps its message.
    """
    message = str(error)
    found = _NO_SESSION.match(message) or _AMBIGUOUS.match(message)
    if found:
        return f"There is no session '{_shown(found.group('ref'))}'."
    if message.startswith(_NO_SESSIONS_YET):
        return "There are no sessions yet."
    return message
