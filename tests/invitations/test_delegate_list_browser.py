"""The delegate list in a real browser: a laptop's screen holds many delegates, a phone cards."""

from __future__ import annotations

import pytest

from conference import demo

LIST = "/events/nguoi-tot-viec-tot-2022/delegates"


@pytest.fixture
async def seeded(db):
    await demo.load()
    return db


async def _logged_in(browser, base: str, viewport: dict[str, int]):
    context = await browser.new_context(viewport=viewport, locale="vi-VN")
    page = await context.new_page()
    await page.goto(f"{base}/login")
    await page.fill("input[name=username]", "bantochuc")
    await page.fill("input[name=password]", "hoinghi2022")
    await page.click("button[type=submit]")
    await page.wait_for_load_state()
    await page.goto(f"{base}{LIST}")
    return context, page


async def _rows_in_view(page) -> int:
    return await page.evaluate(
        """() => [...document.querySelectorAll("#delegate-table tbody tr")]
            .filter((row) => row.getBoundingClientRect().bottom <= window.innerHeight).length"""
    )


async def test_a_laptop_screen_shows_fifteen_delegates_one_line_each_and_remembers_the_columns(
    seeded, live_server, chromium_browser
):
    context, page = await _logged_in(
        chromium_browser, live_server.url, {"width": 1366, "height": 768}
    )
    assert await _rows_in_view(page) >= 15
    # One line a delegate: every row as tall as the first.
    heights = await page.evaluate(
        """() => [...document.querySelectorAll("#delegate-table tbody tr")]
            .map((row) => Math.round(row.getBoundingClientRect().height))"""
    )
    assert len(heights) == 100 and max(heights) <= 40, heights[:20]
    # Every column in view: the table is no wider than its window.
    assert await page.evaluate(
        "() => document.querySelector('.table-window').scrollWidth"
        " <= document.querySelector('.table-window').clientWidth"
    )
    # The header stays in view while the window scrolls.
    await page.evaluate("() => { document.querySelector('.table-window').scrollTop = 1500; }")
    header_top = await page.evaluate(
        """() => document.querySelector("#delegate-table thead th").getBoundingClientRect().top
            - document.querySelector(".table-window").getBoundingClientRect().top"""
    )
    assert abs(header_top) <= 1
    # The organizer hides the contact column: after a reload it stays hidden.
    assert await page.is_visible("th.col-contact")
    await page.click("details.columns-choice summary")
    await page.uncheck("input[name=column][value=contact]")
    assert not await page.is_visible("th.col-contact")
    await page.reload()
    assert not await page.is_visible("th.col-contact")
    assert await page.is_visible("th.col-seat")
    await context.close()


async def test_on_a_phone_each_delegate_is_a_card_without_sideways_scrolling(
    seeded, live_server, chromium_browser
):
    context, page = await _logged_in(
        chromium_browser, live_server.url, {"width": 390, "height": 844}
    )
    assert not await page.is_visible("#delegate-table thead")
    card = page.locator("#delegate-table tbody tr").first
    assert await card.evaluate("(row) => getComputedStyle(row).display") == "block"
    assert await page.evaluate("() => document.documentElement.scrollWidth") <= 390
    await context.close()
