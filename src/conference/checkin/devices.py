"""Desk devices: phones paired to one event's front desk by a QR code, revoked at once.

An organizer creates a device for an event with a label ("Bàn 2 – cửa chính"); its
pairing link ``{base_url}/pair/{secret}`` holds 256 random bits, of which only the
SHA-256 is stored, so the link can be shown once (on the page that made it) and
never again. Opening it works once and within ``PAIRING_LINK_TTL``: the use is one
conditional UPDATE (``… WHERE pairing_used_at IS NULL AND pairing_expires_at > now``),
so two phones opening the same link at once pair one. The phone is then signed in as
the device (``auth.get_paired_device``): role desk, for its event only, its label the
check-in's desk. A new link for the same device moves it to another phone: the phone
paired before is signed out when the new one pairs.

Pairing also gives the phone a key of its own (a cookie; only its SHA-256 is stored, and
carried with the event's export): a venue laptop that imported the event, answering at
the address the phone was paired on, knows the phone by it (``auth.get_device_by_key``)
although it holds none of the central server's sessions.

A device acts through an account of its own (disabled, with no usable password, left
out of the accounts page), so check-ins, undo and the audit log name it like any
account. When it last scanned is read from the check-in log, which already records
who made every scan: a scan pays no query for it.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from piccolo.query.functions.aggregate import Max

from conference import audit, auth, live
from conference.actors import Actor, EventRow
from conference.errors import Conflict, DomainError, InvalidInput, NotFound
from conference.formatting import local_moment
from conference.tables import CheckInAttempt, DeskDevice, Event, Role, User
from conference.text import nfc

# Long enough to walk the phone over from the organizer's screen, short enough that
# a photographed code is soon worthless.
PAIRING_LINK_TTL = timedelta(minutes=30)
LABEL_LENGTH = 64  # the check-in's desk column
_SECRET_BYTES = 32


class PairingRefused(DomainError):
    """A pairing link that cannot sign anyone in: used, expired, replaced or revoked."""

    code = "pairing_refused"


@dataclass(frozen=True)
class PairingLink:
    """A device's new pairing link: shown once, as a QR code, and never stored."""

    device_id: int
    label: str
    url: str
    expires_at: datetime


@dataclass(frozen=True)
class Paired:
    """A phone just paired: what its session holds, and where its desk page is."""

    device_id: int
    pairing: int
    event_slug: str
    key: str  # the phone's own key, kept in a cookie: shown to nobody, stored as a digest


def pairing_url(base_url: str, secret: str) -> str:
    """What the pairing QR code holds: ``{CONFERENCE_BASE_URL}/pair/{secret}``."""
    return f"{base_url.rstrip('/')}/pair/{secret}"


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _clean_label(label: str) -> str:
    cleaned = " ".join(nfc(label).split())
    if not cleaned:
        raise InvalidInput("Give the device a name, e.g. the desk it serves.", refusal="no_label")
    if len(cleaned) > LABEL_LENGTH:
        raise InvalidInput(
            "A device name has at most %(n)s characters.", n=LABEL_LENGTH, refusal="label_too_long"
        )
    return cleaned


def _fresh_link() -> tuple[str, str, datetime]:
    secret = secrets.token_urlsafe(_SECRET_BYTES)
    return secret, _digest(secret), datetime.now(UTC) + PAIRING_LINK_TTL


async def create_device(event: EventRow, label: str, *, by: Actor, base_url: str) -> PairingLink:
    """A new desk device of ``event`` named ``label``, with its first pairing link.

    Raises InvalidInput for an empty or too long name, Conflict (``label_taken``) when
    a device of the event not revoked already has it: check-ins name their desk by it.
    """
    label = _clean_label(label)
    taken = await DeskDevice.exists().where(
        (DeskDevice.event == event["id"])
        & (DeskDevice.label == label)
        & DeskDevice.revoked_at.is_null()
    )
    if taken:
        # A read before the write: two organizers naming the same desk in the same
        # second get two devices, both listed, which is harmless.
        raise Conflict(
            "This event already has a desk device named %(label)s.",
            label=label,
            refusal="label_taken",
        )
    secret, digest, expires_at = _fresh_link()
    async with DeskDevice._meta.db.transaction():
        account = User(
            username=f"device:{secrets.token_hex(8)}",
            display_name=label,
            # Never used: the account is disabled and signs in only by pairing.
            password_hash=auth.hash_password(secrets.token_urlsafe(32)),
            role=Role.desk,
            active=False,
        )
        await account.save()
        device = DeskDevice(
            event=event["id"],
            user=account.id,
            label=label,
            pairing_hash=digest,
            pairing_expires_at=expires_at,
            created_by=by.id,
        )
        await device.save()
    await audit.record(
        "device.create", by=by, event_id=event["id"], target=str(device.id), label=label
    )
    return PairingLink(device.id, label, pairing_url(base_url, secret), expires_at)


async def new_pairing_link(
    event: EventRow, device_id: int, *, by: Actor, base_url: str
) -> PairingLink:
    """A new pairing link for a device not revoked; the device's earlier link stops working.

    Raises NotFound for a device of another event or a revoked one.
    """
    secret, digest, expires_at = _fresh_link()
    updated = (
        await DeskDevice.update(
            {
                DeskDevice.pairing_hash: digest,
                DeskDevice.pairing_expires_at: expires_at,
                DeskDevice.pairing_used_at: None,
            }
        )
        .where(
            (DeskDevice.id == device_id)
            & (DeskDevice.event == event["id"])
            & DeskDevice.revoked_at.is_null()
        )
        .returning(DeskDevice.label)
    )
    if not updated:
        raise NotFound("No such desk device in this event (or it was revoked).")
    await audit.record("device.link", by=by, event_id=event["id"], target=str(device_id))
    return PairingLink(device_id, updated[0]["label"], pairing_url(base_url, secret), expires_at)


async def pair(secret: str) -> Paired:
    """Use the pairing link holding ``secret``: once, before it expires, for a device
    not revoked.

    Raises PairingRefused with ``pairing_used`` (the link was used already: a replay),
    ``pairing_expired``, or ``pairing_invalid`` (unknown, replaced by a newer link, or
    the device revoked).
    """
    digest = _digest(secret[:200])
    now = datetime.now(UTC)
    key = secrets.token_urlsafe(_SECRET_BYTES)
    claimed = (
        await DeskDevice.update(
            {
                DeskDevice.pairing_used_at: now,
                DeskDevice.paired_at: now,
                DeskDevice.pairings: DeskDevice.pairings + 1,
                DeskDevice.key_hash: _digest(key),
            }
        )
        .where(
            (DeskDevice.pairing_hash == digest)
            & DeskDevice.pairing_used_at.is_null()
            & (DeskDevice.pairing_expires_at > now)
            & DeskDevice.revoked_at.is_null()
        )
        .returning(DeskDevice.id, DeskDevice.event, DeskDevice.pairings, DeskDevice.user)
    )
    if not claimed:
        await _refuse(digest, now)
    row = claimed[0]
    event = await Event.select(Event.slug, Event.timezone).where(Event.id == row["event"]).first()
    assert event is not None  # the device's event: deleting it deletes the device
    # A phone paired before as this device is signed out now, not in AUTH_CACHE_S.
    auth.forget_remembered_users()
    await audit.record(
        "device.pair",
        by=await auth.get_paired_device(row["id"], row["pairings"]),
        event_id=row["event"],
        target=str(row["id"]),
    )
    # The organizer's pairing page, still showing the code, says the phone is in.
    live.publish(row["event"], "device_paired", {"device_id": row["id"]})
    return Paired(row["id"], row["pairings"], event["slug"], key)


async def _refuse(digest: str, now: datetime) -> None:
    """Why a pairing link did not work, as the refusal the phone shows."""
    row = (
        await DeskDevice.select(
            DeskDevice.pairing_used_at,
            DeskDevice.pairing_expires_at,
            DeskDevice.revoked_at,
            DeskDevice.event.timezone.as_alias("timezone"),
        )
        .where(DeskDevice.pairing_hash == digest)
        .first()
    )
    if row is None or row["revoked_at"] is not None:
        raise PairingRefused(
            "This pairing link is no longer valid: a newer link was made for this device, "
            "or the device was revoked. Ask the organizers for a new pairing code.",
            refusal="pairing_invalid",
        )
    if row["pairing_used_at"] is not None:
        raise PairingRefused(
            "This pairing link was already used (at %(time)s). A link pairs one phone "
            "only once: ask the organizers to make a new pairing code for this desk.",
            time=local_moment(row["pairing_used_at"], row["timezone"]),
            refusal="pairing_used",
        )
    raise PairingRefused(
        "This pairing link expired at %(time)s. Ask the organizers to make a new "
        "pairing code for this desk.",
        time=local_moment(row["pairing_expires_at"], row["timezone"]),
        refusal="pairing_expired",
    )


async def revoke_device(event: EventRow, device_id: int, *, by: Actor) -> str:
    """Revoke a device at once: its next request is refused, its open live stream ends
    at its next check, its unused link stops working. Answers the device's label.

    Raises NotFound for a device of another event or one already revoked.
    """
    revoked = (
        await DeskDevice.update(
            {DeskDevice.revoked_at: datetime.now(UTC), DeskDevice.pairing_hash: None}
        )
        .where(
            (DeskDevice.id == device_id)
            & (DeskDevice.event == event["id"])
            & DeskDevice.revoked_at.is_null()
        )
        .returning(DeskDevice.label)
    )
    if not revoked:
        raise NotFound("No such desk device in this event (or it was revoked).")
    auth.forget_remembered_users()
    await audit.record("device.revoke", by=by, event_id=event["id"], target=str(device_id))
    return str(revoked[0]["label"])


async def list_devices(event: EventRow) -> list[dict[str, Any]]:
    """The event's desk devices, the newest first, each with ``last_scan_at`` (None when
    it has not scanned) and ``link_pending`` (an unused link not yet expired)."""
    devices = (
        await DeskDevice.select(
            DeskDevice.id,
            DeskDevice.label,
            DeskDevice.user,
            DeskDevice.created_at,
            DeskDevice.paired_at,
            DeskDevice.pairing_used_at,
            DeskDevice.pairing_expires_at,
            DeskDevice.revoked_at,
        )
        .where(DeskDevice.event == event["id"])
        .order_by(DeskDevice.id, ascending=False)
    )
    accounts = [device["user"] for device in devices]
    last_scans = (
        await CheckInAttempt.select(CheckInAttempt.user, Max(CheckInAttempt.at, alias="last"))
        .where((CheckInAttempt.event == event["id"]) & CheckInAttempt.user.is_in(accounts))
        .group_by(CheckInAttempt.user)
        if accounts
        else []
    )
    # SQLite hands an aggregate back as the text it stores, without the column's type.
    last = {
        row["user"]: datetime.fromisoformat(row["last"])
        if isinstance(row["last"], str)
        else row["last"]
        for row in last_scans
    }
    now = datetime.now(UTC)
    for device in devices:
        device["last_scan_at"] = last.get(device["user"])
        device["link_pending"] = (
            device["revoked_at"] is None
            and device["pairing_used_at"] is None
            and device["pairing_expires_at"] is not None
            and device["pairing_expires_at"] > now
        )
    return devices
