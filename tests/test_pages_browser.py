"""The pages in a real browser (Debian's Chromium): log in on a phone, read the dashboard."""

from __future__ import annotations

import pytest

from conference import demo
from conference.auth import create_user
from conference.tables import Role


@pytest.fixture
async def seeded(db):
    await demo.load()
    await create_user("btc2", "correct horse battery", Role.organizer)
    return db


async def test_organizer_logs_in_on_a_phone_and_sees_the_dashboard(
    seeded, live_server, chromium_browser, tmp_path
):
    context = await chromium_browser.new_context(
        viewport={"width": 390, "height": 844}, locale="vi-VN"
    )
    page = await context.new_page()
    await page.goto(f"{live_server.url}/events/nguoi-tot-viec-tot-2022")
    # Anonymous: sent to the login page, which comes back here afterwards.
    assert "/login" in page.url
    await page.fill("input[name=username]", "btc2")
    await page.fill("input[name=password]", "correct horse battery")
    await page.click("button[type=submit]")
    await page.wait_for_url("**/events/nguoi-tot-viec-tot-2022")
    assert "Người tốt, việc tốt" in await page.inner_text("h1")
    assert await page.inner_text("[data-stat=delegates]") == "153"
    assert "Đại biểu được mời" in await page.content()
    await page.screenshot(path=str(tmp_path / "dashboard-phone.png"), full_page=True)
    # Nothing is wider than the phone: no sideways scrolling at the desk.
    assert await page.evaluate("document.documentElement.scrollWidth") <= 390

    await page.click("a[lang=en]")
    await page.wait_for_load_state()
    assert "Delegates invited" in await page.content()
    assert await page.evaluate("document.documentElement.lang") == "en"
    await context.close()


async def test_a_wrong_password_shows_a_vietnamese_message(seeded, live_server, chromium_browser):
    page = await chromium_browser.new_page()
    await page.goto(f"{live_server.url}/login")
    await page.fill("input[name=username]", "btc2")
    await page.fill("input[name=password]", "wrong password")
    await page.click("button[type=submit]")
    assert "Sai tên đăng nhập hoặc mật khẩu" in await page.inner_text("[role=alert]")
    await page.close()
