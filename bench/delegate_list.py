"""The delegate list page over 10,000 delegates: server time per page, on SQLite and PostgreSQL.

Run: .venv/bin/python bench/delegate_list.py [--rounds 30]
Seeds a fresh database with 10,000 delegates, signs an organizer in, and asks the
list page (the whole application in this process, over ASGI: routing, guards, the
queries and the template) for its first and a later page in protocol order, in name
order, searched, and filtered by arrival and by invitation state. Prints the median
and the slowest time per kind of page. PostgreSQL runs when CONFERENCE_TEST_DATABASE_URL
is set, on a database ``conference_bench_list`` created and dropped here.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import re
import statistics
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

from search import DELEGATES, names  # noqa: E402

from conference import auth, database  # noqa: E402
from conference.app import create_app  # noqa: E402
from conference.invitations import DelegateInput, add_delegates  # noqa: E402
from conference.settings import DatabaseURL, Settings  # noqa: E402
from conference.tables import DelegateSource, Event, Role  # noqa: E402

PAGES = {
    "first page": {},
    "page 50": {"page": "50"},
    "by name": {"order": "name"},
    "searched": {"q": "nguyen van"},
    "arrived": {"arrival": "arrived"},
    "not sent": {"invitation": "not_sent"},
}
CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')


async def run_on(label: str, url: str, rounds: int, folder: str) -> None:
    from datetime import date
    from datetime import time as clock

    settings = Settings(
        database=DatabaseURL.parse(url),
        secret_key="bench" * 8,
        environment="test",
        instance_dir=Path(folder) / "instance",
        outbox_dir=Path(folder) / "outbox",
    )
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
            DelegateInput(full_name=name, email=f"d{i}@example.vn", group="Đại biểu")
            for i, name in enumerate(names(DELEGATES))
        ]
        await add_delegates(event.id, people, source=DelegateSource.imported)
        await Event.raw("ANALYZE")
        await auth.create_user("btc", "bench-password", Role.organizer)
        app = create_app(settings, engine=engine)
        transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:
            login = await http.get("/login")
            token = CSRF.search(login.text).group(1)  # type: ignore[union-attr]
            await http.post(
                "/login",
                data={"username": "btc", "password": "bench-password", "_csrf_token": token},
            )
            for kind, params in PAGES.items():
                took = []
                for _ in range(rounds + 2):
                    start = time.perf_counter()
                    answer = await http.get("/events/bench/delegates", params=params)
                    took.append((time.perf_counter() - start) * 1000)
                    assert answer.status_code == 200, answer.status_code
                took = took[2:]  # the first two warm the caches up
                print(
                    f"{label:10s} {kind:11s} median {statistics.median(took):6.1f} ms  "
                    f"slowest {max(took):6.1f} ms  ({len(answer.content) // 1024} KiB, "
                    f"{rounds} pages)",
                    flush=True,
                )
    finally:
        await database.close_pool(engine)


async def main() -> None:
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line a request otherwise
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        await run_on("SQLite", f"sqlite:///{folder}/bench.sqlite3", args.rounds, folder)
    pg = os.environ.get("CONFERENCE_TEST_DATABASE_URL")
    if pg:
        parts = urlsplit(pg)
        admin = urlunsplit(parts._replace(path="/postgres"))
        connection = await asyncpg.connect(admin)
        await connection.execute("DROP DATABASE IF EXISTS conference_bench_list")
        await connection.execute("CREATE DATABASE conference_bench_list")
        try:
            with tempfile.TemporaryDirectory() as folder:
                bench_url = urlunsplit(parts._replace(path="/conference_bench_list"))
                await run_on("PostgreSQL", bench_url, args.rounds, folder)
        finally:
            await connection.execute("DROP DATABASE IF EXISTS conference_bench_list")
            await connection.close()


if __name__ == "__main__":
    asyncio.run(main())
