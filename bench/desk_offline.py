"""Offline desk figures: the snapshot of 10,000 delegates (full and incremental) and a queue upload.

Run: .venv/bin/python bench/desk_offline.py [--repeat 5]
Starts `conference serve` on a fresh database with 10,000 delegates and prints, through
the real server over loopback:
- the full snapshot's size (JSON, and gzipped as a browser takes it) and the time to
  answer it (median of --repeat; build, encode and, for gzip, compress);
- an incremental snapshot (`?since=`) after 100 check-ins, the list being a day old;
- the time to upload 500 queued offline scans in one batch (the most one upload takes),
  and the same batch sent again (all answered from their nonces, nothing changes).
PostgreSQL runs when CONFERENCE_TEST_DATABASE_URL is set, on a database
``conference_bench_desk`` created and dropped here.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from checkin import seed, start_server  # noqa: E402
from conference import database  # noqa: E402
from conference.checkin.services import MAX_BATCH  # noqa: E402
from conference.settings import DatabaseURL, Settings  # noqa: E402
from conference.tables import Delegate  # noqa: E402

DELEGATES = 10_000
SNAPSHOT = "/api/events/bench/desk/snapshot"


async def age_the_list(url: str) -> None:
    """As on the morning itself: the list was written the day before."""
    settings = Settings(database=DatabaseURL.parse(url), secret_key="bench", environment="test")
    engine = database.configure(settings)
    await database.open_pool(engine)
    try:
        yesterday = datetime.now(UTC) - timedelta(days=1)
        await Delegate.update({Delegate.updated_at: yesterday}).where(Delegate.id > 0)
    finally:
        await database.close_pool(engine)


async def timed_get(
    http: httpx.AsyncClient, path: str, *, gzip: bool, repeat: int, params: dict[str, str]
) -> tuple[float, int, dict]:
    """Median time of ``repeat`` GETs, the bytes on the wire, and the decoded answer."""
    encoding = "gzip" if gzip else "identity"
    times, size, body = [], 0, {}
    for _ in range(repeat):
        start = time.perf_counter()
        response = await http.get(path, params=params, headers={"accept-encoding": encoding})
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, response.text
        assert response.headers.get("content-encoding", "identity") == encoding
        size = response.num_bytes_downloaded  # on the wire, before httpx undoes the gzip
        body = response.json()
    return statistics.median(times), size, body


async def run_on(label: str, url: str, repeat: int) -> None:
    api_token, tokens = await seed(url, DELEGATES)
    await age_the_list(url)
    headers = {"authorization": f"Bearer {api_token}"}
    with tempfile.TemporaryDirectory() as folder:
        process, base = start_server(url, folder)
        try:
            async with httpx.AsyncClient(base_url=base, headers=headers, timeout=120) as http:
                await http.get(SNAPSHOT)  # warm: the pool, the event cache
                took, plain, full = await timed_get(
                    http, SNAPSHOT, gzip=False, repeat=repeat, params={}
                )
                took_gz, zipped, _ = await timed_get(
                    http, SNAPSHOT, gzip=True, repeat=repeat, params={}
                )
                count = len(full["delegates"])
                print(
                    f"{label}: full snapshot of {count:,} delegates: {plain / 1e6:.2f} MB JSON "
                    f"in {took * 1000:.0f} ms; gzipped {zipped / 1e3:.0f} kB "
                    f"in {took_gz * 1000:.0f} ms (median of {repeat})"
                )
                for token in tokens[:100]:
                    await http.post("/api/events/bench/checkins", json={"code": token})
                since = {"since": full["cursor"]}
                took, plain, changed = await timed_get(
                    http, SNAPSHOT, gzip=False, repeat=repeat, params=since
                )
                took_gz, zipped, _ = await timed_get(
                    http, SNAPSHOT, gzip=True, repeat=repeat, params=since
                )
                print(
                    f"{label}: incremental after 100 check-ins: {len(changed['delegates'])} "
                    f"delegates, {plain / 1e3:.1f} kB JSON in {took * 1000:.1f} ms; gzipped "
                    f"{zipped / 1e3:.1f} kB in {took_gz * 1000:.1f} ms"
                )
                queue = {
                    "scans": [
                        {
                            "code": token,
                            "nonce": f"ban2-{i}",
                            "desk": "Bàn 2",
                            "scanned_at": f"2022-09-12T07:{i % 60:02d}:{i % 59:02d}+07:00",
                            "offline": True,
                        }
                        for i, token in enumerate(tokens[100 : 100 + MAX_BATCH])
                    ]
                }
                for attempt in ("first upload", "sent again  "):
                    start = time.perf_counter()
                    answer = await http.post("/api/events/bench/checkins/batch", json=queue)
                    took = time.perf_counter() - start
                    results = [r["result"] for r in answer.json()["results"]]
                    assert results == ["ok"] * MAX_BATCH, set(results)
                    print(
                        f"{label}: {attempt}: {MAX_BATCH} queued scans in {took * 1000:.0f} ms "
                        f"({took / MAX_BATCH * 1000:.2f} ms a scan)"
                    )
        finally:
            process.terminate()
            process.wait(timeout=10)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        await run_on("SQLite", f"sqlite:///{folder}/bench.sqlite3", args.repeat)
    pg = os.environ.get("CONFERENCE_TEST_DATABASE_URL")
    if pg:
        parts = urlsplit(pg)
        admin = urlunsplit(parts._replace(path="/postgres"))
        connection = await asyncpg.connect(admin)
        await connection.execute("DROP DATABASE IF EXISTS conference_bench_desk")
        await connection.execute("CREATE DATABASE conference_bench_desk")
        try:
            await run_on(
                "PostgreSQL", urlunsplit(parts._replace(path="/conference_bench_desk")), args.repeat
            )
        finally:
            await connection.execute("DROP DATABASE IF EXISTS conference_bench_desk")
            await connection.close()


if __name__ == "__main__":
    asyncio.run(main())
