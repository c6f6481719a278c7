"""Scaling figures: scans a second and p99 for 1 and 2 processes, with and without nginx.

Run: CONFERENCE_TEST_DATABASE_URL=postgresql://… .venv/bin/python bench/scaling.py
[--clients 20] [--seconds 10]
On PostgreSQL (a database ``conference_bench_scaling`` created and dropped here), with
2,000 delegates and the scan mix of bench/checkin.py, four set-ups in turn:
`conference serve` alone, `conference serve --workers 2`, and Debian's nginx with the
repository's deploy/nginx-conference.conf (TLS, HTTP/1.1 keep-alive from the load) in
front of one and of two instances. Each prints scans/s, p50, p99 and its ratio to the
single process measured in the same run and to the README's single-process figure.
The load generator, nginx, the app and PostgreSQL all share this machine's cores:
the figures are a floor, and on a loaded machine they vary from run to run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import ssl
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import _loadgen  # noqa: E402
from _loadgen import Answer, Connection, drive  # noqa: E402
from tests.test_nginx import _self_signed, _site  # noqa: E402

from checkin import cpu_seconds, database_backends, free_port, seed  # noqa: E402

PAGES = 300  # open pages, each with its live stream (the dashboard, desks, the MC)
README_SINGLE_PROCESS = 1222  # scans/s on PostgreSQL, README, 2026-12-03, quiet machine
TLS = ssl.create_default_context()


class TLSConnection(Connection):
    """The load generator's keep-alive connection, over TLS (to nginx)."""

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(
            self.host, self.port, ssl=TLS, server_hostname="127.0.0.1"
        )


def start(url: str, folder: Path, *arguments: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    folder.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "CONFERENCE_DATABASE_URL": url,
        "CONFERENCE_SECRET_KEY": "b" * 40,
        "CONFERENCE_ENV": "test",
        "CONFERENCE_INSTANCE_DIR": str(folder),
        "CONFERENCE_CHANNELS": "postgres",
        "CONFERENCE_TRUSTED_PROXIES": "127.0.0.1",
    }
    env.pop("CONFERENCE_REDIS_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "conference.cli", "serve", "--port", str(port), *arguments],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=None if os.environ.get("SHOW_SERVER") else subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return process, base
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    process.kill()
    raise RuntimeError("server did not start")


def start_nginx(folder: Path, instances: list[str]) -> tuple[subprocess.Popen[bytes], str]:
    cert, key = _self_signed(folder)
    TLS.load_verify_locations(cafile=str(cert))
    ports = [int(url.rsplit(":", 1)[1]) for url in instances]
    ports = (ports * 2)[:2]  # one instance: the site's two upstream lines name it twice
    port = free_port()
    (folder / "nginx.conf").write_text(
        f"daemon off;\npid {folder}/nginx.pid;\nerror_log {folder}/error.log;\n"
        "worker_processes 1;\nevents { worker_connections 1024; }\n"
        f"http {{\n include /etc/nginx/mime.types;\n access_log off;\n"
        + "".join(
            f" {kind}_temp_path {folder}/{kind};\n"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        + _site(ports, port, cert, key)
        + "\n}\n"
    )
    process = subprocess.Popen(["nginx", "-p", str(folder), "-c", str(folder / "nginx.conf")])
    base = f"https://127.0.0.1:{port}"
    for _ in range(100):
        try:
            if httpx.get(f"{base}/healthz", timeout=1, verify=False).status_code == 200:
                return process, base
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    process.kill()
    raise RuntimeError("nginx did not start")


def family(pids: list[int]) -> list[int]:
    """``pids`` and every process under them (a server's workers, nginx's worker)."""
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], list(pids)
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(parents.get(pid, []))
    return found


async def reset_arrivals(url: str) -> None:
    connection = await asyncpg.connect(url)
    try:
        await connection.execute(
            "UPDATE delegate SET checked_in_at = NULL, checked_in_nonce = NULL"
        )
        await connection.execute("DELETE FROM check_in_attempt")
    finally:
        await connection.close()


async def measure(
    base: str, tokens: list[str], api_token: str, clients: int, seconds: float
) -> tuple[_loadgen.Run, int]:
    """The scan mix for ``seconds``; the run, and how many scans checked someone in."""
    admitted = 0
    headers = {"authorization": f"Bearer {api_token}"}
    rng = random.Random(20220912)
    first = iter(tokens)

    async def scan(http: Connection, serial: int) -> Answer:
        roll = rng.random()
        if roll < 0.6:
            code = next(first, None) or rng.choice(tokens)
        elif roll < 0.9:
            code = rng.choice(tokens)
        else:
            code = f"unknown-{serial}"
        nonlocal admitted
        answer = await http.request("POST", "/api/events/bench/checkins", json_body={"code": code})
        admitted += b'"result":"ok"' in answer.body
        return answer

    run = await drive(base, scan, clients=clients, seconds=seconds, headers=headers)
    return run, admitted


class Streams:
    """``count`` open pages' live streams (raw keep-alive sockets), counting the check-in
    events the server pushes to them."""

    def __init__(self, base: str, api_token: str, count: int) -> None:
        parts = urlsplit(base)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.request = (
            f"GET /api/events/bench/live HTTP/1.1\r\nhost: {self.host}\r\n"
            f"authorization: Bearer {api_token}\r\naccept: text/event-stream\r\n\r\n"
        ).encode()
        self.count = count
        self.heard = 0
        self.tasks: list[asyncio.Task[None]] = []
        self.writers: list[asyncio.StreamWriter] = []

    async def _read(self, reader: asyncio.StreamReader) -> None:
        while line := await reader.readline():
            if line.startswith(b"event: checkin"):
                self.heard += 1

    async def open(self) -> None:
        for _ in range(self.count):
            reader, writer = await asyncio.open_connection(self.host, self.port)
            writer.write(self.request)
            status = await reader.readline()
            assert b" 200 " in status, status
            self.writers.append(writer)
            self.tasks.append(asyncio.create_task(self._read(reader)))

    async def close(self) -> None:
        for writer in self.writers:
            writer.close()
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)


async def warm_up(base: str, api_token: str, clients: int) -> None:
    """Pools grow to the number of clients, statements get prepared; nobody checked in."""

    async def stray(http: Connection, serial: int) -> Answer:
        return await http.request(
            "POST", "/api/events/bench/checkins", json_body={"code": f"warm-{serial}"}
        )

    headers = {"authorization": f"Bearer {api_token}"}
    await drive(base, stray, clients=clients, seconds=2, headers=headers)


async def run(url: str, clients: int, seconds: float) -> None:
    api_token, everyone = await seed(url, 2000)
    print(f"PostgreSQL, {clients} clients, {seconds:.0f} s each, {os.cpu_count()} cores shared")
    print(f"load average at the start: {os.getloadavg()[0]:.1f}")
    single: float | None = None
    setups = (
        ("1 process, no nginx", 1, 1, False),
        ("--workers 2, no nginx", 1, 2, False),
        ("nginx -> 1 instance", 1, 1, True),
        ("nginx -> 2 instances", 2, 1, True),
        (f"1 process, {PAGES} open pages", 1, 1, False),
    )
    for label, instances, workers, proxied in setups:
        await reset_arrivals(url)
        with tempfile.TemporaryDirectory() as scratch:
            folder = Path(scratch)
            processes: list[subprocess.Popen[bytes]] = []
            try:
                bases = []
                for n in range(instances):
                    arguments = ("--workers", str(workers)) if workers > 1 else ()
                    process, base = start(url, folder / f"app{n}", *arguments)
                    processes.append(process)
                    bases.append(base)
                base = bases[0]
                if proxied:
                    nginx, base = start_nginx(folder, bases)
                    processes.append(nginx)
                    _loadgen.Connection = TLSConnection  # drive() opens these
                else:
                    _loadgen.Connection = Connection
                await warm_up(base, api_token, clients)
                streams = Streams(base, api_token, PAGES if "pages" in label else 0)
                await streams.open()
                app = family([p.pid for p in processes if p.args[0] != "nginx"])
                proxy = family([p.pid for p in processes if p.args[0] == "nginx"])
                backends = await database_backends(url)
                before = [cpu_seconds(app), cpu_seconds(proxy), cpu_seconds(backends)]
                result, admitted = await measure(base, everyone, api_token, clients, seconds)
                # Every check-in reaches every page before the CPU is read (at most 60 s).
                for _ in range(600):
                    if streams.heard >= admitted * streams.count:
                        break
                    await asyncio.sleep(0.1)
                await streams.close()
                spent = [
                    after - earlier
                    for after, earlier in zip(
                        (cpu_seconds(app), cpu_seconds(proxy), cpu_seconds(backends)),
                        before,
                        strict=True,
                    )
                ]
            finally:
                _loadgen.Connection = Connection
                for process in reversed(processes):
                    process.terminate()
                    process.wait(timeout=15)
        single = single or result.rate
        scans = len(result.latencies)
        print(
            f"{label:24s} {result.line()}  x{result.rate / single:.2f} of 1 process here, "
            f"x{result.rate / README_SINGLE_PROCESS:.2f} of the README's {README_SINGLE_PROCESS}/s"
        )
        print(
            f"{'':24s} CPU a scan: app {spent[0] / scans * 1e6:.0f} µs, nginx "
            f"{spent[1] / scans * 1e6:.0f} µs, PostgreSQL {spent[2] / scans * 1e6:.0f} µs"
            + (
                f"; {streams.heard:,} of {admitted * streams.count:,} check-in events reached "
                f"the pages, app CPU an event pushed "
                f"{spent[0] / max(streams.heard, 1) * 1e6:.0f} µs at most"
                if streams.count
                else ""
            )
        )


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()
    pg = os.environ.get("CONFERENCE_TEST_DATABASE_URL")
    if not pg or shutil.which("nginx") is None:
        sys.exit("needs CONFERENCE_TEST_DATABASE_URL (PostgreSQL) and nginx")
    parts = urlsplit(pg)
    admin = await asyncpg.connect(urlunsplit(parts._replace(path="/postgres")))
    await admin.execute("DROP DATABASE IF EXISTS conference_bench_scaling WITH (FORCE)")
    await admin.execute("CREATE DATABASE conference_bench_scaling")
    try:
        url = urlunsplit(parts._replace(path="/conference_bench_scaling"))
        await run(url, args.clients, args.seconds)
    finally:
        await admin.execute("DROP DATABASE IF EXISTS conference_bench_scaling WITH (FORCE)")
        await admin.close()


if __name__ == "__main__":
    asyncio.run(main())
