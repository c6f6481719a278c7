"""The A4 invitation print in Chromium, and what the vendored fonts weigh on a page load.

Run: .venv/bin/python bench/invitation_print.py [--delegates 500]
Starts `conference serve` on a fresh SQLite database with N delegates (the demo's event
settings: the letter in official form, a programme), logs in as an organizer in Debian's
Chromium (Playwright) and prints `/events/bench/invitations/print` (every invitation, A4)
to PDF as the browser's print does. Prints the PDF's pages, the time from asking for the
page to the PDF in hand, and pages a second; then, for a few pages, the bytes of the
vendored font files (static/vendor/noto-*) the browser fetched for one load of it, with
the cache off, beside the page's own bytes.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from checkin import seed, start_server  # noqa: E402
from conference import auth, database  # noqa: E402
from conference.settings import DatabaseURL, Settings  # noqa: E402
from conference.tables import Delegate, Event, ProgrammeItem, Role  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run"]
PASSWORD = "bench-password"


async def dress(url: str) -> str:
    """The seeded event as the demo's letter: its body, signer, programme; an organizer.
    Returns one delegate's invitation token."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    settings = Settings(database=DatabaseURL.parse(url), secret_key="bench", environment="test")
    engine = database.configure(settings)
    await database.open_pool(engine)
    try:
        await Event.update(
            {
                Event.title: "Hội nghị Tổng kết 30 năm phát động phong trào thi đua "
                '"Người tốt, việc tốt" ngành Xây dựng',
                Event.organizer_name: "Sở Xây dựng Hà Nội",
                Event.parent_agency: "UBND Thành phố Hà Nội",
                Event.venue: "Hội trường tầng 3, Sở Xây dựng Hà Nội",
                Event.address: "52 Lê Đại Hành, Hai Bà Trưng, Hà Nội",
                Event.signer_name: "Hoàng Cao Thắng",
                Event.signer_title: "Phó Giám đốc",
                Event.signer_authority: "KT.",
                Event.signer_superior_title: "Giám đốc",
                Event.document_number: "125/GM-SXD",
            },
            force=True,  # the bench's one event
        )
        event = await Event.select(Event.id).first()
        hanoi = ZoneInfo("Asia/Ho_Chi_Minh")
        for n, title in enumerate(
            ["Đón tiếp đại biểu", "Khai mạc", "Báo cáo tổng kết", "Tham luận", "Khen thưởng"]
        ):
            await ProgrammeItem(
                event=event["id"],
                position=n,
                title=title,
                starts_at=datetime(2022, 9, 12, 7 + n // 2, 30 * (n % 2), tzinfo=hanoi),
                duration_min=30,
            ).save()
        await auth.create_user("btc", PASSWORD, Role.organizer)
        row = await Delegate.select(Delegate.token).first()
        return str(row["token"])
    finally:
        await database.close_pool(engine)


async def font_bytes(page: Any, url: str) -> tuple[int, int, int]:
    """Bytes of the vendored fonts, the files fetched and the document, for one load."""
    fonts: list[Any] = []
    page.on("response", lambda r: fonts.append(r) if "/static/vendor/noto-" in r.url else None)
    response = await page.goto(url, wait_until="load")
    await page.evaluate("() => document.fonts.ready.then(() => true)")
    sizes = [len(await r.body()) for r in fonts]
    return sum(sizes), len(sizes), len(await response.body())


async def run(delegates: int) -> None:
    from playwright.async_api import async_playwright
    from pypdf import PdfReader

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.sqlite3"
        await seed(url, delegates)
        token = await dress(url)
        process, base = start_server(url, folder)
        try:
            async with async_playwright() as playwright:
                browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                context = await browser.new_context()
                page = await context.new_page()
                await page.goto(f"{base}/login?next=/events/bench/invitations/")
                await page.fill("input[name=username]", "btc")
                await page.fill("input[name=password]", PASSWORD)
                await page.click("button[type=submit]")
                await page.wait_for_url("**/events/bench/invitations/")

                started = time.perf_counter()
                await page.goto(f"{base}/events/bench/invitations/print", timeout=600_000)
                await page.evaluate("() => document.fonts.ready.then(() => true)")
                loaded = time.perf_counter() - started
                pdf = await page.pdf(format="A4", prefer_css_page_size=True)
                took = time.perf_counter() - started
                pages = len(PdfReader(io.BytesIO(pdf)).pages)
                print(
                    f"A4 invitation print, {delegates} delegates: {pages} pages, "
                    f"{len(pdf) / 1e6:.1f} MB PDF, {took:.1f} s ({loaded:.1f} s to load the "
                    f"page) = {pages / took:.1f} pages/s"
                )

                # A routed context fetches every file again: each load as a first visit's.
                await context.route("**/*", lambda route: route.continue_())
                for label, path in (
                    ("the delegate's invitation page", f"/i/{token}"),
                    ("the delegate list", "/events/bench/delegates/"),
                    ("the invitations page", "/events/bench/invitations/"),
                ):
                    fresh = await context.new_page()
                    size, files, document = await font_bytes(fresh, base + path)
                    print(
                        f"vendored fonts on {label}: {size / 1024:.1f} KiB in {files} files "
                        f"(the document itself {document / 1024:.1f} KiB)"
                    )
                    await fresh.close()
                await browser.close()
        finally:
            process.terminate()
            process.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--delegates", type=int, default=500)
    args = parser.parse_args()
    asyncio.run(run(args.delegates))


if __name__ == "__main__":
    main()
