"""Answers staff can act on: who a withdrawn code was, a mangled code's fix, a declined RSVP,
any host's invitation URL, the served port in QR codes, and walk-ins who are already listed."""

from __future__ import annotations

import asyncio
import os
import sys
import time

import httpx
import pytest

from conference import auth
from conference.checkin.codes import ScanProblem, scan_problem
from conference.checkin.walk_ins import walk_in_matches
from conference.invitations import services as invitations
from conference.settings import served_base_url
from conference.tables import Delegate, DelegateSource, Role
from tests.conftest import _free_port
from tests.invitations.helpers import PEOPLE, DelegateInput, decode_qr, make_event

SCAN = "/api/events/hn-2022/checkins"
WALK_INS = "/api/events/hn-2022/walk-ins"


@pytest.fixture
async def desk(db, sample_password) -> dict[str, str]:
    await auth.create_user("letan", sample_password, Role.desk)
    return {"authorization": f"Bearer {await auth.create_token('letan')}"}


async def _token(delegate_id: int) -> str:
    row = await Delegate.select(Delegate.token).where(Delegate.id == delegate_id).first()
    return row["token"]


async def test_a_replaced_code_names_the_delegate_and_says_to_use_the_new_one(client, desk):
    event_id, ids = await make_event()
    old = await _token(ids[1])
    await invitations.reissue_invitation(event_id, ids[1])
    answer = (await client.post(SCAN, json={"code": old}, headers=desk)).json()
    assert answer["result"] == "revoked"
    assert answer["delegate"]["full_name"] == "Hoàng Cao Thắng"
    assert answer["message"].startswith("Giấy mời của Ông Hoàng Cao Thắng đã được cấp lại lúc ")
    assert answer["message"].endswith(": đề nghị đại biểu dùng mã mới, hoặc tìm theo tên.")
    assert await Delegate.count().where(Delegate.checked_in_at.is_not_null()) == 0


async def test_a_withdrawn_code_names_the_delegate_and_says_to_ask_the_organizers(client, desk):
    event_id, ids = await make_event()
    await invitations.revoke_invitation(event_id, ids[0])
    answer = (await client.post(SCAN, json={"code": await _token(ids[0])}, headers=desk)).json()
    assert answer["result"] == "revoked"
    assert answer["delegate"]["full_name"] == "Nguyễn Thị Thủy Lệ"
    assert "Bà Nguyễn Thị Thủy Lệ đã bị thu hồi lúc" in answer["message"]
    assert "ban tổ chức" in answer["message"]


async def test_a_code_typed_through_a_vietnamese_typing_tool_says_to_switch_it_off(client, desk):
    _, ids = await make_event()
    token = await _token(ids[0])
    for mangled in (token[:-2] + "ô", f"http://127.0.0.1:8000/i/{token}đ", token + "ư"):
        answer = (await client.post(SCAN, json={"code": mangled}, headers=desk)).json()
        assert answer["result"] == "unknown" and answer["hint"] == "vietnamese_typing"
        assert "bộ gõ tiếng Việt" in answer["message"] and "(E)" in answer["message"]
    assert await Delegate.count().where(Delegate.checked_in_at.is_not_null()) == 0


async def test_a_code_typed_with_caps_lock_on_says_to_turn_it_off(client, desk):
    _, ids = await make_event()
    token = await _token(ids[0])
    for mangled in (token.upper(), token.swapcase(), f"HTTP://127.0.0.1:8000/I/{token.upper()}"):
        answer = (await client.post(SCAN, json={"code": mangled}, headers=desk)).json()
        assert answer["result"] == "unknown", mangled
        assert answer["hint"] == "caps_lock" and "Caps Lock" in answer["message"]
        assert answer["delegate"] is None  # a mangled code names nobody
    plain = (await client.post(SCAN, json={"code": "rác không phải mã"}, headers=desk)).json()
    assert "hint" not in plain and plain["message"] == "Mã này không phải giấy mời của hệ thống."


def test_only_vietnamese_letters_and_all_capitals_are_taken_for_a_mangled_code():
    assert scan_problem("AbCdEfGhIjKlMnOpQrStUvWxô") is ScanProblem.vietnamese_typing
    assert scan_problem("ABCDEFGHIJKLMNOPQRSTUVWX12") is ScanProblem.caps_lock
    assert scan_problem("\x00\xff\x01binary") is None
    assert scan_problem("AbCdEfGhIjKlMnOpQrStUvWx") is None
    assert scan_problem("VN-2022") is None  # short capitals are no token
    assert scan_problem("Nguyễn Thị Thủy Lệ Bộ Xây dựng") is None  # a name typed by hand


async def test_a_declined_rsvp_is_a_note_on_the_green_answer(client, desk):
    _, ids = await make_event()
    token = await _token(ids[2])
    await invitations.record_rsvp(token, "declined", "Bận họp ở Bộ")
    answer = (await client.post(SCAN, json={"code": token}, headers=desk)).json()
    assert answer["result"] == "ok"
    assert answer["note"] == "Lưu ý: đại biểu đã báo không tham dự (“Bận họp ở Bộ”)."
    assert answer["delegate"]["rsvp"] == "declined"
    other = (await client.post(SCAN, json={"code": await _token(ids[3])}, headers=desk)).json()
    assert other["result"] == "ok" and "note" not in other


async def test_an_invitation_url_of_any_host_or_port_is_read_by_its_token(client, desk):
    _, ids = await make_event()
    token = await _token(ids[0])
    url = f"http://10.0.0.7:8201/i/{token}"
    assert (await client.post(SCAN, json={"code": url}, headers=desk)).json()["result"] == "ok"


def test_the_served_address_is_the_default_base_url():
    assert served_base_url("127.0.0.1", 8201) == "http://127.0.0.1:8201"
    assert served_base_url("0.0.0.0", 8201) == "http://127.0.0.1:8201"  # noqa: S104
    assert served_base_url("::1", 9000) == "http://[::1]:9000"


async def test_serve_with_port_puts_that_port_into_the_qr_codes(db, tmp_path):
    _, ids = await make_event()
    token = await _token(ids[0])
    port = _free_port()
    env = {key: value for key, value in os.environ.items() if key != "CONFERENCE_BASE_URL"} | {
        "PORT": str(port),
        "CONFERENCE_DATABASE_URL": db.url,
        "CONFERENCE_SECRET_KEY": "port-test-" + "z" * 32,
        "CONFERENCE_ENV": "test",
        "CONFERENCE_INSTANCE_DIR": str(tmp_path / "instance"),
    }
    log_path = tmp_path / "server.log"
    with log_path.open("wb") as log:
        server = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "conference.cli", "serve", env=env, stdout=log, stderr=log
        )
    url = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(timeout=10) as http:
            deadline = time.monotonic() + 30
            while True:
                assert server.returncode is None, log_path.read_text()
                try:
                    if (await http.get(f"{url}/healthz")).status_code == 200:
                        break
                except httpx.HTTPError:
                    assert time.monotonic() < deadline, "the server did not start"
                    await asyncio.sleep(0.1)
            png = await http.get(f"{url}/i/{token}/qr.png")
        assert png.status_code == 200
        assert decode_qr(png.content) == f"{url}/i/{token}"
    finally:
        server.terminate()
        await server.wait()


WALK_IN_PEOPLE = [
    *PEOPLE,
    DelegateInput(
        full_name="Lương Thế Vinh", honorific="Ông", organization="Trường Đại học Xây dựng"
    ),
    DelegateInput(full_name="Phạm Thu Hà", honorific="Bà", organization="Trường Đại học Xây dựng"),
]


async def test_a_walk_in_already_invited_is_offered_by_name_or_organization(db):
    event_id, _ = await make_event(people=WALK_IN_PEOPLE)
    by_name = await walk_in_matches(event_id, "luong the vinh")
    assert [m["full_name"] for m in by_name] == ["Lương Thế Vinh"]
    by_org = await walk_in_matches(event_id, "Nguyễn Văn Mới", "trường đại học xây dựng")
    assert {m["full_name"] for m in by_org} == {"Lương Thế Vinh", "Phạm Thu Hà"}
    assert await walk_in_matches(event_id, "Lương Thế") == []  # a name is the whole name
    assert await walk_in_matches(event_id, "") == []


async def test_the_desk_reads_walk_in_matches_and_checks_the_listed_person_in(client, desk):
    _, ids = await make_event(people=WALK_IN_PEOPLE)
    answer = await client.get(
        f"{WALK_INS}/matches", params={"full_name": "LƯƠNG THẾ VINH"}, headers=desk
    )
    assert answer.status_code == 200
    [match] = answer.json()["matches"]
    assert match["id"] == ids[5] and match["checked_in_at"] is None
    assert "email" not in match and "phone" not in match
    checked = await client.post(
        f"/api/events/hn-2022/delegates/{match['id']}/checkin", json={}, headers=desk
    )
    assert checked.json()["result"] == "ok"
    assert await Delegate.count().where(Delegate.source == DelegateSource.walk_in) == 0


async def test_a_second_walk_in_of_the_same_name_needs_the_desks_confirmation(client, desk):
    await make_event()
    guest = {"full_name": "Vũ Thị Hạnh", "organization": "Báo Xây dựng"}
    first = await client.post(WALK_INS, json=guest, headers=desk)
    assert first.json()["result"] == "ok"
    again = await client.post(WALK_INS, json={"full_name": "vu thi  hanh"}, headers=desk)
    assert again.status_code == 400 and again.json()["code"] == "walk_in_duplicate"
    assert "Vũ Thị Hạnh (Báo Xây dựng)" in again.json()["detail"]
    assert await Delegate.count().where(Delegate.source == DelegateSource.walk_in) == 1
    confirmed = await client.post(
        WALK_INS, json={"full_name": "Vũ Thị Hạnh", "confirm_duplicate": True}, headers=desk
    )
    assert confirmed.json()["result"] == "ok"
    assert await Delegate.count().where(Delegate.source == DelegateSource.walk_in) == 2


async def test_a_walk_in_sent_again_with_its_nonce_is_the_same_guest(client, desk):
    await make_event()
    guest = {"full_name": "Đỗ Minh Khoa", "organization": "Báo Xây dựng", "nonce": "walk-1"}
    first = await client.post(WALK_INS, json=guest, headers=desk)
    # The answer was lost on the way back: the desk sends the same registration again,
    # even one it had confirmed as another person of that name.
    again = await client.post(WALK_INS, json={**guest, "confirm_duplicate": True}, headers=desk)
    assert first.json()["result"] == again.json()["result"] == "ok"
    assert again.json()["delegate"]["id"] == first.json()["delegate"]["id"]
    assert await Delegate.count().where(Delegate.source == DelegateSource.walk_in) == 1
    other = await client.post(WALK_INS, json={**guest, "nonce": "walk-2"}, headers=desk)
    assert other.json()["code"] == "walk_in_duplicate"  # a new registration is asked about
