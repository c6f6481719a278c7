"""Sending invitations through the outbox: every delegate exactly once, whatever happens."""

from __future__ import annotations

import asyncio
import email
import email.policy
import io
import os
import re
import socket
from datetime import UTC, datetime
from email.headerregistry import Address

import segno
from PIL import Image

from conference.invitations import services
from conference.invitations.mail import FileMailer, SmtpConfig, SmtpMailer
from conference.invitations.sending import outbox_status, queue_invitations, send_pending
from conference.tables import Delegate, DeliveryState, Event, InvitationDelivery
from tests.invitations.helpers import decode_qr, make_event

BASE = "https://hoinghi.example.vn"
SENDER = Address("Ban tổ chức", addr_spec="hoinghi@example.vn")


def mailer(server) -> SmtpMailer:
    return SmtpMailer(SmtpConfig.parse(server.url))


async def send_all(event_id, server):
    return await send_pending(event_id, mailer(server), base_url=BASE, sender=SENDER)


async def test_each_delegate_with_an_email_gets_one_invitation(db, smtp_server):
    event_id, _ = await make_event()
    assert await queue_invitations(event_id, only_unsent=True) == 4
    result = await send_all(event_id, smtp_server)
    assert (result.sent, result.failed) == (4, 0)
    assert sorted(smtp_server.mailbox.recipients()) == sorted(
        ["le@example.vn", "thang@example.vn", "duc@example.vn", "mai@example.vn"]
    )
    status = await outbox_status(event_id)
    assert (status.sent, status.pending, status.without_email) == (4, 0, 1)


async def test_the_message_carries_names_subject_links_and_a_qr_that_decodes(db, smtp_server):
    event_id, ids = await make_event()
    await queue_invitations(event_id, only_unsent=True)
    await send_all(event_id, smtp_server)
    [message] = [m for m in smtp_server.mailbox.messages if "thang@" in str(m["To"])]
    token = (await Delegate.select(Delegate.token).where(Delegate.id == ids[1]).first())["token"]
    url = f"{BASE}/i/{token}"
    assert message["Subject"].startswith("Giấy mời tham dự Hội nghị Tổng kết 30 năm")
    assert message["To"].addresses[0].display_name == "Ông Hoàng Cao Thắng"
    assert message["From"].addresses[0].display_name == "Sở Xây dựng Hà Nội"
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    for body in (text, html):
        assert "Kính gửi: " in body.replace("<strong>Kính gửi:</strong>", "Kính gửi: ")
        assert "Phó Bí thư Đảng ủy, Phó Giám đốc Sở Xây dựng Hà Nội" in body
        assert url in body
        assert "07h30, Thứ Hai, ngày 12/9/2022" in body
        assert "Phát biểu chỉ đạo" in body  # his own slot in the programme
    images = [part for part in message.walk() if part.get_content_type() == "image/png"]
    inline = [p for p in images if p["Content-ID"]]
    attached = [p for p in images if p.get_content_disposition() == "attachment"]
    assert len(inline) == 1 and len(attached) == 1
    assert f"cid:{inline[0]['Content-ID'].strip('<>')}" in html
    assert attached[0].get_filename() == "ma-qr-hoang-cao-thang.png"
    for part in images:
        assert decode_qr(part.get_content()) == url


async def test_markup_in_a_name_is_escaped_in_the_html_email(db, smtp_server):
    event_id, _ = await make_event()
    await queue_invitations(event_id, only_unsent=True)
    await send_all(event_id, smtp_server)
    [message] = [m for m in smtp_server.mailbox.messages if "mai@" in str(m["To"])]
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "Trần Thị &lt;b&gt;Mai&lt;/b&gt;" in html and "<b>Mai</b>" not in html


SPECIAL = "Đoàn & Cộng sự <HN> 'Quý' \"Người tốt, việc tốt\""


async def test_quotes_ampersands_and_brackets_read_as_written_in_the_text_part(db, smtp_server):
    event_id, ids = await make_event()
    await Event.update(
        {
            Event.organizer_name: SPECIAL,
            Event.invitation_body: "{{ event.organizer_name }} kính mời {{ delegate.full_name }}"
            " tới dự {{ event.title }}.",
        }
    ).where(Event.id == event_id)
    await Delegate.update(
        {Delegate.full_name: SPECIAL, Delegate.position: "Trưởng ban <A & B>"}
    ).where(Delegate.id == ids[1])
    await queue_invitations(event_id, only_unsent=True)
    await send_all(event_id, smtp_server)
    [message] = [m for m in smtp_server.mailbox.messages if "thang@" in str(m["To"])]
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert f"{SPECIAL} kính mời {SPECIAL} tới dự" in text
    assert f"Kính gửi: Ông {SPECIAL}, Trưởng ban <A & B>" in text
    assert 'tới dự Hội nghị Tổng kết 30 năm phong trào "Người tốt, việc tốt".' in text
    assert "&#34;" not in text and "&amp;" not in text and "&lt;" not in text
    escaped = "Đoàn &amp; Cộng sự &lt;HN&gt; &#39;Quý&#39; &#34;Người tốt, việc tốt&#34;"
    assert f"{escaped} kính mời {escaped} tới dự" in html
    assert "Trưởng ban &lt;A &amp; B&gt;" in html and "<HN>" not in html


async def test_the_message_id_carries_the_senders_domain(db, smtp_server):
    event_id, _ = await make_event()
    await queue_invitations(event_id, only_unsent=True)
    await send_all(event_id, smtp_server)
    for message in smtp_server.mailbox.messages:
        assert message["Message-ID"].endswith("@example.vn>")
        inline = [p for p in message.walk() if p["Content-ID"]]
        assert inline[0]["Content-ID"].endswith("@example.vn>")
    stored = await InvitationDelivery.select(InvitationDelivery.message_id)
    assert all(row["message_id"].endswith("@example.vn>") for row in stored)


async def test_a_local_sender_gives_the_base_address_domain_in_the_message_id(db, smtp_server):
    event_id, _ = await make_event()
    await queue_invitations(event_id, only_unsent=True)
    local = Address("Ban tổ chức", addr_spec="hoinghi@localhost")
    await send_pending(event_id, mailer(smtp_server), base_url=BASE, sender=local)
    assert all(
        m["Message-ID"].endswith("@hoinghi.example.vn>") for m in smtp_server.mailbox.messages
    )


async def test_the_email_qr_is_shown_at_its_own_size_with_whole_pixels_per_module(db, smtp_server):
    event_id, _ = await make_event()
    await queue_invitations(event_id, only_unsent=True)
    await send_all(event_id, smtp_server)
    for message in smtp_server.mailbox.messages:
        html = message.get_body(preferencelist=("html",)).get_content()
        [inline] = [p for p in message.walk() if p["Content-ID"]]
        png = inline.get_content()
        image = Image.open(io.BytesIO(png))
        assert image.width == image.height
        match = re.search(r'<img src="cid:[^"]+" width="(\d+)" height="(\d+)"', html)
        assert match, html
        assert int(match[1]) == int(match[2]) == image.width
        assert 150 <= image.width <= 220  # about the 180 px the layout leaves it
        code = segno.make(decode_qr(png), error="m", micro=False, boost_error=False)
        modules = code.symbol_size(border=4)[0]
        assert image.width % modules == 0  # every module the same whole number of pixels


async def test_a_server_that_fails_halfway_then_a_resumed_run_sends_each_exactly_once(
    db, smtp_server
):
    event_id, _ = await make_event()
    await queue_invitations(event_id, only_unsent=False)
    smtp_server.mailbox.fail_after = 2
    first = await send_all(event_id, smtp_server)
    assert first.sent == 2 and "421" in first.stopped_by
    status = await outbox_status(event_id)
    assert (status.sent, status.queued) == (2, 2)
    smtp_server.mailbox.fail_after = None
    # Running again, with or without --only-unsent, resumes the unfinished run.
    await queue_invitations(event_id, only_unsent=False)
    second = await send_all(event_id, smtp_server)
    assert second.sent == 2
    recipients = smtp_server.mailbox.recipients()
    assert len(recipients) == len(set(recipients)) == 4


async def test_a_refused_recipient_is_failed_with_the_reason_and_can_be_retried(db, smtp_server):
    event_id, ids = await make_event()
    smtp_server.mailbox.refuse = {"duc@example.vn"}
    await queue_invitations(event_id, only_unsent=True)
    result = await send_all(event_id, smtp_server)
    assert (result.sent, result.failed) == (3, 1)
    row = await InvitationDelivery.select().where(InvitationDelivery.delegate == ids[2]).first()
    assert row["state"] == DeliveryState.failed and "550" in row["last_error"]
    smtp_server.mailbox.refuse = set()
    assert await queue_invitations(event_id, only_unsent=True) == 1
    again = await send_all(event_id, smtp_server)
    assert again.sent == 1 and smtp_server.mailbox.recipients().count("duc@example.vn") == 1


async def test_only_unsent_sends_nothing_twice_and_a_new_round_sends_everyone_again(
    db, smtp_server
):
    event_id, _ = await make_event()
    await queue_invitations(event_id, only_unsent=True)
    await send_all(event_id, smtp_server)
    assert await queue_invitations(event_id, only_unsent=True) == 0
    assert (await send_all(event_id, smtp_server)).sent == 0
    assert await queue_invitations(event_id, only_unsent=False) == 4
    assert (await send_all(event_id, smtp_server)).sent == 4
    assert len(smtp_server.mailbox.messages) == 8


async def test_withdrawn_invitations_are_not_sent_and_reissued_ones_are(db, smtp_server):
    event_id, ids = await make_event()
    await services.revoke_invitation(event_id, ids[0])
    assert await queue_invitations(event_id, only_unsent=True) == 3
    await send_all(event_id, smtp_server)
    await services.reissue_invitation(event_id, ids[0])
    await services.reissue_invitation(event_id, ids[1])
    assert await queue_invitations(event_id, only_unsent=True) == 2
    await send_all(event_id, smtp_server)
    new_token = (await Delegate.select(Delegate.token).where(Delegate.id == ids[1]).first())[
        "token"
    ]
    last_to_thang = [m for m in smtp_server.mailbox.messages if "thang@" in str(m["To"])][-1]
    assert f"/i/{new_token}" in last_to_thang.get_body(preferencelist=("plain",)).get_content()


async def test_a_row_left_sending_by_a_dead_process_is_taken_over(db, smtp_server):
    event_id, ids = await make_event()
    await queue_invitations(event_id, only_unsent=True)
    await InvitationDelivery.update(
        {
            InvitationDelivery.state: DeliveryState.sending,
            InvitationDelivery.claimed_by: f"{socket.gethostname()}:999999",
        }
    ).where(InvitationDelivery.delegate == ids[0])
    result = await send_all(event_id, smtp_server)
    assert result.sent == 4 and smtp_server.mailbox.recipients().count("le@example.vn") == 1


async def test_a_row_another_live_sender_holds_is_left_alone(db, smtp_server):
    event_id, ids = await make_event()
    await queue_invitations(event_id, only_unsent=True)
    # The parent of this test process is alive: its row is in someone's hands.
    await InvitationDelivery.update(
        {
            InvitationDelivery.state: DeliveryState.sending,
            InvitationDelivery.claimed_at: datetime.now(UTC),
            InvitationDelivery.claimed_by: f"{socket.gethostname()}:{os.getppid()}",
        }
    ).where(InvitationDelivery.delegate == ids[0])
    result = await send_all(event_id, smtp_server)
    assert result.sent == 3 and "le@example.vn" not in smtp_server.mailbox.recipients()


async def test_two_senders_at_once_send_each_message_once(db, smtp_server):
    people = [
        services.DelegateInput(full_name=f"Đại biểu {i}", email=f"db{i}@example.vn")
        for i in range(40)
    ]
    event_id, _ = await make_event(people=people)
    await queue_invitations(event_id, only_unsent=True)
    first, second = await asyncio.gather(
        send_all(event_id, smtp_server), send_all(event_id, smtp_server)
    )
    assert first.sent + second.sent == 40
    recipients = smtp_server.mailbox.recipients()
    assert len(recipients) == len(set(recipients)) == 40


async def test_without_smtp_each_message_is_an_eml_file(db, tmp_path):
    event_id, _ = await make_event()
    await queue_invitations(event_id, only_unsent=True)
    result = await send_pending(
        event_id, FileMailer(tmp_path / "outbox"), base_url=BASE, sender=SENDER
    )
    files = sorted((tmp_path / "outbox").glob("*.eml"))
    assert result.sent == 4 and len(files) == 4
    parsed = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    assert parsed["Subject"].startswith("Giấy mời")
    assert not list((tmp_path / "outbox").glob("*.part"))


async def test_the_rate_limit_spaces_the_messages(db, smtp_server):
    event_id, _ = await make_event()
    await queue_invitations(event_id, only_unsent=True)
    loop = asyncio.get_running_loop()
    started = loop.time()
    await send_pending(event_id, mailer(smtp_server), base_url=BASE, sender=SENDER, rate=20)
    # Four messages at 20 a second take at least three intervals.
    assert loop.time() - started >= 3 / 20
