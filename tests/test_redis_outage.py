"""Redis optional at run time: a Redis of the test's own, stopped and started again while
the server runs. No 500, sessions and logins go on, check-in keeps working, the live
stream resumes by itself, and the server still stops promptly."""

from __future__ import annotations

import asyncio
import json
import logging
import shutil
import socket
import subprocess

import httpx
import pytest

from conference import auth, redis_fallback
from conference.tables import Delegate, Role
from tests.conftest import require
from tests.invitations.helpers import make_event

CSRF_FIELD = 'name="_csrf_token" value="'


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _redis(port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--save", "", "--daemonize", "no"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    assert process.stdout is not None
    for line in process.stdout:  # the server says when it takes connections
        if b"Ready to accept connections" in line:
            return process
    raise AssertionError("redis-server did not start")


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    process.wait(timeout=10)


async def test_startup_says_in_one_line_that_a_configured_redis_does_not_answer(caplog):
    with caplog.at_level(logging.WARNING, logger="conference.redis_fallback"):
        assert not await redis_fallback.say_if_unreachable(f"redis://127.0.0.1:{_free_port()}/0")
    [line] = [r.getMessage() for r in caplog.records]
    assert "CONFERENCE_REDIS_URL is set but Redis at 127.0.0.1:" in line
    assert await redis_fallback.say_if_unreachable(None)


async def _log_in(http: httpx.AsyncClient, url: str, username: str, password: str) -> int:
    page = (await http.get(f"{url}/login")).text
    token = page.split(CSRF_FIELD, 1)[1].split('"', 1)[0]
    response = await http.post(
        f"{url}/login", data={"username": username, "password": password, "_csrf_token": token}
    )
    return response.status_code


async def _scan(http: httpx.AsyncClient, url: str, token: str) -> httpx.Response:
    csrf = http.cookies.get("conference_csrf", "")
    return await http.post(
        f"{url}/api/events/hn-2022/checkins",
        json={"code": token},
        headers={"x-csrftoken": csrf},
    )


async def _next_checkin(lines) -> dict:
    kind = None
    async for line in lines:
        if line.startswith("event:"):
            kind = line.split(":", 1)[1].strip()
        elif line.startswith("data:") and kind == "checkin":
            return json.loads(line.split(":", 1)[1])
    raise AssertionError("the stream ended")


async def test_redis_stopped_and_started_again_no_500_and_the_live_stream_resumes(
    db, start_server, sample_password
):
    require(shutil.which("redis-server") is not None, "redis-server is not installed")
    _, _ = await make_event()
    await auth.create_user("letan", sample_password, Role.desk)
    people = await Delegate.select(Delegate.id, Delegate.token).order_by(Delegate.id)
    tokens = [row["token"] for row in people]
    port = _free_port()
    redis = _redis(port)
    try:
        server = start_server(CONFERENCE_REDIS_URL=f"redis://127.0.0.1:{port}/0")
        url = server.url
        async with (
            httpx.AsyncClient(timeout=30) as desk,
            httpx.AsyncClient(timeout=30) as other,
        ):
            assert await _log_in(desk, url, "letan", sample_password) == 302
            async with desk.stream("GET", f"{url}/api/events/hn-2022/live") as stream:
                assert stream.status_code == 200
                lines = stream.aiter_lines()
                assert (await asyncio.wait_for(lines.__anext__(), 10)).startswith(":")
                assert (await _scan(desk, url, tokens[0])).json()["result"] == "ok"
                assert (await asyncio.wait_for(_next_checkin(lines), 20))["delegate_id"]

                _stop(redis)  # Redis goes away
                assert (await desk.get(f"{url}/events/hn-2022/desk/")).status_code == 200
                scanned = await _scan(desk, url, tokens[1])
                assert scanned.status_code == 200 and scanned.json()["result"] == "ok"
                assert await _log_in(other, url, "letan", sample_password) == 302
                assert (await other.get(f"{url}/accounts/")).status_code in {200, 403}
                health = (await desk.get(f"{url}/healthz")).json()
                assert health["channels"] == "unreachable"

                redis = _redis(port)  # back, empty
                for _ in range(60):  # the stream resubscribes within a second or so
                    if (await desk.get(f"{url}/healthz")).json()["channels"] == "ok":
                        break
                    await asyncio.sleep(0.25)
                assert (await _scan(desk, url, tokens[2])).json()["result"] == "ok"
                # The scan made meanwhile (heard within this process), then the new one.
                seen = [await asyncio.wait_for(_next_checkin(lines), 20) for _ in range(2)]
                assert [e["delegate_id"] for e in seen] == [people[1]["id"], people[2]["id"]]
            # The session made while Redis was away still works now it is back.
            assert (await other.get(f"{url}/events/hn-2022/desk/")).status_code == 200
        server.process.terminate()
        server.process.wait(timeout=10)  # the bound for a shutdown
    finally:
        if redis.poll() is None:
            _stop(redis)


@pytest.fixture(autouse=True)
def _quiet_redis_logs(caplog):
    caplog.set_level(logging.WARNING)
