"""The demo's letter in official form (Nghị định 30/2020/NĐ-CP, thể thức văn bản): the
parent agency above the issuing body, number and symbol, place and date of issue, the
signer's authority ("KT. GIÁM ĐỐC" over "PHÓ GIÁM ĐỐC"), "Nơi nhận"; in the page, both
parts of the e-mail and the printed PDF. The signer is not invited by himself."""

from __future__ import annotations

import io
import re
import unicodedata
from datetime import date, datetime
from email import message_from_bytes
from email.headerregistry import Address
from email.policy import default
from zoneinfo import ZoneInfo

from pypdf import PdfReader

from conference import auth, demo
from conference.invitations.rendering import build_email, build_invitation
from conference.invitations.sending import queue_invitations
from conference.program import agenda
from conference.tables import Delegate, Event, InvitationDelivery, Role
from tests.conftest import csrf_token, log_in
from tests.test_events import VALID_FORM

SLUG = "nguoi-tot-viec-tot-2022"
# The parts in reading order, each on its own line of the page, the e-mail and the PDF.
HEAD = ["UBND THÀNH PHỐ HÀ NỘI", "SỞ XÂY DỰNG HÀ NỘI", "Số: 125/GM-SXD"]
SIGNATURE = ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Hoàng Cao Thắng"]
RECIPIENTS = ["Nơi nhận:", "- Như thành phần mời;", "- Lưu: VT, VP."]
DATELINE = "Hà Nội, ngày 05 tháng 9 năm 2022"


async def _demo(**event_values) -> tuple[dict, dict]:
    """The demo event (with ``event_values`` set) and its first delegate with an e-mail
    who is not the signer."""
    await demo.load()
    event = await Event.select().where(Event.slug == SLUG).first()
    if event_values:
        await Event.update({getattr(Event, k): v for k, v in event_values.items()}).where(
            Event.id == event["id"]
        )
        event = await Event.select().where(Event.id == event["id"]).first()
    delegate = (
        await Delegate.select()
        .where(
            (Delegate.event == event["id"])
            & Delegate.email.is_not_null()
            & (Delegate.full_name != "Hoàng Cao Thắng")
        )
        .order_by(Delegate.id)
        .first()
    )
    return event, delegate


def _in_order(text: str, parts: list[str]) -> None:
    at = -1
    for part in parts:
        found = text.find(part, at + 1)
        assert found > at, f"{part!r} missing or out of order in:\n{text}"
        at = found


def _words(html: str) -> str:
    """The page's text, one line per element, without tags."""
    return re.sub(r"[ \t]+", " ", re.sub(r"<[^>]+>", "\n", html)).replace("\n ", "\n")


async def test_the_page_has_the_letter_in_official_form(client):
    _, delegate = await _demo(issued_on=date(2022, 9, 5))
    page = (await client.get(f"/i/{delegate['token']}")).text
    text = _words(page)
    _in_order(text, [*HEAD, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", DATELINE, "GIẤY MỜI"])
    _in_order(text, ["Kính gửi:", *RECIPIENTS, *SIGNATURE])
    assert '<span class="parent-agency">UBND THÀNH PHỐ HÀ NỘI</span>' in page
    assert '<strong class="authority">KT. GIÁM ĐỐC</strong>' in page


async def test_the_place_of_issue_is_a_field_of_the_event(client):
    _, delegate = await _demo(issued_on=date(2022, 9, 5), place_of_issue="Thành phố Hà Nội")
    page = (await client.get(f"/i/{delegate['token']}")).text
    assert "Thành phố Hà Nội, ngày 05 tháng 9 năm 2022" in page


async def test_both_parts_of_the_email_have_the_letter_in_official_form(db):
    event, delegate = await _demo(issued_on=date(2022, 9, 5))
    programme = await agenda.programme_outline(event["id"])
    invitation = build_invitation(event, delegate, programme, "https://hoinghi.example.vn")
    message = message_from_bytes(
        build_email(invitation, sender=Address("Ban tổ chức", addr_spec="hn@example.vn")).data,
        policy=default,
    )
    for kind in ("plain", "html"):
        body = message.get_body(preferencelist=(kind,)).get_content()
        text = _words(body) if kind == "html" else body
        _in_order(text, [*HEAD, DATELINE, "GIẤY MỜI", "Kính gửi:"])
        _in_order(text, ["Kính gửi:", *SIGNATURE])
        for line in RECIPIENTS:
            assert line in text, (kind, line)


async def test_the_signer_is_not_invited_by_himself_unless_ticked(db):
    event, _ = await _demo()
    assert event["issued_on"] is None
    await queue_invitations(event["id"], only_unsent=True)
    queued = {
        row["delegate.full_name"]
        for row in await InvitationDelivery.select(InvitationDelivery.delegate.full_name).where(
            InvitationDelivery.event == event["id"]
        )
    }
    assert "Hoàng Cao Thắng" not in queued and len(queued) > 100
    # The letter is dated the day its invitations were sent, and keeps that date.
    issued = (await Event.select(Event.issued_on).where(Event.id == event["id"]).first())[
        "issued_on"
    ]
    assert issued == datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date() or (
        (datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date() - issued).days == 1
    )
    await Event.update({Event.invite_signer: True}).where(Event.id == event["id"])
    await queue_invitations(event["id"], only_unsent=True)
    assert await InvitationDelivery.exists().where(
        InvitationDelivery.delegate.full_name == "Hoàng Cao Thắng"
    )


async def test_a_delegate_marked_as_signer_is_not_invited(client, sample_password):
    event, delegate = await _demo()
    await auth.create_user("btc", sample_password, Role.organizer)
    await log_in(client, "btc", sample_password)
    path = f"/events/{SLUG}/delegates/{delegate['id']}"
    form = {
        "full_name": delegate["full_name"],
        "honorific": delegate["honorific"],
        "position": delegate["position"],
        "organization": delegate["organization"],
        "email": delegate["email"] or "",
        "is_signer": "on",
        "_csrf_token": await csrf_token(client, path),
    }
    assert (await client.post(path, data=form)).status_code in (200, 201, 302, 303)
    assert 'name="is_signer" checked' in (await client.get(path)).text
    await queue_invitations(event["id"], only_unsent=True)
    assert not await InvitationDelivery.exists().where(
        InvitationDelivery.delegate == delegate["id"]
    )


async def test_the_event_form_keeps_the_letters_official_fields(client, sample_password):
    await auth.create_user("btc", sample_password, Role.organizer)
    await log_in(client, "btc", sample_password)
    form = {
        **VALID_FORM,
        "parent_agency": "Liên đoàn Lao động Thành phố Hà Nội",
        "place_of_issue": "Hà Nội",
        "issued_on": "2023-12-01",
        "signer_authority": "TM.",
        "signer_superior_title": "Ban Thường vụ",
        "signer_title": "Chủ tịch",
        "recipients_note": "- Như trên;\r\n\r\n- Lưu: VT.",
        "invite_signer": "on",
    }
    token = await csrf_token(client, "/events/new")
    await client.post("/events/new", data={**form, "_csrf_token": token})
    row = await Event.select().first()
    assert row["parent_agency"] == "Liên đoàn Lao động Thành phố Hà Nội"
    assert row["issued_on"] == date(2023, 12, 1) and row["place_of_issue"] == "Hà Nội"
    assert (row["signer_authority"], row["signer_superior_title"]) == ("TM.", "Ban Thường vụ")
    assert row["recipients_note"] == "- Như trên;\n- Lưu: VT." and row["invite_signer"]
    edit = (await client.get(f"/events/{row['slug']}/edit")).text
    assert '<option value="TM." selected>' in edit and 'value="2023-12-01"' in edit
    wrong = {
        **form,
        "signer_authority": "XX",
        "_csrf_token": await csrf_token(client, "/events/new"),
    }
    assert (await client.post("/events/new", data={**wrong, "slug": "other"})).status_code == 400


async def test_the_printed_pdf_has_the_letter_in_official_form(
    db, live_server, chromium_browser, sample_password
):
    _, delegate = await _demo(issued_on=date(2022, 9, 5))
    await auth.create_user("btc", sample_password, Role.organizer)
    page = await chromium_browser.new_page()
    await page.goto(f"{live_server.url}/login")
    await page.fill("input[name=username]", "btc")
    await page.fill("input[name=password]", sample_password)
    await page.click("button[type=submit]")
    await page.wait_for_load_state()
    response = await page.goto(
        f"{live_server.url}/events/{SLUG}/invitations/print?ids={delegate['id']}"
    )
    assert response is not None and response.ok
    await page.evaluate("document.fonts.ready")
    pdf = await page.pdf(prefer_css_page_size=True)
    await page.close()
    # pypdf puts spaces inside words where a letter has marks ("Th ắ ng"): compare unspaced.
    text = "".join(
        "".join(unicodedata.normalize("NFC", p.extract_text()).split())
        for p in PdfReader(io.BytesIO(pdf)).pages
    )
    _in_order(text, ["".join(part.split()) for part in [*HEAD, DATELINE, "GIẤYMỜI"]])
    _in_order(text, ["".join(part.split()) for part in [*RECIPIENTS, *SIGNATURE]])
