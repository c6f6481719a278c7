"""The desk's snapshot of its event: what an offline desk answers from, refreshed by a cursor.

It holds what the desk shows (names, titles, groups, seats, ranks, notes, the RSVP,
arrival, a substitute) and the SHA-256 of each invitation token (and of the tokens it replaced), so
the desk can recognise a code without holding one; never an e-mail, a phone number or
a token.

The cursor is a time. Every change a desk sees moves ``delegate.updated_at`` (a
check-in, its undo, an edit, an import, a withdrawn or new invitation, an RSVP), and a
deleted delegate leaves a tombstone (``DelegateRemoval``). ``since`` returns what changed
from ``SNAPSHOT_OVERLAP`` before the cursor's time: a write whose ``updated_at`` was
taken by one server process's clock shortly before it committed, or by another
process's clock a little behind, is still seen. Rows may so come twice; the desk
replaces a delegate by its id, so twice is harmless, and missing one is not possible
while writes commit within the overlap of their timestamp.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec

from conference.actors import EventRow
from conference.checkin.seat_map import hall_changed_since, seat_map
from conference.errors import InvalidInput
from conference.invitations import substitute_of
from conference.tables import Delegate, DelegateRemoval, RevokedToken

SNAPSHOT_OVERLAP = timedelta(minutes=2)
_CURSOR = re.compile(r"c1-(\d{1,20})")

COLUMNS = (
    Delegate.id,
    Delegate.full_name,
    Delegate.honorific,
    Delegate.position,
    Delegate.organization,
    Delegate.group_name,
    Delegate.seat,
    Delegate.protocol_rank,
    Delegate.name_sort_key,
    Delegate.notes,
    Delegate.rsvp,
    Delegate.checked_in_at,
    Delegate.checked_in_desk,
    Delegate.token,
    Delegate.revoked_at,
    Delegate.substitute_honorific,
    Delegate.substitute_name,
    Delegate.substitute_position,
)


@dataclass(frozen=True)
class Snapshot:
    cursor: str  # give it back as ``since`` for what changed after this one
    generated_at: datetime
    delegates: list[dict[str, Any]]  # present ones, and ``{"id", "removed": True}`` ones
    full: bool  # True: everything (replace the desk's copy); False: changes only
    # The desk's small map (``seat_map``): None, no hall; absent (UNSET), unchanged.
    hall: dict[str, Any] | msgspec.UnsetType | None = msgspec.UNSET


def token_sha256(token: str) -> str:
    """What the snapshot holds of a token: SHA-256 of its UTF-8 bytes, lower-case hex."""
    return hashlib.sha256(token.encode()).hexdigest()


def make_cursor(moment: datetime) -> str:
    micros = int((moment - datetime(1970, 1, 1, tzinfo=UTC)) / timedelta(microseconds=1))
    return f"c1-{micros}"


def read_cursor(cursor: str) -> datetime:
    """The time a cursor stands for. Raises InvalidInput ``bad_cursor`` for anything else."""
    match = _CURSOR.fullmatch(cursor.strip())
    if match is None or int(match.group(1)) > 10**17:
        raise InvalidInput(
            "This snapshot cursor is not valid: ask for a full snapshot (without since).",
            code="bad_cursor",
        )
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=int(match.group(1)))


def _shown(row: dict[str, Any], replaced: dict[int, list[str]]) -> dict[str, Any]:
    if row["revoked_at"] is not None:
        return {"id": row["id"], "removed": True}
    shown = {
        "id": row["id"],
        "full_name": row["full_name"],
        "honorific": row["honorific"],
        "position": row["position"],
        "organization": row["organization"],
        "group": row["group_name"],
        "seat": row["seat"],
        "protocol_rank": row["protocol_rank"],
        # The server's name order (text.name_sort_key, compared by code point), so the
        # offline search lists names as the server does, not as the browser would.
        "name_sort_key": row["name_sort_key"],
        "notes": row["notes"],
        "rsvp": row["rsvp"],
        "checked_in_at": row["checked_in_at"],
        "checked_in_desk": row["checked_in_desk"],
        "token_sha256": token_sha256(row["token"]),
    }
    substitute = substitute_of(row)
    if substitute is not None:
        shown["substitute"] = substitute  # offline too, the desk greets who comes instead
    if row["id"] in replaced:
        # The codes this delegate was sent before a new one: offline, the desk can still
        # say whose they were and that a new one exists.
        shown["replaced_token_sha256"] = replaced[row["id"]]
    return shown


async def _replaced(event_id: int, delegate_ids: list[int] | None) -> dict[int, list[str]]:
    """The hashes of each delegate's replaced tokens (of ``delegate_ids``; None: all)."""
    if delegate_ids == []:
        return {}
    query = RevokedToken.select(RevokedToken.delegate, RevokedToken.token).where(
        RevokedToken.delegate.event == event_id
    )
    if delegate_ids is not None:
        query = query.where(RevokedToken.delegate.is_in(delegate_ids))
    found: dict[int, list[str]] = {}
    for row in await query.order_by(RevokedToken.id):
        found.setdefault(row["delegate"], []).append(token_sha256(row["token"]))
    return found


async def snapshot(event: EventRow, since: str | None = None) -> Snapshot:
    """The event's delegates for an offline desk: all of them, or what changed ``since``.

    A full snapshot leaves out withdrawn invitations; with ``since``, a delegate whose
    invitation was withdrawn, or who was deleted, comes as ``{"id", "removed": True}``.
    Raises InvalidInput ``bad_cursor`` for a cursor this function did not make.
    """
    changed_from = read_cursor(since) - SNAPSHOT_OVERLAP if since is not None else None
    generated_at = datetime.now(UTC)
    query = Delegate.select(*COLUMNS).where(Delegate.event == event["id"])
    if changed_from is None:
        rows = await query.where(Delegate.revoked_at.is_null()).order_by(Delegate.id)
        replaced = await _replaced(event["id"], None)
        return Snapshot(
            cursor=make_cursor(generated_at),
            generated_at=generated_at,
            delegates=[_shown(row, replaced) for row in rows],
            full=True,
            hall=await seat_map(event["id"]),
        )
    rows = await query.where(Delegate.updated_at >= changed_from).order_by(Delegate.id)
    replaced = await _replaced(event["id"], [row["id"] for row in rows])
    removed = await DelegateRemoval.select(DelegateRemoval.delegate_id).where(
        (DelegateRemoval.event == event["id"]) & (DelegateRemoval.removed_at >= changed_from)
    )
    present = {row["id"] for row in rows}
    return Snapshot(
        cursor=make_cursor(generated_at),
        generated_at=generated_at,
        delegates=[_shown(row, replaced) for row in rows]
        + [
            {"id": gone["delegate_id"], "removed": True}
            for gone in removed
            if gone["delegate_id"] not in present
        ],
        full=False,
        hall=await seat_map(event["id"])
        if await hall_changed_since(event["id"], changed_from)
        else msgspec.UNSET,
    )
