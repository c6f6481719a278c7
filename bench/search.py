"""Delegate search over 10,000 delegates: p50 and p99 per kind of query, on SQLite and PostgreSQL.

Run: .venv/bin/python bench/search.py [--rounds 400]
Seeds a fresh database with 10,000 delegates of realistic Vietnamese names, then runs
the desk's search (``search_delegates``, 20 results, as the desk and the API ask)
in-process, one query at a time, for each kind of query: a family name, a given
name, one person's whole name, a name nobody has. Prints p50 and p99 in ms per kind
and per database, and the CPU a search costs (this process and, on PostgreSQL, the
database's server processes; on SQLite the database works inside this process),
which the machine's other load changes far less than the latency. PostgreSQL runs
when CONFERENCE_TEST_DATABASE_URL is set, on a database ``conference_bench_search``
created and dropped here.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import date
from datetime import time as clock
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from invitations_import import FAMILY, GIVEN, MIDDLE, ORGANIZATIONS, POSITIONS  # noqa: E402

from conference import database  # noqa: E402
from conference.invitations import DelegateInput, add_delegates  # noqa: E402
from conference.invitations.services import search_delegates  # noqa: E402
from conference.settings import DatabaseURL, Settings  # noqa: E402
from conference.tables import DelegateSource, Event  # noqa: E402
from conference.text import fold  # noqa: E402

DELEGATES = 10_000
LIMIT = 20


def names(count: int) -> list[str]:
    rng = random.Random(20220912)
    return [f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}" for _ in range(count)]


def queries(people: list[str]) -> dict[str, list[str]]:
    once = [name for name, n in Counter(people).items() if n == 1]
    rng = random.Random(7)
    return {
        "family name": [fold(f) for f in FAMILY],
        "given name": [fold(g) for g in GIVEN],
        "one person": rng.sample(once, 40),
        "nobody": ["quyen", "Nguyễn Quyền", "tran xuan bach", "phuong", "ly thi tuyet", "zz"],
    }


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time the processes ``pids`` have used so far (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


async def database_backends(url: str) -> list[int]:
    """The PostgreSQL server processes serving ``url``'s database (none for SQLite)."""
    if not url.startswith("postgres"):
        return []
    rows = await Event.raw("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
    return [row["pid"] for row in rows]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def run_on(label: str, url: str, rounds: int) -> None:
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
        people = names(DELEGATES)
        await add_delegates(
            event.id,
            [
                DelegateInput(
                    full_name=name,
                    position=POSITIONS[i % len(POSITIONS)],
                    organization=ORGANIZATIONS[i % len(ORGANIZATIONS)],
                )
                for i, name in enumerate(people)
            ],
            source=DelegateSource.imported,
        )
        # What autovacuum does soon after a large import: the planner learns the table.
        await Event.raw("ANALYZE")
        backends = await database_backends(url)
        for kind, asked in queries(people).items():
            for query in asked:  # warm up: statements prepared, pages cached
                await search_delegates(event.id, query, limit=LIMIT)
            took: list[float] = []
            found: list[int] = []
            cpu_before = time.process_time() + cpu_seconds(backends)
            for i in range(rounds):
                query = asked[i % len(asked)]
                start = time.perf_counter()
                rows = await search_delegates(event.id, query, limit=LIMIT)
                took.append((time.perf_counter() - start) * 1000)
                found.append(len(rows))
            cpu = (time.process_time() + cpu_seconds(backends) - cpu_before) / rounds * 1000
            print(
                f"{label:10s} {kind:12s} p50 {statistics.median(took):6.2f} ms  "
                f"p99 {percentile(took, 0.99):6.2f} ms  CPU {cpu:5.2f} ms a search  "
                f"({rounds} searches, {statistics.mean(found):.1f} found on average)",
                flush=True,
            )
    finally:
        await database.close_pool(engine)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=400)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        await run_on("SQLite", f"sqlite:///{folder}/bench.sqlite3", args.rounds)
    pg = os.environ.get("CONFERENCE_TEST_DATABASE_URL")
    if pg:
        parts = urlsplit(pg)
        admin = urlunsplit(parts._replace(path="/postgres"))
        connection = await asyncpg.connect(admin)
        await connection.execute("DROP DATABASE IF EXISTS conference_bench_search")
        await connection.execute("CREATE DATABASE conference_bench_search")
        try:
            bench_url = urlunsplit(parts._replace(path="/conference_bench_search"))
            await run_on("PostgreSQL", bench_url, args.rounds)
        finally:
            await connection.execute("DROP DATABASE IF EXISTS conference_bench_search")
            await connection.close()


if __name__ == "__main__":
    asyncio.run(main())
