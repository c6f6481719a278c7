"""A session ended stays ended, whichever copy Redis or the database fallback still holds:
logged out while Redis is away, it does not come back when Redis returns with its saved
data; ended while Redis answers, a request still in flight does not write it back."""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
from pathlib import Path

import httpx
from litestar.stores.redis import RedisStore

from conference import auth, redis_fallback
from conference.store import DatabaseStore
from conference.tables import Role, StoreEntry
from tests.conftest import REDIS_URL, require
from tests.invitations.helpers import make_event

CSRF_FIELD = 'name="_csrf_token" value="'
DESK = "/events/hn-2022/desk/"
DAY_S = 24 * 3600


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _redis(port: int, folder: Path) -> subprocess.Popen[bytes]:
    """A Redis of the test's own that saves its data when stopped and loads it at start,
    as a production Redis does: what it held before going away, it holds again."""
    process = subprocess.Popen(
        [
            *("redis-server", "--port", str(port), "--dir", str(folder)),
            *("--save", "3600 1", "--appendonly", "no", "--daemonize", "no"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    assert process.stdout is not None
    for line in process.stdout:
        if b"Ready to accept connections" in line:
            return process
    raise AssertionError("redis-server did not start")


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()  # a SIGTERM'ed Redis saves its data first
    process.wait(timeout=10)


async def _log_in(http: httpx.AsyncClient, url: str, username: str, password: str) -> None:
    page = (await http.get(f"{url}/login")).text
    token = page.split(CSRF_FIELD, 1)[1].split('"', 1)[0]
    response = await http.post(
        f"{url}/login", data={"username": username, "password": password, "_csrf_token": token}
    )
    assert response.status_code == 302, response.text


async def _signed_in(http: httpx.AsyncClient, url: str) -> bool:
    response = await http.get(f"{url}{DESK}", follow_redirects=False)
    assert response.status_code in {200, 302, 303, 401}, response.status_code
    return response.status_code == 200


async def test_a_session_logged_out_while_redis_is_away_stays_ended_when_redis_returns(
    db, start_server, sample_password, tmp_path
):
    require(shutil.which("redis-server") is not None, "redis-server is not installed")
    await make_event()
    await auth.create_user("letan", sample_password, Role.desk)
    port = _free_port()
    redis_url = f"redis://127.0.0.1:{port}/0"
    redis = _redis(port, tmp_path)
    try:
        # Two server processes (two instances, or two workers), one database, one Redis.
        first = start_server(CONFERENCE_REDIS_URL=redis_url)
        second = start_server(CONFERENCE_REDIS_URL=redis_url)
        async with httpx.AsyncClient(timeout=30) as desk:
            await _log_in(desk, first.url, "letan", sample_password)
            assert await _signed_in(desk, second.url)  # the session is in Redis
            cookie = desk.cookies.get("conference_session")
            assert cookie

            _stop(redis)  # Redis goes away, keeping the session in its saved data
            logged_out = await desk.post(
                f"{first.url}/logout",
                headers={"x-csrftoken": desk.cookies.get("conference_csrf", "")},
            )
            assert logged_out.status_code == 302
            redis = _redis(port, tmp_path)  # back, with what it held
            # The process that saw Redis fail looks at once; any other at most this late.
            await asyncio.sleep(redis_fallback.STALE_CHECK_S)

            # The browser still sends the old cookie (a stolen copy would too).
            desk.cookies.set("conference_session", cookie)
            assert not await _signed_in(desk, second.url)  # the process that saw nothing
            assert not await _signed_in(desk, first.url)
            # And Redis itself no longer holds it.
            held = redis_fallback.client(redis_url)
            try:
                assert not [key async for key in held.scan_iter(match=f"*{cookie}*")]
            finally:
                await held.aclose()
    finally:
        if redis.poll() is None:
            _stop(redis)


async def test_a_session_ended_while_redis_answers_is_not_written_back_by_a_late_request(db):
    require(bool(REDIS_URL), "CONFERENCE_TEST_REDIS_URL is not set")
    redis = redis_fallback.client(REDIS_URL)
    root = redis_fallback.FallbackStore(
        RedisStore(redis, namespace="session-end-test"),
        DatabaseStore("session-end-test"),
        redis_fallback.FallbackStore.of(REDIS_URL).health,
    )
    sessions = root.with_namespace("sessions", tombstone_s=DAY_S)
    await sessions.delete_all()
    await sessions.set("abc", b'{"user": 1}', DAY_S)
    assert await sessions.get("abc") == b'{"user": 1}'
    await sessions.delete("abc")  # logged out
    # A request that loaded the session before the logout writes it when it ends.
    await sessions.set("abc", '{"user": 1, "_messages": ["Đã lưu."]}'.encode(), DAY_S)
    assert await sessions.get("abc") is None
    assert await sessions.primary.get("abc") is None  # not in Redis
    assert await DatabaseStore("session-end-test:sessions").get("abc") is None  # nor here
    # A store of another namespace keeps its keys reusable (a login counter comes back).
    throttle = root.with_namespace("throttle")
    await throttle.set("btc", b"1", 60)
    await throttle.delete("btc")
    await throttle.set("btc", b"2", 60)
    assert await throttle.get("btc") == b"2"
    await throttle.delete("btc")
    await sessions.primary.delete_all()
    await redis.aclose()
    assert await StoreEntry.count().where(StoreEntry.key.like("session-end-test:sessions:%")) == 1
