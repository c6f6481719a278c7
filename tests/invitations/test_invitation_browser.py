"""The invitation in a real browser: the SVG QR code as drawn decodes, the page fits a phone."""

from __future__ import annotations

import re

import pytest

from conference import auth
from conference.tables import Delegate, Role
from tests.invitations.helpers import decode_qr, make_event


@pytest.fixture
async def token(db) -> str:
    _, ids = await make_event()
    return (await Delegate.select(Delegate.token).where(Delegate.id == ids[1]).first())["token"]


async def test_the_qr_code_drawn_on_a_phone_decodes_to_the_invitation_url(
    token, live_server, chromium_browser
):
    context = await chromium_browser.new_context(viewport={"width": 375, "height": 812})
    page = await context.new_page()
    await page.goto(f"{live_server.url}/i/{token}")
    shot = await page.locator(".qr-code svg").screenshot()
    assert decode_qr(shot) == f"{live_server.url}/i/{token}"
    assert await page.evaluate("document.documentElement.scrollWidth") <= 375
    # Accept from the phone: the page says so after the answer.
    await page.click("button[value=accepted]")
    await page.wait_for_selector("[data-rsvp=accepted]")
    await context.close()


async def test_the_print_view_puts_each_invitation_on_its_own_a4_page(
    db, live_server, chromium_browser
):
    _, ids = await make_event()
    await auth.create_user("btc", "correct horse battery", Role.organizer)
    page = await chromium_browser.new_page()
    await page.goto(f"{live_server.url}/login")
    await page.fill("input[name=username]", "btc")
    await page.fill("input[name=password]", "correct horse battery")
    await page.click("button[type=submit]")
    await page.wait_for_load_state()
    await page.goto(
        f"{live_server.url}/events/hn-2022/invitations/print?ids={ids[0]},{ids[1]},{ids[2]}"
    )
    pdf = await page.pdf(prefer_css_page_size=True)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages == 3
    await page.close()


async def _platform_fonts(page, selector: str) -> dict[str, int]:
    """The fonts Chromium actually drew the text of every element under ``selector`` with,
    and how many glyphs each (DevTools' CSS.getPlatformFontsForNode), "custom" marking a
    web font."""
    cdp = await page.context.new_cdp_session(page)
    await cdp.send("DOM.enable")
    await cdp.send("CSS.enable")
    root = await cdp.send("DOM.getDocument", {"depth": -1})
    found = await cdp.send(
        "DOM.querySelectorAll", {"nodeId": root["root"]["nodeId"], "selector": selector}
    )
    fonts: dict[str, int] = {}
    for node in found["nodeIds"]:
        used = await cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})
        for font in used["fonts"]:
            name = font["familyName"] + (" (custom)" if font["isCustomFont"] else "")
            fonts[name] = fonts.get(name, 0) + font["glyphCount"]
    await cdp.detach()
    return fonts


async def test_the_printed_letter_draws_every_vietnamese_letter_in_the_vendored_noto_serif(
    db, live_server, chromium_browser
):
    _, ids = await make_event()
    await auth.create_user("btc", "correct horse battery", Role.organizer)
    page = await chromium_browser.new_page()
    fonts_fetched: list[str] = []
    page.on("request", lambda r: fonts_fetched.append(r.url) if ".woff2" in r.url else None)
    await page.goto(f"{live_server.url}/login")
    await page.fill("input[name=username]", "btc")
    await page.fill("input[name=password]", "correct horse battery")
    await page.click("button[type=submit]")
    await page.wait_for_load_state()
    await page.goto(f"{live_server.url}/events/hn-2022/invitations/print?ids={ids[1]}")
    await page.evaluate("document.fonts.ready")
    assert await page.evaluate(
        """() => document.fonts.check('16px "Noto Serif"', 'ư ơ ệ')
              && [...document.fonts].some(f => f.family === 'Noto Serif'
                   && f.status === 'loaded' && f.unicodeRange.includes('U+1EA0-1EF9'))"""
    )
    family = await page.evaluate(
        "getComputedStyle(document.querySelector('.addressee')).fontFamily"
    )
    assert family.startswith('"Noto Serif"')
    letter = await page.inner_text(".letter")
    assert {"ư", "ơ", "ự", "ộ", "ắ"} <= set(letter)  # the letters Liberation Serif lacks
    fonts = await _platform_fonts(page, ".letter, .letter *")
    # Every glyph of the letter from the vendored font: none from a fallback font.
    assert set(fonts) == {"Noto Serif (custom)"}, fonts
    assert all(url.startswith(f"{live_server.url}/static/vendor/noto-") for url in fonts_fetched)
    await page.close()
