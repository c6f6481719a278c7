"""The invitation as an official letter (Nghị định 30/2020/NĐ-CP): its dateline and its
"Kính gửi" line, on the page and in both parts of the e-mail; the answer once given."""

from __future__ import annotations

import re
from datetime import date, datetime
from email.headerregistry import Address
from zoneinfo import ZoneInfo

from conference.formatting import document_date, place_of_issue
from conference.invitations.mail import SmtpConfig, SmtpMailer
from conference.invitations.sending import queue_invitations, send_pending
from conference.tables import Delegate
from tests.conftest import CSRF_FIELD
from tests.invitations.helpers import make_event


def today_line() -> str:
    return "Hà Nội, " + document_date(datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date())


def test_a_document_date_writes_small_days_and_january_february_with_a_zero():
    assert document_date(date(2022, 2, 5)) == "ngày 05 tháng 02 năm 2022"
    assert document_date(date(2022, 9, 12)) == "ngày 12 tháng 9 năm 2022"
    assert document_date(date(2022, 12, 1)) == "ngày 01 tháng 12 năm 2022"


def test_the_place_of_issue_is_the_province_or_city_of_the_address():
    assert place_of_issue("52 Lê Đại Hành, Hà Nội") == "Hà Nội"
    assert place_of_issue("12 Hai Bà Trưng, Quận Hoàn Kiếm, Thành phố  Hà Nội ") == "Hà Nội"
    assert place_of_issue("86 Lê Thánh Tôn, Quận 1, TP. Hồ Chí Minh") == "Thành phố Hồ Chí Minh"
    assert place_of_issue("Số 2, Tỉnh Bắc Ninh") == "Bắc Ninh"
    assert place_of_issue("") == ""


async def _token(delegate_id: int) -> str:
    row = await Delegate.select(Delegate.token).where(Delegate.id == delegate_id).first()
    return str(row["token"])


async def test_the_page_has_the_dateline_and_names_the_organization_once(client):
    _, ids = await make_event()
    before = today_line()
    page = (await client.get(f"/i/{await _token(ids[1])}")).text
    # Either side of midnight in Hà Nội, should the test run across it.
    assert any(f'<em class="dateline">{line}</em>' in page for line in (before, today_line()))
    # The position already ends with "Sở Xây dựng Hà Nội": not written twice.
    assert (
        "Kính gửi:</strong> Ông Hoàng Cao Thắng, Phó Bí thư Đảng ủy, "
        "Phó Giám đốc Sở Xây dựng Hà Nội</p>" in page
    )
    other = (await client.get(f"/i/{await _token(ids[0])}")).text
    assert (
        "Kính gửi:</strong> Bà Nguyễn Thị Thủy Lệ, "
        "Chủ tịch Công đoàn Xây dựng Việt Nam, Bộ Xây dựng</p>" in other
    )


async def test_both_parts_of_the_email_have_the_dateline_and_the_organization_once(db, smtp_server):
    event_id, _ = await make_event()
    before = today_line()
    await queue_invitations(event_id, only_unsent=True)
    await send_pending(
        event_id,
        SmtpMailer(SmtpConfig.parse(smtp_server.url)),
        base_url="https://hoinghi.example.vn",
        sender=Address("Ban tổ chức", addr_spec="hoinghi@example.vn"),
    )
    [message] = [m for m in smtp_server.mailbox.messages if "thang@" in str(m["To"])]
    for kind in ("plain", "html"):
        body = message.get_body(preferencelist=(kind,)).get_content()
        assert before in body or today_line() in body
        assert "Phó Giám đốc Sở Xây dựng Hà Nội, Sở Xây dựng Hà Nội" not in body


async def test_after_answering_the_page_shows_the_answer_and_lets_it_change(client):
    _, ids = await make_event()
    token = await _token(ids[2])
    page = (await client.get(f"/i/{token}")).text
    assert "<h2>Quý đại biểu có tham dự không?</h2>" in page and "aria-pressed" not in page
    for chosen, other in (("accepted", "declined"), ("declined", "accepted")):
        csrf = CSRF_FIELD.search(page).group(1)
        await client.post(f"/i/{token}/rsvp", data={"answer": chosen, "_csrf_token": csrf})
        page = (await client.get(f"/i/{token}")).text
        assert "<h2>Trả lời của Quý đại biểu</h2>" in page
        assert f'data-rsvp="{chosen}"' in page and "Đã trả lời lúc " in page
        buttons = {
            value: pressed
            for value, pressed in re.findall(
                r'<button type="submit" name="answer" value="(\w+)"[^>]*aria-pressed="(\w+)"',
                page,
            )
        }
        assert buttons == {chosen: "true", other: "false"}  # both still there to change it
