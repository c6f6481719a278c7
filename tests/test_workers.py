"""Several server processes on one PostgreSQL database: live updates cross them (LISTEN/
NOTIFY, no Redis), a code scanned at several at once is one check-in, and SQLite is
served by one process only."""

from __future__ import annotations

import asyncio
import json
import ssl
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from conference.tables import Delegate
from tests.conftest import servers_of
from tests.test_cli import assert_one_line_error, conference

DEMO = "nguoi-tot-viec-tot-2022"
SCANS = f"/api/events/{DEMO}/checkins"
LIVE = f"/api/events/{DEMO}/live"


def _env(url: str, tmp_path: Path) -> dict[str, str]:
    return {"CONFERENCE_DATABASE_URL": url, "CONFERENCE_INSTANCE_DIR": str(tmp_path / "instance")}


@pytest.fixture
async def demo_desk(postgres_db, tmp_path) -> str:
    """The demo loaded on PostgreSQL; a desk's bearer token."""
    env = _env(postgres_db.url, tmp_path)
    assert conference("demo", env=env).returncode == 0
    return conference("token", "create", "letan", env=env).stdout.strip()


@pytest.fixture
def start(postgres_db, tmp_path, monkeypatch) -> Iterator[Any]:
    """`conference serve` processes on the test's PostgreSQL, without Redis."""
    monkeypatch.delenv("CONFERENCE_REDIS_URL", raising=False)
    with servers_of(postgres_db, tmp_path) as start_server:
        yield start_server


@asynccontextmanager
async def _listening(
    url: str, bearer: str, verify: ssl.SSLContext | bool = True, path: str = LIVE
) -> AsyncIterator[asyncio.Queue[dict]]:
    """The event's live stream, as a page reads it: check-ins put on the queue."""
    heard: asyncio.Queue[dict] = asyncio.Queue()
    connected = asyncio.Event()

    async def read() -> None:
        headers = {"Authorization": f"Bearer {bearer}"}
        async with (
            httpx.AsyncClient(
                base_url=url, timeout=httpx.Timeout(10, read=60), verify=verify
            ) as client,
            client.stream("GET", path, headers=headers) as stream,
        ):
            stream.raise_for_status()
            kind = ""
            async for line in stream.aiter_lines():
                if line.startswith(":"):
                    connected.set()
                elif line.startswith("event:"):
                    kind = line.split(":", 1)[1].strip()
                elif line.startswith("data:") and kind == "checkin":
                    await heard.put(json.loads(line.split(":", 1)[1]))

    reading = asyncio.create_task(read())
    waiting = asyncio.create_task(connected.wait())
    try:
        await asyncio.wait({reading, waiting}, timeout=10, return_when=asyncio.FIRST_COMPLETED)
        if reading.done():
            reading.result()  # the stream's own error, if it ended
        assert connected.is_set(), "the live stream did not connect in 10 s"
        yield heard
    finally:
        reading.cancel()
        waiting.cancel()


async def _scan(url: str, bearer: str, code: str) -> str:
    # A client of its own each time: a new connection, taken by whichever process is free.
    async with httpx.AsyncClient(
        base_url=url, headers={"Authorization": f"Bearer {bearer}"}, timeout=30
    ) as desk:
        answer = await desk.post(SCANS, json={"code": code})
        assert answer.status_code == 200, answer.text
        return str(answer.json()["result"])


async def _tokens(count: int) -> list[str]:
    rows = await Delegate.select(Delegate.token).order_by(Delegate.id).limit(count)
    return [row["token"] for row in rows]


async def _heard(queue: asyncio.Queue[dict], count: int) -> list[dict]:
    return [await asyncio.wait_for(queue.get(), 5) for _ in range(count)]


def test_sqlite_is_served_by_one_process_and_says_so(tmp_path):
    refused = conference(
        "serve", "--workers", "2", env=_env(f"sqlite:///{tmp_path / 'x.sqlite3'}", tmp_path)
    )
    assert_one_line_error(refused)
    assert "PostgreSQL" in refused.stderr


async def test_two_workers_on_postgres_share_live_updates_and_check_a_code_in_once(
    demo_desk, start
):
    workers = start("--workers", "2").url
    tokens = await _tokens(11)
    async with _listening(workers, demo_desk) as heard:
        # Ten different people at ten connections: whichever worker takes each, the page
        # held open by one of them hears them all.
        answers = await asyncio.gather(*(_scan(workers, demo_desk, t) for t in tokens[:10]))
        assert answers == ["ok"] * 10
        assert len(await _heard(heard, 10)) == 10
        # One code at forty connections at once: one check-in.
        many = await asyncio.gather(*(_scan(workers, demo_desk, tokens[10]) for _ in range(40)))
        assert sorted(set(many)) == ["already_checked_in", "ok"] and many.count("ok") == 1


async def test_instances_behind_a_proxy_share_live_updates_through_postgres_after_a_drop(
    postgres_db, demo_desk, start
):
    first = start(CONFERENCE_CHANNELS="postgres")
    second = start(CONFERENCE_CHANNELS="postgres")
    tokens = await _tokens(2)
    async with _listening(first.url, demo_desk) as heard:
        assert await _scan(second.url, demo_desk, tokens[0]) == "ok"
        [arrival] = await _heard(heard, 1)
        row = await Delegate.select(Delegate.id).where(Delegate.token == tokens[0]).first()
        assert arrival["delegate_id"] == row["id"]
        # The database drops every listening connection (a restart, an administrator):
        # the instance listens again by itself, and a later arrival is heard.
        admin = await asyncpg.connect(postgres_db.url)
        try:
            dropped = await admin.fetchval(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND query LIKE 'LISTEN%'"
            )
        finally:
            await admin.close()
        assert dropped >= 1
        await asyncio.sleep(2.5)  # RECONNECT_S, and a little more
        assert await _scan(second.url, demo_desk, tokens[1]) == "ok"
        assert len(await _heard(heard, 1)) == 1


async def test_a_message_the_database_cannot_take_is_dropped_and_sending_goes_on():
    from conference.pg_channels import PostgresChannelsBackend

    # Nothing listens on port 1: both attempts fail at once. Raising would end the
    # channels plugin's one sending task, and every later update of the process with it.
    backend = PostgresChannelsBackend("postgresql://nobody@127.0.0.1:1/none")
    await backend.publish(b'{"kind": "checkin"}', ["event-1"])
    await backend.publish(b'{"kind": "checkin"}', ["event-1"])
