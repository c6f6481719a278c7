"""Seating figures: placing 2,000 delegates in a hall of 2,500 seats, and the plan page.

Run: .venv/bin/python bench/seating.py [--repeat 5]
On a fresh SQLite file (or the PostgreSQL of CONFERENCE_BENCH_DATABASE_URL, whose public
schema is dropped first: give it a database kept for this), prints the median of
--repeat runs of:
- the placement rules alone (``seating.placement.place``, no database);
- automatic placement as the organizer's button runs it (read, place, write the seats
  and the delegates' labels, one transaction);
- drawing the plan's SVG, and the whole plan page answered through the application;
- reading the hall for the desk's small map (sent in a full snapshot), and its size;
- the badges page (QR codes made, cached after the first run) and the name cards page,
  as badges and cards rendered a second.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from datetime import time as clock
from pathlib import Path

import asyncpg
import httpx
import msgspec

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from conference import auth, database  # noqa: E402
from conference.app import create_app  # noqa: E402
from conference.checkin.seat_map import seat_map  # noqa: E402
from conference.invitations import DelegateInput, add_delegates  # noqa: E402
from conference.seating import placement, plan, services  # noqa: E402
from conference.settings import DatabaseURL, Settings  # noqa: E402
from conference.tables import DelegateSource, Event, HallSeat, Role  # noqa: E402

DELEGATES = 2_000
# 2,500 seats: a presidium of 20 and four blocks of 31 rows (10, 20, 20, 10 wide) = 1,860,
# plus a balcony block of 31 rows of 20 = 620.
HALL = {
    "presidium": {"places": 20},
    "blocks": [
        {"name": "A", "rows": 31, "seats": 10, "reserved_rows": {"A": "Khen thưởng"}},
        {"name": "B", "rows": 31, "seats": 20, "reserved_rows": {"A": "Lãnh đạo"}},
        {"name": "C", "rows": 31, "seats": 20, "reserved_rows": {"A": "Khách mời"}},
        {"name": "D", "rows": 31, "seats": 10, "reserved_rows": {"A": "Khen thưởng"}},
        {"name": "E", "rows": 31, "seats": 20, "first_row": 32, "reserved_rows": {"AE": "Báo chí"}},
    ],
}
GROUPS = ["Lãnh đạo", "Khách mời", "Khen thưởng", "Đại biểu", "Báo chí"]


async def seed() -> int:
    event = Event(
        slug="bench",
        title="Hội nghị đo tốc độ xếp chỗ",
        date=date(2022, 9, 12),
        starts_at=clock(7, 30),
        ends_at=clock(11, 30),
    )
    await event.save()
    people = [
        DelegateInput(
            full_name=f"Nguyễn Văn Đại Biểu {i:04d}",
            honorific="Ông",
            organization=f"Đơn vị {i % 97:02d}",
            group=GROUPS[0] if i < 40 else GROUPS[1 + i % 4],
            protocol_rank=i + 1 if i < 60 else None,
        )
        for i in range(DELEGATES)
    ]
    await add_delegates(event.id, people, source=DelegateSource.manual)
    await services.save_hall(event.id, HALL)
    return event.id


def median_ms(samples: list[float]) -> str:
    return f"{statistics.median(samples) * 1000:.0f} ms"


async def timed(repeat: int, make) -> list[float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        await make()
        samples.append(time.perf_counter() - start)
    return samples


async def main(repeat: int) -> None:
    logging.getLogger("httpx").setLevel(logging.WARNING)
    url = os.environ.get("CONFERENCE_BENCH_DATABASE_URL", "")
    folder = Path(tempfile.mkdtemp(prefix="bench-seating-"))
    if url:
        connection = await asyncpg.connect(url)
        await connection.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
        await connection.close()
    else:
        url = f"sqlite:///{folder / 'bench.sqlite3'}"
    settings = Settings(
        database=DatabaseURL.parse(url),
        secret_key="bench-" + "x" * 32,
        environment="test",
        instance_dir=folder / "instance",
        outbox_dir=folder / "outbox",
    )
    engine = database.configure(settings)
    await database.open_pool(engine)
    try:
        await database.migrate()
        event_id = await seed()
        seats_total = await HallSeat.count()
        print(
            f"{DELEGATES} delegates, {seats_total} seats "
            f"({'PostgreSQL' if url.startswith('postgres') else 'SQLite'})"
        )
        rows = await HallSeat.select().where(HallSeat.event == event_id)
        hall = await services.get_hall(event_id)
        assert hall is not None
        people = await services.coming_delegates(event_id, hall.coming)

        async def rules() -> None:
            placement.place(rows, people)

        print("placement rules alone:      ", median_ms(await timed(repeat, rules)))
        result = await services.assign(event_id)
        print(f"  placed {len(result.seats)}, without a seat {len(result.unplaced)}")
        print(
            "automatic placement (DB):   ",
            median_ms(await timed(repeat, lambda: services.assign(event_id))),
        )
        seated = await services.seats(event_id)

        async def svg() -> None:
            plan.render(seated)

        print("plan SVG drawn:             ", median_ms(await timed(repeat, svg)))
        hall_map = await seat_map(event_id)
        map_bytes = len(msgspec.json.encode(hall_map))
        print(
            "desk's small map read:      ",
            median_ms(await timed(repeat, lambda: seat_map(event_id))),
            f"({map_bytes // 1024} KiB of JSON in a full snapshot)",
        )
        await auth.create_user("btc", "bench password 1", Role.organizer)
        token = await auth.create_token("btc")
        app = create_app(settings, engine=engine)
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://127.0.0.1:8000",
            headers={"authorization": f"Bearer {token}", "accept": "text/html"},
            timeout=120,
        ) as http:

            async def page(path: str) -> None:
                answer = await http.get(f"/events/bench/seating/{path}")
                assert answer.status_code == 200, answer.text[:300]

            samples = await timed(repeat, lambda: page(""))
            size = len((await http.get("/events/bench/seating/")).content)
            print(f"plan page answered:          {median_ms(samples)} ({size // 1024} KiB)")
            first = await timed(1, lambda: page("badges"))  # the QR codes made, then cached
            print(f"badges page, first time:     {median_ms(first)} (segno makes every QR code)")
            samples = await timed(repeat, lambda: page("badges"))
            print(
                f"badges page ({DELEGATES}):        {median_ms(samples)}, "
                f"{DELEGATES / statistics.median(samples):.0f} badges/s"
            )
            samples = await timed(repeat, lambda: page("cards?all=1"))
            cards = len(result.seats)
            print(
                f"name cards page ({cards}):    {median_ms(samples)}, "
                f"{cards / statistics.median(samples):.0f} cards/s"
            )
    finally:
        await database.close_pool(engine)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    asyncio.run(main(parser.parse_args().repeat))
