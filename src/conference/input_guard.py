"""Refuses what no route can mean before any route reads it: control characters in the
address, query or body, ids no table can hold, JSON nested past reason.

Each of these reached the database or a parser and came back a 500 (PostgreSQL
refuses NUL in text and an id past its ``integer``; deeply nested JSON exhausts the
decoder). An address is refused as not found (404), as a page that cannot exist; a
query or body as invalid input (400, with the Vietnamese message). The body is read
once here and kept for the handler (Litestar caches it on the request's scope).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote_to_bytes

from litestar import Request
from litestar.enums import ScopeType
from litestar.exceptions import NotFoundException
from litestar.middleware import MiddlewareProtocol
from litestar.types import ASGIApp, Receive, Scope, Send

from conference.errors import N_, InvalidInput
from conference.limits import INTEGER_RANGE, has_control_characters

# Ids are serial integers: a path's id outside this range names no row.
ID_RANGE = range(0, INTEGER_RANGE.stop)
MAX_JSON_DEPTH = 32
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# The same characters written as JSON escapes or percent-encoded in a form.
_CONTROL_ESCAPE = re.compile(rb"\\u00(?:0[0-8bcef]|1[0-9a-f]|7f)", re.IGNORECASE)
_CONTROL_PERCENT = re.compile(rb"%(?:0[0-8bcef]|1[0-9a-f]|7f)", re.IGNORECASE)
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_BRACKETS = re.compile(rb"[\[\]{}]")


def _refused_text() -> InvalidInput:
    return InvalidInput(
        N_("The text sent contains a control character; remove it and try again."),
        code="control_character",
    )


def check_address(path: str, path_params: dict[str, Any]) -> None:
    """Raise NotFoundException for an address no page can have: a control character,
    or an id out of range."""
    if has_control_characters(path):
        raise NotFoundException()
    for value in path_params.values():
        if isinstance(value, bool):
            continue
        if isinstance(value, int) and value not in ID_RANGE:
            raise NotFoundException()
        if isinstance(value, str) and has_control_characters(value):
            raise NotFoundException()


def check_query(query_string: bytes) -> None:
    """Raise InvalidInput when a query parameter holds a control character."""
    if _CONTROL_BYTES.search(unquote_to_bytes(query_string.replace(b"+", b" "))):
        raise _refused_text()


def json_depth(body: bytes) -> int:
    """How deeply arrays and objects nest in the JSON ``body`` (strings skipped)."""
    depth = deepest = 0
    for bracket in _BRACKETS.findall(_JSON_STRING.sub(b"", body)):
        depth += 1 if bracket in (b"[", b"{") else -1
        deepest = max(deepest, depth)
    return deepest


def check_json(body: bytes) -> None:
    """Raise InvalidInput for JSON nested past MAX_JSON_DEPTH or a control character in it."""
    if _CONTROL_ESCAPE.search(body) or _CONTROL_BYTES.search(body):
        raise _refused_text()
    # A body with fewer brackets than the limit cannot nest past it: no need to walk it.
    brackets = body.count(b"[") + body.count(b"{")
    if brackets > MAX_JSON_DEPTH and json_depth(body) > MAX_JSON_DEPTH:
        raise InvalidInput(
            N_("The data sent is nested too deeply (at most %(depth)s levels)."),
            code="too_deep",
            depth=MAX_JSON_DEPTH,
        )


def check_form(body: bytes) -> None:
    """Raise InvalidInput when a field of an URL-encoded form holds a control character."""
    if _CONTROL_PERCENT.search(body) or _CONTROL_BYTES.search(body):
        raise _refused_text()


async def check_body(scope: Scope, receive: Receive) -> None:
    """Check an URL-encoded form, or any other body but an upload as JSON: Litestar
    decodes a body as JSON whatever its declared type."""
    content_type = dict(scope["headers"]).get(b"content-type", b"").split(b";")[0].strip()
    if content_type == b"multipart/form-data":
        return  # files, read by the import's own checks
    body = await Request[Any, Any, Any](scope, receive).body()
    if content_type == b"application/x-www-form-urlencoded":
        check_form(body)
    elif body:
        check_json(body)


class InputGuardMiddleware(MiddlewareProtocol):
    """Runs the checks above on every HTTP request, after routing, before anything else."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == ScopeType.HTTP:
            check_address(scope["path"], scope.get("path_params", {}))
            check_query(scope.get("query_string", b""))
            if scope["method"] in ("POST", "PUT", "PATCH", "DELETE"):
                await check_body(scope, receive)
        await self.app(scope, receive, send)
