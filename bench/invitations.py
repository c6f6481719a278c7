"""Invitation figures: rendering e-mails with QR codes, and sending them to a local SMTP server.

Run: .venv/bin/python bench/invitations.py [--count 5000]
Prints invitations rendered per second (cold QR cache: each code generated once),
the same for bare ``segno.make`` + PNG as the ratio, and messages sent per second
through the outbox to a local aiosmtpd, on SQLite (and PostgreSQL when
CONFERENCE_TEST_DATABASE_URL is set; a separate database ``conference_bench`` is
created there and dropped). The import figures are in bench/invitations_import.py.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import socket
import sys
import tempfile
import time
from datetime import date, datetime
from datetime import time as clock
from email.headerregistry import Address
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

import asyncpg
import segno
from aiosmtpd.controller import Controller

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from conference import database, program
from conference.invitations import (
    DelegateInput,
    add_delegates,
    qr,
)
from conference.invitations.mail import SmtpConfig, SmtpMailer
from conference.invitations.rendering import build_email, build_invitation
from conference.invitations.sending import BATCH, queue_invitations, send_pending
from conference.settings import DatabaseURL, Settings
from conference.tables import Delegate, DelegateSource, Event, ProgrammeItem

BASE_URL = "https://hoinghi.soxaydung.hanoi.example"
SENDER = Address("Ban tổ chức", addr_spec="hoinghi@example.vn")
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thu", "Ngọc", "Hữu", "Thanh"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hà", "Hương", "Lan", "Long", "Mai", "Thắng", "Đức"]


def people(count: int) -> list[DelegateInput]:
    return [
        DelegateInput(
            full_name=f"{FAMILY[i % 10]} {MIDDLE[i % 8]} {GIVEN[i % 11]}",
            honorific="Ông" if i % 2 else "Bà",
            position="Trưởng phòng",
            organization=f"Công ty Xây dựng số {i % 40 + 1}",
            email=f"daibieu{i}@example.vn",
            code=f"DB{i:05d}",
        )
        for i in range(count)
    ]


async def seed(count: int) -> int:
    event = Event(
        slug="bench",
        title='Hội nghị Tổng kết 30 năm phong trào thi đua "Người tốt, việc tốt" ngành Xây dựng',
        organizer_name="Sở Xây dựng Hà Nội",
        venue="Hội trường tầng 3",
        address="52 Lê Đại Hành, Hà Nội",
        date=date(2022, 9, 12),
        starts_at=clock(7, 30),
        ends_at=clock(11, 30),
        signer_name="Hoàng Cao Thắng",
        signer_title="Phó Giám đốc Sở Xây dựng Hà Nội",
    )
    await event.save()
    zone = ZoneInfo("Asia/Ho_Chi_Minh")
    for position, (hour, title) in enumerate(
        [
            (7, "Đón tiếp đại biểu"),
            (8, "Báo cáo kết quả phong trào"),
            (9, "Phát biểu chỉ đạo"),
            (10, "Trao Bằng khen"),
            (11, "Bế mạc"),
        ],
        start=1,
    ):
        await ProgrammeItem(
            event=event.id,
            position=position,
            title=title,
            duration_min=30,
            starts_at=datetime(2022, 9, 12, hour, 30, tzinfo=zone),
        ).save()
    for start in range(0, count, 1000):
        await add_delegates(
            event.id, people(count)[start : start + 1000], source=DelegateSource.imported
        )
    return event.id


async def render_figures(event_id: int) -> tuple[float, float]:
    event = await Event.select().where(Event.id == event_id).first()
    programme = await program.programme_outline(event_id)
    delegates = await Delegate.select().where(Delegate.event == event_id)
    qr.png_cache.clear()
    qr.qr_svg.cache_clear()
    await qr.prepare_png(
        [f"{BASE_URL}/i/warm-up-{i}" for i in range(qr.PARALLEL_FROM)]
    )  # start workers
    started = time.perf_counter()
    size = 0
    # As the outbox does it: a batch's codes made together on every core, then its e-mails.
    for start in range(0, len(delegates), BATCH):
        batch = delegates[start : start + BATCH]
        await qr.prepare_png([qr.invitation_url(BASE_URL, d["token"]) for d in batch])
        for delegate in batch:
            message = build_email(
                build_invitation(event, delegate, programme, BASE_URL), sender=SENDER
            )
            size += len(message.data)
    rendered = len(delegates) / (time.perf_counter() - started)
    started = time.perf_counter()
    for delegate in delegates:
        buffer = io.BytesIO()
        code = segno.make(f"{BASE_URL}/i/{delegate['token']}", error="m", micro=False)
        code.save(buffer, kind="png", scale=qr.email_scale(int(code.symbol_size()[0])), border=4)
    bare = len(delegates) / (time.perf_counter() - started)
    print(f"  average message: {size / len(delegates) / 1024:.1f} KiB")
    return rendered, bare


class Counter:
    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def send_figures(event_id: int) -> float:
    counter = Counter()
    port = free_port()
    controller = Controller(counter, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        await queue_invitations(event_id, only_unsent=True)
        mailer = SmtpMailer(SmtpConfig.parse(f"smtp://127.0.0.1:{port}"))
        started = time.perf_counter()
        result = await send_pending(event_id, mailer, base_url=BASE_URL, sender=SENDER, rate=0)
        elapsed = time.perf_counter() - started
        assert result.sent == counter.count, (result, counter.count)
        return result.sent / elapsed
    finally:
        controller.stop()


async def run_on(url: str, count: int, label: str) -> None:
    settings = Settings(database=DatabaseURL.parse(url), secret_key="bench", environment="test")
    engine = database.configure(settings)
    await database.open_pool(engine)
    try:
        await database.migrate()
        event_id = await seed(count)
        rendered, bare = await render_figures(event_id)
        print(f"{label}: rendering e-mail + QR for {count}: {rendered:.0f} invitations/s")
        print(
            f"{label}: bare segno.make + PNG: {bare:.0f} codes/s "
            f"(rendering is {rendered / bare:.2f}x of it)"
        )
        sent = await send_figures(event_id)
        print(
            f"{label}: sending {count} to a local aiosmtpd through the outbox: "
            f"{sent:.0f} messages/s"
        )
    finally:
        await database.close_pool(engine)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=5000)
    count = parser.parse_args().count
    with tempfile.TemporaryDirectory() as folder:
        await run_on(f"sqlite:///{folder}/bench.sqlite3", count, "SQLite")
    pg = os.environ.get("CONFERENCE_TEST_DATABASE_URL")
    if pg:
        parts = urlsplit(pg)
        admin = urlunsplit(parts._replace(path="/postgres"))
        bench = urlunsplit(parts._replace(path="/conference_bench"))
        connection = await asyncpg.connect(admin)
        await connection.execute("DROP DATABASE IF EXISTS conference_bench")
        await connection.execute("CREATE DATABASE conference_bench")
        try:
            await run_on(bench, count, "PostgreSQL")
        finally:
            await connection.execute("DROP DATABASE IF EXISTS conference_bench")
            await connection.close()


if __name__ == "__main__":
    asyncio.run(main())
