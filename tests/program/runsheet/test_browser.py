"""The stage manager's and the MC's pages in Chromium, kept in step by the live stream."""

from __future__ import annotations

import httpx

from conference import auth, demo
from conference.tables import Delegate, Role

SLUG = "nguoi-tot-viec-tot-2022"


async def _logged_in_page(browser, server, username, password, path):
    page = await browser.new_page()
    await page.goto(f"{server.url}/login?next={path}")
    await page.fill("input[name=username]", username)
    await page.fill("input[name=password]", password)
    await page.click("button[type=submit]")
    await page.wait_for_selector("#runsheet[data-live-state=open]")
    return page


async def test_next_on_the_stage_page_moves_the_mc_page_and_arrivals_show_live(
    db, live_server, chromium_browser, sample_password
):
    await demo.load()
    await auth.create_user("sankhau", sample_password, Role.mc)
    await auth.create_user("dct", sample_password, Role.mc)
    await auth.create_user("letan2", sample_password, Role.desk)
    desk = {"authorization": f"Bearer {await auth.create_token('letan2')}"}
    stage = await _logged_in_page(
        chromium_browser, live_server, "sankhau", sample_password, f"/events/{SLUG}/runsheet/"
    )
    mc = await _logged_in_page(
        chromium_browser, live_server, "dct", sample_password, f"/events/{SLUG}/runsheet/mc"
    )
    assert await mc.get_attribute("#mc-current", "data-cue-id") == ""
    assert "Đang chờ mục đầu tiên" in await mc.inner_text("#mc-current")

    await stage.click("#btn-next")
    await mc.wait_for_function(
        "() => document.querySelector('#mc-current').dataset.cueId !== ''", timeout=5000
    )
    first = await mc.get_attribute("#mc-current", "data-cue-id")
    assert "Xin trân trọng công bố Quyết định số 1069/QĐ-BXD" in await mc.inner_text(
        "#mc-current .script"
    )
    # The keyboard drives it too: Space is Next, ← is Back.
    await stage.wait_for_function(
        f"() => document.querySelector('.panel').dataset.current === '{first}'"
    )
    await stage.keyboard.press("Space")
    await mc.wait_for_function(
        f"() => document.querySelector('#mc-current').dataset.cueId !== '{first}'", timeout=5000
    )
    assert "Kính mời Bà Nguyễn Thị Thủy Lệ" in await mc.inner_text("#mc-current .script")
    await stage.wait_for_function(
        f"() => document.querySelector('.panel').dataset.current !== '{first}'"
    )
    await stage.keyboard.press("ArrowLeft")
    await mc.wait_for_function(
        f"() => document.querySelector('#mc-current').dataset.cueId === '{first}'", timeout=5000
    )

    # A recipient of the next batch checks in at the desk: "arrived" on the MC page.
    person = (
        await Delegate.select(Delegate.id, Delegate.token)
        .where(Delegate.full_name == "Phạm Đức Thịnh")
        .first()
    )
    row = f"[data-delegate='{person['id']}'] .presence"
    assert await mc.get_attribute(row, "data-presence") == "not_arrived"
    async with httpx.AsyncClient(headers=desk) as http:
        answer = await http.post(
            f"{live_server.url}/api/events/{SLUG}/checkins", json={"code": person["token"]}
        )
    assert answer.json()["result"] == "ok"
    await mc.wait_for_selector(f"{row}[data-presence=arrived]", timeout=5000)
    assert await stage.get_attribute(row, "data-presence") in ("arrived", "not_arrived")
    await stage.wait_for_selector(f"{row}[data-presence=arrived]", timeout=5000)

    # The stage manager marks a stand-in; the MC's script says so.
    recipient = await stage.get_attribute("[data-delegate] >> nth=1", "data-recipient")
    await stage.click(f"#mark-{recipient} summary")
    await stage.fill(f"#mark-{recipient} input[name=stand_in_name]", "Bà Nguyễn Thị Hà")
    await stage.click(f"#mark-{recipient} button[value=stand_in]")
    await mc.wait_for_selector(
        f"[data-recipient='{recipient}'] [data-presence=stand_in]", timeout=5000
    )
    assert "Bà Nguyễn Thị Hà" in await mc.inner_text(f"[data-recipient='{recipient}']")

    # Space on a focused control is the control's own (it opens "Mark"), not Next:
    # the page's key handler leaves that key press alone.
    taken_as_next = await stage.evaluate(
        """() => {
            const summary = document.querySelector('details.mark summary');
            summary.focus();
            const press = new KeyboardEvent('keydown', {key: ' ', bubbles: true, cancelable: true});
            summary.dispatchEvent(press);
            return press.defaultPrevented;
        }"""
    )
    assert taken_as_next is False
    await stage.close()
    await mc.close()
