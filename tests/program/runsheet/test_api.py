"""The run-sheet API of DESIGN.md and the pages over HTTP, with many clients at once."""

from __future__ import annotations

import asyncio
import csv
import io

import httpx
import pytest

from conference import auth, demo
from conference.invitations.substitutes import read_substitute, set_substitute
from conference.tables import AwardRecipient, Delegate, Role

SLUG = "nguoi-tot-viec-tot-2022"
API = f"/api/events/{SLUG}/runsheet"
PAGES = f"/events/{SLUG}/runsheet"


@pytest.fixture
async def mc_headers(db, sample_password) -> dict[str, str]:
    await demo.load()
    await auth.create_user("dct", sample_password, Role.mc)
    return {"authorization": f"Bearer {await auth.create_token('dct')}"}


async def test_the_run_sheet_answers_as_design_says(client, mc_headers):
    response = await client.get(API, headers=mc_headers)
    assert response.status_code == 200
    body = response.json()
    assert body["current"] is None and len(body["cues"]) == 8
    cue = body["cues"][1]
    for key in (
        "id",
        "position",
        "kind",
        "title",
        "script",
        "state",
        "presenters",
        "recipients",
        "planned_duration_s",
        "started_at",
        "ended_at",
    ):
        assert key in cue
    assert cue["state"] == "pending" and cue["kind"] == "batch"
    recipient = cue["recipients"][0]
    assert {"name", "kind", "delegate_id", "presence"} <= set(recipient)
    assert recipient["presence"] == "not_arrived" and recipient["kind"] == "collective"
    assert cue["presenters"][0]["full_name"] == "Nguyễn Thị Thủy Lệ"


async def test_next_and_previous_move_the_live_cue_conditionally(client, mc_headers):
    first = await client.post(f"{API}/next", headers=mc_headers)  # no body: unconditional
    assert first.status_code == 200
    live = first.json()["current"]
    assert first.json()["cues"][0]["state"] == "live" and first.json()["cues"][0]["started_at"]
    moved = await client.post(f"{API}/next", json={"from": live}, headers=mc_headers)
    assert moved.status_code == 200 and moved.json()["current"] != live
    stale = await client.post(f"{API}/next", json={"from": live}, headers=mc_headers)
    assert stale.status_code == 409
    assert stale.json()["current"] == moved.json()["current"]  # the state as it is now
    assert stale.json()["code"] == "stale" and stale.json()["detail"]
    back = await client.post(
        f"{API}/previous", json={"from": moved.json()["current"]}, headers=mc_headers
    )
    assert back.status_code == 200 and back.json()["current"] == live
    bad = await client.post(
        f"{API}/next",
        content=b"{not json",
        headers={**mc_headers, "content-type": "application/json"},
    )
    assert bad.status_code == 400
    assert (await client.get(API, headers=mc_headers)).json()["current"] == live


async def test_advancing_past_the_last_cue_is_refused_with_a_clear_message(client, mc_headers):
    for _ in range(9):
        assert (await client.post(f"{API}/next", headers=mc_headers)).status_code == 200
    past = await client.post(f"{API}/next", headers=mc_headers)
    assert past.status_code == 409
    assert past.json()["code"] == "runsheet_end"
    assert past.json()["detail"] == (
        "Phần trao khen thưởng đã kết thúc: mục cuối cùng đã xong, không còn mục nào sau đó."
        " Bấm “Quay lại” để mở lại mục cuối."
    )
    assert past.json()["status"] == "finished"
    assert [c["state"] for c in past.json()["cues"]] == ["done"] * 8


async def test_only_organizers_and_the_mc_drive_the_run_sheet(client, mc_headers, sample_password):
    await auth.create_user("letan2", sample_password, Role.desk)
    desk = {"authorization": f"Bearer {await auth.create_token('letan2')}"}
    assert (await client.get(API, headers=desk)).status_code == 403
    assert (await client.post(f"{API}/next", headers=desk)).status_code == 403
    assert (
        await client.get("/api/events/khong-co/runsheet", headers=mc_headers)
    ).status_code == 404


async def test_a_check_in_through_the_api_turns_a_recipient_arrived(
    client, mc_headers, sample_password
):
    await auth.create_user("letan3", sample_password, Role.desk)
    desk = {"authorization": f"Bearer {await auth.create_token('letan3')}"}
    first = (await client.get(API, headers=mc_headers)).json()["cues"][1]["recipients"][0]
    token = (
        await Delegate.select(Delegate.token).where(Delegate.id == first["delegate_id"]).first()
    )["token"]
    scan = await client.post(f"/api/events/{SLUG}/checkins", json={"code": token}, headers=desk)
    assert scan.json()["result"] == "ok"
    after = (await client.get(API, headers=mc_headers)).json()["cues"][1]["recipients"][0]
    assert after["presence"] == "arrived"
    await client.delete(f"/api/events/{SLUG}/checkins/{first['delegate_id']}", headers=desk)
    undone = (await client.get(API, headers=mc_headers)).json()["cues"][1]["recipients"][0]
    assert undone["presence"] == "not_arrived"
    # Substitutes (cử người dự thay): the presenting leader's hands out the certificates, and
    # the recipient's, admitted by the recipient's code, receives in their place.
    leader = await Delegate.select().where(Delegate.full_name == "Nguyễn Thị Thủy Lệ").first()
    sent = read_substitute("Phạm Văn Tâm", "Ông", "Phó Chủ tịch Công đoàn")
    await set_substitute(leader["event"], leader, sent)
    receiver = await Delegate.select().where(Delegate.id == first["delegate_id"]).first()
    await set_substitute(receiver["event"], receiver, read_substitute("Lê Thị Hoa", "Bà"))
    scan = await client.post(f"/api/events/{SLUG}/checkins", json={"code": token}, headers=desk)
    assert scan.json()["result"] == "ok"
    cue = (await client.get(API, headers=mc_headers)).json()["cues"][1]
    assert cue["presenters"][0]["full_name"] == "Phạm Văn Tâm"
    assert cue["recipients"][0]["presence"] == "stand_in"
    assert "Bà Lê Thị Hoa nhận thay" in cue["script"]


async def test_twenty_clients_pressing_next_together_move_it_one_step(live_server, mc_headers):
    """A real server in its own process; every round, exactly one conditional Next moves."""
    async with httpx.AsyncClient(base_url=live_server.url, headers=mc_headers, timeout=30) as http:
        current = None
        for _ in range(4):
            answers = await asyncio.gather(
                *(http.post(f"{API}/next", json={"from": current}) for _ in range(20))
            )
            codes = sorted(a.status_code for a in answers)
            assert codes == [200] + [409] * 19, codes
            states = {a.json()["current"] for a in answers}
            assert len(states) == 1  # winners and losers all see the same live cue
            new = states.pop()
            assert new != current
            current = new
        sheet = (await http.get(API)).json()
    assert [c["state"] for c in sheet["cues"][:5]] == ["done", "done", "done", "live", "pending"]


async def _organizer(client, sample_password):
    from tests.conftest import log_in

    await auth.create_user("btc", sample_password, Role.organizer)
    await log_in(client, "btc", sample_password)


async def test_the_pages_render_and_escape_names(client, mc_headers, sample_password):
    row = await AwardRecipient.select().order_by(AwardRecipient.id).first()
    await AwardRecipient.update({AwardRecipient.name: '<img src=x onerror="alert(1)">Tổ A'}).where(
        AwardRecipient.id == row["id"]
    )
    await _organizer(client, sample_password)
    html = {"accept": "text/html"}
    for path in ("/", "/mc", "/panel?view=mc", "/panel", "/print", "/tray", "/reconciliation"):
        page = await client.get(f"{PAGES}{path}", headers=html)
        assert page.status_code == 200, path
        assert '<img src=x onerror="alert(1)">' not in page.text, path
        assert "&lt;img src=x onerror=" in page.text, path
    awards_page = await client.get(f"/events/{SLUG}/awards/", headers=html)
    assert (
        "&lt;img src=x" in awards_page.text
        and "Bằng khen của Bộ trưởng Bộ Xây dựng" in awards_page.text
    )
    download = await client.get(f"{PAGES}/reconciliation.csv")
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["STT", "Hình thức khen thưởng", "Loại"] and len(rows) == 41
    assert rows[1][5] == "Chưa đến lượt"  # before the ceremony: nobody is absent yet


async def test_the_stage_managers_forms_mark_presence_and_move(client, mc_headers, sample_password):
    await _organizer(client, sample_password)
    token = client.cookies.get("conference_csrf")
    sheet = (await client.get(API)).json()
    recipient = sheet["cues"][1]["recipients"][1]
    marked = await client.post(
        f"{PAGES}/recipients/{recipient['id']}/presence",
        data={"presence": "stand_in", "stand_in_name": "Bà Nguyễn Thị Hà", "_csrf_token": token},
        follow_redirects=False,
    )
    assert marked.status_code in (302, 303)
    after = (await client.get(API)).json()["cues"][1]
    assert after["recipients"][1]["presence"] == "stand_in"
    assert "Bà Nguyễn Thị Hà nhận thay" in after["script"]
    # The live page's script asks for JSON: errors come back as a message, not a page.
    refused = await client.post(
        f"{PAGES}/recipients/{recipient['id']}/presence",
        data={"presence": "stand_in", "_csrf_token": token},
        headers={"accept": "application/json"},
    )
    assert refused.status_code == 400 and "nhận thay" in refused.json()["detail"]
    pressed = await client.post(
        f"{PAGES}/next",
        data={"from": "", "_csrf_token": token},
        headers={"accept": "application/json"},
    )
    assert pressed.status_code == 200
    again = await client.post(
        f"{PAGES}/next",
        data={"from": "", "_csrf_token": token},
        headers={"accept": "application/json"},
    )
    assert again.status_code == 409
