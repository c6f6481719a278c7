"""Scan latency while failed logins run: Argon2 must not hold up the desk.

Run: .venv/bin/python bench/login_load.py [--logins 60] [--rounds 3]
Starts `conference serve` on a fresh SQLite database (and on PostgreSQL when
CONFERENCE_TEST_DATABASE_URL is set, on a database ``conference_bench_login`` created
and dropped here), then scans one delegate after another from one desk while
``--logins`` failed logins run at once, each from its own address (the server trusts
X-Forwarded-For from loopback here, CONFERENCE_TRUSTED_PROXIES=127.0.0.1, so the
throttle does not turn them away before their password is checked). Prints the scan
latency p50/p90/max alone and during the logins, and how long the logins took.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import re
import statistics
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

from checkin import free_port  # noqa: E402
from conference import auth, database  # noqa: E402
from conference.invitations import DelegateInput, add_delegates  # noqa: E402
from conference.settings import DatabaseURL, Settings  # noqa: E402
from conference.tables import Delegate, DelegateSource, Event, Role  # noqa: E402

CSRF_FIELD = re.compile(r'name="_csrf_token" value="([^"]+)"')


async def seed(url: str) -> tuple[str, list[str]]:
    from datetime import date

    settings = Settings(database=DatabaseURL.parse(url), secret_key="bench", environment="test")
    engine = database.configure(settings)
    await database.open_pool(engine)
    try:
        await database.migrate()
        event = Event(slug="bench", title="Hội nghị", date=date(2022, 9, 12))
        await event.save()
        people = [DelegateInput(full_name=f"Nguyễn Văn An {i}") for i in range(2000)]
        await add_delegates(event.id, people, source=DelegateSource.imported)
        await auth.create_user("bantochuc", "the right password", Role.organizer)
        await auth.create_user("letan", "the right password", Role.desk)
        token = await auth.create_token("letan")
        return token, [r["token"] for r in await Delegate.select(Delegate.token)]
    finally:
        await database.close_pool(engine)


def start_server(url: str, folder: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {
        **os.environ,
        "CONFERENCE_DATABASE_URL": url,
        "CONFERENCE_SECRET_KEY": "b" * 40,
        "CONFERENCE_ENV": "test",
        "CONFERENCE_INSTANCE_DIR": folder,
        "CONFERENCE_TRUSTED_PROXIES": "127.0.0.1",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "conference.cli", "serve", "--port", str(port)],
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
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("server did not start")


def figures(latencies: list[float]) -> str:
    ms = sorted(x * 1000 for x in latencies)
    deciles = statistics.quantiles(ms, n=10, method="inclusive")
    return (
        f"p50 {statistics.median(ms):6.1f} ms  p90 {deciles[8]:6.1f} ms  "
        f"max {ms[-1]:6.1f} ms  ({len(ms)} scans)"
    )


async def run_on(label: str, url: str, logins: int, rounds: int) -> None:
    api_token, codes = await seed(url)
    with tempfile.TemporaryDirectory() as folder:
        process, base = start_server(url, folder)
        try:
            desk = httpx.AsyncClient(
                base_url=base, headers={"authorization": f"Bearer {api_token}"}, timeout=60
            )
            guessers = httpx.AsyncClient(
                base_url=base, limits=httpx.Limits(max_connections=logins + 5), timeout=120
            )
            pending = itertools.cycle(codes)  # then repeated scans, also answered

            async def one_scan() -> float:
                started = time.perf_counter()
                response = await desk.post(
                    "/api/events/bench/checkins", json={"code": next(pending)}
                )
                assert response.status_code == 200, response.text
                return time.perf_counter() - started

            for _ in range(20):  # warm up
                await one_scan()
            alone = [await one_scan() for _ in range(100)]
            form = CSRF_FIELD.search((await guessers.get("/login")).text)
            assert form
            during: list[float] = []
            spent: list[float] = []
            for round_ in range(rounds):

                async def guess(n: int, round_: int = round_) -> None:
                    response = await guessers.post(
                        "/login",
                        data={
                            "username": "bantochuc",
                            "password": f"guess {n}",
                            "_csrf_token": form.group(1),
                        },
                        headers={"x-forwarded-for": f"10.{round_}.{n // 250}.{n % 250 + 1}"},
                    )
                    assert response.status_code == 401, response.status_code

                started = time.perf_counter()
                attack = asyncio.gather(*(guess(n) for n in range(logins)))
                task = asyncio.ensure_future(attack)
                await asyncio.sleep(0.05)  # the logins are in
                while not task.done():
                    during.append(await one_scan())
                await task
                spent.append(time.perf_counter() - started)
            print(f"{label}: scan alone            {figures(alone)}")
            print(f"{label}: during {logins} failed logins {figures(during)}")
            at_once = getattr(auth, "MAX_CONCURRENT_HASHES", "any number of")  # before: all
            print(
                f"{label}: {logins} failed logins took {statistics.median(spent):.2f} s "
                f"(median of {rounds} rounds, {at_once} hashes at once)"
            )
            await desk.aclose()
            await guessers.aclose()
        finally:
            process.terminate()
            process.wait(timeout=10)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--logins", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        await run_on("SQLite", f"sqlite:///{folder}/bench.sqlite3", args.logins, args.rounds)
    pg = os.environ.get("CONFERENCE_TEST_DATABASE_URL")
    if pg:
        parts = urlsplit(pg)
        admin = urlunsplit(parts._replace(path="/postgres"))
        connection = await asyncpg.connect(admin)
        await connection.execute("DROP DATABASE IF EXISTS conference_bench_login")
        await connection.execute("CREATE DATABASE conference_bench_login")
        try:
            await run_on(
                "PostgreSQL",
                urlunsplit(parts._replace(path="/conference_bench_login")),
                args.logins,
                args.rounds,
            )
        finally:
            await connection.execute("DROP DATABASE IF EXISTS conference_bench_login")
            await connection.close()


if __name__ == "__main__":
    asyncio.run(main())
