"""A lean HTTP/1.1 load generator for the benchmarks: keep-alive connections on raw sockets.

The server and the load share this machine's two cores, so the load must cost little:
httpx spends about a millisecond of CPU a request, which is more than a scan costs the
server. Here each client is one keep-alive connection that writes a request and reads
its answer (Content-Length bodies only, which is what the app sends for JSON).

Also the latency benchmarks' own loop (``Desk``, ``failed_logins``, ``figures``,
``on_each_database``): one desk scanning one delegate after another, alone and while
something else loads the server, on a fresh SQLite database and on PostgreSQL. One desk
at a time costs the machine little, so that loop uses httpx.
"""

from __future__ import annotations

import asyncio
import gc
import itertools
import json
import os
import re
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import asyncpg
import httpx

CSRF_FIELD = re.compile(r'name="_csrf_token" value="([^"]+)"')


@dataclass
class Answer:
    status: int
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class Connection:
    """One keep-alive HTTP/1.1 connection to ``base`` (http://host:port)."""

    def __init__(self, base: str, headers: dict[str, str] | None = None) -> None:
        parts = urlsplit(base)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.fixed = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()

    async def request(
        self, method: str, path: str, *, json_body: Any = None, params: dict[str, str] | None = None
    ) -> Answer:
        assert self.reader is not None and self.writer is not None
        if params:
            path = f"{path}?{urlencode(params)}"
        body = b"" if json_body is None else json.dumps(json_body).encode()
        head = f"{method} {path} HTTP/1.1\r\nhost: {self.host}\r\n{self.fixed}"
        if json_body is not None:
            head += "content-type: application/json\r\n"
        head += f"content-length: {len(body)}\r\n\r\n"
        self.writer.write(head.encode() + body)
        status_line = await self.reader.readline()
        status = int(status_line.split(b" ", 2)[1])
        length = 0
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        return Answer(status, await self.reader.readexactly(length) if length else b"")


Request = Callable[[Connection, int], Awaitable[Answer]]


@dataclass
class Run:
    seconds: float
    latencies: list[float] = field(default_factory=list)
    failures: int = 0

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds

    def percentile(self, fraction: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[max(0, int(len(ordered) * fraction) - 1)] * 1000

    def line(self) -> str:
        p50 = statistics.median(self.latencies) * 1000
        return f"{self.rate:7.0f}/s  p50 {p50:6.1f} ms  p99 {self.percentile(0.99):6.1f} ms" + (
            f"  ({self.failures} failed)" if self.failures else ""
        )


async def drive(
    base: str,
    make_request: Request,
    *,
    clients: int,
    seconds: float,
    headers: dict[str, str] | None = None,
) -> Run:
    """``clients`` connections, each sending ``make_request`` back to back for ``seconds``."""
    run = Run(seconds)
    # The load's own pauses must not count as the server's: no collection while driving.
    gc.collect()
    gc.disable()
    connections = [Connection(base, headers) for _ in range(clients)]
    await asyncio.gather(*(c.open() for c in connections))
    deadline = time.perf_counter() + seconds

    async def client(number: int, connection: Connection) -> None:
        sequence = 0
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            answer = await make_request(connection, number * 1_000_000 + sequence)
            sequence += 1
            if answer.status >= 400:
                run.failures += 1
            run.latencies.append(time.perf_counter() - started)

    try:
        await asyncio.gather(*(client(i, c) for i, c in enumerate(connections)))
    finally:
        await asyncio.gather(*(c.close() for c in connections))
        gc.enable()
    return run


class Desk:
    """One desk of the event ``bench`` scanning its delegates' codes one after another
    (then again: a repeated scan is answered too), with the API token ``api_token``."""

    def __init__(self, base: str, api_token: str, codes: Iterable[str], timeout: float) -> None:
        self.client = httpx.AsyncClient(
            base_url=base, headers={"authorization": f"Bearer {api_token}"}, timeout=timeout
        )
        self.pending = itertools.cycle(codes)

    async def scan(self) -> float:
        """One scan; how long it took, in seconds."""
        started = time.perf_counter()
        response = await self.client.post(
            "/api/events/bench/checkins", json={"code": next(self.pending)}
        )
        assert response.status_code == 200, response.text
        return time.perf_counter() - started

    async def alone(self, scans: int) -> list[float]:
        """``scans`` scans after 20 to warm up, nothing else running."""
        for _ in range(20):
            await self.scan()
        return [await self.scan() for _ in range(scans)]

    async def scans_while(self, work: Awaitable[object], *, head_start: float = 0.0) -> list[float]:
        """Scans back to back until ``work`` is done (started ``head_start`` seconds
        before the first scan)."""
        task = asyncio.ensure_future(work)
        await asyncio.sleep(head_start)
        during: list[float] = []
        while not task.done():
            during.append(await self.scan())
        await task
        return during

    async def aclose(self) -> None:
        await self.client.aclose()


async def login_token(client: httpx.AsyncClient) -> str:
    """The CSRF token of the login page, for ``client``'s cookies."""
    form = CSRF_FIELD.search((await client.get("/login")).text)
    assert form
    return form.group(1)


async def failed_logins(
    client: httpx.AsyncClient,
    csrf: str,
    logins: int,
    *,
    network: int,
    answers: frozenset[int] = frozenset({401}),
) -> None:
    """``logins`` wrong passwords for ``bantochuc`` at once, each from its own address in
    10.``network``.0.0/16 (the server believes X-Forwarded-For from loopback), each
    answered one of ``answers``."""

    async def guess(n: int) -> None:
        response = await client.post(
            "/login",
            data={"username": "bantochuc", "password": f"guess {n}", "_csrf_token": csrf},
            headers={"x-forwarded-for": f"10.{network}.{n // 250}.{n % 250 + 1}"},
        )
        assert response.status_code in answers, response.status_code

    await asyncio.gather(*(guess(n) for n in range(logins)))


def figures(latencies: list[float], *, upper: int = 99) -> str:
    """p50, the ``upper`` percentile (90 or 99) and the maximum of scan ``latencies``."""
    ms = sorted(x * 1000 for x in latencies)
    high = statistics.quantiles(ms, n=100, method="inclusive")[upper - 1]
    return (
        f"p50 {statistics.median(ms):6.1f} ms  p{upper} {high:6.1f} ms  "
        f"max {ms[-1]:6.1f} ms  ({len(ms)} scans)"
    )


async def on_each_database(
    run: Callable[[str, str], Awaitable[None]], database: str, *, postgres: bool = True
) -> None:
    """``run(label, url)`` on a fresh SQLite file, then (unless ``postgres`` is False) on
    PostgreSQL when CONFERENCE_TEST_DATABASE_URL is set, in a database ``database``
    created and dropped here."""
    with tempfile.TemporaryDirectory() as folder:
        await run("SQLite", f"sqlite:///{folder}/bench.sqlite3")
    pg = os.environ.get("CONFERENCE_TEST_DATABASE_URL")
    if not pg or not postgres:
        return
    parts = urlsplit(pg)
    connection = await asyncpg.connect(urlunsplit(parts._replace(path="/postgres")))
    await connection.execute(f"DROP DATABASE IF EXISTS {database}")
    await connection.execute(f"CREATE DATABASE {database}")
    try:
        await run("PostgreSQL", urlunsplit(parts._replace(path=f"/{database}")))
    finally:
        await connection.execute(f"DROP DATABASE IF EXISTS {database}")
        await connection.close()
