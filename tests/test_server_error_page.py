"""A 500 tells signed-in staff what the database said and what to do; an anonymous page
(an invitation, the hall screen) only that something went wrong: the database's own words
name its tables and the server's settings."""

from __future__ import annotations

import sqlite3
from typing import Any

from litestar import Request, get
from litestar.testing import create_test_client

from conference.app import _server_error

FAILURE = sqlite3.OperationalError("no such column: delegate.secret_column")


@get("/boom", sync_to_thread=False)
def boom() -> None:
    raise FAILURE


def _answer(user: Any) -> str:
    def sign_in(request: Request[Any, Any, Any]) -> None:
        if user is not None:
            request.scope["user"] = user

    with create_test_client(
        route_handlers=[boom],
        before_request=sign_in,
        exception_handlers={Exception: _server_error},
    ) as client:
        answer = client.get("/boom", headers={"accept": "application/json"})
        assert answer.status_code == 500
        return str(answer.json()["detail"])


def test_an_anonymous_page_is_not_shown_what_the_database_said() -> None:
    assert "secret_column" not in _answer(None)


def test_signed_in_staff_are_told_what_the_database_said() -> None:
    assert "secret_column" in _answer(object())
