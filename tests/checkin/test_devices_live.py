"""Desk devices against a running server: the pairing QR code as a camera reads it, a phone
paired by it, and a revoked phone's live stream ending."""

from __future__ import annotations

import asyncio
import re
import time

import httpx
import pytest

from conference import auth
from conference.tables import Delegate, Role
from tests.checkin.test_devices import DEVICES, LABEL, PAIRING_URL
from tests.conftest import CSRF_FIELD, REDIS_URL, log_in, require, servers_of
from tests.invitations.helpers import decode_qr, make_event


@pytest.fixture
async def events(db, sample_password) -> None:
    await make_event("hn-2022")
    await make_event("other-2023")
    await auth.create_user("btc", sample_password, Role.organizer)


async def test_the_pairing_qr_decodes_to_the_link_that_pairs_a_phone(
    events, live_server, chromium_browser, sample_password
):
    organizer = await chromium_browser.new_context(viewport={"width": 1280, "height": 900})
    phone = await chromium_browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    try:
        page = await organizer.new_page()
        await page.goto(f"{live_server.url}/login?next={DEVICES}")
        await page.fill("input[name=username]", "btc")
        await page.fill("input[name=password]", sample_password)
        await page.click("button[type=submit]")
        await page.fill("input[name=label]", LABEL)
        await page.click("form[action$='/desk/devices/'] button[type=submit]")
        qr = page.locator(".pairing-qr svg")
        await qr.wait_for()
        shown = await page.text_content("#pairing-url") or ""  # in a closed <details>
        assert shown.startswith(f"{live_server.url}/pair/")
        read = decode_qr(await qr.screenshot())  # what a phone's camera reads
        assert read == shown

        mobile = await phone.new_page()
        await mobile.goto(read)
        await mobile.wait_for_selector("#scan")
        assert mobile.url == f"{live_server.url}/events/hn-2022/desk/"
        assert LABEL in await mobile.inner_text("header.site")
        # The organizer's page, still open on the code, says the phone is in, by itself.
        await page.wait_for_selector("#pairing[data-paired=yes]")
        assert await qr.is_hidden()
        assert "đã được ghép nối" in await page.inner_text("#paired")
        token = (await Delegate.select(Delegate.token).order_by(Delegate.id).first())["token"]
        await mobile.fill("#scan", token)
        await mobile.press("#scan", "Enter")
        await mobile.wait_for_selector("#result[data-result=ok]")
        row = await Delegate.select(Delegate.checked_in_desk).where(Delegate.token == token).first()
        assert row["checked_in_desk"] == LABEL

        # Ask before revoking: the button only opens the question.
        await page.goto(f"{live_server.url}{DEVICES}")
        await page.click("details.confirm summary")
        assert "Điện thoại sẽ bị đăng xuất ngay" in await page.inner_text("details.confirm")
        await page.click("details.confirm button[type=submit]")
        await page.wait_for_selector(".flash.success")
        await mobile.reload()
        assert "/login" in mobile.url
    finally:
        await organizer.close()
        await phone.close()


async def _revoke_over_http(server_url: str, sample_password: str, device_id: int) -> None:
    async with httpx.AsyncClient(base_url=server_url) as organizer:
        await log_in(organizer, "btc", sample_password)
        page = await organizer.get(DEVICES)
        token = CSRF_FIELD.search(page.text).group(1)  # type: ignore[union-attr]
        revoked = await organizer.post(
            f"{DEVICES}{device_id}/revoke", data={"_csrf_token": token}, follow_redirects=False
        )
        assert revoked.status_code in (302, 303)


async def _pair_over_http(server_url: str, sample_password: str) -> tuple[httpx.AsyncClient, int]:
    """An organizer creates a device; a phone (the returned client) pairs by its link."""
    async with httpx.AsyncClient(base_url=server_url) as organizer:
        await log_in(organizer, "btc", sample_password)
        page = await organizer.get(DEVICES)
        token = CSRF_FIELD.search(page.text).group(1)  # type: ignore[union-attr]
        made = await organizer.post(DEVICES, data={"_csrf_token": token, "label": LABEL})
        url = PAIRING_URL.search(made.text).group(1)  # type: ignore[union-attr]
        listed = (await organizer.get(DEVICES)).text
        device_id = int(re.search(r"/devices/(\d+)/", listed)[1])  # type: ignore[index]
    phone = httpx.AsyncClient(base_url=server_url, timeout=40)
    desk = await phone.get(url, follow_redirects=True)
    assert desk.status_code == 200 and "/desk/" in str(desk.url)
    return phone, device_id


async def test_a_revoked_phones_live_stream_ends_at_its_next_check(
    events, live_server, sample_password
):
    phone, device_id = await _pair_over_http(live_server.url, sample_password)
    try:
        async with phone.stream("GET", "/api/events/hn-2022/live") as stream:
            assert stream.status_code == 200
            lines = stream.aiter_lines()
            assert (await asyncio.wait_for(lines.__anext__(), 10)).startswith(":")

            await _revoke_over_http(live_server.url, sample_password, device_id)

            async def drain() -> None:
                async for _ in lines:
                    pass

            # The stream checks at its keep-alive (every 15 s), then ends.
            await asyncio.wait_for(drain(), 30)
        again = await phone.get("/api/events/hn-2022/live")
        assert again.status_code == 401
    finally:
        await phone.aclose()


async def test_a_device_revoked_on_one_server_process_is_refused_by_the_others_at_once(
    events, start_server, sample_password
):
    require(bool(REDIS_URL), "CONFERENCE_TEST_REDIS_URL is not set")
    first = start_server(CONFERENCE_REDIS_URL=REDIS_URL)
    second = start_server(CONFERENCE_REDIS_URL=REDIS_URL)
    phone, device_id = await _pair_over_http(first.url, sample_password)
    try:
        stats = f"{second.url}/api/events/hn-2022/stats"
        assert (await phone.get(stats)).status_code == 200  # the second process remembers it
        await _revoke_over_http(first.url, sample_password, device_id)
        revoked_at = time.monotonic()
        # The message between processes takes a moment; remembering lasts AUTH_CACHE_S (10 s).
        while (await phone.get(stats)).status_code == 200:
            assert time.monotonic() - revoked_at < auth.AUTH_CACHE_S / 2, "still let in"
            await asyncio.sleep(0.05)
        assert (await phone.get(stats)).status_code == 401
    finally:
        await phone.aclose()


async def test_a_device_revoked_on_one_process_is_refused_by_the_others_through_postgres(
    postgres_db, tmp_path, sample_password
):
    # No Redis: the processes tell each other through PostgreSQL's LISTEN/NOTIFY.
    await make_event("hn-2022")
    await auth.create_user("btc", sample_password, Role.organizer)
    with servers_of(postgres_db, tmp_path) as start:
        first = start(CONFERENCE_CHANNELS="postgres")
        second = start(CONFERENCE_CHANNELS="postgres")
        phone, device_id = await _pair_over_http(first.url, sample_password)
        try:
            stats = f"{second.url}/api/events/hn-2022/stats"
            assert (await phone.get(stats)).status_code == 200
            await _revoke_over_http(first.url, sample_password, device_id)
            revoked_at = time.monotonic()
            while (await phone.get(stats)).status_code == 200:
                assert time.monotonic() - revoked_at < auth.AUTH_CACHE_S / 2, "still let in"
                await asyncio.sleep(0.05)
            assert (await phone.get(stats)).status_code == 401
        finally:
            await phone.aclose()
