"""Import 10,000 delegates from CSV and XLSX, then again (unchanged), then with every seat moved.

Runs on a fresh temp SQLite database, and on PostgreSQL when CONFERENCE_TEST_DATABASE_URL
is set: there it creates a separate database, conference_bench, and drops it at the end
(the test database is left alone). Prints seconds for planning and applying each step.

    .venv/bin/python bench/invitations_import.py
    BENCH_ROWS=50000 .venv/bin/python bench/invitations_import.py
"""

from __future__ import annotations

import asyncio
import os
import random
import sys
import tempfile
import time
from collections.abc import Awaitable
from datetime import date
from datetime import time as clock
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from conference import database
from conference.invitations.exporting import to_csv, to_xlsx
from conference.invitations.importing import COLUMNS, apply_import, plan_import
from conference.settings import DatabaseURL, Settings
from conference.spreadsheets import ImportFileError
from conference.tables import Event

T = TypeVar("T")
ROWS = int(os.environ.get("BENCH_ROWS", "10000"))  # BENCH_ROWS=50000 for the large sheet
BENCH_DATABASE = "conference_bench"


def words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FAMILY = words("Nguyễn Trần Lê Phạm Hoàng Vũ Đặng Bùi Đỗ Ngô Dương Lý Đinh Trịnh Phan Hồ Đào")
MIDDLE = words("Văn Thị Đức Minh Quang Hữu Công Quốc Thu Ngọc Thanh Hồng Kim Bích Xuân")
GIVEN = words(
    "Hùng Dũng Tuấn Hải Long Nam Thành Cường Quân Đức Trung Hiếu Khánh Đạt Thắng Hương Lan Hà"
    " Linh Trang Hằng Huyền Mai Thảo Yến Nga Vân Dung Hạnh Loan Thủy Lệ"
)
POSITIONS = (
    "Giám đốc", "Phó Giám đốc", "Trưởng phòng Kế hoạch - Tài chính", "Chủ tịch Công đoàn cơ sở",
    "Đội trưởng Đội Thoát nước số 2", "Chuyên viên chính", "Phó Chánh Văn phòng",
)  # fmt: skip
ORGANIZATIONS = (
    "Sở Xây dựng Hà Nội", "Công đoàn ngành Xây dựng Hà Nội", "Công ty TNHH MTV Thoát nước Hà Nội",
    "Công ty TNHH MTV Nước sạch Hà Nội", "Tổng công ty Đầu tư phát triển hạ tầng đô thị UDIC",
    "Viện Quy hoạch xây dựng Hà Nội", "Ban Quản lý Nghĩa trang và Tang lễ Hà Nội",
)  # fmt: skip
GROUPS = ("Lãnh đạo", "Khách mời", "Đại biểu", "Khen thưởng", "Báo chí")


def delegate_rows(seat_row: str = "F") -> tuple[list[str], list[list[str]]]:
    """A realistic delegate list, the same on every run: the export's own columns."""
    rng = random.Random(20220912)
    rows = []
    for n in range(1, ROWS + 1):
        female = rng.random() < 0.45
        middle = "Thị" if female and rng.random() < 0.6 else rng.choice(MIDDLE)
        name = f"{rng.choice(FAMILY)} {middle} {rng.choice(GIVEN)}"
        cells = {
            "code": f"DB{n:05d}",
            "honorific": "Bà" if female else "Ông",
            "full_name": name,
            "position": rng.choice(POSITIONS),
            "organization": rng.choice(ORGANIZATIONS),
            "email": "" if rng.random() < 0.15 else f"daibieu{n}@thudientu.example",
            "phone": f"09{rng.randint(10, 99)} {rng.randint(0, 999):03d} {rng.randint(0, 999):03d}",
            "group": rng.choice(GROUPS),
            "protocol_rank": str(n) if n <= 50 else "",
            "seat": f"{seat_row}{n}",
            "notes": "Đón tại sảnh tầng 1" if rng.random() < 0.05 else "",
        }
        rows.append([cells[column.field] for column in COLUMNS])
    return [column.header for column in COLUMNS], rows


async def timed(work: Awaitable[T]) -> tuple[T, float]:
    start = time.perf_counter()
    result = await work
    return result, time.perf_counter() - start


async def run_steps(backend: str) -> None:
    headers, rows = delegate_rows()
    _, moved = delegate_rows(seat_row="G")
    files = {
        "csv": (to_csv(headers, rows), to_csv(headers, moved)),
        "xlsx": (to_xlsx(headers, rows), to_xlsx(headers, moved)),
    }
    for kind, (first, changed) in files.items():
        event = Event(
            slug=f"bench-{kind}",
            title="Hội nghị",
            date=date(2022, 9, 12),
            starts_at=clock(8),
            ends_at=clock(11),
        )
        await event.save()
        size = f"{len(first) / 1024:.0f} KiB"
        for step, data in (("first", first), ("again", first), ("changed", changed)):
            try:
                plan, plan_s = await timed(plan_import(event.id, f"ds.{kind}", data))
            except ImportFileError as refused:
                print(f"{backend:<9} {kind:<5} {size:>9} {step:<8} refused: {refused}")
                break
            result, apply_s = await timed(apply_import(event.id, plan))
            counts = f"+{result.added} ~{result.updated} ={result.unchanged}"
            print(
                f"{backend:<9} {kind:<5} {size:>9} {step:<8} plan {plan_s:6.2f} s"
                f"  apply {apply_s:6.2f} s  total {plan_s + apply_s:6.2f} s  {counts}"
            )


async def on_sqlite() -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = DatabaseURL.parse(f"sqlite:///{Path(folder) / 'bench.sqlite3'}")
        database.configure(Settings(database=url, secret_key="bench", environment="test"))
        await database.migrate()
        await run_steps("sqlite")


async def on_postgres(test_url: str) -> None:
    parts = urlsplit(test_url)
    bench_url = urlunsplit(parts._replace(path=f"/{BENCH_DATABASE}"))
    admin = await asyncpg.connect(test_url)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}"')
        await admin.execute(f'CREATE DATABASE "{BENCH_DATABASE}"')
        engine = database.make_engine(DatabaseURL.parse(bench_url))
        database.use_engine(engine)
        await database.open_pool(engine)
        try:
            await database.migrate()
            await run_steps("postgres")
        finally:
            await database.close_pool(engine)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}"')
        await admin.close()


async def main() -> None:
    print(f"{ROWS} delegates; Python {sys.version.split()[0]}")
    await on_sqlite()
    test_url = os.environ.get("CONFERENCE_TEST_DATABASE_URL", "")
    if test_url:
        await on_postgres(test_url)
    else:
        print("postgres  skipped: CONFERENCE_TEST_DATABASE_URL is not set")


if __name__ == "__main__":
    asyncio.run(main())
