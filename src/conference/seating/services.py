"""Seating rules: the hall's seats, automatic placement, moves by hand, the seat labels.

Every rule that must hold with several organizers at once is the database's:
``hall_seat.delegate`` is UNIQUE (one seat per person) and a seat row holds one
delegate (one person per seat); a move takes its seat with a conditional UPDATE
(``… WHERE delegate IS NULL``), so of two moves onto one free seat one is refused.
After every change the delegates' ``seat`` is rewritten from the seats in the same
transaction (``_sync_labels``), so the desk's answer, its snapshot and the exports
carry the label with no change of theirs.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import asyncpg
from piccolo.engine.sqlite import SQLiteEngine, TransactionType

from conference import audit, live
from conference.actors import Actor
from conference.database import insert_rows
from conference.errors import Conflict, InvalidInput, NotFound
from conference.protocol import sort_key
from conference.seating import hall as halls
from conference.seating.placement import Placement, place
from conference.tables import (
    Coming,
    Delegate,
    Event,
    HallSeat,
    HonourSide,
    Role,
    Rsvp,
    SeatingHall,
)
from conference.text import name_sort_key

# Pairs of (seat, delegate) set by one UPDATE of automatic placement.
ASSIGN_CHUNK = 500
SEAT_COLUMNS = (
    HallSeat.id,
    HallSeat.label,
    HallSeat.block,
    HallSeat.row,
    HallSeat.number,
    HallSeat.presidium,
    HallSeat.blocked,
    HallSeat.reserved_for,
    HallSeat.depth,
    HallSeat.x,
    HallSeat.delegate,
    HallSeat.pinned,
)
DELEGATE_COLUMNS = (
    Delegate.id,
    Delegate.full_name,
    Delegate.honorific,
    Delegate.position,
    Delegate.organization,
    Delegate.group_name,
    Delegate.protocol_rank,
    Delegate.name_sort_key,
    Delegate.checked_in_at,
    Delegate.rsvp,
    Delegate.revoked_at,
    Delegate.token,
    Delegate.substitute_honorific,
    Delegate.substitute_name,
    Delegate.substitute_position,
)


@dataclass(frozen=True)
class Hall:
    layout: dict[str, Any]
    honour_side: HonourSide
    coming: Coming


def _transaction() -> Any:
    # SQLite: take the write lock at BEGIN, so a transaction that reads first waits for
    # another writer instead of failing when it wants to write.
    db = HallSeat._meta.db
    if isinstance(db, SQLiteEngine):
        return db.transaction(transaction_type=TransactionType.immediate)
    return db.transaction()


def _is_unique_violation(error: Exception) -> bool:
    if isinstance(error, asyncpg.UniqueViolationError):
        return True
    return isinstance(error, sqlite3.IntegrityError) and "UNIQUE" in str(error)


def _changed(event_id: int, change: str) -> None:
    """Tell the event's open pages (other plans, the desks) that the seating changed."""
    live.publish(event_id, "seating", {"change": change})


async def _sync_labels(event_id: int) -> None:
    """Every delegate's ``seat`` := its seat's label ("" without one), where it differs;
    those changed get a new ``updated_at`` (the desks' snapshot sends them again)."""
    label = (
        "COALESCE((SELECT hall_seat.label FROM hall_seat"
        " WHERE hall_seat.delegate = delegate.id), '')"
    )
    await Delegate.raw(
        f"UPDATE delegate SET seat = {label}, updated_at = {{}} "  # noqa: S608 - no input formatted in
        f"WHERE delegate.event = {{}} AND delegate.seat <> {label}",
        datetime.now(UTC),
        event_id,
    )


# --------------------------------------------------------------------------- the hall


async def get_hall(event_id: int) -> Hall | None:
    row = await SeatingHall.select().where(SeatingHall.event == event_id).first()
    if row is None:
        return None
    layout = row["layout"]
    if isinstance(layout, str):
        layout = halls.parse_json(layout)
    return Hall(layout, HonourSide(row["honour_side"]), Coming(row["coming"]))


async def save_hall(
    event_id: int,
    layout: dict[str, Any],
    *,
    honour_side: str = HonourSide.right,
    coming: str = Coming.not_declined,
    confirm_lost: bool = False,
    by: Actor | None = None,
) -> list[str]:
    """Make ``layout`` the event's hall. A seat that persists (same label, not blocked now)
    keeps its delegate and pin. If assigned seats would go, refused
    (``seats_would_be_lost``, naming who) unless ``confirm_lost``; returns who lost a seat."""
    try:
        side, whom = HonourSide(honour_side), Coming(coming)
    except ValueError as error:
        raise InvalidInput(
            "Choose a side of honour and who is seated.", code="hall_options"
        ) from error
    specs = halls.layout(layout)
    kept = {s.label: s for s in specs if not s.blocked}
    async with _transaction():
        existing = await HallSeat.select(
            HallSeat.label, HallSeat.delegate, HallSeat.pinned, HallSeat.delegate.full_name
        ).where((HallSeat.event == event_id) & HallSeat.delegate.is_not_null())
        lost = sorted(
            (r["delegate.full_name"] for r in existing if r["label"] not in kept),
            key=name_sort_key,
        )
        if lost and not confirm_lost:
            raise Conflict(
                "This hall leaves %(count)s people without their seat: %(names)s. "
                "Confirm to save it anyway.",
                code="seats_would_be_lost",
                count=len(lost),
                names=", ".join(lost),
            )
        carried = {r["label"]: r for r in existing if r["label"] in kept}
        await HallSeat.delete().where(HallSeat.event == event_id)
        await insert_rows(
            HallSeat,
            [
                HallSeat(
                    event=event_id,
                    label=s.label,
                    block=s.block,
                    row=s.row,
                    number=s.number,
                    presidium=s.presidium,
                    blocked=s.blocked,
                    reserved_for=s.reserved_for,
                    depth=s.depth,
                    x=s.x,
                    delegate=carried[s.label]["delegate"] if s.label in carried else None,
                    pinned=bool(carried[s.label]["pinned"]) if s.label in carried else False,
                )
                for s in specs
            ],
        )
        values: dict[Any, Any] = {
            SeatingHall.layout: layout,
            SeatingHall.honour_side: side,
            SeatingHall.coming: whom,
            SeatingHall.updated_at: datetime.now(UTC),
        }
        updated = (
            await SeatingHall.update(values)
            .where(SeatingHall.event == event_id)
            .returning(SeatingHall.id)
        )
        if not updated:
            await SeatingHall(event=event_id, layout=layout, honour_side=side, coming=whom).save()
        await _sync_labels(event_id)
    _changed(event_id, "hall")
    await audit.record("seating.hall", by=by, event_id=event_id, target=str(len(specs)), lost=lost)
    return lost


async def edit_hall(
    event_id: int,
    change: Callable[[dict[str, Any] | None], dict[str, Any]],
    *,
    confirm_lost: bool = False,
    by: Actor | None = None,
) -> list[str]:
    """Apply ``change`` (a function of ``editing``) to the event's hall, or to an empty one,
    and save the result as ``save_hall`` does, with the same refusals; the side of honour
    and who is seated stay. Returns who lost a seat."""
    hall = await get_hall(event_id)
    changed = change(hall.layout if hall else None)
    return await save_hall(
        event_id,
        changed,
        honour_side=hall.honour_side if hall else HonourSide.right,
        coming=hall.coming if hall else Coming.not_declined,
        confirm_lost=confirm_lost,
        by=by,
    )


async def publish_seats(event_id: int, published: bool, *, by: Actor | None = None) -> None:
    """Show (or stop showing) each delegate's seat on their invitation page and e-mail."""
    await Event.update(
        {Event.seats_published: published, Event.updated_at: datetime.now(UTC)}
    ).where(Event.id == event_id)
    await audit.record("seating.publish", by=by, event_id=event_id, published=published)


async def copy_hall(
    from_event_id: int, to_event_id: int, *, by: Actor | None = None, if_any: bool = False
) -> None:
    """The hall of another event, without its delegates; only from an event where ``by``
    is an organizer (another one is ``hall_missing``, as if it had no hall). With
    ``if_any`` (a new event copying another, `event create --copy-from`), an event without
    a hall copies nothing instead."""
    source = await get_hall(from_event_id)
    if source is None and if_any:
        return
    if source is None or not _may_copy_from(by, from_event_id):
        raise NotFound("That event has no hall to copy.", code="hall_missing")
    await save_hall(
        to_event_id,
        source.layout,
        honour_side=source.honour_side,
        coming=source.coming,
        confirm_lost=True,
        by=by,
    )


# --------------------------------------------------------------------------- reading


async def seats(event_id: int) -> list[dict[str, Any]]:
    """The hall's seats (presidium, then front to back, left to right) with who sits there."""
    rows = await HallSeat.select(
        *SEAT_COLUMNS,
        HallSeat.delegate.full_name,
        HallSeat.delegate.honorific,
        HallSeat.delegate.position,
        HallSeat.delegate.organization,
        HallSeat.delegate.group_name,
        HallSeat.delegate.protocol_rank,
        HallSeat.delegate.checked_in_at,
        HallSeat.delegate.substitute_honorific,
        HallSeat.delegate.substitute_name,
        HallSeat.delegate.substitute_position,
    ).where(HallSeat.event == event_id)
    rows.sort(key=lambda r: (r["depth"], r["x"], r["id"]))
    return rows


def api_seat(row: dict[str, Any]) -> dict[str, Any]:
    """A seat as ``GET /api/events/{slug}/seating`` says it (DESIGN.md), plus ``blocked``
    and the sitter's ``full_name``: never a contact."""
    return {
        "label": row["label"],
        "block": row["block"],
        "row": row["row"],
        "number": row["number"],
        "presidium": bool(row["presidium"]),
        "reserved_for": row["reserved_for"] or None,
        "delegate_id": row["delegate"],
        "pinned": bool(row["pinned"]),
        "arrived": row["delegate"] is not None and row["delegate.checked_in_at"] is not None,
        "blocked": bool(row["blocked"]),
        "full_name": row["delegate.full_name"] if row["delegate"] is not None else None,
    }


async def coming_delegates(event_id: int, whom: Coming) -> list[dict[str, Any]]:
    """Who will come: not withdrawn, and accepted (``accepted``) or not declined; anyone
    checked in comes whatever they answered."""
    rows = await Delegate.select(*DELEGATE_COLUMNS).where(Delegate.event == event_id)
    wanted = {Rsvp.accepted} if whom is Coming.accepted else {Rsvp.accepted, Rsvp.pending}
    return sorted(
        (
            r
            for r in rows
            if r["checked_in_at"] is not None or (r["revoked_at"] is None and r["rsvp"] in wanted)
        ),
        key=sort_key,
    )


async def unseated(event_id: int) -> list[dict[str, Any]]:
    """Who will come and has no seat, in protocol order."""
    hall = await get_hall(event_id)
    whom = hall.coming if hall else Coming.not_declined
    taken = {
        r["delegate"]
        for r in await HallSeat.select(HallSeat.delegate).where(
            (HallSeat.event == event_id) & HallSeat.delegate.is_not_null()
        )
    }
    return [d for d in await coming_delegates(event_id, whom) if d["id"] not in taken]


def front_rows_waiting(rows: Sequence[dict[str, Any]], front_rows: int = 2) -> list[dict[str, Any]]:
    """Assigned seats of the presidium and the first ``front_rows`` rows whose delegate has
    not arrived: the empty seats of the panorama photo, front first, centre first."""
    waiting = [
        r
        for r in rows
        if r["delegate"] is not None
        and r["delegate.checked_in_at"] is None
        and r["depth"] < front_rows
    ]
    return sorted(waiting, key=lambda r: (r["depth"], abs(r["x"]), r["x"] < 0))


# --------------------------------------------------------------------------- placement


async def assign(event_id: int, *, keep_pinned: bool = True, by: Actor | None = None) -> Placement:
    """Automatic placement (``placement.place``), written in one transaction."""
    hall = await get_hall(event_id)
    if hall is None:
        raise NotFound("Draw the hall first.", code="hall_missing")
    delegates = await coming_delegates(event_id, hall.coming)
    try:
        async with _transaction():
            rows = await HallSeat.select(*SEAT_COLUMNS).where(HallSeat.event == event_id)
            result = place(
                rows,
                delegates,
                honour_right=hall.honour_side is HonourSide.right,
                keep_pinned=keep_pinned,
            )
            pinned = (
                {r["id"] for r in rows if r["pinned"] and r["id"] in result.seats}
                if keep_pinned
                else set()
            )
            clear: Any = HallSeat.event == event_id
            if keep_pinned:
                clear = clear & (HallSeat.pinned.eq(False) | HallSeat.delegate.is_null())
            await HallSeat.update({HallSeat.delegate: None, HallSeat.pinned: False}).where(clear)
            if keep_pinned:
                # A pinned person who no longer comes leaves their seat.
                await HallSeat.update({HallSeat.delegate: None, HallSeat.pinned: False}).where(
                    (HallSeat.event == event_id)
                    & HallSeat.pinned.eq(True)
                    & HallSeat.id.not_in(list(pinned) or [0])
                )
            pairs = [(s, d) for s, d in result.seats.items() if s not in pinned]
            for start in range(0, len(pairs), ASSIGN_CHUNK):
                chunk = pairs[start : start + ASSIGN_CHUNK]
                # Whole numbers from our own query, not input: safe to write in.
                values = ", ".join(f"({int(s)}, {int(d)})" for s, d in chunk)
                await HallSeat.raw(
                    f"WITH v(s, d) AS (VALUES {values}) "  # noqa: S608
                    "UPDATE hall_seat SET delegate = (SELECT v.d FROM v WHERE v.s = hall_seat.id) "
                    "WHERE hall_seat.id IN (SELECT v.s FROM v)"
                )
            await _sync_labels(event_id)
    except Exception as error:
        if _is_unique_violation(error):
            raise Conflict(
                "Someone else changed the seats at the same moment. Place again.",
                code="seating_changed",
            ) from error
        raise
    _changed(event_id, "assign")
    await audit.record(
        "seating.assign",
        by=by,
        event_id=event_id,
        target=str(len(result.seats)),
        unplaced=len(result.unplaced),
        keep_pinned=keep_pinned,
    )
    return result


# --------------------------------------------------------------------------- by hand


async def _seat(event_id: int, label: str) -> dict[str, Any]:
    row = (
        await HallSeat.select(*SEAT_COLUMNS)
        .where((HallSeat.event == event_id) & (HallSeat.label == label.strip()))
        .first()
    )
    if row is None:
        raise NotFound("There is no seat %(label)s in this hall.", code="seat_unknown", label=label)
    return row


async def _delegate_of_event(event_id: int, delegate_id: int) -> None:
    found = await Delegate.exists().where(
        (Delegate.id == delegate_id) & (Delegate.event == event_id)
    )
    if not found:
        raise NotFound("This delegate is not on the list.", code="delegate_unknown")


async def move(event_id: int, delegate_id: int, label: str, *, by: Actor | None = None) -> None:
    """Seat a delegate in the free seat ``label`` (leaving any seat they had), pinned.

    Refused: a blocked seat (``seat_blocked``), a seat taken (``seat_taken``, also when
    another organizer took it a moment before: the conditional UPDATE finds it taken).
    """
    await _delegate_of_event(event_id, delegate_id)
    target = await _seat(event_id, label)
    if target["blocked"]:
        raise InvalidInput(
            "Seat %(label)s is blocked: nobody sits there.",
            code="seat_blocked",
            label=target["label"],
        )
    if target["delegate"] == delegate_id:
        await set_pin(event_id, target["label"], True, by=by)
        return
    try:
        async with _transaction():
            await HallSeat.update({HallSeat.delegate: None, HallSeat.pinned: False}).where(
                HallSeat.delegate == delegate_id
            )
            taken = (
                await HallSeat.update({HallSeat.delegate: delegate_id, HallSeat.pinned: True})
                .where(
                    (HallSeat.id == target["id"])
                    & HallSeat.delegate.is_null()
                    & HallSeat.blocked.eq(False)
                )
                .returning(HallSeat.id)
            )
            if not taken:
                raise Conflict("Seat %(label)s is taken.", code="seat_taken", label=target["label"])
            await _sync_labels(event_id)
    except Exception as error:
        if _is_unique_violation(error):
            raise Conflict(
                "Someone else moved this delegate at the same moment.", code="seating_changed"
            ) from error
        raise
    _changed(event_id, "move")
    await audit.record(
        "seating.move", by=by, event_id=event_id, target=target["label"], delegate=delegate_id
    )


async def swap(event_id: int, first: str, second: str, *, by: Actor | None = None) -> None:
    """Exchange the people of two seats (either may be empty); both end pinned."""
    a, b = await _seat(event_id, first), await _seat(event_id, second)
    if a["id"] == b["id"]:
        return
    for seat in (a, b):
        if seat["blocked"]:
            raise InvalidInput(
                "Seat %(label)s is blocked: nobody sits there.",
                code="seat_blocked",
                label=seat["label"],
            )
    try:
        async with _transaction():
            for seat in (a, b):  # the seats hold what was read, or the swap is refused
                held = (
                    await HallSeat.update({HallSeat.delegate: None})
                    .where(
                        (HallSeat.id == seat["id"])
                        & (
                            HallSeat.delegate.is_null()
                            if seat["delegate"] is None
                            else HallSeat.delegate == seat["delegate"]
                        )
                    )
                    .returning(HallSeat.id)
                )
                if not held:
                    raise Conflict(
                        "Someone else changed these seats at the same moment.",
                        code="seating_changed",
                    )
            for seat, other in ((a, b), (b, a)):
                await HallSeat.update(
                    {
                        HallSeat.delegate: other["delegate"],
                        HallSeat.pinned: other["delegate"] is not None,
                    }
                ).where(HallSeat.id == seat["id"])
            await _sync_labels(event_id)
    except Exception as error:
        if _is_unique_violation(error):
            raise Conflict(
                "Someone else changed these seats at the same moment.", code="seating_changed"
            ) from error
        raise
    _changed(event_id, "swap")
    await audit.record(
        "seating.swap", by=by, event_id=event_id, target=f"{a['label']} {b['label']}"
    )


async def clear(event_id: int, label: str, *, by: Actor | None = None) -> None:
    """Nobody in seat ``label`` (its delegate has no seat until placed again)."""
    seat = await _seat(event_id, label)
    async with _transaction():
        await HallSeat.update({HallSeat.delegate: None, HallSeat.pinned: False}).where(
            HallSeat.id == seat["id"]
        )
        await _sync_labels(event_id)
    _changed(event_id, "clear")
    await audit.record("seating.clear", by=by, event_id=event_id, target=seat["label"])


async def set_pin(event_id: int, label: str, pinned: bool, *, by: Actor | None = None) -> None:
    """Pin (ghim) or unpin the person in seat ``label``: automatic placement keeps a pinned
    seat's delegate. An empty seat cannot be pinned (``seat_empty``)."""
    seat = await _seat(event_id, label)
    if seat["delegate"] is None and pinned:
        raise InvalidInput(
            "Seat %(label)s is empty: there is nobody to pin.",
            code="seat_empty",
            label=seat["label"],
        )
    await HallSeat.update({HallSeat.pinned: pinned}).where(HallSeat.id == seat["id"])
    _changed(event_id, "pin")
    await audit.record("seating.pin", by=by, event_id=event_id, target=seat["label"], pinned=pinned)


def _may_copy_from(by: Actor | None, event_id: int) -> bool:
    return by is None or by.role_in(event_id) is Role.organizer


async def halls_to_copy(event_id: int, by: Actor | None = None) -> list[dict[str, Any]]:
    """Other events that have a hall and where ``by`` is an organizer, to copy it from
    (newest first): an organizer of one event never learns another's title."""
    rows = await SeatingHall.select(
        SeatingHall.event, SeatingHall.event.slug, SeatingHall.event.title
    ).where(SeatingHall.event != event_id)
    return sorted(
        (
            {"id": r["event"], "slug": r["event.slug"], "title": r["event.title"]}
            for r in rows
            if _may_copy_from(by, r["event"])
        ),
        key=lambda r: -r["id"],
    )


async def delegates_named(event_id: int, ids: Sequence[int]) -> list[dict[str, Any]]:
    """Delegates of ``ids``, in that order (e.g. those automatic placement left unseated)."""
    if not ids:
        return []
    rows = await Delegate.select(Delegate.id, Delegate.full_name, Delegate.organization).where(
        (Delegate.event == event_id) & Delegate.id.is_in(list(ids))
    )
    by_id = {r["id"]: r for r in rows}
    return [by_id[i] for i in ids if i in by_id]
