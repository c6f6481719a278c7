"""Scan latency while an organizer prints for every delegate: the A4 list, the letters,
the badges, the exports. A print renders off the event loop, so the desk keeps scanning.

Run: .venv/bin/python bench/desk_while_printing.py [--postgres]
Starts `conference serve` on a fresh SQLite database of 2,000 delegates (on PostgreSQL
too with ``--postgres`` and CONFERENCE_TEST_DATABASE_URL set, on a database
``conference_bench_printing`` created and dropped here). One desk scans one delegate after
another (bearer token) while the organizer fetches each print once, cold (its QR codes not
yet made). Prints the scan latency p50/p99/max alone and during each print. To compare
with the code before a change, run it with PYTHONPATH naming that code's ``src``.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import re
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from _loadgen import on_each_database  # noqa: E402
from desk_while_organizing import figures as _figures  # noqa: E402
from login_load import seed, start_server  # noqa: E402

CSRF_FIELD = re.compile(r'name="_csrf_token" value="([^"]+)"')


def figures(latencies: list[float]) -> str:
    if len(latencies) > 1:
        return _figures(latencies)
    # One scan through the whole print: the loop was held all along.
    return f"max {max(latencies) * 1000:6.1f} ms  ({len(latencies)} scan)"


PRINTS = (
    "/events/bench/delegates/print?sign=1",
    "/events/bench/invitations/print",
    "/events/bench/seating/badges",
    "/events/bench/delegates/export.xlsx",
    "/events/bench/arrivals/export.xlsx",
)


async def run_on(label: str, url: str) -> None:
    api_token, codes = await seed(url)
    with tempfile.TemporaryDirectory() as folder:
        process, base = start_server(url, folder)
        try:
            desk = httpx.AsyncClient(
                base_url=base, headers={"authorization": f"Bearer {api_token}"}, timeout=120
            )
            organizer = httpx.AsyncClient(base_url=base, timeout=600)
            pending = itertools.cycle(codes)

            async def one_scan() -> float:
                started = time.perf_counter()
                response = await desk.post(
                    "/api/events/bench/checkins", json={"code": next(pending)}
                )
                assert response.status_code == 200, response.text
                return time.perf_counter() - started

            for _ in range(20):  # warm up
                await one_scan()
            alone = [await one_scan() for _ in range(200)]
            print(f"{label}: scan alone {figures(alone)}")
            form = CSRF_FIELD.search((await organizer.get("/login")).text)
            assert form
            signed_in = await organizer.post(
                "/login",
                data={
                    "username": "bantochuc",
                    "password": "the right password",
                    "_csrf_token": form.group(1),
                },
            )
            assert signed_in.status_code == 302, signed_in.status_code
            for address in PRINTS:

                async def fetch(address: str = address) -> None:
                    response = await organizer.get(address)
                    assert response.status_code == 200, (address, response.status_code)

                started = time.perf_counter()
                task = asyncio.ensure_future(fetch())
                during: list[float] = []
                while not task.done():
                    during.append(await one_scan())
                await task
                took = time.perf_counter() - started
                print(f"{label}: during {address:40} {figures(during)}  (took {took:.1f} s)")
            for client in (desk, organizer):
                await client.aclose()
        finally:
            process.terminate()
            process.wait(timeout=10)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.1f} (a loaded machine slows every figure)")
    await on_each_database(run_on, "conference_bench_printing", postgres=args.postgres)


if __name__ == "__main__":
    asyncio.run(main())
