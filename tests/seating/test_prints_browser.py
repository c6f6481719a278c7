"""Prints in Chromium: badges whose printed QR decodes to the invitation, name cards and the
chart in the vendored Noto fonts only."""

from __future__ import annotations

import io
import unicodedata

import pytest
from pypdf import PdfReader

from conference import demo, demo_data
from conference.tables import Delegate
from tests.invitations.helpers import decode_qr
from tests.test_print_fonts_browser import embedded_fonts


async def _signed_in_page(chromium_browser, live_server):
    page = await chromium_browser.new_page()
    await page.goto(f"{live_server.url}/login")
    await page.fill("input[name=username]", "bantochuc")
    await page.fill("input[name=password]", "hoinghi2022")
    await page.click("button[type=submit]")
    await page.wait_for_load_state()
    return page


async def _pdf(page, url: str) -> bytes:
    response = await page.goto(url)
    assert response is not None and response.ok
    await page.evaluate("document.fonts.ready")
    return await page.pdf(prefer_css_page_size=True)


async def test_the_printed_badges_qr_decodes_to_the_invitation_url(
    db, live_server, chromium_browser
):
    await demo.load()
    page = await _signed_in_page(chromium_browser, live_server)
    pdf = await _pdf(page, f"{live_server.url}/events/{demo_data.SLUG}/seating/badges")
    reader = PdfReader(io.BytesIO(pdf))
    coming = await Delegate.count()
    assert len(reader.pages) == coming
    first = reader.pages[0]
    width_mm = float(first.mediabox.width) * 25.4 / 72
    assert 104 <= width_mm <= 106  # A6
    leader = (
        await Delegate.select(Delegate.token, Delegate.seat)
        .where(Delegate.protocol_rank == 1)
        .first()
    )
    text = _squash(first.extract_text())
    assert _squash("Nguyễn Thị Thủy Lệ") in text and _squash(f"Ghế {leader['seat']}") in text
    [image] = first.images
    assert decode_qr(image.data if image.name.endswith(".png") else _as_png(image)) == (
        f"{live_server.url}/i/{leader['token']}"
    )
    await page.close()


def _squash(text: str) -> str:
    """Text as pypdf reads it from subset fonts (spaces inside words), without spaces."""
    return unicodedata.normalize("NFC", "".join(text.split()).replace("\x00", ""))


def _as_png(image) -> bytes:
    buffer = io.BytesIO()
    image.image.save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.parametrize("path", ["cards", "chart", "badges"])
async def test_seating_prints_embed_only_the_vendored_noto_fonts(
    path, db, live_server, chromium_browser
):
    await demo.load()
    page = await _signed_in_page(chromium_browser, live_server)
    pdf = await _pdf(page, f"{live_server.url}/events/{demo_data.SLUG}/seating/{path}")
    fonts = embedded_fonts(pdf)
    assert fonts and all(name.startswith(("NotoSerif", "NotoSans")) for name in fonts), fonts
    if path == "cards":
        reader = PdfReader(io.BytesIO(pdf))
        # The presidium of 7 and the two front rows' seated delegates, one A4 landscape each.
        assert float(reader.pages[0].mediabox.width) > float(reader.pages[0].mediabox.height)
        text = _squash(reader.pages[0].extract_text())
        assert text.count(_squash("Nguyễn Thị Thủy Lệ")) == 2  # both faces
    await page.close()
