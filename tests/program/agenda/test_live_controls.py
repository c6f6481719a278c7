"""Live controls apart from planning: times far from the event's day ask first, delays
only count what happened on the event's own date, Enter in "±phút" never starts an item."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from conference import auth
from conference.errors import InvalidInput
from conference.events import get_event
from conference.program.agenda import services
from conference.program.agenda.schemas import ItemInput
from conference.tables import ProgrammeItem, Role
from tests.invitations.helpers import make_event

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def at(hh: int, mm: int, day: int = 12) -> datetime:
    return datetime(2022, 9, day, hh, mm, tzinfo=HANOI)


@pytest.fixture
async def event(db):
    """hn-2022, 12/9/2022: an opening at 08h00 and a speech at 08h30 (plus make_event's)."""
    await make_event()
    event = await get_event("hn-2022")
    first = await services.create_item(
        event["id"], ItemInput(title="Khai mạc", starts_at=at(8, 0), duration_min=30)
    )
    second = await services.create_item(
        event["id"], ItemInput(title="Báo cáo", starts_at=at(8, 30), duration_min=30)
    )
    return {**event, "first": first, "second": second}


async def test_a_start_more_than_a_day_from_the_event_is_refused_unless_confirmed(event):
    with pytest.raises(InvalidInput) as refused:
        await services.record_start(event, event["first"])  # now: years after 12/9/2022
    assert refused.value.code == "far_from_the_day"
    assert "12/9/2022" in str(refused.value)
    assert (await services.get_item(event["id"], event["first"]))["actual_start"] is None
    with pytest.raises(InvalidInput):
        await services.record_end(event, event["first"], at(9, 0, day=14))
    # The day before (a rehearsal) and the day itself are within a day: no question.
    assert (await services.record_start(event, event["second"], at(16, 0, day=11))).recorded
    assert (await services.record_start(event, event["first"], confirmed=True)).recorded
    # Already started: nothing to record, nothing to ask.
    assert not (await services.record_start(event, event["first"])).recorded


async def test_times_recorded_on_another_day_leave_the_plan_everywhere(event, client):
    # The run sheet's Next on a test day records a start: "chậm 2220724 phút" before.
    await services.mark_item_started(event["id"], event["first"], datetime.now(UTC))
    programme = await services.load_programme(event, now=datetime.now(UTC))
    assert programme.timings[event["second"]].delay_min == 0
    assert programme.timings[event["second"]].expected_start == at(8, 30)
    outline = await services.programme_outline(event["id"])
    assert all(item.delay_min == 0 and item.expected_start is None for item in outline)
    panel = (await client.get("/events/hn-2022/screen/panel")).text
    assert "chậm" not in panel and "dự kiến" not in panel
    data = (await client.get("/api/events/hn-2022/program.json")).json()
    live = data["schedule"]["conference"]["meta"]["live"]
    assert live[str(event["second"])]["delay_min"] == 0
    # The same start on the event's own date does count.
    await services.set_actual_times(event["id"], event["first"], at(8, 12), None)
    programme = await services.load_programme(event)
    assert programme.timings[event["second"]].delay_min == 12


async def test_enter_in_the_minutes_box_shifts_and_never_starts(
    event, live_server, chromium_browser, sample_password
):
    await auth.create_user("btc", sample_password, Role.organizer)
    page = await chromium_browser.new_page()
    await page.goto(f"{live_server.url}/login?next=/events/hn-2022/programme/")
    await page.fill("input[name=username]", "btc")
    await page.fill("input[name=password]", sample_password)
    await page.click("button[type=submit]")
    minutes = page.locator(f"#item-{event['first']} input[name=minutes]")
    await minutes.fill("10")
    async with page.expect_navigation():
        await minutes.press("Enter")
    first = await services.get_item(event["id"], event["first"])
    second = await services.get_item(event["id"], event["second"])
    assert first["actual_start"] is None and first["actual_end"] is None
    assert second["actual_start"] is None
    assert first["starts_at"] == at(8, 10) and second["starts_at"] == at(8, 40)
    assert "chậm" not in await page.inner_text(".programme-items")
    assert await ProgrammeItem.count().where(ProgrammeItem.actual_start.is_not_null()) == 0
    await page.close()


async def test_a_far_start_from_the_page_asks_first_and_a_no_records_nothing(
    event, live_server, chromium_browser, sample_password
):
    await auth.create_user("btc", sample_password, Role.organizer)
    page = await chromium_browser.new_page()
    await page.goto(f"{live_server.url}/login?next=/events/hn-2022/programme/")
    await page.fill("input[name=username]", "btc")
    await page.fill("input[name=password]", sample_password)
    await page.click("button[type=submit]")
    asked: list[str] = []

    async def answer(dialog) -> None:
        asked.append(dialog.message)
        await (dialog.dismiss() if len(asked) == 1 else dialog.accept())

    page.on("dialog", answer)
    started = page.locator(f"#item-{event['first']} button", has_text="Bắt đầu")
    await started.click()
    assert asked and "12/9/2022" in asked[0]
    assert (await services.get_item(event["id"], event["first"]))["actual_start"] is None
    async with page.expect_navigation():
        await page.locator(f"#item-{event['first']} button", has_text="Bắt đầu").click()
    assert len(asked) == 2
    assert (await services.get_item(event["id"], event["first"]))["actual_start"] is not None
    await page.close()
