"""Live updates between server processes through PostgreSQL itself (LISTEN/NOTIFY).

Used when several processes serve one PostgreSQL database without Redis (``conference
serve --workers N``, or CONFERENCE_CHANNELS=postgres for instances behind nginx). One
connection per process listens, and is opened again, with every channel listened to
again, when the server drops it (a restart, ``pg_terminate_backend``): pages miss what
was said while it was away, and their own reconnection catches up. Messages are sent
on one connection kept open for it, not one per message. A notification carries at
most 8,000 bytes; every message this application sends is far smaller.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator, Iterable

import asyncpg
from litestar.channels import ChannelsBackend

log = logging.getLogger(__name__)

RECONNECT_S = 1.0
CONNECT_TIMEOUT_S = 5.0


class PostgresChannelsBackend(ChannelsBackend):
    def __init__(self, dsn: str) -> None:
        self._dsn = dsn
        self._channels: set[str] = set()
        self._queue: asyncio.Queue[tuple[str, bytes]] = asyncio.Queue()
        self._listener: asyncpg.Connection | None = None
        self._sender: asyncpg.Connection | None = None
        self._listener_lock = asyncio.Lock()
        self._sender_lock = asyncio.Lock()
        self._watching: asyncio.Task[None] | None = None

    @property
    def listening(self) -> bool:
        """Whether this process hears the others now (its listening connection is open)."""
        return self._listener is not None and not self._listener.is_closed()

    # -- the plugin's life
    async def on_startup(self) -> None:
        self._watching = asyncio.create_task(self._keep_listening())

    async def on_shutdown(self) -> None:
        if self._watching is not None:
            self._watching.cancel()
        for connection in (self._listener, self._sender):
            if connection is not None and not connection.is_closed():
                connection.terminate()
        self._listener = self._sender = None

    # -- sending
    async def publish(self, data: bytes, channels: Iterable[str]) -> None:
        """Send ``data``, on a connection opened again once if it was lost. When the
        database cannot be reached the message is dropped with a warning, never raised:
        the plugin's one sending task would die with it, and with it every later update
        of this process (pages catch up when they reconnect or reload)."""
        payload = data.decode("utf-8")
        async with self._sender_lock:
            for _attempt in (1, 2):
                try:
                    if self._sender is None or self._sender.is_closed():
                        self._sender = await asyncpg.connect(self._dsn, timeout=CONNECT_TIMEOUT_S)
                    for channel in channels:
                        await self._sender.execute("SELECT pg_notify($1, $2)", channel, payload)
                    return
                except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError):
                    self._sender = None
            log.warning("live updates: PostgreSQL cannot be reached; a message was dropped")

    # -- listening
    def _heard(self, _connection: object, _pid: int, channel: str, payload: object) -> None:
        if isinstance(payload, str) and channel in self._channels:
            self._queue.put_nowait((channel, payload.encode("utf-8")))

    def _lost(self, _connection: object) -> None:
        self._listener = None

    async def _connect_listener(self) -> None:
        async with self._listener_lock:
            connection = await asyncpg.connect(self._dsn, timeout=CONNECT_TIMEOUT_S)
            connection.add_termination_listener(self._lost)
            for channel in self._channels:
                await connection.add_listener(channel, self._heard)
            self._listener = connection

    async def _keep_listening(self) -> None:
        while True:
            if self._listener is None or self._listener.is_closed():
                try:
                    await self._connect_listener()
                except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
                    log.warning("live updates: PostgreSQL cannot be reached; trying again")
            await asyncio.sleep(RECONNECT_S)

    async def subscribe(self, channels: Iterable[str]) -> None:
        async with self._listener_lock:
            for channel in set(channels) - self._channels:
                self._channels.add(channel)
                if self._listener is not None and not self._listener.is_closed():
                    await self._listener.add_listener(channel, self._heard)

    async def unsubscribe(self, channels: Iterable[str]) -> None:
        async with self._listener_lock:
            for channel in set(channels) & self._channels:
                self._channels.discard(channel)
                if self._listener is not None and not self._listener.is_closed():
                    await self._listener.remove_listener(channel, self._heard)

    async def stream_events(self) -> AsyncGenerator[tuple[str, bytes], None]:
        while True:
            yield await self._queue.get()

    async def get_history(self, channel: str, limit: int | None = None) -> list[bytes]:
        """None: a notification is gone once delivered (pages catch up when they reconnect)."""
        return []
