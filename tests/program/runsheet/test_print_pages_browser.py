"""The MC's script prints without blank half-pages and keeps an announcement with its
batch: a cue may run on to the next page (its heading stays with its first lines), an
announcement is never left at a page's foot with its batch on the next. Pages counted
by pypdf from Chromium's PDF of the demo's script."""

from __future__ import annotations

import io
import itertools
import unicodedata

from pypdf import PdfReader

from conference import auth, demo
from conference.tables import Cue, CueState, Role

S = "/events/nguoi-tot-viec-tot-2022"


def _unspaced(text: str) -> str:
    # pypdf puts spaces inside words where a letter has marks: compare without any.
    return "".join(unicodedata.normalize("NFC", text).split())


async def test_the_mc_script_fills_its_pages_and_keeps_announcements_with_their_batch(
    db, live_server, chromium_browser, sample_password
):
    await demo.load()
    await auth.create_user("btc", sample_password, Role.organizer)
    cues = await Cue.select(Cue.position, Cue.title, Cue.kind, Cue.state).order_by(Cue.position)
    printed = [c for c in cues if c["state"] != CueState.skipped]
    page = await chromium_browser.new_page()
    await page.goto(f"{live_server.url}/login")
    await page.fill("input[name=username]", "btc")
    await page.fill("input[name=password]", sample_password)
    await page.click("button[type=submit]")
    await page.wait_for_load_state()
    response = await page.goto(f"{live_server.url}{S}/runsheet/print")
    assert response is not None and response.ok
    await page.evaluate("document.fonts.ready")
    pdf = await page.pdf(format="A4", prefer_css_page_size=True)
    await page.close()
    pages = [_unspaced(p.extract_text()) for p in PdfReader(io.BytesIO(pdf)).pages]
    print(f"MC script: {len(pages)} pages, {len(printed)} cues")

    def page_of(cue: dict) -> int:
        heading = _unspaced(f"{cue['position']}. {cue['title']}")[:40]
        return next(i for i, text in enumerate(pages) if heading in text)

    pairs = [
        (a, b)
        for a, b in itertools.pairwise(printed)
        if a["kind"] == "announcement" and b["kind"] == "batch"
    ]
    assert pairs, "the demo's script has announcements before batches"
    for announcement, batch in pairs:
        assert page_of(announcement) == page_of(batch), (announcement["title"], batch["title"])
    # No blank half-pages: every page but the last is at least two thirds full of text.
    lengths = [len(text) for text in pages]
    fullest = max(lengths)
    assert all(n >= fullest * 2 / 3 for n in lengths[:-1]), lengths
