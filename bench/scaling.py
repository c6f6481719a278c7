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

from checkin import free_port, seed  # noqa: E402

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


async def reset_arrivals(url: str) -> None:
    connection = await asyncpg.connect(url)
    try:
        await connection.execute(
            "UPDATE delegate SET checked_in_at = NULL, checked_in_nonce = NULL"
        )
        await connection.execute("DELETE FROM check_in_attempt")
    finally:
        await connection.close()


async def measure(base: str, tokens: list[str], api_token: str, clients: int, seconds: float):
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
        return await http.request("POST", "/api/events/bench/checkins", json_body={"code": code})

    async def stray(http: Connection, serial: int) -> Answer:
        return await http.request(
            "POST", "/api/events/bench/checkins", json_body={"code": f"warm-{serial}"}
        )

    await drive(base, stray, clients=clients, seconds=2, headers=headers)
    return await drive(base, scan, clients=clients, seconds=seconds, headers=headers)


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
                result = await measure(base, everyone, api_token, clients, seconds)
            finally:
                _loadgen.Connection = Connection
                for process in reversed(processes):
                    process.terminate()
                    process.wait(timeout=15)
        single = single or result.rate
        print(
            f"{label:24s} {result.line()}  x{result.rate / single:.2f} of 1 process here, "
            f"x{result.rate / README_SINGLE_PROCESS:.2f} of the README's {README_SINGLE_PROCESS}/s"
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
