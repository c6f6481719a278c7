"""The MC's introduction: time to build it for 2,000 delegates with 300 arrived.

Run: .venv/bin/python bench/introduction.py [--rounds 30]
Seeds a fresh SQLite database (and PostgreSQL when CONFERENCE_BENCH_DATABASE_URL is
set: its public schema is dropped and made again, so name a database kept for it)
with 2,000 delegates in 40 organizations, 25 of them ranked, checks 300 in through
check-in's own service, and prints the time of ``load_introduction`` (every query
and the wording), median and worst of the rounds.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from datetime import time as clock
from pathlib import Path

import asyncpg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from conference import database  # noqa: E402
from conference.checkin.services import check_in_delegate  # noqa: E402
from conference.invitations import DelegateInput, add_delegates  # noqa: E402
from conference.program.runsheet import load_introduction  # noqa: E402
from conference.settings import DatabaseURL, Settings  # noqa: E402
from conference.tables import Delegate, DelegateSource, Event  # noqa: E402

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hà", "Hương", "Lan", "Long", "Mai", "Thắng", "Đức"]
DELEGATES, ARRIVED, RANKED = 2000, 300, 25


async def run_on(label: str, url: str, rounds: int) -> None:
    settings = Settings(database=DatabaseURL.parse(url), secret_key="bench", environment="test")
    engine = database.configure(settings)
    await database.open_pool(engine)
    try:
        await database.migrate()
        event = Event(
            slug="bench",
            title="Hội nghị",
            organizer_name="Công ty Xây dựng số 0",
            date=date(2022, 9, 12),
            starts_at=clock(7, 30),
            ends_at=clock(11, 30),
            vip_rank_threshold=10,
        )
        await event.save()
        people = [
            DelegateInput(
                full_name=f"{FAMILY[i % 10]} Văn {GIVEN[i % 11]} {i}",
                organization=f"Công ty Xây dựng số {i % 40}",
                position="Giám đốc" if i < RANKED else "Trưởng phòng",
                protocol_rank=i + 1 if i < RANKED else None,
            )
            for i in range(DELEGATES)
        ]
        await add_delegates(event.id, people, source=DelegateSource.imported)
        row = await Event.select().where(Event.id == event.id).first()
        ids = [r["id"] for r in await Delegate.select(Delegate.id).order_by(Delegate.id)]
        for delegate_id in ids[::6][:ARRIVED]:  # leaders and others, spread over the list
            await check_in_delegate(row, delegate_id)
        times = []
        for _ in range(rounds):
            started = time.perf_counter()
            view = await load_introduction(row)
            times.append((time.perf_counter() - started) * 1000)
        named = sum(i.by_name for i in view.introduced)
        print(
            f"{label}: introduction of {len(view.introduced)} arrived ({named} by name) among "
            f"{DELEGATES}: median {statistics.median(times):.1f} ms, worst {max(times):.1f} ms "
            f"({rounds} rounds, {len(view.script)} characters)"
        )
    finally:
        await database.close_pool(engine)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        await run_on("SQLite", f"sqlite:///{folder}/bench.sqlite3", args.rounds)
    pg = os.environ.get("CONFERENCE_BENCH_DATABASE_URL")
    if pg:
        connection = await asyncpg.connect(pg)
        try:
            await connection.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
        finally:
            await connection.close()
        await run_on("PostgreSQL", pg, args.rounds)


if __name__ == "__main__":
    asyncio.run(main())
