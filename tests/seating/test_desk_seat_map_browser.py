"""The desk's green panel in Chromium: a small map of the hall with the delegate's seat marked,
drawn from the snapshot the desk holds (no request per scan)."""

from __future__ import annotations

from conference import demo, demo_data
from conference.tables import Delegate, HallSeat
from tests.conftest import servers_of


async def test_the_green_panel_shows_a_small_map_with_the_delegates_seat_marked(
    sqlite_db, chromium_browser, tmp_path
):
    # The page is the same on PostgreSQL (the snapshot's hall is tested on both in test_api).
    await demo.load()
    leader = await Delegate.select(Delegate.token).where(Delegate.seat == "CT-5").first()
    seat = (
        await HallSeat.select(
            HallSeat.label, HallSeat.row, HallSeat.number, HallSeat.delegate.token
        )
        .where((HallSeat.block == "B") & HallSeat.delegate.is_not_null())
        .order_by(HallSeat.depth)
        .first()
    )
    assert leader and seat
    with servers_of(sqlite_db, tmp_path) as start:
        server = start()
        page = await chromium_browser.new_page()
        await page.goto(f"{server.url}/login?next=/events/{demo_data.SLUG}/desk/")
        await page.fill("input[name=username]", "letan")
        await page.fill("input[name=password]", "hoinghi2022")
        await page.click("button[type=submit]")
        await page.wait_for_selector("#desk[data-ready=yes]")
        await page.wait_for_function("() => window.deskSeatMap && window.deskSeatMap.known()")
        scans: list[str] = []
        page.on("request", lambda r: scans.append(r.url) if "/seating" in r.url else None)
        await page.keyboard.type(leader["token"], delay=1)
        await page.keyboard.press("Enter")
        await page.wait_for_selector('#result[data-result=ok] .seat-place[data-seat="CT-5"]')
        assert await page.inner_text("#result .seat-place figcaption") == "Đoàn chủ tịch · ghế 5"
        assert await page.locator("#result .seat-place svg .here").count() == 1
        seats = await page.locator("#result .seat-place svg .s").count()
        assert seats > 100  # the whole hall in miniature
        await page.keyboard.type(seat["delegate.token"], delay=1)
        await page.keyboard.press("Enter")
        await page.wait_for_selector(f'#result .seat-place[data-seat="{seat["label"]}"]')
        caption = await page.inner_text("#result .seat-place figcaption")
        assert caption == f"Khu B · hàng {seat['row']} · ghế {seat['number']}"
        box = await page.evaluate(
            "() => { const r = document.querySelector('#result .seat-place .here');"
            " const v = r.ownerSVGElement.viewBox.baseVal;"
            " return [Number(r.getAttribute('x')) / v.width,"
            " Number(r.getAttribute('y')) / v.height]; }"
        )
        assert 0.2 < box[0] < 0.8 and box[1] > 0.2  # the centre block, below the presidium
        assert scans == []  # no request for the map
        await page.close()
