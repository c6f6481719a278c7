"""A lean HTTP/1.1 load generator for the benchmarks: keep-alive connections on raw sockets.

The server and the load share this machine's two cores, so the load must cost little:
httpx spends about a millisecond of CPU a request, which is more than a scan costs the
server. Here each client is one keep-alive connection that writes a request and reads
its answer (Content-Length bodies only, which is what the app sends for JSON).
"""

from __future__ import annotations

import asyncio
import gc
import json
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit


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
