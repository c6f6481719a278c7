"""Check-in figures: scans a second and latency through a real server, on SQLite and PostgreSQL.

Run: .venv/bin/python bench/checkin.py [--clients 20] [--seconds 10]
Starts `conference serve` on a fresh database with 2,000 delegates (and 10,000 for
the search figure), drives it over loopback with N concurrent clients for a bounded
time: a mix of first scans, repeated scans and unknown codes. Prints scans/s, p50
and p99, and the same for a trivial endpoint of the same app (/healthz) as the
ratio. PostgreSQL runs when CONFERENCE_TEST_DATABASE_URL is set, on a database
``conference_bench`` created and dropped here. SHOW_SERVER=1 lets the server's
own output (errors, the access log) through.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
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

from _loadgen import Answer, Connection, drive  # noqa: E402

from conference import auth, database  # noqa: E402
from conference.invitations import DelegateInput, add_delegates  # noqa: E402
from conference.settings import DatabaseURL, Settings  # noqa: E402
from conference.tables import Delegate, DelegateSource, Event, Role  # noqa: E402

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hà", "Hương", "Lan", "Long", "Mai", "Thắng", "Đức"]
FAMILY_FOLDED = ["nguyen", "tran", "hoang", "dang"]
GIVEN_FOLDED = ["an", "duc", "mai"]


async def seed(url: str, delegates: int) -> tuple[str, list[str]]:
    from datetime import date
    from datetime import time as clock

    settings = Settings(database=DatabaseURL.parse(url), secret_key="bench", environment="test")
    engine = database.configure(settings)
    await database.open_pool(engine)
    try:
        await database.migrate()
        event = Event(
            slug="bench",
            title="Hội nghị",
            date=date(2022, 9, 12),
            starts_at=clock(7, 30),
            ends_at=clock(11, 30),
        )
        await event.save()
        people = [
            DelegateInput(
                full_name=f"{FAMILY[i % 10]} Văn {GIVEN[i % 11]} {i}",
                organization=f"Công ty Xây dựng số {i % 40}",
                position="Trưởng phòng",
            )
            for i in range(delegates)
        ]
        await add_delegates(event.id, people, source=DelegateSource.imported)
        await auth.create_user("bench", "bench-password", Role.desk)
        token = await auth.create_token("bench")
        tokens = [r["token"] for r in await Delegate.select(Delegate.token)]
        return token, tokens
    finally:
        await database.close_pool(engine)


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time the processes ``pids`` have used so far (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


async def database_backends(url: str) -> list[int]:
    """The PostgreSQL server processes serving ``url``'s database (none for SQLite)."""
    if not url.startswith("postgres"):
        return []
    connection = await asyncpg.connect(url)
    try:
        rows = await connection.fetch(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        )
    finally:
        await connection.close()
    return [row["pid"] for row in rows]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def server_environment(url: str, folder: str) -> dict[str, str]:
    """The environment of a benchmark's `conference serve` on ``url``, its files in ``folder``."""
    return {
        **os.environ,
        "CONFERENCE_DATABASE_URL": url,
        "CONFERENCE_SECRET_KEY": "b" * 40,
        "CONFERENCE_ENV": "test",
        "CONFERENCE_INSTANCE_DIR": folder,
    }


def start_server(url: str, folder: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "conference.cli", "serve", "--port", str(port)],
        env=server_environment(url, folder),
        stdout=subprocess.DEVNULL,
        stderr=None if os.environ.get("SHOW_SERVER") else subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return process, base
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("server did not start")


async def run_on(label: str, url: str, clients: int, seconds: float) -> None:
    api_token, everyone = await seed(url, 10_000)
    tokens = everyone[:2000]  # scans among 2,000 delegates; the search runs over all 10,000
    headers = {"authorization": f"Bearer {api_token}"}
    rng = random.Random(20220912)
    with tempfile.TemporaryDirectory() as folder:
        process, base = start_server(url, folder)
        try:
            first = iter(tokens)

            async def scan(http: Connection, serial: int) -> Answer:
                roll = rng.random()
                if roll < 0.6:  # a first scan, while codes last
                    code = next(first, None) or rng.choice(tokens)
                elif roll < 0.9:  # a repeated scan
                    code = rng.choice(tokens)
                else:  # something that is not ours
                    code = f"unknown-{serial}"
                return await http.request(
                    "POST", "/api/events/bench/checkins", json_body={"code": code}
                )

            async def trivial(http: Connection, serial: int) -> Answer:
                return await http.request("GET", "/healthz")

            def searching(make_query):
                async def search(http: Connection, serial: int) -> Answer:
                    return await http.request(
                        "GET",
                        "/api/events/bench/delegates",
                        params={"q": make_query(serial), "limit": "20"},  # as the desk asks
                    )

                return search

            # A family and a given name: many match, the index walk stops at 20.
            names = searching(lambda n: f"{rng.choice(FAMILY_FOLDED)} {rng.choice(GIVEN_FOLDED)}")
            # One person's whole name, or a name nobody has: the whole index is read.
            rare = searching(
                lambda n: (
                    f"{rng.choice(FAMILY_FOLDED)} van {n % 10_000}"
                    if n % 2
                    else f"{rng.choice(FAMILY_FOLDED)} quyen"
                )
            )

            async def stray(http: Connection, serial: int) -> Answer:
                return await http.request(
                    "POST", "/api/events/bench/checkins", json_body={"code": f"warm-{serial}"}
                )

            # Warm up: the connection pool grows to the number of clients, statements
            # get prepared, the stray scans leave every delegate unchecked.
            await drive(base, trivial, clients=clients, seconds=1)
            await drive(base, stray, clients=clients, seconds=1, headers=headers)
            await drive(base, names, clients=4, seconds=1, headers=headers)
            backends = await database_backends(url)
            app_before, db_before = cpu_seconds([process.pid]), cpu_seconds(backends)
            scans = await drive(base, scan, clients=clients, seconds=seconds, headers=headers)
            app_cpu = cpu_seconds([process.pid]) - app_before
            db_cpu = cpu_seconds(backends) - db_before
            print(f"{label}: scans    {scans.line()}  ({clients} clients)")
            # CPU a scan costs, which the machine's other load changes far less than the rate.
            print(
                f"{label}: CPU a scan: server {app_cpu / len(scans.latencies) * 1e6:.0f} µs, "
                f"database {db_cpu / len(scans.latencies) * 1e6:.0f} µs"
            )
            healthz = await drive(base, trivial, clients=clients, seconds=seconds)
            print(
                f"{label}: /healthz {healthz.line()}  "
                f"(scans are {scans.rate / healthz.rate:.2f}x of it)"
            )
            for kind, search in (("names", names), ("rare names", rare)):
                found = await drive(
                    base, search, clients=4, seconds=min(seconds, 5), headers=headers
                )
                print(f"{label}: search over 10,000, {kind:10s} {found.line()}  (4 clients)")
        finally:
            process.terminate()
            process.wait(timeout=10)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        await run_on("SQLite", f"sqlite:///{folder}/bench.sqlite3", args.clients, args.seconds)
    pg = os.environ.get("CONFERENCE_TEST_DATABASE_URL")
    if pg:
        parts = urlsplit(pg)
        admin = urlunsplit(parts._replace(path="/postgres"))
        connection = await asyncpg.connect(admin)
        await connection.execute("DROP DATABASE IF EXISTS conference_bench")
        await connection.execute("CREATE DATABASE conference_bench")
        try:
            await run_on(
                "PostgreSQL",
                urlunsplit(parts._replace(path="/conference_bench")),
                args.clients,
                args.seconds,
            )
        finally:
            await connection.execute("DROP DATABASE IF EXISTS conference_bench")
            await connection.close()


if __name__ == "__main__":
    asyncio.run(main())
