"""Delegates and their invitations: the rules every door (page, API, import, demo) shares."""

from __future__ import annotations

import secrets
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, cast
from urllib.parse import urlencode

import anyio

from conference import audit, protocol
from conference.actors import Actor, EventRow
from conference.errors import Conflict, InvalidInput, NotFound
from conference.invitations import substitutes
from conference.invitations.wording import DEFAULT_BODY, DEFAULT_SUBJECT, check_wording
from conference.tables import (
    Delegate,
    DelegateRemoval,
    DelegateSource,
    DeliveryState,
    Event,
    InvitationDelivery,
    RevokedToken,
    Rsvp,
)
from conference.text import collation_key, name_sort_key, nfc

# 24 random bytes: 192 bits, URL-safe, 32 characters; nothing about the delegate in it.
TOKEN_BYTES = 24
# A delegate list shows at most this many rows; a search narrows it.
LIST_LIMIT = 500
# Delegates on one page of the list: a few screens at 1366×768, fast at 10,000.
PAGE_SIZE = 100
LAST_PAGE = 100_000  # ten million delegates: a page number past it is read as this one


def page_offset(page: int) -> int:
    """Where page ``page`` of the list starts: below 1 is the first page, and a number too
    large for the database's offset (``?page=10**20``) the last one it could hold."""
    return (min(max(1, page), LAST_PAGE) - 1) * PAGE_SIZE


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


@dataclass(frozen=True)
class DelegateInput:
    """A delegate as an organizer, a file or the demo gives one (Vietnamese in NFC)."""

    full_name: str
    honorific: str = ""
    position: str = ""
    organization: str = ""
    email: str | None = None
    phone: str = ""
    group: str = ""
    protocol_rank: int | None = None
    seat: str = ""
    code: str | None = None
    notes: str = ""


def delegate_fields(data: DelegateInput, *, substitute_name: str = "") -> dict[str, Any]:
    """The stored columns of a delegate: text in NFC, e-mail lower case, keys derived.

    Every way a delegate is written (form, import, demo, walk-in) goes through here,
    so the search and sort keys always match the name; ``substitute_name`` is the
    substitute already named for a delegate being changed (they stay found by it).
    """
    full_name = nfc(data.full_name)
    position = nfc(data.position)
    organization = nfc(data.organization)
    return {
        "code": nfc(data.code) or None,
        "full_name": full_name,
        "honorific": nfc(data.honorific),
        "position": position,
        "organization": organization,
        "email": (data.email or "").strip().lower() or None,
        "phone": nfc(data.phone),
        "group_name": nfc(data.group),
        "protocol_rank": data.protocol_rank,
        "seat": nfc(data.seat),
        "notes": nfc(data.notes),
        "search_key": substitutes.delegate_search_key(
            full_name, organization, position, substitute_name
        ),
        "name_sort_key": name_sort_key(full_name),
    }


def delegate_row(event_id: int, data: DelegateInput, *, source: DelegateSource) -> dict[str, Any]:
    """A new delegate's columns (``database.insert_values``), with a fresh token."""
    return {
        "event": event_id,
        "source": source.value,
        "token": new_token(),
        **delegate_fields(data),
    }


async def add_delegates(
    event_id: int, delegates: Sequence[DelegateInput], *, source: DelegateSource
) -> list[int]:
    """Insert delegates in as few statements as possible; return their ids in order.

    The rows are made in a worker thread (tokens, search keys: a large import's CPU),
    so the event loop keeps answering scans meanwhile."""
    rows = await anyio.to_thread.run_sync(
        lambda: [delegate_row(event_id, data, source=source) for data in delegates]
    )
    return await protocol.insert_delegates(rows)


# ------------------------------------------------------------------ one delegate


async def _email_taken(event_id: int, email: str | None, *, except_id: int | None = None) -> bool:
    if not email:
        return False
    query = Delegate.exists().where(
        (Delegate.event == event_id) & (Delegate.email == email.strip().lower())
    )
    if except_id is not None:
        query = query.where(Delegate.id != except_id)
    return bool(await query)


async def _code_taken(event_id: int, code: str | None, *, except_id: int | None = None) -> bool:
    if not code:
        return False
    query = Delegate.exists().where((Delegate.event == event_id) & (Delegate.code == nfc(code)))
    if except_id is not None:
        query = query.where(Delegate.id != except_id)
    return bool(await query)


async def _check_unique(event_id: int, data: DelegateInput, except_id: int | None = None) -> None:
    if await _email_taken(event_id, data.email, except_id=except_id):
        raise Conflict(
            "Another delegate of this event already has the e-mail %(email)s.",
            email=data.email,
            refusal="email_taken",
        )
    if await _code_taken(event_id, data.code, except_id=except_id):
        raise Conflict(
            "Another delegate of this event already has the code %(delegate_code)s.",
            delegate_code=data.code,
            refusal="delegate_code_taken",
        )


async def create_delegate(
    event_id: int,
    data: DelegateInput,
    *,
    by: Actor | None = None,
    source: DelegateSource = DelegateSource.manual,
) -> int:
    """Add one delegate; raise Conflict when the e-mail or code is taken in the event."""
    await _check_unique(event_id, data)
    [delegate_id] = await add_delegates(event_id, [data], source=source)
    await audit.record("delegate.create", by=by, event_id=event_id, target=str(delegate_id))
    return delegate_id


async def update_delegate(
    event_id: int, delegate_id: int, data: DelegateInput, *, by: Actor | None = None
) -> None:
    """Change a delegate; raise NotFound, or Conflict when the e-mail or code is taken."""
    before = await get_delegate(event_id, delegate_id)
    await _check_unique(event_id, data, except_id=delegate_id)
    fields = delegate_fields(data, substitute_name=before["substitute_name"] or "")
    values = {getattr(Delegate, name): value for name, value in fields.items()}
    values[Delegate.updated_at] = datetime.now(UTC)
    await Delegate.update(values).where(Delegate.id == delegate_id)
    # The delegate's page tells which details changed (not their values: the log outlives them).
    changed = [
        name
        for name, value in fields.items()
        if not name.endswith("_key") and before[name] != value
    ]
    await audit.record(
        "delegate.update", by=by, event_id=event_id, target=str(delegate_id), fields=changed
    )


async def mark_signer(
    event_id: int, delegate_id: int, signs: bool, *, by: Actor | None = None
) -> None:
    """Mark (or unmark) the delegate who signs the invitations: he is not sent one from
    himself unless the event asks for it (Event.invite_signer)."""
    delegate = await get_delegate(event_id, delegate_id)
    if bool(delegate["is_signer"]) == signs:
        return
    await Delegate.update(
        {Delegate.is_signer: signs, Delegate.updated_at: datetime.now(UTC)}
    ).where(Delegate.id == delegate_id)
    await audit.record(
        "delegate.signer", by=by, event_id=event_id, target=str(delegate_id), signs=signs
    )


async def delete_delegate(event_id: int, delegate_id: int, *, by: Actor | None = None) -> None:
    delegate = await get_delegate(event_id, delegate_id)
    # The tombstone tells the desks' snapshots (checkin.snapshot) that the delegate is gone.
    async with Delegate._meta.db.transaction():
        await Delegate.delete().where(Delegate.id == delegate_id)
        await DelegateRemoval(event=event_id, delegate_id=delegate_id).save()
    await audit.record(
        "delegate.delete",
        by=by,
        event_id=event_id,
        target=str(delegate_id),
        name=delegate["full_name"],
    )


async def get_delegate(event_id: int, delegate_id: int) -> dict[str, Any]:
    row = (
        await Delegate.select()
        .where((Delegate.id == delegate_id) & (Delegate.event == event_id))
        .first()
    )
    if row is None:
        raise NotFound("No such delegate in this event.")
    return row


async def revoke_invitation(event_id: int, delegate_id: int, *, by: Actor | None = None) -> None:
    """Withdraw the invitation: its QR code and page stop working until reissued."""
    await get_delegate(event_id, delegate_id)
    now = datetime.now(UTC)
    await Delegate.update({Delegate.revoked_at: now, Delegate.updated_at: now}).where(
        Delegate.id == delegate_id
    )
    await audit.record("invitation.revoke", by=by, event_id=event_id, target=str(delegate_id))


async def reissue_invitation(event_id: int, delegate_id: int, *, by: Actor | None = None) -> str:
    """Give the delegate a new token (and a working invitation); the old QR code answers revoked."""
    delegate = await get_delegate(event_id, delegate_id)
    token = new_token()
    async with Delegate._meta.db.transaction():
        await RevokedToken(token=delegate["token"], delegate=delegate_id).save()
        await Delegate.update(
            {
                Delegate.token: token,
                Delegate.revoked_at: None,
                Delegate.updated_at: datetime.now(UTC),
            }
        ).where(Delegate.id == delegate_id)
    await audit.record("invitation.reissue", by=by, event_id=event_id, target=str(delegate_id))
    return token


async def save_wording(event_id: int, subject: str, body: str, *, by: Actor | None = None) -> None:
    """Keep the organizer's invitation wording; empty means the default. Raises WordingError."""
    # The body keeps its line breaks (paragraphs), so only its characters are normalized.
    subject, body = nfc(subject), unicodedata.normalize("NFC", body.replace("\r\n", "\n")).strip()
    check_wording(subject or DEFAULT_SUBJECT, body or DEFAULT_BODY)
    await Event.update(
        {
            Event.invitation_subject: subject,
            Event.invitation_body: body,
            Event.updated_at: datetime.now(UTC),
        }
    ).where(Event.id == event_id)
    await audit.record("invitation.wording", by=by, event_id=event_id)


# ------------------------------------------------------------------ the delegate's own page


class InvitationUnavailable(NotFound):
    code = "invitation_unavailable"


async def invitation_by_token(token: str) -> tuple[EventRow, dict[str, Any]]:
    """The event and the delegate of a working invitation token.

    Raises InvitationUnavailable for an unknown, replaced or withdrawn token, with
    one message for all, so the page tells nothing about anyone.
    """
    if not token or len(token) > 100:
        raise InvitationUnavailable("This invitation link is not valid.")
    delegate = await Delegate.select().where(Delegate.token == token).first()
    if delegate is None or delegate["revoked_at"] is not None:
        raise InvitationUnavailable("This invitation link is not valid.")
    event = await Event.select().where(Event.id == delegate["event"]).first()
    assert event is not None
    return cast(EventRow, event), delegate


async def record_rsvp(token: str, answer: str, note: str = "") -> Rsvp:
    """Accept or decline: repeatable, the last answer wins, its time recorded.

    Declining clears a substitute named before: nobody will come on the invitation.
    """
    choice = Rsvp(answer) if answer in (Rsvp.accepted.value, Rsvp.declined.value) else None
    if choice is None:
        raise InvalidInput("Choose whether you will attend.", refusal="rsvp_not_chosen")
    event, delegate = await invitation_by_token(token)
    await Delegate.update(
        {
            Delegate.rsvp: choice,
            Delegate.rsvp_at: datetime.now(UTC),
            Delegate.rsvp_note: nfc(note)[:500],
            Delegate.updated_at: datetime.now(UTC),  # the desks' snapshots carry the answer
        }
    ).where((Delegate.id == delegate["id"]) & Delegate.revoked_at.is_null())
    await audit.record(
        "rsvp", event_id=event["id"], target=str(delegate["id"]), answer=choice.value
    )
    if choice is Rsvp.declined:
        await substitutes.set_substitute(event["id"], delegate, substitutes.NOBODY)
    return choice


async def name_substitute_by_token(token: str, wanted: substitutes.SubstituteInput) -> bool:
    """The delegate names (or clears) who attends in their place, on their invitation page.

    Raises InvitationUnavailable as ``invitation_by_token``; see ``substitutes.set_substitute``.
    """
    event, delegate = await invitation_by_token(token)
    return await substitutes.set_substitute(event["id"], delegate, wanted)


async def name_substitute(
    event_id: int,
    delegate_id: int,
    wanted: substitutes.SubstituteInput,
    *,
    by: Actor | None = None,
) -> bool:
    """The organizer names (or clears) a delegate's substitute; raises NotFound."""
    delegate = await get_delegate(event_id, delegate_id)
    return await substitutes.set_substitute(event_id, delegate, wanted, by=by)


# ------------------------------------------------------------------ the list


@dataclass(frozen=True)
class DelegateFilter:
    """What the organizer narrowed the list to; empty means everyone."""

    query: str = ""
    group: str = ""
    rsvp: str = ""  # pending | accepted | declined
    invitation: str = ""  # not_sent | queued | sent | failed | no_email | revoked
    arrival: str = ""  # arrived | not_arrived
    order: str = "rank"  # rank | name

    def as_query(self) -> str:
        """The list page's query string for this filter ("" for everyone in protocol order),
        so a link (an export, a print) carries what the organizer sees."""
        values = {
            "q": self.query,
            "group": self.group,
            "rsvp": self.rsvp,
            "invitation": self.invitation,
            "arrival": self.arrival,
            "order": "" if self.order == "rank" else self.order,
        }
        return urlencode({name: value for name, value in values.items() if value})


@dataclass
class DelegateList:
    rows: list[dict[str, Any]]
    total: int  # in the event, before filtering
    matched: int  # after filtering, before the display limit
    groups: list[str] = field(default_factory=list)


def invitation_state(delegate: dict[str, Any], delivery_state: str | None) -> str:
    """One word for where a delegate's invitation stands, for the list and its filter."""
    if delegate["revoked_at"] is not None:
        return "revoked"
    if delivery_state is not None:
        return delivery_state if delivery_state != DeliveryState.sending.value else "queued"
    return "not_sent" if delegate["email"] else "no_email"


SEARCH_COLUMNS = (
    Delegate.id,
    Delegate.full_name,
    Delegate.honorific,
    Delegate.position,
    Delegate.organization,
    Delegate.group_name,
    Delegate.seat,
    Delegate.protocol_rank,
    Delegate.notes,
    Delegate.rsvp,
    Delegate.checked_in_at,
    Delegate.email,
    Delegate.phone,
    Delegate.token,
    Delegate.substitute_honorific,
    Delegate.substitute_name,
    Delegate.substitute_position,
)


async def search_delegates(event_id: int, query: str, *, limit: int) -> list[dict[str, Any]]:
    """The first ``limit`` delegates matching ``query``, in protocol order: one query.

    For the desk and the API, where speed matters and invitation states do not; only
    the columns the API shows are read. Delegates whose invitation was withdrawn are
    found too, as they always were.
    """
    return await protocol.pick_delegates(
        event_id, query, columns=SEARCH_COLUMNS, limit=limit, include_withdrawn=True
    )


async def list_delegates(
    event_id: int, wanted: DelegateFilter, *, limit: int | None = LIST_LIMIT, offset: int = 0
) -> DelegateList:
    """The event's delegates, searched, filtered and sorted: one page of them.

    At most ``limit`` rows from the ``offset``-th on come back (None: all, for printing
    and exports); ``matched`` counts every delegate the filter keeps. The page is cut
    by the database (the order is a stored key, so paging holds on both engines), and
    only its delegates' deliveries are read; the invitation filter, which depends on
    those deliveries, reads the whole filtered list first.
    """
    condition: Any = Delegate.event == event_id
    words = protocol.search_condition(wanted.query)
    if words is not None:
        condition = condition & words
    if wanted.group:
        condition = condition & (Delegate.group_name == wanted.group)
    if wanted.rsvp:
        # An answer no delegate can give (a hand-edited address) matches nobody.
        condition = condition & (Delegate.rsvp == wanted.rsvp)
    if wanted.arrival == "arrived":
        condition = condition & Delegate.checked_in_at.is_not_null()
    elif wanted.arrival == "not_arrived":
        condition = condition & Delegate.checked_in_at.is_null()
    elif wanted.arrival:
        return await _nobody(event_id)
    query = Delegate.select().where(condition)
    if wanted.order == "name":
        query = query.order_by(Delegate.name_sort_key, Delegate.id)
    else:
        query = query.order_by(*protocol.ORDER_BY)
    if wanted.invitation:
        rows = await _with_states(event_id, await query)
        rows = [row for row in rows if row["invitation_state"] == wanted.invitation]
        matched = len(rows)
        rows = rows[offset:][:limit] if limit is not None else rows[offset:]
    else:
        if limit is not None:
            query = query.limit(limit).offset(offset)
        elif offset:
            query = query.offset(offset)
        rows = await _with_states(event_id, await query)
        matched = await Delegate.count().where(condition)
    return DelegateList(
        rows=rows,
        total=await Delegate.count().where(Delegate.event == event_id),
        matched=matched,
        groups=await _groups(event_id),
    )


async def _with_states(event_id: int, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``rows`` with each one's ``invitation_state`` (reading only their deliveries)."""
    deliveries = InvitationDelivery.select(
        InvitationDelivery.delegate, InvitationDelivery.state, InvitationDelivery.token
    ).where(InvitationDelivery.event == event_id)
    if len(rows) <= LIST_LIMIT:
        if not rows:
            return rows
        deliveries = deliveries.where(InvitationDelivery.delegate.is_in([r["id"] for r in rows]))
    # Only a delivery of the delegate's current token counts: a reissued
    # invitation has not been sent until it is sent again.
    states = {(row["delegate"], row["token"]): row["state"] for row in await deliveries}
    for row in rows:
        row["invitation_state"] = invitation_state(row, states.get((row["id"], row["token"])))
    return rows


async def _groups(event_id: int) -> list[str]:
    groups = await Delegate.select(Delegate.group_name).where(Delegate.event == event_id).distinct()
    return sorted({g["group_name"] for g in groups if g["group_name"]}, key=collation_key)


async def _nobody(event_id: int) -> DelegateList:
    """The list of a filter that matches nobody whatever the delegates."""
    return DelegateList(
        rows=[],
        total=await Delegate.count().where(Delegate.event == event_id),
        matched=0,
        groups=await _groups(event_id),
    )
