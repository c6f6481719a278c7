"""The arrivals dashboard: figures, the timeline, the VIPs still expected, live in a browser."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx

from conference import auth
from conference.checkin.services import arrivals
from conference.events import get_event
from conference.tables import Delegate, Event, Role
from tests.invitations.helpers import make_event


async def test_the_timeline_counts_arrivals_per_five_minutes_in_the_events_zone(db):
    _, ids = await make_event()
    times = [
        datetime(2022, 9, 12, 0, 31, tzinfo=UTC),
        datetime(2022, 9, 12, 0, 34, tzinfo=UTC),
        datetime(2022, 9, 12, 0, 47, tzinfo=UTC),
    ]
    for delegate_id, moment in zip(ids, times, strict=False):
        await Delegate.update({Delegate.checked_in_at: moment}).where(Delegate.id == delegate_id)
    result = await arrivals(await get_event("hn-2022"))
    assert [(slot.strftime("%H:%M"), n) for slot, n in result.timeline] == [
        ("07:30", 2),
        ("07:35", 0),
        ("07:40", 0),
        ("07:45", 1),
    ]
    assert [a["name"] for a in result.recent] == [
        "Ông Đặng Văn Đức",
        "Ông Hoàng Cao Thắng",
        "Bà Nguyễn Thị Thủy Lệ",
    ]


async def test_vips_waiting_leave_out_the_arrived_the_declined_and_the_withdrawn(db):
    _, ids = await make_event()
    await Event.update({Event.vip_rank_threshold: 2}).where(Event.slug == "hn-2022")
    await Delegate.update({Delegate.notify_on_arrival: True}).where(Delegate.id == ids[2])
    event = await get_event("hn-2022")
    waiting = [d["full_name"] for d in (await arrivals(event)).vips_waiting]
    assert waiting == ["Nguyễn Thị Thủy Lệ", "Hoàng Cao Thắng", "Đặng Văn Đức"]
    await Delegate.update({Delegate.checked_in_at: datetime.now(UTC)}).where(Delegate.id == ids[0])
    await Delegate.update({Delegate.rsvp: "declined"}).where(Delegate.id == ids[2])
    assert [d["full_name"] for d in (await arrivals(event)).vips_waiting] == ["Hoàng Cao Thắng"]


async def test_the_dashboard_updates_without_reload_when_a_desk_checks_in(
    db, live_server, chromium_browser, sample_password
):
    await make_event()
    await Event.update({Event.vip_rank_threshold: 2}).where(Event.slug == "hn-2022")
    await auth.create_user("btc", sample_password, Role.organizer)
    await auth.create_user("letan", sample_password, Role.desk)
    desk = {"authorization": f"Bearer {await auth.create_token('letan')}"}
    page = await chromium_browser.new_page()
    await page.goto(f"{live_server.url}/login?next=/events/hn-2022/arrivals/")
    await page.fill("input[name=username]", "btc")
    await page.fill("input[name=password]", sample_password)
    await page.click("button[type=submit]")
    await page.wait_for_selector("#arrivals[data-live-state=open]")
    assert await page.inner_text("[data-stat=checked_in]") == "0"
    assert "Hoàng Cao Thắng" in await page.inner_text("#vips-waiting")
    token = (
        await Delegate.select(Delegate.token).where(Delegate.full_name == "Hoàng Cao Thắng").first()
    )["token"]
    async with httpx.AsyncClient(headers=desk) as http:
        answer = await http.post(
            f"{live_server.url}/api/events/hn-2022/checkins", json={"code": token}
        )
    assert answer.json()["result"] == "ok"
    await page.wait_for_function(
        "() => document.querySelector('[data-stat=checked_in]').textContent === '1'"
    )
    assert "Hoàng Cao Thắng" not in await page.inner_text("#vips-waiting")
    banner = await page.inner_text("#vip-banner")
    assert banner.startswith("Ông Hoàng Cao Thắng, Phó Bí thư Đảng ủy") and "đã đến lúc" in banner
    assert "Ông Hoàng Cao Thắng" in await page.inner_text("#recent")
    await page.wait_for_selector("#chart svg rect")
    await page.close()


async def test_the_by_group_table_follows_the_counters_live(
    db, live_server, chromium_browser, sample_password
):
    await make_event()
    await auth.create_user("btc", sample_password, Role.organizer)
    organizer = {"authorization": f"Bearer {await auth.create_token('btc')}"}
    tokens = {
        row["full_name"]: (row["id"], row["token"])
        for row in await Delegate.select(Delegate.id, Delegate.full_name, Delegate.token)
    }
    page = await chromium_browser.new_page()
    await page.goto(f"{live_server.url}/login?next=/events/hn-2022/arrivals/")
    await page.fill("input[name=username]", "btc")
    await page.fill("input[name=password]", sample_password)
    await page.click("button[type=submit]")
    await page.wait_for_selector("#arrivals[data-live-state=open]")

    async def arrived_in(group: str) -> str:
        return await page.inner_text(f'#by-group tr[data-group="{group}"] [data-arrived]')

    assert await arrived_in("Lãnh đạo") == "0"
    api = f"{live_server.url}/api/events/hn-2022"
    async with httpx.AsyncClient(headers=organizer) as http:
        for name in ("Nguyễn Thị Thủy Lệ", "Hoàng Cao Thắng", "Lê Văn Hùng"):
            answer = await http.post(f"{api}/checkins", json={"code": tokens[name][1]})
            assert answer.json()["result"] == "ok"
        await page.wait_for_function(
            "() => document.querySelector('#by-group tr[data-group=\"Lãnh đạo\"] [data-arrived]')"
            ".textContent === '2'"
        )
        assert await arrived_in("Đại biểu") == "1"
        assert await arrived_in("Khen thưởng") == "0"
        assert await page.inner_text("[data-stat=checked_in]") == "3"
        undone = await http.delete(f"{api}/checkins/{tokens['Hoàng Cao Thắng'][0]}")
        assert undone.status_code in (200, 204)
    await page.wait_for_function(
        "() => document.querySelector('#by-group tr[data-group=\"Lãnh đạo\"] [data-arrived]')"
        ".textContent === '1'"
    )
    assert await page.inner_text("[data-stat=checked_in]") == "2"
    cells = await page.eval_on_selector_all(
        "#by-group [data-arrived]", "cells => cells.map(c => Number(c.textContent))"
    )
    assert sum(cells) == 2
    await page.close()
