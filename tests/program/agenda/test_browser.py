"""The hall screen in Debian's Chromium: it follows the programme live, without a reload."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest

from conference import auth
from conference.program.agenda import services
from conference.program.agenda.schemas import ItemInput
from conference.tables import Event, ProgrammeItem, Role
from tests.invitations.helpers import make_event

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
async def today(db, sample_password) -> dict:
    """An event whose programme runs now: an item planned 2 minutes ago, the next in 18."""
    event_id, _ = await make_event()
    await ProgrammeItem.delete().where(ProgrammeItem.event == event_id)
    now = datetime.now(HANOI).replace(second=0, microsecond=0)
    # Delays are only computed on the event's own date: the event is today.
    await Event.update(
        {Event.date: now.date(), Event.starts_at: time(0, 0), Event.ends_at: time(23, 59)}
    ).where(Event.id == event_id)
    first = await services.create_item(
        event_id,
        ItemInput(title="Báo cáo tổng kết", starts_at=now - timedelta(minutes=2), duration_min=20),
    )
    second = await services.create_item(
        event_id,
        ItemInput(
            title="Phát biểu chỉ đạo", starts_at=now + timedelta(minutes=18), duration_min=20
        ),
    )
    await auth.create_user("mc", sample_password, Role.mc)
    token = await auth.create_token("mc")
    return {"first": first, "second": second, "token": token, "now": now}


async def test_the_hall_screen_updates_without_reload_when_an_item_is_started(
    today, live_server, chromium_browser
):
    context = await chromium_browser.new_context(viewport={"width": 1920, "height": 1080})
    page = await context.new_page()
    await page.goto(f"{live_server.url}/events/hn-2022/screen")  # no login: a public screen
    await page.wait_for_selector("#screen[data-live-state=open]")
    now_block = page.locator(f".screen-now[data-item='{today['first']}']")
    assert "Theo chương trình" in await now_block.text_content()  # nobody recorded a start yet
    assert "Phát biểu chỉ đạo" in await page.inner_text(".screen-next")
    assert "chậm" not in await page.inner_text("#panel")
    await page.evaluate("window.stillTheSamePage = true")

    # The run sheet (or an organizer) records the start, 2 minutes late.
    async with httpx.AsyncClient() as http:
        answer = await http.post(
            f"{live_server.url}/api/events/hn-2022/programme/items/{today['first']}/start",
            json={"at": today["now"].isoformat()},
            headers={"authorization": f"Bearer {today['token']}"},
        )
    assert answer.json()["recorded"] is True

    await page.wait_for_function(
        "() => document.querySelector('.screen-now h2')?.textContent.includes('Đang diễn ra')",
        timeout=10000,
    )
    next_text = await page.inner_text(".screen-next")
    assert "chậm 2 phút" in next_text and "dự kiến" in next_text
    assert await page.evaluate("window.stillTheSamePage") is True
    # Large type, for the back of the hall.
    size = await page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('.screen-now .screen-item-title'))"
        ".fontSize)"
    )
    assert size >= 60
    await context.close()


async def test_the_hall_screen_fits_a_phone(today, live_server, chromium_browser):
    context = await chromium_browser.new_context(viewport={"width": 390, "height": 844})
    page = await context.new_page()
    await page.goto(f"{live_server.url}/events/hn-2022/screen")
    await page.wait_for_selector(".screen-now")
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    await context.close()
