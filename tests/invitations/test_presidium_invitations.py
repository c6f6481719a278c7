"""The presidium (đoàn chủ tịch, seated on the stage) is not sent an invitation unless the
organizer asks, like the signer."""

from __future__ import annotations

from conference import auth, demo
from conference.events import get_event
from conference.invitations.sending import (
    queue_invitations,
    seated_in_the_presidium,
    signs_the_letter,
)
from conference.tables import Delegate, Event, HallSeat, InvitationDelivery, Role
from tests.conftest import csrf_token, log_in
from tests.test_events import VALID_FORM

SLUG = "nguoi-tot-viec-tot-2022"


async def _queued(event_id: int) -> set[int]:
    rows = await InvitationDelivery.select(InvitationDelivery.delegate).where(
        InvitationDelivery.event == event_id
    )
    return {row["delegate"] for row in rows}


async def test_the_presidium_is_invited_only_when_the_organizer_asks(db):
    await demo.load()
    event = await get_event(SLUG)
    presidium = await seated_in_the_presidium(event["id"])
    on_stage = await HallSeat.count().where(
        (HallSeat.event == event["id"]) & HallSeat.presidium.eq(True)
    )
    assert len(presidium) == on_stage == 7  # the demo hall's presidium, placed by rank
    await queue_invitations(event["id"], only_unsent=True)
    queued = await _queued(event["id"])
    assert len(queued) > 100 and not queued & presidium
    await Event.update({Event.invite_presidium: True}).where(Event.id == event["id"])
    await queue_invitations(event["id"], only_unsent=True)
    # Now each of them with an e-mail is sent one, but the signer (not asked for).
    members = await Delegate.select().where(Delegate.id.is_in(list(presidium)))
    expected = {d["id"] for d in members if d["email"] and not signs_the_letter(event, d)}
    assert expected and expected <= await _queued(event["id"])


async def test_the_event_form_keeps_the_presidium_choice(client, db, sample_password):
    await auth.create_user("btc", sample_password, Role.organizer)
    await log_in(client, "btc", sample_password)
    token = await csrf_token(client, "/events/new")
    await client.post(
        "/events/new", data={**VALID_FORM, "invite_presidium": "on", "_csrf_token": token}
    )
    row = await Event.select(Event.slug, Event.invite_presidium).first()
    assert row["invite_presidium"] is True
    edit = (await client.get(f"/events/{row['slug']}/edit")).text
    assert 'name="invite_presidium" checked' in edit
