"""The live plan in Chromium: a seat turns "arrived" when a desk checks its delegate in."""

from __future__ import annotations

import httpx

from conference import auth, demo, demo_data
from conference.tables import Delegate, HallSeat, Role


async def test_the_plan_turns_a_seat_arrived_when_the_desk_checks_that_person_in(
    db, live_server, chromium_browser, sample_password
):
    await demo.load()
    await auth.create_user("letan2", sample_password, Role.desk)
    desk = {"authorization": f"Bearer {await auth.create_token('letan2')}"}
    leader = (
        await Delegate.select(Delegate.id, Delegate.token, Delegate.seat)
        .where(Delegate.protocol_rank == 2)
        .first()
    )
    seat = await HallSeat.select(HallSeat.label).where(HallSeat.delegate == leader["id"]).first()
    assert seat["label"] == leader["seat"] == "CT-5"
    page = await chromium_browser.new_page()
    await page.goto(f"{live_server.url}/login?next=/events/{demo_data.SLUG}/seating/")
    await page.fill("input[name=username]", "bantochuc")
    await page.fill("input[name=password]", "hoinghi2022")
    await page.click("button[type=submit]")
    await page.wait_for_selector("#seating[data-live-state=open]")
    selector = f'.hall-plan .seat[data-label="{seat["label"]}"]'
    assert "waiting" in (await page.get_attribute(selector, "class") or "")
    arrived_before = int(await page.inner_text("[data-stat=arrived]"))
    assert "Hoàng Cao Thắng" in await page.inner_text("#front-waiting")
    async with httpx.AsyncClient(headers=desk) as http:
        answer = await http.post(
            f"{live_server.url}/api/events/{demo_data.SLUG}/checkins",
            json={"code": leader["token"]},
        )
    assert answer.json()["result"] == "ok" and answer.json()["delegate"]["seat"] == "CT-5"
    await page.wait_for_selector(f"{selector}.arrived")
    assert int(await page.inner_text("[data-stat=arrived]")) == arrived_before + 1
    assert "Hoàng Cao Thắng" not in await page.inner_text("#front-waiting")
    # Another organizer moves someone: the plan says it is out of date.
    assert await page.is_hidden("#seating-changed")
    organizer = {"authorization": f"Bearer {await auth.create_token('bantochuc')}"}
    async with httpx.AsyncClient(headers=organizer) as http:
        cleared = await http.post(
            f"{live_server.url}/api/events/{demo_data.SLUG}/seating/clear", json={"seat": "CT-7"}
        )
    assert cleared.status_code == 200
    await page.wait_for_selector("#seating-changed", state="visible")
    # Clicking a seat chooses it: the panel names who sits there.
    await page.click(selector)
    await page.wait_for_selector("#chosen")
    assert "Hoàng Cao Thắng" in await page.inner_text("#chosen")
    await page.close()


async def test_the_desk_asks_for_the_new_seats_as_soon_as_the_plan_changes(
    db, live_server, chromium_browser
):
    await demo.load()
    context = await chromium_browser.new_context()
    page = await context.new_page()
    await page.goto(f"{live_server.url}/login?next=/events/{demo_data.SLUG}/desk/")
    await page.fill("input[name=username]", "letan")
    await page.fill("input[name=password]", "hoinghi2022")
    await page.click("button[type=submit]")
    await page.wait_for_selector("#desk[data-ready=yes]")
    await page.wait_for_timeout(1500)  # the live stream open, the first snapshot taken
    organizer = {"authorization": f"Bearer {await auth.create_token('bantochuc')}"}
    async with page.expect_request(
        lambda r: "/desk/snapshot?since=" in r.url, timeout=10_000
    ) as asked:
        async with httpx.AsyncClient(headers=organizer) as http:
            answer = await http.post(
                f"{live_server.url}/api/events/{demo_data.SLUG}/seating/clear",
                json={"seat": "CT-7"},
            )
        assert answer.status_code == 200
    response = await (await asked.value).response()
    assert response is not None and response.ok
    changed = (await response.json())["delegates"]
    assert any(d["seat"] == "" and d.get("protocol_rank") == 6 for d in changed)
    await context.close()


async def test_dragging_a_person_onto_a_free_seat_moves_them_and_onto_a_blocked_one_is_refused(
    db, live_server, chromium_browser
):
    await demo.load()
    page = await chromium_browser.new_page(viewport={"width": 1400, "height": 1000})
    await page.goto(f"{live_server.url}/login?next=/events/{demo_data.SLUG}/seating/")
    await page.fill("input[name=username]", "bantochuc")
    await page.fill("input[name=password]", "hoinghi2022")
    await page.click("button[type=submit]")
    await page.wait_for_selector("#seating[data-live-state=open]")
    leader = await Delegate.select(Delegate.id).where(Delegate.protocol_rank == 1).first()
    await page.drag_and_drop('.seat[data-label="CT-4"]', '.seat[data-label="B-H7"]')
    await page.wait_for_url("**?seat=B-H7")
    seat = await HallSeat.select().where(HallSeat.label == "B-H7").first()
    assert seat["delegate"] == leader["id"] and seat["pinned"]
    assert "Nguyễn Thị Thủy Lệ" in await page.inner_text("#chosen")
    await page.drag_and_drop('.seat[data-label="B-H7"]', '.seat[data-label="A-H1"]')
    await page.wait_for_selector("#seating-changed", state="visible")
    assert "khóa" in await page.inner_text("#seating-changed")
    assert (await HallSeat.select().where(HallSeat.label == "B-H7").first())["delegate"] == (
        leader["id"]
    )
    await page.close()
