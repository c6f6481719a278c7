"""The stage and MC views on a phone (390 × 844) in Chromium, and a rehearsal run from the page."""

from __future__ import annotations

from conference import auth, demo
from conference.tables import Cue, ProgrammeItem, Role

SLUG = "nguoi-tot-viec-tot-2022"
PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}


async def _phone_page(browser, server, username, password, path):
    context = await browser.new_context(**PHONE)
    page = await context.new_page()
    await page.goto(f"{server.url}/login?next={path}")
    await page.fill("input[name=username]", username)
    await page.fill("input[name=password]", password)
    await page.click("button[type=submit]")
    await page.wait_for_selector("#runsheet[data-live-state=open]")
    return page


async def _box(page, selector: str) -> dict:
    """Where an element is on the first screen (read in one go: the panel is swapped live)."""
    return await page.evaluate(
        """(selector) => {
            const r = document.querySelector(selector).getBoundingClientRect();
            return {x: r.x + scrollX, y: r.y + scrollY, width: r.width, height: r.height};
        }""",
        selector,
    )


async def _times() -> list:
    cues = await Cue.select(Cue.id, Cue.state, Cue.started_at, Cue.ended_at).order_by(Cue.id)
    items = await ProgrammeItem.select(
        ProgrammeItem.id, ProgrammeItem.actual_start, ProgrammeItem.actual_end
    ).order_by(ProgrammeItem.id)
    return [cues, items]


async def test_on_a_phone_the_live_cue_and_next_are_on_the_first_screen_without_key_hints(
    db, live_server, chromium_browser, sample_password
):
    await demo.load()
    await auth.create_user("sankhau", sample_password, Role.mc)
    stage = await _phone_page(
        chromium_browser, live_server, "sankhau", sample_password, f"/events/{SLUG}/runsheet/"
    )
    await stage.click("#btn-next")
    await stage.wait_for_function("() => document.querySelector('.panel').dataset.current !== ''")
    await stage.wait_for_timeout(500)  # the panel swapped in after the move
    for selector in ("#btn-next", "#btn-previous", "#stage-current header"):
        box = await _box(stage, selector)
        assert box is not None and box["y"] + box["height"] <= 844, (selector, box)
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, (selector, box)
    assert not await stage.locator("#btn-next kbd").is_visible()

    mc = await _phone_page(
        chromium_browser, live_server, "sankhau", sample_password, f"/events/{SLUG}/runsheet/mc"
    )
    await stage.click("#btn-next")  # the first batch: who has arrived, above the script
    await mc.wait_for_selector("#mc-arrivals", timeout=5000)
    await mc.wait_for_timeout(500)
    arrivals = await _box(mc, "#mc-arrivals-count")
    script = await _box(mc, "#mc-current .script")
    title = await _box(mc, "#mc-current h1")
    assert arrivals["y"] < script["y"] and arrivals["y"] + arrivals["height"] <= 844
    assert title["y"] + title["height"] <= 844
    assert "Đã đến: 0/8" in await mc.inner_text("#mc-arrivals-count")


async def test_a_rehearsal_run_from_the_stage_page_then_ended_leaves_every_time_as_before(
    db, live_server, chromium_browser, sample_password
):
    await demo.load()
    await auth.create_user("sankhau", sample_password, Role.mc)
    stage = await _phone_page(
        chromium_browser, live_server, "sankhau", sample_password, f"/events/{SLUG}/runsheet/"
    )
    await stage.click("#btn-next")  # the real first cue
    await stage.wait_for_function("() => document.querySelector('.panel').dataset.current !== ''")
    before = await _times()
    await stage.wait_for_timeout(500)
    await stage.click("#btn-rehearsal")
    await stage.wait_for_selector("#rehearsal-banner", timeout=5000)
    assert "Đang tổng duyệt" in await stage.inner_text("#rehearsal-banner")
    assert "là thật và được giữ lại" in await stage.inner_text("#rehearsal-controls")
    for _ in range(3):
        current = await stage.get_attribute(".panel", "data-current")
        await stage.click("#btn-next")
        await stage.wait_for_function(
            f"() => document.querySelector('.panel').dataset.current !== '{current}'"
        )
    assert await _times() != before
    await stage.click("#btn-rehearsal")
    await stage.wait_for_selector("#rehearsal-banner", state="detached", timeout=5000)
    assert await _times() == before
