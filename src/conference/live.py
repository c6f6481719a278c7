"""Live updates: what just happened, sent to every open page of an event (Server-Sent Events).

Litestar's channels plugin carries them: in this process by default, through Redis
when CONFERENCE_REDIS_URL is set or PostgreSQL's LISTEN/NOTIFY (``conference serve
--workers N``, CONFERENCE_CHANNELS=postgres), so pages served by different processes
see the same stream. Services call ``publish`` after a change; it never touches the database.
``broadcast`` tells every server process (not the pages) that something they keep in
memory is stale, such as who is signed in.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncGenerator, Awaitable, Callable, Collection, Mapping
from typing import Any
from urllib.parse import urlsplit

from litestar.background_tasks import BackgroundTask
from litestar.channels import ChannelsPlugin
from litestar.channels.backends.memory import MemoryChannelsBackend
from litestar.channels.backends.redis import RedisChannelsPubSubBackend
from litestar.response import ServerSentEvent, ServerSentEventMessage

from conference.settings import Settings

log = logging.getLogger(__name__)

# A comment line this often keeps proxies and phones from closing a quiet stream.
KEEP_ALIVE_S = 15.0
# How long /healthz waits for Redis to answer.
HEALTH_TIMEOUT_S = 1.0

_plugin: ChannelsPlugin | None = None
_serving = False
BROADCAST_CHANNEL = "conference-processes"
_on_broadcast: dict[str, Callable[[], None]] = {}
_listening: asyncio.Task[None] | None = None


def channel_prefix(redis_url: str) -> str:
    """The prefix of this installation's channels on the Redis at ``redis_url``.

    Redis delivers Pub/Sub messages across its numbered databases: two installations
    sharing one Redis server on different numbers would hear each other's check-ins.
    The number in the prefix keeps them apart (database 0 keeps the plain prefix).
    """
    number = urlsplit(redis_url).path.strip("/") or "0"
    return "conference" if number == "0" else f"conference-db{number}"


def make_plugin(settings: Settings) -> ChannelsPlugin:
    """The channels plugin of this app; remembered so services can publish through it.

    Its backend is the settings' ``channels``: this process only, Redis, or PostgreSQL's
    LISTEN/NOTIFY.
    """
    global _plugin
    backend: Any
    if settings.channels == "redis" and settings.redis_url:
        from conference.redis_fallback import ResilientRedisChannels

        backend = ResilientRedisChannels(
            settings.redis_url, key_prefix=channel_prefix(settings.redis_url)
        )
    elif settings.channels == "postgres":
        from conference.pg_channels import PostgresChannelsBackend

        backend = PostgresChannelsBackend(settings.database.raw)
    else:
        backend = MemoryChannelsBackend()
    _plugin = ChannelsPlugin(backend=backend, arbitrary_channels_allowed=True)
    return _plugin


async def channels_state() -> str:
    """For /healthz: ``memory`` (this process only), ``ok``, or ``unreachable`` (the other
    processes are not heard now: Redis or PostgreSQL's listening connection is away)."""
    backend = _plugin._backend if _plugin is not None else None
    if backend is None or isinstance(backend, MemoryChannelsBackend):
        return "memory"
    if isinstance(backend, RedisChannelsPubSubBackend):
        try:
            await asyncio.wait_for(backend._redis.ping(), HEALTH_TIMEOUT_S)
        except Exception:
            return "unreachable"
        return "ok"
    return "ok" if getattr(backend, "listening", True) else "unreachable"


async def started() -> None:
    """At start-up, after the channels plugin: publish, and listen to other processes."""
    global _serving, _listening
    _serving = True
    if _plugin is not None and _listening is None:
        _listening = asyncio.create_task(_listen(_plugin))


async def stopped() -> None:
    global _serving, _listening
    _serving = False
    if _listening is not None:
        _listening.cancel()
        _listening = None


def on_broadcast(kind: str, handler: Callable[[], None]) -> None:
    """Call ``handler`` in every server process whenever any of them sends ``broadcast(kind)``."""
    _on_broadcast[kind] = handler


def broadcast(kind: str) -> None:
    """Tell every server process (this one too) ``kind``; a no-op outside a server."""
    if _plugin is None or not _serving:
        return
    _plugin.publish({"kind": kind}, BROADCAST_CHANNEL)


async def _listen(plugin: ChannelsPlugin) -> None:
    while True:
        try:
            async with plugin.start_subscription(BROADCAST_CHANNEL) as subscriber:
                async for raw in subscriber.iter_events():
                    handler = _on_broadcast.get(json.loads(raw).get("kind", ""))
                    if handler is not None:
                        handler()
        except asyncio.CancelledError:
            raise
        except Exception:  # Redis went away: keep listening once it is back
            log.exception("listening to the other server processes failed; retrying")
            await asyncio.sleep(1)


def channel(event_id: int) -> str:
    return f"event-{event_id}"


def publish(event_id: int, kind: str, data: dict[str, Any]) -> None:
    """Send ``data`` as a ``kind`` event to the event's open pages; a no-op outside a server."""
    if _plugin is None or not _serving:
        return
    _plugin.publish({"kind": kind, "data": data}, channel(event_id))


async def stream(
    plugin: ChannelsPlugin,
    event_id: int,
    only: Mapping[str, Collection[str]] | None = None,
    still_allowed: Callable[[], Awaitable[bool]] | None = None,
) -> AsyncGenerator[ServerSentEventMessage, None]:
    """The event's live messages, with a keep-alive comment when nothing happens.

    With ``only`` (kind → the data keys to pass on), other kinds are dropped and
    other keys removed: what a public page may see of the stream. With
    ``still_allowed``, asked at every keep-alive and at most that often between
    messages, the stream ends once it answers False (a desk device revoked, an
    account disabled); the page's reconnection is then refused.
    """
    loop = asyncio.get_running_loop()
    next_check = loop.time() + KEEP_ALIVE_S

    async def allowed() -> bool:
        nonlocal next_check
        if still_allowed is None or loop.time() < next_check:
            return True
        next_check = loop.time() + KEEP_ALIVE_S
        return await still_allowed()

    async with plugin.start_subscription(channel(event_id)) as subscriber:
        # A pump into a plain queue: waiting on it with a timeout is safe, where
        # cancelling the subscriber's own iterator would close it.
        queue: asyncio.Queue[bytes] = asyncio.Queue()

        async def pump() -> None:
            async for raw in subscriber.iter_events():
                await queue.put(raw)

        pumping = asyncio.create_task(pump())
        try:
            yield ServerSentEventMessage(comment="connected")
            while True:
                try:
                    raw = await asyncio.wait_for(queue.get(), timeout=KEEP_ALIVE_S)
                except TimeoutError:
                    if not await allowed():
                        return
                    yield ServerSentEventMessage(comment="keep-alive")
                    continue
                if not await allowed():
                    return
                message = json.loads(raw)
                if only is not None:
                    if message["kind"] not in only:
                        continue
                    keys = only[message["kind"]]
                    message["data"] = {k: v for k, v in message["data"].items() if k in keys}
                yield ServerSentEventMessage(
                    event=message["kind"], data=json.dumps(message["data"], ensure_ascii=False)
                )
        finally:
            pumping.cancel()


async def _then(
    messages: AsyncGenerator[ServerSentEventMessage, None], at_end: Callable[[], None]
) -> AsyncGenerator[ServerSentEventMessage, None]:
    try:
        async for message in messages:
            yield message
    finally:
        at_end()


def response(
    plugin: ChannelsPlugin,
    event_id: int,
    only: Mapping[str, Collection[str]] | None = None,
    still_allowed: Callable[[], Awaitable[bool]] | None = None,
    at_end: Callable[[], None] | None = None,
) -> ServerSentEvent:
    """The event's stream as an answer; ``at_end`` is called once it ends, however: when
    its messages end, and again (it must not mind) after the answer, for a stream whose
    first message was never asked for (the client left before it began)."""
    messages = stream(plugin, event_id, only, still_allowed)
    return ServerSentEvent(
        _then(messages, at_end) if at_end is not None else messages,
        headers={"Cache-Control": "no-store"},
        background=BackgroundTask(at_end) if at_end is not None else None,
    )
