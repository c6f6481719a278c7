"""The venue laptop's round trip, timed: export, import on a fresh SQLite, export back, merge.

Run: .venv/bin/python bench/event_transfer.py [--delegates 5000]
An event of N delegates of whom 60 % have checked in with one logged scan each (the day
after), on SQLite and, when CONFERENCE_TEST_DATABASE_URL is set, on PostgreSQL (a database
``conference_bench_transfer`` created and dropped here) as the central database. Prints
the file's size and each step's time. The machine is shared: times vary between runs.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from checkin import seed  # noqa: E402
from conference import database  # noqa: E402
from conference.settings import DatabaseURL, Settings  # noqa: E402
from conference.tables import CheckInAttempt, Delegate, Event, ScanResult  # noqa: E402
from conference.transfer import export_event, import_event  # noqa: E402


async def _on(url: str, work):  # type: ignore[no-untyped-def]
    settings = Settings(database=DatabaseURL.parse(url), secret_key="bench", environment="test")
    engine = database.configure(settings)
    await database.open_pool(engine)
    try:
        await database.migrate()
        return await work()
    finally:
        await database.close_pool(engine)


async def _arrive(share: float) -> None:
    event_id = (await Event.select(Event.id).first())["id"]
    ids = [row["id"] for row in await Delegate.select(Delegate.id).order_by(Delegate.id)]
    arrived = ids[: int(len(ids) * share)]
    now = datetime.now(UTC)
    await Delegate.update({Delegate.checked_in_at: now, Delegate.checked_in_desk: "Bàn 1"}).where(
        Delegate.id.is_in(arrived)
    )
    rows = [
        CheckInAttempt(event=event_id, delegate=i, result=ScanResult.ok, desk="Bàn 1", at=now)
        for i in arrived
    ]
    for start in range(0, len(rows), 500):
        await CheckInAttempt.insert(*rows[start : start + 500])


async def _timed(label: str, step):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    result = await step()
    print(f"  {label:44s} {time.perf_counter() - started:6.2f} s")
    return result


async def round_trip(label: str, central: str, delegates: int, folder: Path) -> None:
    laptop = f"sqlite:///{folder / 'laptop.sqlite3'}"
    out, back = folder / "to-the-hall.json.gz", folder / "back.json.gz"
    print(f"{label}, {delegates:,} delegates:")
    await seed(central, delegates)

    async def export_out():  # type: ignore[no-untyped-def]
        return await export_event((await Event.select(Event.id).first())["id"], out)

    made = await _on(central, lambda: _timed("export from the central database", export_out))
    print(f"  file: {made.size / 1e6:.2f} MB")
    await _on(laptop, lambda: _timed("import on a fresh SQLite laptop", lambda: import_event(out)))

    async def the_day():  # type: ignore[no-untyped-def]
        await _arrive(0.6)
        return await export_event((await Event.select(Event.id).first())["id"], back)

    await _on(laptop, lambda: _timed("60 % arrive; export from the laptop", the_day))
    merged = await _on(
        central, lambda: _timed("merge into the central database", lambda: import_event(back))
    )
    print(f"  arrivals brought in: {merged.arrivals:,}, rows added: {merged.added:,}")
    await _on(
        central, lambda: _timed("the same file again (nothing changes)", lambda: import_event(back))
    )


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--delegates", type=int, default=5000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        await round_trip(
            "SQLite", f"sqlite:///{folder}/central.sqlite3", args.delegates, Path(folder)
        )
    pg = os.environ.get("CONFERENCE_TEST_DATABASE_URL")
    if pg:
        parts = urlsplit(pg)
        admin = await asyncpg.connect(urlunsplit(parts._replace(path="/postgres")))
        await admin.execute("DROP DATABASE IF EXISTS conference_bench_transfer WITH (FORCE)")
        await admin.execute("CREATE DATABASE conference_bench_transfer")
        try:
            with tempfile.TemporaryDirectory() as folder:
                url = urlunsplit(parts._replace(path="/conference_bench_transfer"))
                await round_trip("PostgreSQL", url, args.delegates, Path(folder))
        finally:
            await admin.execute("DROP DATABASE IF EXISTS conference_bench_transfer WITH (FORCE)")
            await admin.close()


if __name__ == "__main__":
    asyncio.run(main())
