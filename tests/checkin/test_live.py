"""The live stream: a check-in reaches every open page, across server processes with Redis."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest

from conference import auth
from conference.live import channel_prefix
from conference.tables import Delegate, Event, Role
from tests.conftest import REDIS_URL, require
from tests.invitations.helpers import make_event


@pytest.fixture
async def headers(db, sample_password) -> dict[str, str]:
    await make_event()
    await Event.update({Event.vip_rank_threshold: 2}).where(Event.slug == "hn-2022")
    await auth.create_user("letan", sample_password, Role.desk)
    return {"authorization": f"Bearer {await auth.create_token('letan')}"}


async def next_event(lines, kind: str) -> dict:
    """Read the SSE stream until an event of ``kind``; return its data."""

    async def read() -> dict:
        current = None
        async for line in lines:
            if line.startswith("event:"):
                current = line.split(":", 1)[1].strip()
            elif line.startswith("data:") and current == kind:
                return json.loads(line.split(":", 1)[1])
        raise AssertionError("the stream ended")

    return await asyncio.wait_for(read(), 10)


async def _token(name: str) -> str:
    row = await Delegate.select(Delegate.token).where(Delegate.full_name == name).first()
    return row["token"]


async def _listen_then_scan(reader_url: str, scanner_url: str, headers, token: str) -> dict:
    async with (
        httpx.AsyncClient(timeout=30, headers=headers) as http,
        http.stream("GET", f"{reader_url}/api/events/hn-2022/live") as stream,
    ):
        assert stream.headers["content-type"].startswith("text/event-stream")
        lines = stream.aiter_lines()
        first = await asyncio.wait_for(lines.__anext__(), 10)
        assert first.startswith(":")  # "connected": the subscription is in place
        scan = await http.post(
            f"{scanner_url}/api/events/hn-2022/checkins", json={"code": token, "desk": "Bàn 1"}
        )
        assert scan.json()["result"] == "ok"
        return await next_event(lines, "checkin")


async def test_a_check_in_reaches_an_open_stream_with_the_vip_announcement(live_server, headers):
    token = await _token("Hoàng Cao Thắng")
    data = await _listen_then_scan(live_server.url, live_server.url, headers, token)
    assert data["name"] == "Ông Hoàng Cao Thắng" and data["desk"] == "Bàn 1"
    assert data["vip"] is True
    assert data["announcement"].startswith("Ông Hoàng Cao Thắng, Phó Bí thư Đảng ủy")
    assert data["announcement"].endswith(f"đã đến lúc {data['time']}.")


async def test_an_ordinary_delegate_is_not_announced(live_server, headers):
    data = await _listen_then_scan(
        live_server.url, live_server.url, headers, await _token("Đặng Văn Đức")
    )
    assert data["vip"] is False and data["announcement"] == ""


async def test_two_server_processes_share_the_stream_through_redis(start_server, headers):
    require(bool(REDIS_URL), "CONFERENCE_TEST_REDIS_URL is not set")
    first = start_server(CONFERENCE_REDIS_URL=REDIS_URL)
    second = start_server(CONFERENCE_REDIS_URL=REDIS_URL)
    token = await _token("Nguyễn Thị Thủy Lệ")
    # Listening on one process, scanning on the other.
    data = await _listen_then_scan(first.url, second.url, headers, token)
    assert data["name"] == "Bà Nguyễn Thị Thủy Lệ" and data["vip"] is True


def test_installations_on_different_redis_numbers_use_different_channels():
    # Redis delivers Pub/Sub across its numbered databases: the prefix keeps them apart.
    assert channel_prefix("redis://127.0.0.1:6379/0") == "conference"
    assert channel_prefix("redis://127.0.0.1:6379") == "conference"
    assert channel_prefix("redis://127.0.0.1:6379/3") == "conference-db3"
    assert channel_prefix("redis://127.0.0.1:6379/3") != channel_prefix("redis://127.0.0.1:6379/4")
