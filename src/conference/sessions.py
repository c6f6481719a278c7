"""Server-side sessions that touch the store only when the session changes.

Litestar's backend writes on every response: a ``set`` for a logged-in page, a
``delete`` for everything else, so a scan or a health check paid a database write
it did not need. Here a response writes only when the session data differ from
what the request brought, and deletes only a session the request had.
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


class ChangedOnlySessionBackend(ServerSideSessionBackend):
    async def load_from_connection(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> dict[str, Any]:
        data = await super().load_from_connection(connection)
        connection.scope.setdefault("state", {})[_LOADED] = (
            self.serialize_data(data, connection.scope) if data else None
        )
        return data

    async def store_in_message(
        self,
        scope_session: ScopeSession,
        message: Message,
        connection: ASGIConnection[Any, Any, Any, Any],
    ) -> None:
        had_cookie = self.config.key in connection.cookies
        loaded = connection.scope.get("state", {}).get(_LOADED)
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
