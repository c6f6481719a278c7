"""The outbox: invitations queued once per delegate and token, sent once, resumable.

A row moves queued → sending → sent (or failed with the reason). A sender claims a
row with one conditional UPDATE (``… WHERE state = 'queued'``), so two senders never
send the same row. When the mail server goes away the row goes back to queued and
the run stops; running again continues where it stopped. A row left in ``sending``
by a process that died is taken over: the message was not accepted unless the
process died in the instant between the server's "250 OK" and our UPDATE.
"""

from __future__ import annotations

import asyncio
import os
import socket
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.headerregistry import Address
from typing import Any, cast
from zoneinfo import ZoneInfo

from conference import audit
from conference.actors import Actor, EventRow
from conference.database import insert_rows
from conference.errors import N_
from conference.i18n import gettext
from conference.invitations.mail import Mailer, SendFailed
from conference.invitations.qr import invitation_url, prepare_png
from conference.invitations.rendering import build_email, build_invitation
from conference.program import agenda
from conference.tables import Delegate, DeliveryState, Event, HallSeat, InvitationDelivery
from conference.text import fold

CHANNEL = "email"
BATCH = 100  # rows claimed per round; their QR codes are made together on every core
# A live sender finishes or gives up on a message well within this (SMTP timeout 30 s).
ABANDONED_AFTER = timedelta(minutes=2)
WORKER = f"{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True)
class OutboxStatus:
    """How far the sending is: counts of the current invitations by state."""

    queued: int = 0
    sending: int = 0
    sent: int = 0
    failed: int = 0
    without_email: int = 0

    @property
    def pending(self) -> int:
        return self.queued + self.sending

    @property
    def total(self) -> int:
        return self.queued + self.sending + self.sent + self.failed


@dataclass(frozen=True)
class RunResult:
    sent: int
    failed: int
    stopped_by: str = ""  # why the run stopped early (the mail server's last words), else ""
    # Messages a dead sender held when it died, sent again by this run: each may have
    # been accepted just before the death, so its person may have it twice.
    uncertain: int = 0


async def outbox_status(event_id: int) -> OutboxStatus:
    """Counts for the delegates' current tokens; withdrawn invitations are left out."""
    delegates = await Delegate.select(Delegate.id, Delegate.token, Delegate.email).where(
        (Delegate.event == event_id) & Delegate.revoked_at.is_null()
    )
    current = {(d["id"], d["token"]) for d in delegates}
    counts = dict.fromkeys(("queued", "sending", "sent", "failed"), 0)
    for row in await InvitationDelivery.select(
        InvitationDelivery.delegate, InvitationDelivery.token, InvitationDelivery.state
    ).where((InvitationDelivery.event == event_id) & (InvitationDelivery.channel == CHANNEL)):
        if (row["delegate"], row["token"]) in current:
            counts[row["state"]] += 1
    return OutboxStatus(**counts, without_email=sum(1 for d in delegates if not d["email"]))


def signs_the_letter(event: EventRow, delegate: dict[str, Any]) -> bool:
    """Is this delegate the letter's signer: marked so, or named as the event's signer?
    Nobody is sent an invitation from himself unless the organizer asks (invite_signer)."""
    if delegate.get("is_signer"):
        return True
    signer = fold(event["signer_name"])
    return bool(signer) and fold(delegate.get("full_name")) == signer


async def seated_in_the_presidium(event_id: int) -> set[int]:
    """The delegates placed on the presidium's seats (đoàn chủ tịch, on the stage): they
    preside and are not sent an invitation unless the organizer asks (invite_presidium).
    Read from the hall's seats in the shared tables: seating sits above invitations."""
    rows = await HallSeat.select(HallSeat.delegate).where(
        (HallSeat.event == event_id) & HallSeat.presidium.eq(True) & HallSeat.delegate.is_not_null()
    )
    return {row["delegate"] for row in rows}


async def queue_invitations(event_id: int, *, only_unsent: bool, by: Actor | None = None) -> int:
    """Put the invitations to send in the outbox; return how many are now queued.

    Every delegate with an e-mail and a working invitation gets one row for their
    current token, but for the signer and the presidium unless the event asks for them.
    With ``only_unsent``, delegates already sent that token are left alone. Without it,
    a new round re-queues everyone, unless a previous run is
    unfinished: then that run is resumed, so nobody of it gets a second message.
    """
    event = cast(EventRow, await Event.select().where(Event.id == event_id).first())
    presidium: set[int] = (
        set() if event["invite_presidium"] else await seated_in_the_presidium(event_id)
    )
    delegates = [
        d
        for d in await Delegate.select(
            Delegate.id, Delegate.token, Delegate.email, Delegate.full_name, Delegate.is_signer
        ).where(
            (Delegate.event == event_id)
            & Delegate.revoked_at.is_null()
            & Delegate.email.is_not_null()
        )
        # The signer follows invite_signer alone, also when he sits in the presidium.
        if (event["invite_signer"] if signs_the_letter(event, d) else d["id"] not in presidium)
    ]
    if event["issued_on"] is None:
        # The letter is dated the day its invitations are first sent, and keeps that date.
        today = datetime.now(ZoneInfo(event["timezone"])).date()
        await Event.update({Event.issued_on: today}).where(
            (Event.id == event_id) & Event.issued_on.is_null()
        )
    existing = {
        (row["delegate"], row["token"]): row
        for row in await InvitationDelivery.select(
            InvitationDelivery.id,
            InvitationDelivery.delegate,
            InvitationDelivery.token,
            InvitationDelivery.state,
        ).where((InvitationDelivery.event == event_id) & (InvitationDelivery.channel == CHANNEL))
    }
    new_rows = [
        InvitationDelivery(
            event=event_id,
            delegate=d["id"],
            channel=CHANNEL,
            token=d["token"],
            recipient=d["email"],
        )
        for d in delegates
        if (d["id"], d["token"]) not in existing
    ]
    # skip_existing: a second organizer pressing "send" at the same moment adds nothing.
    await insert_rows(InvitationDelivery, new_rows, skip_existing=True)
    unfinished = any(
        row["state"] in (DeliveryState.queued, DeliveryState.sending) for row in existing.values()
    )
    again = (
        [DeliveryState.failed]
        if (only_unsent or unfinished)
        else [
            DeliveryState.failed,
            DeliveryState.sent,
        ]
    )
    current = {(d["id"], d["token"]) for d in delegates}
    current_ids = [row["id"] for key, row in existing.items() if key in current]
    if current_ids:
        await InvitationDelivery.update(
            {
                InvitationDelivery.state: DeliveryState.queued,
                InvitationDelivery.attempts: 0,
                InvitationDelivery.updated_at: datetime.now(UTC),
            }
        ).where(InvitationDelivery.id.is_in(current_ids) & InvitationDelivery.state.is_in(again))
    queued = (await outbox_status(event_id)).pending
    await audit.record(
        "invitations.queue", by=by, event_id=event_id, queued=queued, only_unsent=only_unsent
    )
    return queued


def _abandoned(row: dict[str, Any], now: datetime) -> bool:
    """Is this ``sending`` row held by nobody: its process is gone, or it is long stale?"""
    host, _, pid = (row["claimed_by"] or "").rpartition(":")
    if host == socket.gethostname() and pid.isdigit() and int(pid) != os.getpid():
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False
    claimed_at = row["claimed_at"]
    return claimed_at is None or now - claimed_at > ABANDONED_AFTER


async def take_over_abandoned(event_id: int) -> int:
    """Put rows left in ``sending`` by a dead sender back in the queue."""
    now = datetime.now(UTC)
    rows = await InvitationDelivery.select(
        InvitationDelivery.id, InvitationDelivery.claimed_by, InvitationDelivery.claimed_at
    ).where(
        (InvitationDelivery.event == event_id) & (InvitationDelivery.state == DeliveryState.sending)
    )
    ids = [row["id"] for row in rows if _abandoned(row, now)]
    if ids:
        taken = await (
            InvitationDelivery.update({InvitationDelivery.state: DeliveryState.queued})
            .where(
                InvitationDelivery.id.is_in(ids)
                & (InvitationDelivery.state == DeliveryState.sending)
            )
            .returning(InvitationDelivery.id)
        )
        ids = [row["id"] for row in taken]
        if ids:
            # Recorded, not silent: whether the server took these before the sender died
            # is unknown, so their people may get the invitation twice.
            await audit.record("invitations.uncertain", event_id=event_id, deliveries=ids)
    return len(ids)


async def _claim(row_id: int) -> bool:
    claimed = (
        await InvitationDelivery.update(
            {
                InvitationDelivery.state: DeliveryState.sending,
                InvitationDelivery.claimed_at: datetime.now(UTC),
                InvitationDelivery.claimed_by: WORKER,
                InvitationDelivery.attempts: InvitationDelivery.attempts + 1,
            }
        )
        .where(
            (InvitationDelivery.id == row_id) & (InvitationDelivery.state == DeliveryState.queued)
        )
        .returning(InvitationDelivery.id)
    )
    return bool(claimed)


async def _finish(
    row_id: int, state: DeliveryState, *, error: str = "", message_id: str = ""
) -> None:
    now = datetime.now(UTC)
    values: dict[Any, Any] = {
        InvitationDelivery.state: state,
        InvitationDelivery.last_error: error[:1000],
        InvitationDelivery.updated_at: now,
    }
    if state is DeliveryState.sent:
        values[InvitationDelivery.sent_at] = now
        values[InvitationDelivery.message_id] = message_id
    await InvitationDelivery.update(values).where(InvitationDelivery.id == row_id)


ProgressCallback = Callable[[int, int], Awaitable[None] | None]


async def send_pending(
    event_id: int,
    mailer: Mailer,
    *,
    base_url: str,
    sender: Address,
    rate: float = 0,
    on_progress: ProgressCallback | None = None,
) -> RunResult:
    """Send every queued invitation of the event, at most ``rate`` a second (0: no limit).

    ``on_progress(sent, failed)`` is called after each message. A refusal for one
    recipient marks that row failed and goes on; a server that goes away stops the
    run with its reason in ``stopped_by``, the unsent rows still queued.
    """
    uncertain = await take_over_abandoned(event_id)
    event = cast("EventRow | None", await Event.select().where(Event.id == event_id).first())
    assert event is not None
    programme = await agenda.programme_outline(event_id)
    sent = failed = 0
    # The rate spares a mail server; a folder of .eml files is written as fast as the disk.
    throttled = getattr(mailer, "throttled", True)
    interval = 1 / rate if rate > 0 and throttled else 0.0
    next_send = time.monotonic()
    async with mailer:
        while True:
            batch = await (
                InvitationDelivery.select(
                    InvitationDelivery.id, InvitationDelivery.delegate, InvitationDelivery.token
                )
                .where(
                    (InvitationDelivery.event == event_id)
                    & (InvitationDelivery.state == DeliveryState.queued)
                )
                .order_by(InvitationDelivery.id)
                .limit(BATCH)
            )
            if not batch:
                break
            delegates = {
                d["id"]: d
                for d in await Delegate.select().where(
                    Delegate.id.is_in([r["delegate"] for r in batch])
                )
            }
            await prepare_png([invitation_url(base_url, row["token"]) for row in batch])
            for row in batch:
                if not await _claim(row["id"]):
                    continue  # another sender took it
                delegate = delegates.get(row["delegate"])
                problem = _why_not_send(delegate, row["token"])
                if problem:
                    await _finish(row["id"], DeliveryState.failed, error=problem)
                    failed += 1
                    continue
                assert delegate is not None
                message = build_email(
                    build_invitation(event, delegate, programme, base_url), sender=sender
                )
                if interval:
                    await asyncio.sleep(max(0.0, next_send - time.monotonic()))
                    next_send = max(next_send + interval, time.monotonic())
                try:
                    await mailer.send(message, name=f"{event['slug']}-{delegate['id']}-{row['id']}")
                except SendFailed as error:
                    if error.permanent:
                        await _finish(row["id"], DeliveryState.failed, error=error.reason)
                        failed += 1
                    else:
                        await _finish(row["id"], DeliveryState.queued, error=error.reason)
                        return RunResult(
                            sent,
                            failed,
                            stopped_by=error.reason,
                            uncertain=uncertain,
                        )
                else:
                    await _finish(row["id"], DeliveryState.sent, message_id=message.message_id)
                    sent += 1
                if on_progress is not None:
                    outcome = on_progress(sent, failed)
                    if outcome is not None:
                        await outcome
    return RunResult(sent, failed, uncertain=uncertain)


def _why_not_send(delegate: dict[str, Any] | None, token: str) -> str:
    """A reason not to send this row any more, or "" (the delegate changed since it was queued)."""
    if delegate is None:
        return gettext(N_("The delegate was removed."))
    if delegate["revoked_at"] is not None:
        return gettext(N_("The invitation was withdrawn."))
    if delegate["token"] != token:
        return gettext(N_("A new invitation replaced this one."))
    if not delegate["email"]:
        return gettext(N_("The delegate has no e-mail any more."))
    return ""
