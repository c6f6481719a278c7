"""The delegate's own invitation page: the letter, the QR code, Accept and Decline."""

from __future__ import annotations

from conference.invitations import services
from conference.tables import AuditEntry, Delegate
from tests.conftest import CSRF_FIELD
from tests.invitations.helpers import decode_qr, make_event

BASE = "http://127.0.0.1:8000"


async def _token(delegate_id: int) -> str:
    return (await Delegate.select(Delegate.token).where(Delegate.id == delegate_id).first())[
        "token"
    ]


async def test_the_page_is_a_formal_vietnamese_invitation(client):
    _, ids = await make_event()
    token = await _token(ids[1])
    page = await client.get(f"/i/{token}")
    assert page.status_code == 200
    text = page.text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text
    assert "GIẤY MỜI" in text and "Số: 125/GM-SXD" in text
    assert (
        "Kính gửi:</strong> Ông Hoàng Cao Thắng, "
        "Phó Bí thư Đảng ủy, Phó Giám đốc Sở Xây dựng Hà Nội" in text
    )
    assert "07h30, Thứ Hai, ngày 12/9/2022" in text
    assert "Hội trường tầng 3, 52 Lê Đại Hành, Hà Nội" in text
    assert "Phát biểu chỉ đạo" in text  # the programme, and his own slot
    assert "<svg" in text and 'class="qr"' in text
    assert page.headers["cache-control"] == "private, no-store"


async def test_the_qr_images_decode_to_the_invitation_url(client):
    _, ids = await make_event()
    token = await _token(ids[0])
    png = await client.get(f"/i/{token}/qr.png")
    assert png.headers["content-type"] == "image/png"
    assert decode_qr(png.content) == f"{BASE}/i/{token}"
    svg = await client.get(f"/i/{token}/qr.svg")
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert svg.text.startswith("<svg") and 'viewBox="0 0 ' in svg.text


async def test_accept_then_decline_the_last_answer_wins_and_is_timed(client):
    _, ids = await make_event()
    token = await _token(ids[2])
    page = await client.get(f"/i/{token}")
    csrf = CSRF_FIELD.search(page.text).group(1)
    answer = await client.post(
        f"/i/{token}/rsvp",
        data={"answer": "accepted", "note": "Đến muộn 10 phút", "_csrf_token": csrf},
    )
    assert answer.status_code == 302
    row = await Delegate.select().where(Delegate.id == ids[2]).first()
    assert row["rsvp"] == "accepted" and row["rsvp_note"] == "Đến muộn 10 phút" and row["rsvp_at"]
    assert 'data-rsvp="accepted"' in (await client.get(f"/i/{token}")).text
    await client.post(f"/i/{token}/rsvp", data={"answer": "declined", "_csrf_token": csrf})
    row = await Delegate.select().where(Delegate.id == ids[2]).first()
    assert row["rsvp"] == "declined"
    assert await AuditEntry.count().where(AuditEntry.action == "rsvp") == 2


async def test_an_unknown_or_withdrawn_token_is_a_clear_404_that_tells_nothing(client):
    event_id, ids = await make_event()
    unknown = await client.get("/i/not-a-real-token-at-all-xxxxxxxxxx")
    assert unknown.status_code == 404 and "không hợp lệ" in unknown.text
    token = await _token(ids[0])
    await services.revoke_invitation(event_id, ids[0])
    withdrawn = await client.get(f"/i/{token}")
    assert withdrawn.status_code == 404
    assert withdrawn.text == unknown.text.replace("not-a-real-token-at-all-xxxxxxxxxx", token)
    assert "Nguyễn Thị Thủy Lệ" not in withdrawn.text
    assert (await client.get(f"/i/{token}/qr.png")).status_code == 404


async def test_a_reissued_invitation_replaces_the_old_link(client):
    event_id, ids = await make_event()
    old = await _token(ids[0])
    new = await services.reissue_invitation(event_id, ids[0])
    assert (await client.get(f"/i/{old}")).status_code == 404
    assert (await client.get(f"/i/{new}")).status_code == 200


async def test_markup_in_names_is_escaped_on_the_page(client):
    _, ids = await make_event()
    page = await client.get(f"/i/{await _token(ids[3])}")
    assert "Trần Thị &lt;b&gt;Mai&lt;/b&gt;" in page.text and "<b>Mai</b>" not in page.text


async def test_the_invitation_stays_vietnamese_when_the_page_is_in_english(client):
    _, ids = await make_event()
    token = await _token(ids[0])
    await client.get("/lang/en")
    page = await client.get(f"/i/{token}")
    assert "Thứ Hai, ngày 12/9/2022" in page.text  # the letter
    assert "I will attend" in page.text  # the interface around it
