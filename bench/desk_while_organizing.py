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
import os
import re
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from _loadgen import CSRF_FIELD, Desk, failed_logins, figures, login_token, on_each_database  # noqa: E402
from login_load import seed, start_server  # noqa: E402

UPLOAD_ID = re.compile(r'name="upload_id" value="([^"]+)"')


def delegate_csv(rows: int) -> bytes:
    lines = ["Họ và tên,Chức vụ,Đơn vị,Email,Nhóm,Thứ tự"]
    lines += [
        f"Trần Thị Bích Ngọc {n},Chuyên viên,Sở Xây dựng Hà Nội,ngoc{n}@example.vn,Đại biểu,"
        for n in range(rows)
    ]
    return ("\n".join(lines) + "\n").encode()


async def run_on(label: str, url: str, rows: int, logins: int) -> None:
    api_token, codes = await seed(url)
    with tempfile.TemporaryDirectory() as folder:
        process, base = start_server(url, folder)
        try:
            desk = Desk(base, api_token, codes, timeout=120)
            organizer = httpx.AsyncClient(base_url=base, timeout=600)
            guessers = httpx.AsyncClient(
                base_url=base, limits=httpx.Limits(max_connections=logins + 5), timeout=300
            )
            alone = await desk.alone(200)

            signed_in = await organizer.post(
                "/login",
                data={
                    "username": "bantochuc",
                    "password": "the right password",
                    "_csrf_token": await login_token(organizer),
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
            during_import = await desk.scans_while(import_rows())
            import_s = time.perf_counter() - started

            csrf_login = await login_token(guessers)
            started = time.perf_counter()
            during_logins = await desk.scans_while(
                failed_logins(
                    guessers, csrf_login, logins, network=9, answers=frozenset({401, 429})
                )
            )
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
            await desk.aclose()
            for client in (organizer, guessers):
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

    async def run(label: str, url: str) -> None:
        await run_on(label, url, args.rows, args.logins)

    await on_each_database(run, "conference_bench_organizing")


if __name__ == "__main__":
    asyncio.run(main())
