"""The desk page in Debian's Chromium: a hand scanner types, the panel answers, nothing is lost."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from conference import auth
from conference.invitations.substitutes import read_substitute, set_substitute
from conference.tables import Delegate, Event, Role
from tests.invitations.helpers import make_event


@pytest.fixture
async def desk_page(db, live_server, chromium_browser, sample_password):
    await make_event()
    # Held today: a scan sent later carries its own time, which must fall on the event's day.
    today = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()
    await Event.update({Event.date: today}).where(Event.slug == "hn-2022")
    await auth.create_user("letan", sample_password, Role.desk)
    context = await chromium_browser.new_context(viewport={"width": 1024, "height": 800})
    page = await context.new_page()
    await page.goto(f"{live_server.url}/login?next=/events/hn-2022/desk/")
    await page.fill("input[name=username]", "letan")
    await page.fill("input[name=password]", sample_password)
    await page.click("button[type=submit]")
    await page.wait_for_selector("#scan")
    # The page's scripts have run: the queue kept on this device is loaded.
    await page.wait_for_selector("#desk[data-ready=yes]")
    yield page
    await context.close()


async def _token(name: str) -> str:
    return (await Delegate.select(Delegate.token).where(Delegate.full_name == name).first())[
        "token"
    ]


async def _scan(page, text: str) -> None:
    # A hand scanner is a keyboard: it types the code, then Enter.
    await page.keyboard.type(text, delay=2)
    await page.keyboard.press("Enter")


async def test_a_scan_turns_the_panel_green_then_amber_when_scanned_again(desk_page, live_server):
    page = desk_page
    token = await _token("Hoàng Cao Thắng")
    assert await page.evaluate("document.activeElement.id") == "scan"
    await _scan(page, f"{live_server.url}/i/{token}")
    await page.wait_for_selector("#result[data-result=ok]")
    panel = await page.inner_text("#result")
    assert "Ông Hoàng Cao Thắng" in panel and "Phó Bí thư Đảng ủy" in panel
    assert (
        await page.evaluate("getComputedStyle(document.getElementById('result')).backgroundColor")
        == "rgb(31, 143, 78)"
    )
    # The field kept the focus: the next scan needs no click.
    assert await page.evaluate("document.activeElement.id") == "scan"
    await _scan(page, token)
    await page.wait_for_selector("#result[data-result=already_checked_in]")
    assert "Đã điểm danh lúc" in await page.inner_text("#result")
    await _scan(page, "not-a-code-at-all")
    await page.wait_for_selector("#result[data-result=unknown]")
    # A substitute (cử người dự thay) on a leader's code is greeted in the leader's place,
    # with their own title, the name shown as text.
    row = await Delegate.select().where(Delegate.full_name == "Nguyễn Thị Thủy Lệ").first()
    named = read_substitute("Trần Văn <b>Bình</b>", "Ông", "Phó Chủ tịch Công đoàn")
    await set_substitute(row["event"], row, named)
    await _scan(page, row["token"])
    await page.wait_for_selector("#result[data-result=ok]")
    assert await page.inner_text("#result .who") == (
        "Ông Trần Văn <b>Bình</b>, dự thay Bà Nguyễn Thị Thủy Lệ"
    )
    assert "Phó Chủ tịch Công đoàn" in await page.inner_text("#result .what")
    assert await page.locator("#result b").count() == 0


async def test_find_by_name_without_diacritics_and_check_in(desk_page):
    page = desk_page
    await page.fill("#search", "dang van duc")
    button = page.locator("#found button")
    await button.wait_for()
    await button.click()
    await page.wait_for_selector("#result[data-result=ok]")
    assert "Đặng Văn Đức" in await page.inner_text("#result")
    await page.wait_for_selector("#found .arrived")
    row = await Delegate.select().where(Delegate.full_name == "Đặng Văn Đức").first()
    assert row["checked_in_at"] is not None


async def test_a_walk_in_is_registered_and_checked_in(desk_page):
    page = desk_page
    await page.fill("#walk-in input[name=full_name]", "Vũ Thị Hạnh")
    await page.fill("#walk-in input[name=organization]", "Báo Xây dựng")
    await page.click("#walk-in button[type=submit]")
    await page.wait_for_selector("#result[data-result=ok]")
    row = await Delegate.select().where(Delegate.full_name == "Vũ Thị Hạnh").first()
    assert (
        row["source"] == "walk_in" and row["checked_in_at"] is not None and len(row["token"]) >= 22
    )


async def test_undo_from_the_panel(desk_page):
    page = desk_page
    await _scan(page, await _token("Nguyễn Thị Thủy Lệ"))
    await page.wait_for_selector("#result[data-result=ok]")
    await page.click("#result button")
    await page.wait_for_function("() => !document.getElementById('result').dataset.result")
    row = await Delegate.select().where(Delegate.full_name == "Nguyễn Thị Thủy Lệ").first()
    assert row["checked_in_at"] is None


async def test_when_the_network_drops_the_page_says_so_and_sends_the_scan_once_it_is_back(
    desk_page,
):
    page = desk_page
    token = await _token("Đặng Văn Đức")
    await page.wait_for_selector("#desk[data-ready=yes]")
    await page.context.set_offline(True)
    await _scan(page, token)
    await page.wait_for_selector("#result[data-offline=yes]", timeout=15000)
    assert "Không kết nối được máy chủ" in await page.inner_text("#net-banner")
    await page.wait_for_selector("#desk[data-pending='1']")
    assert await Delegate.count().where(Delegate.checked_in_at.is_not_null()) == 0
    await page.context.set_offline(False)
    # Nobody presses anything: the page sends the queue itself when the network is back.
    await page.wait_for_selector("#desk[data-pending='0']", timeout=30000)
    await page.wait_for_selector("#net-banner", state="hidden")
    assert await Delegate.count().where(Delegate.checked_in_at.is_not_null()) == 1
