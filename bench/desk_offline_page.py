"""The offline desk in the browser: Enter to answer with no network, and the queue's upload.

Run: .venv/bin/python bench/desk_offline_page.py [--delegates 10000] [--scans 100]
Starts `conference serve` on a fresh SQLite database with N delegates, opens the desk page
in Debian's Chromium (Playwright), waits for the service worker and the snapshot, and scans
codes as a hand scanner does, online and then with the network cut
(``context.set_offline``). Prints, from the page's own clock (performance.now): the time
from the Enter key to the answer in the result panel (p50, p95, max), online (the scan
queued, sent and answered) and offline; the time to open the page again from the worker's cache,
and, once the network is back, the time until the queue is empty (one batch upload).
``answer_times(page, codes)`` is the measuring part, for another bench to call.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from checkin import seed, start_server  # noqa: E402
from conference import database  # noqa: E402
from conference.settings import DatabaseURL, Settings  # noqa: E402
from conference.tables import Event  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run"]

# Enter (keydown, caught before the page's own handlers) to the panel showing an answer
# (the mutation of its data-result; offline ones only when asked), in the page's own clock.
MEASURE = """(offline) => {
  const result = document.getElementById("result");
  window.__offline = { times: [], started: 0 };
  document.addEventListener("keydown", (event) => {
    const enter = event.key === "Enter" && event.target.id === "scan";
    if (enter) window.__offline.started = performance.now();
  }, true);
  new MutationObserver(() => {
    const run = window.__offline;
    const shown = result.dataset.result && (!offline || result.dataset.offline === "yes");
    if (run.started && shown) {
      run.times.push(performance.now() - run.started);
      run.started = 0;
    }
  }).observe(result, { attributes: true, attributeFilter: ["data-result", "data-offline"] });
}"""


async def answer_times(page: Any, codes: list[str], *, offline: bool = True) -> list[float]:
    """Scan each code in the desk page; the Enter-to-answer times, in ms."""
    await page.evaluate(MEASURE, offline)
    for i, code in enumerate(codes):
        await page.fill("#scan", code)
        await page.press("#scan", "Enter")
        await page.wait_for_function(f"window.__offline.times.length > {i}")
    return list(await page.evaluate("window.__offline.times"))


async def held_today(url: str) -> None:
    """Queued scans carry their own time, which must fall on the event's day."""
    settings = Settings(database=DatabaseURL.parse(url), secret_key="bench", environment="test")
    engine = database.configure(settings)
    await database.open_pool(engine)
    try:
        today = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()
        await Event.update({Event.date: today}).where(Event.slug == "bench")
    finally:
        await database.close_pool(engine)


def spread(label: str, times: list[float]) -> None:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    print(
        f"{label}: n={len(times)} p50={statistics.median(times):.1f} ms "
        f"p95={p95:.1f} ms max={ordered[-1]:.1f} ms"
    )


async def run(delegates: int, scans: int) -> None:
    from playwright.async_api import async_playwright

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.sqlite3"
        _, tokens = await seed(url, delegates)
        await held_today(url)
        process, base = start_server(url, folder)
        try:
            async with async_playwright() as playwright:
                browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                context = await browser.new_context(viewport={"width": 390, "height": 844})
                page = await context.new_page()
                await page.goto(f"{base}/login?next=/events/bench/desk/")
                await page.fill("input[name=username]", "bench")
                await page.fill("input[name=password]", "bench-password")
                started = time.perf_counter()
                await page.click("button[type=submit]")
                await page.wait_for_selector("#desk[data-worker-ready=yes]", timeout=120_000)
                await page.wait_for_function(
                    f"Number(document.getElementById('desk').dataset.snapshot) >= {delegates}",
                    timeout=120_000,
                )
                print(
                    f"desk page open with its snapshot of {delegates} delegates: "
                    f"{(time.perf_counter() - started) * 1000:.0f} ms (login included)"
                )
                online = [f"{base}/i/{token}" for token in tokens[scans : 2 * scans]]
                spread(
                    "Enter to answer, online (queued, sent, answered)",
                    await answer_times(page, online, offline=False),
                )
                await page.reload()
                await page.wait_for_selector("#desk[data-ready=yes]")
                await context.set_offline(True)
                codes = [f"{base}/i/{token}" for token in tokens[:scans]]
                spread("Enter to offline answer", await answer_times(page, codes))

                started = time.perf_counter()
                await page.reload()
                await page.wait_for_selector("#desk[data-ready=yes]")
                print(
                    f"page reopened offline from the worker's cache, queue and snapshot loaded: "
                    f"{(time.perf_counter() - started) * 1000:.0f} ms"
                )
                await page.wait_for_selector(f"#desk[data-pending='{scans}']")
                started = time.perf_counter()
                await context.set_offline(False)
                await page.wait_for_selector("#desk[data-pending='0']", timeout=120_000)
                print(
                    f"network back to queue empty, {scans} scans: "
                    f"{(time.perf_counter() - started) * 1000:.0f} ms"
                )
                await browser.close()
        finally:
            process.terminate()
            process.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--delegates", type=int, default=10_000)
    parser.add_argument("--scans", type=int, default=100)
    args = parser.parse_args()
    asyncio.run(run(args.delegates, args.scans))


if __name__ == "__main__":
    main()
