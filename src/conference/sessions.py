"""Server-side sessions that touch the store only when the session changes.

Litestar's backend writes on every response: a ``set`` for a logged-in page, a
``delete`` for everything else, so a scan or a health check paid a database write
it did not need. Here a response writes only when the session data differ from
what the request brought, and deletes only a session the request had.

Signing in calls ``renew_id``: the session then leaves under a new id and the old
one is deleted, so an id planted in a browser before sign-in is worthless after it
(Litestar otherwise keeps the id of the cookie the request brought).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar.connection import ASGIConnection
from litestar.middleware.session.server_side import (
    ServerSideSessionBackend,
    ServerSideSessionConfig,
)
from litestar.types import Empty, Message, ScopeSession

_LOADED = "conference.session_loaded"
_RENEW = "conference.session_renew"
_NEW_ID = "conference.session_new_id"


def renew_id(connection: ASGIConnection[Any, Any, Any, Any]) -> None:
    """Send this request's session under a fresh id and forget the old one."""
    connection.scope.setdefault("state", {})[_RENEW] = True


class ChangedOnlySessionBackend(ServerSideSessionBackend):
    async def load_from_connection(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> dict[str, Any]:
        data = await super().load_from_connection(connection)
        connection.scope.setdefault("state", {})[_LOADED] = (
            self.serialize_data(data, connection.scope) if data else None
        )
        return data

    def get_session_id(self, connection: ASGIConnection[Any, Any, Any, Any]) -> str:
        state = connection.scope.setdefault("state", {})
        if not state.get(_RENEW):
            return super().get_session_id(connection)
        if _NEW_ID not in state:
            state[_NEW_ID] = self.generate_session_id()
        return str(state[_NEW_ID])

    async def store_in_message(
        self,
        scope_session: ScopeSession,
        message: Message,
        connection: ASGIConnection[Any, Any, Any, Any],
    ) -> None:
        had_cookie = self.config.key in connection.cookies
        state = connection.scope.get("state", {})
        if state.get(_RENEW) and had_cookie:
            await self.delete(
                connection.cookies[self.config.key],
                store=self.config.get_store_from_app(connection.scope["app"]),
            )
            had_cookie = False  # what follows writes a new session under a new id
        loaded = state.get(_LOADED)
        if scope_session is Empty or not scope_session:
            if had_cookie:
                await super().store_in_message(Empty, message, connection)
            return
        if (
            had_cookie
            and loaded is not None
            and self.serialize_data(scope_session, connection.scope) == loaded
        ):
            return  # unchanged: the stored session and the browser's cookie are still right
        await super().store_in_message(scope_session, message, connection)


@dataclass
class SessionConfig(ServerSideSessionConfig):
    _backend_class = ChangedOnlySessionBackend
