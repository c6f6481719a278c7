"""The speaker timer on two pages: the largest difference, in ms, between what they show.

Run: .venv/bin/python bench/timer_pages.py [--seconds 20] [--skew-min 7]
Starts `conference serve` on a fresh SQLite database with the demo conference, opens the
lectern screen (/events/{slug}/timer) twice in Debian's Chromium (Playwright): one page
with a correct clock, one whose Date.now() and new Date() run ``--skew-min`` minutes fast
(an init script). It starts the timer on the report's speaker and, for ``--seconds``,
records on each page the real instant (performance.timeOrigin + performance.now(), which
the override does not touch) at which each displayed value appeared. Prints, for the
values both pages showed, the largest and the median difference between those instants,
and what the wrong page would have been off by without the offset correction.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from checkin import start_server  # noqa: E402
from conference import auth, database, demo  # noqa: E402
from conference.settings import DatabaseURL, Settings  # noqa: E402
from conference.tables import ProgrammeItem, Role  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run"]
SLUG = "nguoi-tot-viec-tot-2022"
WRONG_CLOCK = """(() => {
  const skew = SKEW; const RealDate = Date; const realNow = RealDate.now.bind(RealDate);
  class WrongDate extends RealDate {
    constructor(...args) { if (args.length === 0) super(realNow() + skew); else super(...args); }
    static now() { return realNow() + skew; }
  }
  window.Date = WrongDate;
})();"""


async def prepare(url: str) -> tuple[str, int]:
    settings = Settings(database=DatabaseURL.parse(url), secret_key="bench", environment="test")
    engine = database.configure(settings)
    await database.open_pool(engine)
    try:
        await database.migrate()
        await demo.load()
        await auth.create_user("benchmc", "bench-password-123", Role.mc)
        token = await auth.create_token("benchmc")
        item = await ProgrammeItem.select().where(ProgrammeItem.kind == "report").first()
        return token, int(item["id"])
    finally:
        await database.close_pool(engine)


async def measure(base: str, token: str, item_id: int, seconds: float, skew_ms: int) -> None:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        pages = []
        for skew in (0, skew_ms):
            context = await browser.new_context()
            if skew:
                await context.add_init_script(WRONG_CLOCK.replace("SKEW", str(skew)))
            page = await context.new_page()
            await page.goto(f"{base}/events/{SLUG}/timer")
            await page.wait_for_function("window.conferenceTimer?.samples() >= 5")
            pages.append(page)
        async with httpx.AsyncClient(headers={"authorization": f"Bearer {token}"}) as http:
            answer = await http.post(
                f"{base}/api/events/{SLUG}/timer/start", json={"item_id": item_id}
            )
            answer.raise_for_status()
        await asyncio.sleep(seconds)
        shown = [await p.evaluate("window.conferenceTimer.shown") for p in pages]
        offsets = [await p.evaluate("window.conferenceTimer.offset()") for p in pages]
        await browser.close()
    right = dict((text, at) for text, at in shown[0][1:])
    gaps = [abs(at - right[text]) for text, at in shown[1][1:] if text in right]
    print(f"values both pages showed: {len(gaps)} over {seconds:.0f} s")
    if gaps:
        print(f"largest difference between the two pages: {max(gaps):.1f} ms")
        print(f"median difference: {statistics.median(gaps):.1f} ms")
    print(
        f"offsets the pages estimated: {offsets[0]:.1f} ms (right clock), "
        f"{offsets[1]:.1f} ms (clock {skew_ms / 60000:.0f} min fast); "
        f"uncorrected, the second page would be {skew_ms} ms off"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--skew-min", type=float, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.sqlite3"
        token, item_id = asyncio.run(prepare(url))
        process, base = start_server(url, folder)
        try:
            asyncio.run(measure(base, token, item_id, args.seconds, int(args.skew_min * 60000)))
        finally:
            process.terminate()
            process.wait()


if __name__ == "__main__":
    main()
