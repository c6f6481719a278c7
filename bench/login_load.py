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
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _loadgen import Desk, failed_logins, figures, login_token, on_each_database  # noqa: E402

from checkin import free_port  # noqa: E402
from conference import auth, database  # noqa: E402
from conference.invitations import DelegateInput, add_delegates  # noqa: E402
from conference.settings import DatabaseURL, Settings  # noqa: E402
from conference.tables import Delegate, DelegateSource, Event, Role  # noqa: E402


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


async def run_on(label: str, url: str, logins: int, rounds: int) -> None:
    api_token, codes = await seed(url)
    with tempfile.TemporaryDirectory() as folder:
        process, base = start_server(url, folder)
        try:
            desk = Desk(base, api_token, codes, timeout=60)
            guessers = httpx.AsyncClient(
                base_url=base, limits=httpx.Limits(max_connections=logins + 5), timeout=120
            )
            alone = await desk.alone(100)
            csrf = await login_token(guessers)
            during: list[float] = []
            spent: list[float] = []
            for round_ in range(rounds):
                started = time.perf_counter()
                attack = failed_logins(guessers, csrf, logins, network=round_)
                during += await desk.scans_while(attack, head_start=0.05)  # the logins are in
                spent.append(time.perf_counter() - started)
            print(f"{label}: scan alone            {figures(alone, upper=90)}")
            print(f"{label}: during {logins} failed logins {figures(during, upper=90)}")
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

    async def run(label: str, url: str) -> None:
        await run_on(label, url, args.logins, args.rounds)

    await on_each_database(run, "conference_bench_login")


if __name__ == "__main__":
    asyncio.run(main())
