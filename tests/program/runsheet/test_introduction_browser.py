"""The MC's introduction in Chromium: a check-in at the desk changes it without a reload."""

from __future__ import annotations

import httpx

from conference import auth, demo
from conference.tables import Delegate, Role
from tests.program.runsheet.test_browser import _logged_in_page

SLUG = "nguoi-tot-viec-tot-2022"


async def _check_in(server, desk, name: str) -> None:
    token = (await Delegate.select(Delegate.token).where(Delegate.full_name == name).first())[
        "token"
    ]
    async with httpx.AsyncClient(headers=desk) as http:
        answer = await http.post(f"{server.url}/api/events/{SLUG}/checkins", json={"code": token})
    assert answer.json()["result"] == "ok"


async def test_a_check_in_at_the_desk_adds_the_leader_to_the_open_mc_view(
    db, live_server, chromium_browser, sample_password
):
    await demo.load()
    await auth.create_user("dct", sample_password, Role.mc)
    await auth.create_user("letan7", sample_password, Role.desk)
    desk = {"authorization": f"Bearer {await auth.create_token('letan7')}"}
    mc = await _logged_in_page(
        chromium_browser, live_server, "dct", sample_password, f"/events/{SLUG}/runsheet/mc"
    )
    script = "#mc-introduction .intro-script"
    # The MC view opens with the introduction, before the run sheet.
    assert await mc.evaluate(
        "document.querySelector('#mc-introduction').compareDocumentPosition("
        "document.querySelector('#mc-current')) & Node.DOCUMENT_POSITION_FOLLOWING"
    )
    assert "Hoàng Cao Thắng" not in await mc.inner_text(script)

    await _check_in(live_server, desk, "Hoàng Cao Thắng")
    await mc.wait_for_function(
        f"() => document.querySelector('{script}').textContent.includes('Hoàng Cao Thắng')",
        timeout=5000,
    )
    assert "Về phía Sở Xây dựng Hà Nội, đơn vị tổ chức, có đồng chí Hoàng Cao Thắng" in (
        await mc.inner_text(script)
    )

    # Read; a leader who comes afterwards is flagged with the line to read.
    await mc.click("#btn-intro-read")
    await mc.wait_for_selector("#mc-introduction[data-read='1']", timeout=5000)
    await _check_in(live_server, desk, "Nguyễn Thị Thủy Lệ")
    late = await mc.wait_for_selector(".intro-late li", timeout=5000)
    assert "Mới đến: giới thiệu bổ sung" in await late.inner_text()
    assert "Nguyễn Thị Thủy Lệ" in await late.inner_text()
    assert "Nguyễn Thị Thủy Lệ" not in await mc.inner_text(script)
    await mc.close()
