"""The PDFs Chromium prints embed only the vendored Noto fonts: no machine's own fallback."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from conference import auth
from conference.tables import Role
from tests.invitations.helpers import make_event


def embedded_fonts(pdf: bytes) -> set[str]:
    """The base names of the fonts in a PDF, without the subset prefix ("ABCDEF+")."""
    names: set[str] = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        resources = page.get("/Resources")
        fonts = resources.get_object().get("/Font") if resources else None
        for ref in (fonts.get_object() if fonts else {}).values():
            font = ref.get_object()
            for named in (font, *(c.get_object() for c in font.get("/DescendantFonts", []))):
                # A Type 3 font (a fallback drawn as glyph procedures) has no /BaseFont.
                base = str(named.get("/BaseFont") or f"/{named.get('/Subtype')}")
                names.add(base.lstrip("/").split("+")[-1])
    return names


@pytest.mark.parametrize(
    "path", ["invitations/print", "programme/print", "runsheet/print"], ids=lambda p: p
)
async def test_a_printed_page_embeds_only_the_vendored_noto_fonts(
    path, db, live_server, chromium_browser
):
    await make_event()
    await auth.create_user("btc", "correct horse battery", Role.organizer)
    page = await chromium_browser.new_page()
    await page.goto(f"{live_server.url}/login")
    await page.fill("input[name=username]", "btc")
    await page.fill("input[name=password]", "correct horse battery")
    await page.click("button[type=submit]")
    await page.wait_for_load_state()
    response = await page.goto(f"{live_server.url}/events/hn-2022/{path}")
    assert response is not None and response.ok
    await page.evaluate("document.fonts.ready")
    fonts = embedded_fonts(await page.pdf(prefer_css_page_size=True))
    assert fonts, "no text printed"
    assert all(name.startswith(("NotoSerif", "NotoSans")) for name in fonts), fonts
    await page.close()
