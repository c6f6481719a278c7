"""The seat on the delegate's invitation page and e-mail, once the organizer publishes seats."""

from __future__ import annotations

from email import message_from_bytes, policy
from email.headerregistry import Address

from conference import demo, demo_data
from conference.invitations.rendering import build_email, build_invitation
from conference.tables import Delegate, Event
from tests.conftest import csrf_token, log_in

SENDER = Address("Ban tổ chức", addr_spec="hoinghi@example.vn")


async def _email_text(delegate_id: int) -> str:
    event = await Event.select().where(Event.slug == demo_data.SLUG).first()
    delegate = await Delegate.select().where(Delegate.id == delegate_id).first()
    delegate["email"] = delegate["email"] or "daibieu@example.vn"
    sent = build_email(build_invitation(event, delegate, [], "http://x"), sender=SENDER)
    message = message_from_bytes(sent.data, policy=policy.default)
    parts = [message.get_body(preferencelist=(kind,)) for kind in ("plain", "html")]
    return "\n".join(part.get_content() for part in parts if part is not None)


async def test_the_seat_shows_on_the_invitation_page_and_email_only_once_published(client):
    await demo.load()
    leader = await Delegate.select().where(Delegate.protocol_rank == 1).first()
    assert leader["seat"] == "CT-4"
    page = f"/i/{leader['token']}"
    before = await client.get(page)
    assert before.status_code == 200 and "Chỗ ngồi" not in before.text
    assert "Chỗ ngồi" not in await _email_text(leader["id"])

    await log_in(client, "bantochuc", "hoinghi2022")
    seating = f"/events/{demo_data.SLUG}/seating/"
    token = await csrf_token(client, seating)
    published = await client.post(
        seating + "publish", data={"published": "1", "_csrf_token": token}
    )
    assert published.status_code == 302
    assert "Thôi hiển thị chỗ ngồi" in (await client.get(seating)).text
    after = await client.get(page)
    assert "<strong>Chỗ ngồi:</strong> <span data-seat>CT-4</span>" in after.text
    text = await _email_text(leader["id"])
    assert "Chỗ ngồi: CT-4" in text and "<strong>Chỗ ngồi:</strong> CT-4" in text

    exported = await client.get(f"/events/{demo_data.SLUG}/delegates/export.csv")
    assert exported.status_code == 200
    [row] = [line for line in exported.text.splitlines() if leader["full_name"] in line]
    assert ",CT-4," in row  # the exports carry the seat's label

    hidden = await client.post(seating + "publish", data={"published": "0", "_csrf_token": token})
    assert hidden.status_code == 302
    assert "Chỗ ngồi" not in (await client.get(page)).text
