"""The delegate's page tells the whole story; withdrawing an invitation asks first."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from conference import auth
from conference.tables import (
    AuditEntry,
    AwardForm,
    AwardRecipient,
    CheckInAttempt,
    Delegate,
    InvitationDelivery,
    Role,
)
from tests.conftest import csrf_token, log_in
from tests.invitations.helpers import make_event

PAGE = "/events/hn-2022/delegates/{}"


@pytest.fixture
async def organizer(client, sample_password):
    await auth.create_user("btc", sample_password, Role.organizer, display_name="Chị Hạnh")
    await log_in(client, "btc", sample_password)
    return client


async def post(client, path: str, data: dict[str, str]):
    token = await csrf_token(client, "/events/hn-2022/delegates/new")
    return await client.post(path, data={**data, "_csrf_token": token}, follow_redirects=True)


def section(html: str, name: str) -> str:
    found = re.search(rf'<article id="story-{name}">(.*?)</article>', html, re.S)
    assert found, f"no {name} section"
    return found.group(1)


async def test_the_page_tells_the_answer_its_note_and_the_arrival_with_its_desk(organizer):
    _, ids = await make_event()
    thang = ids[1]
    await Delegate.update(
        {
            Delegate.rsvp: "accepted",
            Delegate.rsvp_at: datetime(2022, 9, 8, 2, 15, tzinfo=UTC),
            Delegate.rsvp_note: "Sẽ đến muộn 15 phút",
            Delegate.checked_in_at: datetime(2022, 9, 12, 1, 12, tzinfo=UTC),
            Delegate.checked_in_desk: "Bàn 2 – cửa chính",
            Delegate.checked_in_by: 1,
        }
    ).where(Delegate.id == thang)
    await CheckInAttempt(
        event=1, delegate=thang, result="ok", desk="Bàn 2 – cửa chính",
        at=datetime(2022, 9, 12, 1, 12, tzinfo=UTC),
    ).save()  # fmt: skip
    page = await organizer.get(PAGE.format(thang))
    assert page.status_code == 200
    answer = section(page.text, "rsvp")
    assert "Nhận lời" in answer and "09h15 ngày 8/9/2022" in answer
    assert "Sẽ đến muộn 15 phút" in answer
    arrival = section(page.text, "arrival")
    assert "Đã đến lúc 08h12 ngày 12/9/2022" in arrival
    assert "Bàn 2 – cửa chính" in arrival and "Chị Hạnh" in arrival
    assert "Đã điểm danh" in arrival  # the scan, in the list of scans
    waiting = await organizer.get(PAGE.format(ids[0]))
    assert "Chưa đến" in section(waiting.text, "arrival")


async def test_the_page_gives_the_invitation_link_and_every_delivery(organizer):
    _, ids = await make_event()
    thang = ids[1]
    token = (await Delegate.select(Delegate.token).where(Delegate.id == thang).first())["token"]
    await InvitationDelivery(
        event=1, delegate=thang, token="da-thay-the", recipient="thang@example.vn",
        state="failed", attempts=3, last_error="550 No such user",
    ).save()  # fmt: skip
    await InvitationDelivery(
        event=1, delegate=thang, token=token, recipient="thang@example.vn", state="sent",
        attempts=1, sent_at=datetime(2022, 9, 6, 3, 0, tzinfo=UTC),
    ).save()  # fmt: skip
    invitation = section((await organizer.get(PAGE.format(thang))).text, "invitation")
    assert f"/i/{token}" in invitation and "Sao chép đường dẫn" in invitation
    assert "Đã gửi" in invitation
    assert invitation.count("<tr data-delivery=") == 2
    assert '<small class="delivery-error">550 No such user</small>' in invitation  # an error
    assert "6/9/2022 10:00" in invitation
    assert 'class="muted" title="Một giấy mời trước đó, đã được thay"' in invitation


async def test_the_page_lists_the_awards_the_delegate_receives(organizer):
    _, ids = await make_event()
    form = AwardForm(event=1, rank=1, title="Bằng khen của Chủ tịch UBND Thành phố")
    await form.save()
    await AwardRecipient(
        award_form=form.id, name="Đặng Văn Đức", delegate=ids[2], citation="Gương mẫu"
    ).save()
    await AwardRecipient(
        award_form=form.id, kind="collective", name="Đội Thoát nước số 2", delegate=ids[2]
    ).save()
    awards = section((await organizer.get(PAGE.format(ids[2]))).text, "awards")
    assert "Bằng khen của Chủ tịch UBND Thành phố" in awards and "Gương mẫu" in awards
    assert "Đội Thoát nước số 2" in awards  # received on behalf of the team
    assert 'id="story-awards"' not in (await organizer.get(PAGE.format(ids[0]))).text


async def test_the_history_names_each_change_who_made_it_and_which_details(organizer):
    _, ids = await make_event()
    duc = ids[2]
    form = {
        "full_name": "Đặng Văn Đức", "honorific": "Ông", "email": "duc@example.vn",
        "organization": "Công ty Xây dựng số 1", "group": "Đại biểu",
        "position": "Giám đốc", "phone": "0913 245 768",
    }  # fmt: skip
    await post(organizer, PAGE.format(duc), form)
    await post(organizer, PAGE.format(duc) + "/revoke", {})
    await post(organizer, PAGE.format(duc) + "/reissue", {})
    entry = (
        await AuditEntry.select()
        .where(AuditEntry.action == "delegate.update")
        .output(load_json=True)
        .first()
    )
    assert sorted(entry["details"]["fields"]) == ["phone", "position"]
    history = section((await organizer.get(PAGE.format(duc))).text, "trail")
    lines = re.findall(r"<li data-action=\"([\w.]+)\">(.*?)</li>", history, re.S)
    assert [action for action, _ in lines] == [
        "invitation.reissue",
        "invitation.revoke",
        "delegate.update",
    ]  # newest first
    assert "Sửa thông tin: Chức vụ, Điện thoại · Chị Hạnh" in lines[2][1]
    assert "Đã thu hồi giấy mời" in lines[1][1]
    assert "Thêm bằng tay" in history  # how they came onto the list


async def test_withdrawing_an_invitation_asks_first(organizer):
    _, ids = await make_event()
    page = await organizer.get(PAGE.format(ids[0]))
    # The page's button only leads to the question; no form of it posts the withdrawal.
    assert f'href="{PAGE.format(ids[0])}/revoke" data-revoke' in page.text
    assert f'action="{PAGE.format(ids[0])}/revoke"' not in page.text
    question = await organizer.get(PAGE.format(ids[0]) + "/revoke")
    assert question.status_code == 200
    assert "Thu hồi giấy mời của Bà Nguyễn Thị Thủy Lệ?" in question.text
    assert f'action="{PAGE.format(ids[0])}/revoke"' in question.text
    assert f'href="{PAGE.format(ids[0])}"' in question.text  # cancel goes back
    row = await Delegate.select(Delegate.revoked_at).where(Delegate.id == ids[0]).first()
    assert row["revoked_at"] is None  # asking withdrew nothing
    await post(organizer, PAGE.format(ids[0]) + "/revoke", {})
    row = await Delegate.select(Delegate.revoked_at).where(Delegate.id == ids[0]).first()
    assert row["revoked_at"] is not None


async def test_another_events_delegate_page_is_not_found(organizer):
    await make_event()
    await make_event("khac-2022", people=[])
    other = await Delegate.select(Delegate.id).where(Delegate.event == 1).first()
    assert (await organizer.get(f"/events/khac-2022/delegates/{other['id']}")).status_code == 404
    missing = await organizer.get(f"/events/khac-2022/delegates/{other['id']}/revoke")
    assert missing.status_code == 404
