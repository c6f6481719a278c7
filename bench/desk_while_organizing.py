"""Scan latency while an organizer imports 10,000 delegates and while 60 failed logins
run: nothing an organizer does (or an attacker tries) may hold up the desk.

Run: .venv/bin/python bench/desk_while_organizing.py [--rows 10000] [--logins 60]
Starts `conference serve` on a fresh SQLite database (and on PostgreSQL when
CONFERENCE_TEST_DATABASE_URL is set, on a database ``conference_bench_organizing``
created and dropped here). One desk scans one delegate after another (bearer token)
while the organizer uploads a CSV of ``--rows`` new delegates through the import page
and confirms it, then while ``--logins`` failed logins run at once, each from its own
address. Prints the scan latency p50/p99/max alone, during the import and during the
logins. To compare with the code before a change, run it with PYTHONPATH naming that
code's ``src`` (the server started here imports the same ``conference``).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
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
sys.path.insert(0, str(ROOT / "bench"))

from login_load import seed, start_server  # noqa: E402

CSRF_FIELD = re.compile(r'name="_csrf_token" value="([^"]+)"')
UPLOAD_ID = re.compile(r'name="upload_id" value="([^"]+)"')


def figures(latencies: list[float]) -> str:
    ms = sorted(x * 1000 for x in latencies)
    p99 = statistics.quantiles(ms, n=100, method="inclusive")[98]
    return (
        f"p50 {statistics.median(ms):6.1f} ms  p99 {p99:6.1f} ms  "
        f"max {ms[-1]:6.1f} ms  ({len(ms)} scans)"
    )


def delegate_csv(rows: int) -> bytes:
    lines = ["Họ và tên,Chức vụ,Đơn vị,Email,Nhóm,Thứ tự"]
    lines += [
        f"Trần Thị Bích Ngọc {n},Chuyên viên,Sở Xây dựng Hà Nội,ngoc{n}@example.vn,Đại biểu,"
        for n in range(rows)
    ]
    return ("\n".join(lines) + "\n").encode()


async def _while(task: asyncio.Future[object], scan) -> list[float]:
    during: list[float] = []
    while not task.done():
        during.append(await scan())
    await task
    return during


async def run_on(label: str, url: str, rows: int, logins: int) -> None:
    api_token, codes = await seed(url)
    with tempfile.TemporaryDirectory() as folder:
        process, base = start_server(url, folder)
        try:
            desk = httpx.AsyncClient(
                base_url=base, headers={"authorization": f"Bearer {api_token}"}, timeout=120
            )
            organizer = httpx.AsyncClient(base_url=base, timeout=600)
            guessers = httpx.AsyncClient(
                base_url=base, limits=httpx.Limits(max_connections=logins + 5), timeout=300
            )
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
            page = (await organizer.get("/events/bench/delegates/import")).text
            csrf = CSRF_FIELD.search(page)
            assert csrf

            async def import_rows() -> None:
                preview = await organizer.post(
                    "/events/bench/delegates/import",
                    data={"_csrf_token": csrf.group(1)},
                    files={"file": ("ds.csv", delegate_csv(rows), "text/csv")},
                )
                assert preview.status_code == 200, preview.text[:300]
                upload = UPLOAD_ID.search(preview.text)
                assert upload, "no upload id in the preview"
                confirmed = await organizer.post(
                    "/events/bench/delegates/import/confirm",
                    data={
                        "_csrf_token": csrf.group(1),
                        "upload_id": upload.group(1),
                        "filename": "ds.csv",
                    },
                )
                assert confirmed.status_code == 302, confirmed.status_code

            started = time.perf_counter()
            during_import = await _while(asyncio.ensure_future(import_rows()), one_scan)
            import_s = time.perf_counter() - started

            login_form = CSRF_FIELD.search((await guessers.get("/login")).text)
            assert login_form

            async def guess(n: int) -> None:
                response = await guessers.post(
                    "/login",
                    data={
                        "username": "bantochuc",
                        "password": f"guess {n}",
                        "_csrf_token": login_form.group(1),
                    },
                    headers={"x-forwarded-for": f"10.9.{n // 250}.{n % 250 + 1}"},
                )
                assert response.status_code in {401, 429}, response.status_code

            started = time.perf_counter()
            attack = asyncio.ensure_future(asyncio.gather(*(guess(n) for n in range(logins))))
            during_logins = await _while(attack, one_scan)
            logins_s = time.perf_counter() - started
            print(f"{label}: scan alone                   {figures(alone)}")
            print(
                f"{label}: during an import of {rows} rows {figures(during_import)}"
                f"  (the import took {import_s:.1f} s)"
            )
            print(
                f"{label}: during {logins} failed logins      {figures(during_logins)}"
                f"  (the logins took {logins_s:.1f} s)"
            )
            for client in (desk, organizer, guessers):
                await client.aclose()
        finally:
            process.terminate()
            process.wait(timeout=10)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--logins", type=int, default=60)
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.1f} (a loaded machine slows every figure)")
    with tempfile.TemporaryDirectory() as folder:
        await run_on("SQLite", f"sqlite:///{folder}/bench.sqlite3", args.rows, args.logins)
    pg = os.environ.get("CONFERENCE_TEST_DATABASE_URL")
    if pg:
        parts = urlsplit(pg)
        admin = urlunsplit(parts._replace(path="/postgres"))
        connection = await asyncpg.connect(admin)
        await connection.execute("DROP DATABASE IF EXISTS conference_bench_organizing")
        await connection.execute("CREATE DATABASE conference_bench_organizing")
        try:
            await run_on(
                "PostgreSQL",
                urlunsplit(parts._replace(path="/conference_bench_organizing")),
                args.rows,
                args.logins,
            )
        finally:
            await connection.execute("DROP DATABASE IF EXISTS conference_bench_organizing")
            await connection.close()


if __name__ == "__main__":
    asyncio.run(main())
