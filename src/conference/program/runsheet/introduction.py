"""The MC's introduction of delegates (giới thiệu đại biểu), built live from who has checked in.

Only delegates who have checked in are introduced, in protocol order (``conference.
protocol``); check-in is asked who has arrived (``conference.checkin.arrival_times``).
Once the MC has read it (the "read" button, or the day's opening item starting),
the script stays as read and a leader who arrives later gets a line of their own
(``late``: "giới thiệu bổ sung"). An organizer may edit the text: an edited script is
kept as written, like an award cue's, until reverted.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from conference import audit, live, protocol
from conference.actors import Actor, EventRow
from conference.checkin import arrival_times
from conference.errors import N_, InvalidInput, NotFound
from conference.invitations import substitute_of
from conference.program import agenda
from conference.program.runsheet import introduction_wording as wording
from conference.tables import AddressForm, Delegate, Introduction
from conference.text import nfc

COLUMNS = (
    Delegate.id,
    Delegate.full_name,
    Delegate.honorific,
    Delegate.position,
    Delegate.organization,
    Delegate.protocol_rank,
    Delegate.name_sort_key,
    Delegate.introduce_by_name,
    Delegate.stands_in_for,
    Delegate.substitute_honorific,
    Delegate.substitute_name,
    Delegate.substitute_position,
)
MAX_SCRIPT = 20_000


@dataclass(frozen=True)
class Introduced:
    delegate_id: int
    full_name: str
    by_name: bool  # named on their own; otherwise with their delegation
    marked: bool | None = None  # the organizer's choice; None: as the rank says
    stands_in_for: str = ""
    position: str = ""
    organization: str = ""


@dataclass(frozen=True)
class LateArrival:
    delegate_id: int
    full_name: str
    line: str  # what the MC reads for them


@dataclass(frozen=True)
class IntroductionView:
    """The introduction as the MC reads it now, and who it names."""

    script: str
    generated: str  # built from the hall as it is (the script unless edited)
    addressed: int | None  # the delegate greeted first ("Kính thưa …")
    introduced: list[Introduced]
    late: list[LateArrival]
    edited: bool
    read_at: datetime | None
    address_form: str

    @property
    def read(self) -> bool:
        return self.read_at is not None


def by_name(delegate: dict[str, Any], threshold: int) -> bool:
    """Named on their own: as the organizer marked, else a stand-in or a top rank."""
    if delegate["introduce_by_name"] is not None:
        return bool(delegate["introduce_by_name"])
    if nfc(delegate["stands_in_for"]) or substitute_of(delegate):
        return True
    rank = delegate["protocol_rank"]
    return rank is not None and rank <= threshold


def _guest(delegate: dict[str, Any], threshold: int) -> wording.Guest:
    """The guest in the hall: the delegate, or the substitute who came in their place."""
    substitute = substitute_of(delegate)
    if substitute is not None:
        return wording.Guest(
            id=delegate["id"],
            full_name=substitute["full_name"],
            honorific=substitute["honorific"],
            position=substitute["position"],
            organization=delegate["organization"],
            by_name=by_name(delegate, threshold),
            in_place_of=(delegate["honorific"], delegate["full_name"], delegate["position"]),
        )
    return wording.Guest(
        id=delegate["id"],
        full_name=delegate["full_name"],
        honorific=delegate["honorific"],
        position=delegate["position"],
        organization=delegate["organization"],
        by_name=by_name(delegate, threshold),
        stands_in_for=delegate["stands_in_for"],
    )


async def _present(event_id: int) -> list[tuple[dict[str, Any], datetime]]:
    """Every delegate who has checked in, in protocol order, with the time they did."""
    arrived = await arrival_times(event_id, None)
    if not arrived:
        return []
    rows = (
        await Delegate.select(*COLUMNS)
        .where((Delegate.event == event_id) & Delegate.id.is_in(list(arrived)))
        .order_by(*protocol.ORDER_BY)
    )
    return [(row, arrived[row["id"]]) for row in rows]


async def _stored(event_id: int) -> dict[str, Any]:
    row = await Introduction.select().where(Introduction.event == event_id).first()
    return row or {
        "address_form": AddressForm.comrade,
        "script": "",
        "script_edited": False,
        "read_at": None,
    }


def _read_at(marked: datetime | None, opening: datetime | None) -> datetime | None:
    """When it was read: the MC's mark or the opening item's start, whichever came first."""
    known = [moment for moment in (marked, opening) if moment is not None]
    return min(known) if known else None


def compose(
    present: Sequence[tuple[dict[str, Any], datetime]],
    *,
    host: str,
    threshold: int,
    address_form: str,
    read_at: datetime | None,
) -> tuple[str, int | None, list[Introduced], list[LateArrival]]:
    """The generated script, who is addressed, who is introduced and who came late.

    ``present`` is in protocol order. Those who arrived after ``read_at`` are not in
    the script; the ones to be named get a line of their own.
    """
    words = wording.Wording(address_form)
    before = [row for row, at in present if read_at is None or at <= read_at]
    after = [row for row, at in present if read_at is not None and at > read_at]
    guests = [_guest(row, threshold) for row in before]
    first = next((row for row in before if row["protocol_rank"] is not None), None)
    addressed = next((g for g in guests if first is not None and g.id == first["id"]), None)
    text = wording.script(guests, addressed=addressed, host=host, wording=words)
    introduced = [
        Introduced(
            g.id,
            g.full_name,
            g.by_name,
            marked=row["introduce_by_name"],
            stands_in_for=g.stands_in_for,
            position=g.position,
            organization=g.organization,
        )
        for g, row in zip(guests, before, strict=True)
    ]
    late = [
        LateArrival(g.id, g.full_name, wording.late_line(g, words))
        for g in (_guest(row, threshold) for row in after)
        if g.by_name
    ]
    return text, addressed.id if addressed else None, introduced, late


async def load_introduction(event: EventRow) -> IntroductionView:
    """The event's introduction of delegates now: three queries and the opening's start.

    Only checked-in delegates appear. The script is the organizer's text when edited,
    otherwise generated from the hall as it was when the MC read it (or as it is).
    """
    event_id = event["id"]
    stored = await _stored(event_id)
    read_at = _read_at(stored["read_at"], await agenda.opening_started_at(event))
    generated, addressed, introduced, late = compose(
        await _present(event_id),
        host=event["organizer_name"],
        threshold=event["vip_rank_threshold"],
        address_form=stored["address_form"],
        read_at=read_at,
    )
    edited = bool(stored["script_edited"])
    return IntroductionView(
        script=stored["script"] if edited else generated,
        generated=generated,
        addressed=addressed,
        introduced=introduced,
        late=late,
        edited=edited,
        read_at=read_at,
        address_form=stored["address_form"],
    )


async def _ensure_row(event_id: int) -> None:
    # One row per event (a unique key): two first edits at once both find it afterwards.
    await Introduction.insert(Introduction(event=event_id)).on_conflict(
        target=Introduction.event, action="DO NOTHING"
    )


def _changed(event_id: int, change: str) -> None:
    live.publish(event_id, "introduction", {"change": change})


async def edit_introduction(
    event: EventRow, text: str, *, revert: bool = False, by: Actor | None = None
) -> None:
    """Keep the organizer's text as the script, or (``revert``) go back to the generated one.

    A text equal to the generated script is not an edit: the script stays live.
    Raises InvalidInput (``introduction_too_long``) for a text over 20,000 characters.
    """
    event_id = event["id"]
    # Lines kept: nfc() would fold the line breaks the MC reads by.
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n")).strip()
    if len(text) > MAX_SCRIPT:
        raise InvalidInput(
            N_("The introduction is too long (at most 20,000 characters)."),
            refusal="introduction_too_long",
        )
    edited = not revert and text != (await load_introduction(event)).generated.strip()
    await _ensure_row(event_id)
    await Introduction.update(
        {Introduction.script: text if edited else "", Introduction.script_edited: edited}
    ).where(Introduction.event == event_id)
    await audit.record(
        "introduction.edit" if edited else "introduction.revert", by=by, event_id=event_id
    )
    _changed(event_id, "edit")


async def set_address_form(event_id: int, form: str, *, by: Actor | None = None) -> None:
    """Choose how the introduction addresses people: ``comrade`` or ``honorific``.

    Raises InvalidInput (``bad_address_form``) for anything else.
    """
    if form not in set(AddressForm):
        raise InvalidInput(N_("Choose how delegates are addressed."), refusal="bad_address_form")
    await _ensure_row(event_id)
    await Introduction.update({Introduction.address_form: form}).where(
        Introduction.event == event_id
    )
    await audit.record("introduction.address_form", by=by, event_id=event_id, target=form)
    _changed(event_id, "address_form")


async def mark_read(
    event_id: int, read: bool, *, by: Actor | None = None, at: datetime | None = None
) -> None:
    """The MC has read the introduction (``read``), or has not after all.

    Read once: a second "read" keeps the first time, so a late arrival stays late.
    """
    await _ensure_row(event_id)
    if read:
        await Introduction.update({Introduction.read_at: at or datetime.now(UTC)}).where(
            (Introduction.event == event_id) & Introduction.read_at.is_null()
        )
    else:
        await Introduction.update({Introduction.read_at: None}).where(
            Introduction.event == event_id
        )
    await audit.record(
        "introduction.read" if read else "introduction.unread", by=by, event_id=event_id
    )
    _changed(event_id, "read")


async def mark_delegate(
    event_id: int,
    delegate_id: int,
    *,
    named: bool | None,
    stands_in_for: str,
    by: Actor | None = None,
) -> None:
    """How one delegate is introduced: by name (True), with their delegation (False) or
    as their rank says (None); ``stands_in_for`` whom they stand in for ("" for nobody).

    Raises NotFound for a delegate not in the event.
    """
    updated = (
        await Delegate.update(
            {Delegate.introduce_by_name: named, Delegate.stands_in_for: nfc(stands_in_for)[:500]}
        )
        .where((Delegate.id == delegate_id) & (Delegate.event == event_id))
        .returning(Delegate.id)
    )
    if not updated:
        raise NotFound(N_("No such delegate in this event."))
    await audit.record("introduction.delegate", by=by, event_id=event_id, target=str(delegate_id))
    _changed(event_id, "delegate")
