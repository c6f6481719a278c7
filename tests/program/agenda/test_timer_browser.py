"""The lectern screen in Chromium: its phases; a page whose clock is wrong shows the same second."""

from __future__ import annotations

import asyncio

import httpx

from conference import auth, demo
from conference.events import get_event
from conference.program.agenda import timer
from conference.tables import ProgrammeItem, Role, Speaker, SpeechTimer

SLUG = "nguoi-tot-viec-tot-2022"
SKEW_MS = 7 * 60 * 1000

# The page's own clock seven minutes fast: Date.now() and new Date() both, as a PC whose
# clock nobody set would be.
WRONG_CLOCK = """
(() => {
  const skew = SKEW;
  const RealDate = Date;
  const realNow = RealDate.now.bind(RealDate);
  class WrongDate extends RealDate {
    constructor(...args) { if (args.length === 0) super(realNow() + skew); else super(...args); }
    static now() { return realNow() + skew; }
  }
  window.Date = WrongDate;
})();
""".replace("SKEW", str(SKEW_MS))

LATEST_SHOWN = "window.conferenceTimer ? window.conferenceTimer.shown.slice(-1)[0] : null"


def _seconds(text: str) -> int:
    sign = -1 if text.startswith("+") else 1
    minutes, seconds = text.lstrip("+").split(":")
    return sign * (int(minutes) * 60 + int(seconds))


async def _lectern(browser, server, *, wrong_clock: bool = False):
    context = await browser.new_context()
    if wrong_clock:
        await context.add_init_script(WRONG_CLOCK)
    page = await context.new_page()
    await page.goto(f"{server.url}/events/{SLUG}/timer")
    await page.wait_for_function(
        "() => window.conferenceTimer && window.conferenceTimer.samples() >= 5"
    )
    return page


async def test_the_lectern_counts_down_turns_amber_red_and_a_wrong_clock_shows_the_same_second(
    db, live_server, chromium_browser, sample_password
):
    await demo.load()
    event = await get_event(SLUG)
    await auth.create_user("dct", sample_password, Role.mc)
    mc = {"authorization": f"Bearer {await auth.create_token('dct')}"}
    report = await ProgrammeItem.select().where(ProgrammeItem.kind == "report").first()
    speaker = await Speaker.select().where(Speaker.item == report["id"]).first()
    await timer.set_slot(event["id"], speaker["id"], 1)
    await timer.set_warning(event, 0.25)  # amber 15 s before the end
    right = await _lectern(chromium_browser, live_server)
    wrong = await _lectern(chromium_browser, live_server, wrong_clock=True)
    assert await wrong.evaluate("Date.now() - performance.timeOrigin - performance.now()") > (
        SKEW_MS - 5000
    )
    assert await right.get_attribute("#speech-timer", "data-phase") == "idle"
    api = f"{live_server.url}/api/events/{SLUG}/timer"
    async with httpx.AsyncClient(headers=mc) as http:
        started = await http.post(f"{api}/start", json={"item_id": report["id"]})
        assert started.status_code == 200, started.text
        for page in (right, wrong):
            await page.wait_for_selector("#speech-timer[data-phase=running]", timeout=5000)
        assert "Bà Nguyễn Thị Thanh" in await right.inner_text("[data-timer-speaker]")
        await asyncio.sleep(2.5)
        # Both pages show the same second: the wrong clock's page shows it changing at the
        # same instant as the right one (real time, which the override does not touch).
        shown = [await page.evaluate(LATEST_SHOWN) for page in (right, wrong)]
        assert abs(_seconds(shown[0][0]) - _seconds(shown[1][0])) <= 1, shown
        same = await right.evaluate("window.conferenceTimer.shown.map(s => s[0])")
        changes = {text: at for text, at in await wrong.evaluate("window.conferenceTimer.shown")}
        moments = [
            (at, changes[text])
            for text, at in await right.evaluate("window.conferenceTimer.shown")
            if text in changes and text != same[0]
        ]
        assert moments, (same, changes)
        assert max(abs(a - b) for a, b in moments) < 1000, moments
        assert 50 <= _seconds(await right.inner_text("[data-timer-digits]")) <= 60

        paused = await http.post(f"{api}/pause")
        assert paused.status_code == 200
        await right.wait_for_selector("#speech-timer[data-phase=paused]", timeout=5000)
        # Resumed 14 s before the end: amber at once, red at zero, then the overtime counts.
        await SpeechTimer.update({SpeechTimer.elapsed_ms: 46_000}).where(
            SpeechTimer.event == event["id"]
        )
        assert (await http.post(f"{api}/start", json={})).status_code == 200
        for page in (right, wrong):
            await page.wait_for_selector("#speech-timer[data-phase=warning]", timeout=5000)
        for page in (right, wrong):
            await page.wait_for_selector("#speech-timer[data-phase=overtime]", timeout=20000)
        await right.wait_for_function(
            "() => document.querySelector('[data-timer-digits]').textContent.startsWith('+0:0')"
        )
        await asyncio.sleep(1.2)
        late = [_seconds(await p.inner_text("[data-timer-digits]")) for p in (right, wrong)]
        assert late[0] < 0 and abs(late[0] - late[1]) <= 1, late
        assert (
            await right.evaluate(
                "getComputedStyle(document.querySelector('#speech-timer')).backgroundColor"
            )
            == "rgb(204, 0, 0)"
        )
