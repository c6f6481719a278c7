"""Redis optional at run time: when CONFERENCE_REDIS_URL is set but Redis is away, the
server says so and goes on, and picks Redis up again once it is back.

* **Sessions, login throttling, kept uploads** (``FallbackStore``): written to Redis and
  to the database store together, read from Redis and, when it fails or has lost the
  key (a Redis restarted empty), from the database. So a desk stays signed in and a
  login works while Redis is down, never a 500. A delete Redis cannot take is retried
  as soon as Redis answers again, so a session ended meanwhile stays ended.
* **A session ended stays ended** (the sessions' store, ``tombstone_s``): its end is
  written to the database (a tombstone), so a request still in flight cannot write it
  back, and no copy brings it back to life: not Redis', and not the database's. A session
  ended (or changed) while Redis is away is listed in the database as stale in Redis;
  every server process deletes the listed keys from Redis before it next reads a
  session from Redis, the process that saw Redis fail at once, every other one within
  ``STALE_CHECK_S`` (a Redis that persisted the session and answers again sooner than
  that could serve it to another process meanwhile).
* **Live updates** (``ResilientRedisChannels``): a message Redis cannot take reaches this
  process's own pages and is not raised (which would end the channels plugin's sending
  task, and every later update); a lost subscription is made again every second until
  Redis answers, so open streams resume by themselves.
* Every Redis call has a short time limit, and a failure makes the stores leave Redis
  alone for ``PAUSE_S``, so a Redis that does not answer never holds up a request or
  the shutdown.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncGenerator, Awaitable, Iterable
from datetime import timedelta
from typing import Any, TypeVar
from urllib.parse import urlsplit

from litestar.channels.backends.redis import RedisChannelsPubSubBackend
from litestar.stores.base import NamespacedStore
from litestar.stores.redis import RedisStore
from redis.asyncio import Redis
from redis.exceptions import RedisError

from conference.store import DatabaseStore

log = logging.getLogger(__name__)

CALL_TIMEOUT_S = 2.0
PAUSE_S = 2.0
STALE_CHECK_S = 1.0
RESUBSCRIBE_S = 1.0
FAILURES = (RedisError, OSError, TimeoutError)
_T = TypeVar("_T")


def client(url: str) -> Redis:
    """A Redis client that gives up quickly on a Redis that does not answer."""
    redis: Redis = Redis.from_url(
        url, socket_connect_timeout=CALL_TIMEOUT_S, socket_timeout=CALL_TIMEOUT_S + 3
    )
    return redis


def where(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.hostname or '127.0.0.1'}:{parts.port or 6379}"


async def answers(redis: Redis) -> bool:
    try:
        await asyncio.wait_for(redis.ping(), CALL_TIMEOUT_S)
    except FAILURES:
        return False
    return True


async def say_if_unreachable(url: str | None) -> bool:
    """At start-up: one log line when Redis is configured but does not answer; whether
    it answers (True when it is not configured)."""
    if not url:
        return True
    redis = client(url)
    try:
        if await answers(redis):
            return True
    finally:
        await redis.aclose()
    log.warning(
        "CONFERENCE_REDIS_URL is set but Redis at %s does not answer: sessions and login "
        "counts are kept in the database and live updates stay within this process until "
        "it answers again",
        where(url),
    )
    return False


class _Health:
    """Shared by the stores of one Redis: whether to try it now."""

    def __init__(self) -> None:
        self.paused_until = 0.0
        self.failures = 0  # how many times Redis has failed: a store sees a new failure
        self.pending_deletes: list[tuple[RedisStore, str]] = []

    def usable(self) -> bool:
        return time.monotonic() >= self.paused_until

    def failed(self, error: BaseException) -> None:
        if self.usable():
            log.warning("Redis does not answer (%s); using the database store", error)
        self.paused_until = time.monotonic() + PAUSE_S
        self.failures += 1


class FallbackStore(NamespacedStore):
    """A store in Redis, written through to the database store, read from the database
    when Redis fails or has lost the key. With ``tombstone_s`` (sessions), a deleted key
    is ended for that long: never written again, never read from a stale copy."""

    def __init__(
        self,
        primary: RedisStore,
        fallback: DatabaseStore,
        health: _Health,
        *,
        tombstone_s: int | None = None,
    ) -> None:
        self.primary = primary
        self.fallback = fallback
        self.health = health
        self.tombstone_s = tombstone_s
        self.ended = fallback.with_namespace("ended")  # keys deleted for good
        self.stale = fallback.with_namespace("stale-in-redis")  # Redis' copy to delete
        self._stale_checked = (-STALE_CHECK_S, -1)  # (when, health.failures then)

    @classmethod
    def of(cls, url: str, namespace: str = "conference") -> FallbackStore:
        return cls(
            RedisStore(client(url), namespace=namespace), DatabaseStore(namespace), _Health()
        )

    def with_namespace(self, namespace: str, *, tombstone_s: int | None = None) -> FallbackStore:
        return FallbackStore(
            self.primary.with_namespace(namespace),
            self.fallback.with_namespace(namespace),
            self.health,
            tombstone_s=tombstone_s,
        )

    async def _redis(self, call: Awaitable[_T]) -> tuple[bool, _T | None]:
        """(True, its answer) or (False, None) when Redis fails or is paused."""
        if not self.health.usable():
            if asyncio.iscoroutine(call):
                call.close()
            return False, None
        try:
            await self._flush_deletes()
            return True, await asyncio.wait_for(call, CALL_TIMEOUT_S)
        except FAILURES as error:
            self.health.failed(error)
            return False, None

    async def _flush_deletes(self) -> None:
        while self.health.pending_deletes:
            store, key = self.health.pending_deletes[0]
            await asyncio.wait_for(store.delete(key), CALL_TIMEOUT_S)
            self.health.pending_deletes.pop(0)

    async def _mark_stale(self, key: str) -> None:
        assert self.tombstone_s is not None
        await self.stale.set(key, b"", self.tombstone_s)

    async def _delete_stale_copies(self) -> None:
        """Before reading from Redis: delete from it every key whose Redis copy is stale
        (ended or changed while Redis was away, by any server process). Looked up at
        once after a failure of Redis here, else at most every STALE_CHECK_S."""
        if not self.health.usable():
            return  # reads go to the database meanwhile
        when, failures = self._stale_checked
        now = time.monotonic()
        if failures == self.health.failures and now - when < STALE_CHECK_S:
            return
        stale = await self.stale.keys()
        if stale:
            try:
                for key in stale:
                    await asyncio.wait_for(self.primary.delete(key), CALL_TIMEOUT_S)
            except FAILURES as error:
                self.health.failed(error)
                return
            await self.stale.delete_many(stale)
        self._stale_checked = (now, self.health.failures)

    async def set(
        self, key: str, value: str | bytes, expires_in: int | timedelta | None = None
    ) -> None:
        if self.tombstone_s is not None and await self.ended.get(key) is not None:
            return  # ended: a request still in flight does not bring it back
        await self.fallback.set(key, value, expires_in)
        ok, _ = await self._redis(self.primary.set(key, value, expires_in))
        if not ok and self.tombstone_s is not None:
            await self._mark_stale(key)  # Redis may keep an older copy

    async def get(self, key: str, renew_for: int | timedelta | None = None) -> bytes | None:
        if self.tombstone_s is not None:
            await self._delete_stale_copies()
        ok, value = await self._redis(self.primary.get(key, renew_for))
        if ok and value is not None:
            return value
        return await self.fallback.get(key, renew_for)

    async def delete(self, key: str) -> None:
        if self.tombstone_s is not None:
            await self.ended.set(key, b"", self.tombstone_s)
        await self.fallback.delete(key)
        ok, _ = await self._redis(self.primary.delete(key))
        if ok:
            return
        if self.tombstone_s is not None:
            await self._mark_stale(key)  # durable: every process, and after a restart
        else:
            self.health.pending_deletes.append((self.primary, key))

    async def pop(self, key: str) -> bytes | None:
        """The value of ``key``, deleted: of two callers one gets it (the database copy,
        always written, decides), the Redis copy deleted too."""
        value = await self.fallback.pop(key)
        ok, _ = await self._redis(self.primary.delete(key))
        if not ok:
            self.health.pending_deletes.append((self.primary, key))
        return value

    async def delete_expired(self) -> None:
        await self.fallback.delete_expired()

    async def delete_all(self) -> None:
        await self.fallback.delete_all()
        await self._redis(self.primary.delete_all())

    async def exists(self, key: str) -> bool:
        return await self.get(key) is not None

    async def expires_in(self, key: str) -> int | None:
        ok, value = await self._redis(self.primary.expires_in(key))
        if ok and value is not None:
            return value
        return await self.fallback.expires_in(key)


class ResilientRedisChannels(RedisChannelsPubSubBackend):
    """Litestar's Redis Pub/Sub backend that outlives Redis going away (see the module)."""

    def __init__(self, url: str, *, key_prefix: str = "conference") -> None:
        super().__init__(redis=client(url), key_prefix=key_prefix)
        self.url = url
        self.listening = True
        self._wanted: set[str] = set()
        self._here: asyncio.Queue[tuple[str, bytes]] | None = None

    def _local(self) -> asyncio.Queue[tuple[str, bytes]]:
        if self._here is None:
            self._here = asyncio.Queue(maxsize=10_000)
        return self._here

    def _lost(self, error: BaseException) -> None:
        if self.listening:
            log.warning("live updates: Redis does not answer (%s); retrying every second", error)
        self.listening = False

    async def subscribe(self, channels: Iterable[str]) -> None:
        channels = list(channels)
        self._wanted.update(channels)
        if not self.listening:
            return
        try:
            await asyncio.wait_for(super().subscribe(channels), CALL_TIMEOUT_S)
        except FAILURES as error:
            self._lost(error)

    async def unsubscribe(self, channels: Iterable[str]) -> None:
        channels = list(channels)
        self._wanted.difference_update(channels)
        if not self.listening:
            return
        try:
            await asyncio.wait_for(super().unsubscribe(channels), CALL_TIMEOUT_S)
        except FAILURES as error:
            self._lost(error)

    async def publish(self, data: bytes, channels: Iterable[str]) -> None:
        channels = list(channels)
        if self.listening:
            try:
                await asyncio.wait_for(super().publish(data, channels), CALL_TIMEOUT_S)
                return
            except FAILURES as error:
                self._lost(error)
        # Redis is away: this process's own pages still hear it.
        for channel in channels:
            if channel in self._wanted and not self._local().full():
                self._local().put_nowait((channel, data))

    async def _resubscribe(self) -> None:
        # Litestar keeps its PubSub in a private name: a new one is made when it is None.
        old: Any = getattr(self, "_RedisChannelsPubSubBackend__pub_sub", None)
        setattr(self, "_RedisChannelsPubSubBackend__pub_sub", None)  # noqa: B010
        if old is not None:
            with contextlib.suppress(*FAILURES):
                await asyncio.wait_for(old.aclose(), CALL_TIMEOUT_S)
        try:
            if self._wanted:
                await asyncio.wait_for(super().subscribe(list(self._wanted)), CALL_TIMEOUT_S)
            else:
                await asyncio.wait_for(self._redis.ping(), CALL_TIMEOUT_S)
        except FAILURES:
            return
        self.listening = True
        log.warning("live updates: Redis answers again")

    async def stream_events(self) -> AsyncGenerator[tuple[str, Any], None]:
        while True:
            if not self.listening:
                try:
                    yield await asyncio.wait_for(self._local().get(), RESUBSCRIBE_S)
                except TimeoutError:
                    await self._resubscribe()
                continue
            while not self._local().empty():
                yield self._local().get_nowait()
            try:  # until a first subscription is made, there is nothing to read
                await asyncio.wait_for(self._has_subscribed.wait(), RESUBSCRIBE_S)
            except TimeoutError:
                continue
            try:
                message = await self._pub_sub.get_message(
                    ignore_subscribe_messages=True, timeout=RESUBSCRIBE_S
                )
            except FAILURES as error:
                self._lost(error)
                continue
            except RuntimeError:  # the PubSub has no connection yet: being made again
                await asyncio.sleep(0.05)
                continue
            if message is None:
                continue
            channel: str = message["channel"].decode()
            if channel in self._wanted:
                yield channel, message["data"]

    async def on_shutdown(self) -> None:
        with contextlib.suppress(*FAILURES):
            await asyncio.wait_for(super().on_shutdown(), CALL_TIMEOUT_S)
        with contextlib.suppress(*FAILURES):
            await asyncio.wait_for(self._redis.aclose(), CALL_TIMEOUT_S)
