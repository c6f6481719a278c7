"""The programme: loading it with its conflicts and live timing, and every change to it.

Only this module touches the programme's tables. Each change is audited and
published as a ``programme`` live event, so open pages and hall screens follow.
A final programme (``Event.programme_final_at``) keeps its plan: changing items
or speakers needs it back in draft; recording actual times never does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from conference import audit, errors, live, protocol
from conference.actors import Actor, EventRow
from conference.checkin import arrival_times
from conference.errors import InvalidInput, NotFound
from conference.formatting import short_date
from conference.program.agenda.conflicts import Conflict, by_item, find_conflicts
from conference.program.agenda.items import Day, Item, SpeakerEntry, in_order, protocol_key
from conference.program.agenda.schemas import ItemInput, SpeakerInput
from conference.program.agenda.timing import (
    Timing,
    as_planned_off_the_day,
    expected_times,
    far_from_the_day,
    on_the_day,
)
from conference.tables import (
    Delegate,
    Event,
    ItemKind,
    ProgrammeItem,
    Speaker,
    User,
)
from conference.text import fold

# ------------------------------------------------------------------ reading


@dataclass(frozen=True)
class ItemOutline:
    """An item as the dashboard and invitations show it; expected times when it runs late."""

    id: int
    starts_at: datetime
    ends_at: datetime
    title: str
    kind: str
    speakers: list[dict[str, Any]]
    expected_start: datetime | None = None  # None: as planned
    delay_min: int = 0


async def programme_outline(event_id: int) -> list[ItemOutline]:
    """The programme in order, each item with its speakers in order (two queries).

    A speaker is ``{"name", "title", "role", "delegate"}``, a linked delegate's name
    and title as the delegate record says now, as in every other view. Items that the
    recorded actual times push later carry their expected start.
    """
    rows = await ProgrammeItem.select().where(ProgrammeItem.event == event_id)
    by_item: dict[int, list[dict[str, Any]]] = {}
    for row in await _speakers(event_id):
        speaker = _speaker(row, {})
        by_item.setdefault(row["item"], []).append(
            {
                "name": speaker.name,
                "title": speaker.title,
                "role": speaker.role,
                "delegate": speaker.delegate_id,
            }
        )
    event = await Event.select().where(Event.id == event_id).first()
    items = in_order([_item(row, ()) for row in rows])
    day = Day.of(cast(EventRow, event)) if event else None
    timings = expected_times(as_planned_off_the_day(items, day) if day else items)
    outlines = []
    for item in items:
        timing = timings[item.id]
        late = timing.state == "upcoming" and timing.delay_min != 0
        outlines.append(
            ItemOutline(
                id=item.id,
                starts_at=item.starts_at,
                ends_at=item.ends_at,
                title=item.title,
                kind=item.kind,
                speakers=by_item.get(item.id, []),
                expected_start=timing.expected_start if late else None,
                delay_min=timing.delay_min if late else 0,
            )
        )
    return outlines


@dataclass(frozen=True)
class Programme:
    """An event's programme as every view shows it."""

    event: EventRow
    day: Day
    items: list[Item]
    timings: dict[int, Timing]
    timed_items: list[Item]  # as delays see them: records made on another day left out
    conflicts: list[Conflict]
    final_at: datetime | None
    final_by: str

    @property
    def is_final(self) -> bool:
        return self.final_at is not None

    @property
    def far_from_the_day(self) -> bool:
        """Now is more than a day away from the event's day: recording a time asks first."""
        return far_from_the_day(datetime.now(UTC), self.day)

    @property
    def conflicts_by_item(self) -> dict[int, list[Conflict]]:
        return by_item(self.conflicts)

    @property
    def by_id(self) -> dict[int, Item]:
        return {item.id: item for item in self.items}

    @property
    def problems(self) -> list[Conflict]:
        return [c for c in self.conflicts if c.severity == "warning"]

    @property
    def rooms(self) -> list[str]:
        return sorted({item.room for item in self.items if item.room})

    def room_note(self, item: Item) -> str:
        """The item's room, unless the event's venue already says it."""
        venue = fold(self.event.get("venue") or "")
        return item.room if item.room and fold(item.room) not in venue else ""

    @property
    def end(self) -> datetime | None:
        return max((item.ends_at for item in self.items), default=None)


def _item(row: dict[str, Any], speakers: tuple[SpeakerEntry, ...]) -> Item:
    return Item(
        id=row["id"],
        position=row["position"],
        starts_at=row["starts_at"],
        duration_min=row["duration_min"],
        title=row["title"],
        kind=row["kind"],
        room=row["room"],
        description=row["description"],
        actual_start=row["actual_start"],
        actual_end=row["actual_end"],
        speakers=speakers,
    )


async def _speakers(event_id: int, item_id: int | None = None) -> list[dict[str, Any]]:
    """Speakers with what their delegate record says now (one query, joined)."""
    query = Speaker.select(
        Speaker.id,
        Speaker.item,
        Speaker.position,
        Speaker.delegate,
        Speaker.name,
        Speaker.title,
        Speaker.role,
        Speaker.slot_min,
        Speaker.spoke_s,
        Speaker.delegate.full_name.as_alias("d_name"),
        Speaker.delegate.honorific.as_alias("d_honorific"),
        Speaker.delegate.position.as_alias("d_position"),
        Speaker.delegate.organization.as_alias("d_organization"),
        Speaker.delegate.protocol_rank.as_alias("d_rank"),
    ).where(Speaker.item.event == event_id)
    if item_id is not None:
        query = query.where(Speaker.item == item_id)
    return await query.order_by(Speaker.position).order_by(Speaker.id)


def _speaker(row: dict[str, Any], arrived: dict[int, datetime]) -> SpeakerEntry:
    linked = row["delegate"] is not None
    return SpeakerEntry(
        id=row["id"],
        position=row["position"],
        delegate_id=row["delegate"],
        # A linked speaker shows the delegate's record as it is now; a deleted
        # delegate leaves the name and title copied when the speaker was linked.
        name=(row["d_name"] or row["name"]) if linked else row["name"],
        honorific=(row["d_honorific"] or "") if linked else "",
        title=(row["d_position"] or row["title"]) if linked else row["title"],
        organization=(row["d_organization"] or "") if linked else "",
        role=row["role"],
        protocol_rank=row["d_rank"] if linked else None,
        arrived_at=arrived.get(row["delegate"]) if linked else None,
        slot_min=row.get("slot_min"),
        spoke_s=row.get("spoke_s"),
    )


async def load_programme(event: EventRow, *, now: datetime | None = None) -> Programme:
    """The event's programme: items in order with speakers, timing and conflicts.

    Four queries at most, however many items: items, speakers with their delegates,
    arrivals, and who made the programme final. ``now`` lets a running item push
    the expected times of what follows.
    """
    event_id = event["id"]
    rows = await ProgrammeItem.select().where(ProgrammeItem.event == event_id)
    speaker_rows = await _speakers(event_id)
    linked = {row["delegate"] for row in speaker_rows if row["delegate"] is not None}
    arrived = await arrival_times(event_id, linked) if linked else {}
    speakers: dict[int, list[SpeakerEntry]] = {}
    for row in speaker_rows:
        speakers.setdefault(row["item"], []).append(_speaker(row, arrived))
    items = in_order([_item(row, tuple(speakers.get(row["id"], ()))) for row in rows])
    day = Day.of(event)
    timed = as_planned_off_the_day(items, day)
    final_by = ""
    if event.get("programme_final_by"):
        user = (
            await User.select(User.display_name, User.username)
            .where(User.id == event["programme_final_by"])
            .first()
        )
        final_by = (user["display_name"] or user["username"]) if user else ""
    return Programme(
        event=event,
        day=day,
        items=items,
        timings=expected_times(timed, now=now),
        timed_items=timed,
        conflicts=find_conflicts(items, day),
        final_at=event.get("programme_final_at"),
        final_by=final_by,
    )


async def get_item(event_id: int, item_id: int) -> dict[str, Any]:
    """One item of the event as stored; raise NotFound."""
    row = (
        await ProgrammeItem.select()
        .where((ProgrammeItem.id == item_id) & (ProgrammeItem.event == event_id))
        .first()
    )
    if row is None:
        raise NotFound("This programme item does not exist (any more).")
    return row


async def item_speakers(event_id: int, item_id: int) -> list[SpeakerEntry]:
    """The speakers of one item in order, as shown."""
    rows = await _speakers(event_id, item_id)
    linked = {row["delegate"] for row in rows if row["delegate"] is not None}
    arrived = await arrival_times(event_id, linked) if linked else {}
    return [_speaker(row, arrived) for row in rows]


async def speaker_choices(event_id: int, query: str, *, limit: int = 15) -> list[dict[str, Any]]:
    """Delegates to pick as a speaker: those whose name, title or organization holds
    every word of ``query``, ignoring case and diacritics, in protocol order.

    A query without words finds nobody (the picker shows nothing until one is typed).
    """
    if not protocol.search_words(query):
        return []
    return await protocol.pick_delegates(event_id, query, limit=limit, include_withdrawn=True)


# ------------------------------------------------------------------ draft and final


async def _ensure_draft(event_id: int) -> None:
    row = await Event.select(Event.programme_final_at).where(Event.id == event_id).first()
    if row is None:
        raise NotFound("There is no event at this address.")
    if row["programme_final_at"] is not None:
        raise errors.Conflict(
            "The programme is final. Return it to draft to change it.", refusal="programme_final"
        )


def _changed(event_id: int, change: str, item_id: int | None = None) -> None:
    data: dict[str, Any] = {"change": change}
    if item_id is not None:
        data["item_id"] = item_id
    live.publish(event_id, "programme", data)


async def mark_final(event_id: int, *, by: Actor | None) -> datetime:
    """Mark the programme final, recording who and when; raise Conflict when it already is.

    One conditional update: of two organizers pressing at once, one marks it.
    """
    at = datetime.now(UTC)
    updated = (
        await Event.update(
            {Event.programme_final_at: at, Event.programme_final_by: getattr(by, "id", None)}
        )
        .where((Event.id == event_id) & Event.programme_final_at.is_null())
        .returning(Event.id)
    )
    if not updated:
        raise errors.Conflict("The programme is already final.", refusal="programme_already_final")
    await audit.record("programme.final", by=by, event_id=event_id)
    _changed(event_id, "final")
    return at


async def finalize(event: EventRow, *, by: Actor | None) -> list[Conflict]:
    """Mark the programme final (as ``mark_final``) and answer the conflicts still open."""
    await mark_final(event["id"], by=by)
    return (await load_programme(event)).problems


async def mark_draft(event_id: int, *, by: Actor | None) -> None:
    """Return a final programme to draft so that it can be changed again."""
    updated = (
        await Event.update({Event.programme_final_at: None, Event.programme_final_by: None})
        .where((Event.id == event_id) & Event.programme_final_at.is_not_null())
        .returning(Event.id)
    )
    if not updated:
        raise errors.Conflict(
            "The programme is already a draft.", refusal="programme_already_draft"
        )
    await audit.record("programme.draft", by=by, event_id=event_id)
    _changed(event_id, "draft")


# ------------------------------------------------------------------ items


async def next_start(event: EventRow) -> datetime:
    """Where a new item goes by default: at the end of the last one, else the event's start."""
    rows = await ProgrammeItem.select(ProgrammeItem.starts_at, ProgrammeItem.duration_min).where(
        ProgrammeItem.event == event["id"]
    )
    ends = [row["starts_at"] + timedelta(minutes=row["duration_min"]) for row in rows]
    return max(ends, default=Day.of(event).starts_at)


async def _next_position(event_id: int) -> int:
    row = (
        await ProgrammeItem.select(ProgrammeItem.position)
        .where(ProgrammeItem.event == event_id)
        .order_by(ProgrammeItem.position, ascending=False)
        .first()
    )
    return (row["position"] if row else 0) + 1


async def create_item(event_id: int, data: ItemInput, *, by: Actor | None = None) -> int:
    """Add an item; returns its id. Raise Conflict when the programme is final."""
    await _ensure_draft(event_id)
    row = ProgrammeItem(
        event=event_id,
        position=await _next_position(event_id),
        starts_at=data.starts_at,
        duration_min=data.duration_min,
        title=data.title,
        kind=data.kind,
        room=data.room,
        description=data.description,
    )
    await row.save()
    await audit.record("programme.item.create", by=by, event_id=event_id, target=str(row.id))
    _changed(event_id, "created", row.id)
    return int(row.id)


async def update_item(
    event_id: int, item_id: int, data: ItemInput, *, by: Actor | None = None
) -> None:
    """Change an item's plan; raise NotFound, or Conflict when the programme is final."""
    await _ensure_draft(event_id)
    await get_item(event_id, item_id)
    await ProgrammeItem.update(
        {
            ProgrammeItem.starts_at: data.starts_at,
            ProgrammeItem.duration_min: data.duration_min,
            ProgrammeItem.title: data.title,
            ProgrammeItem.kind: data.kind,
            ProgrammeItem.room: data.room,
            ProgrammeItem.description: data.description,
        }
    ).where((ProgrammeItem.id == item_id) & (ProgrammeItem.event == event_id))
    await audit.record("programme.item.update", by=by, event_id=event_id, target=str(item_id))
    _changed(event_id, "updated", item_id)


async def delete_item(event_id: int, item_id: int, *, by: Actor | None = None) -> str:
    """Remove an item and its speakers; returns its title."""
    await _ensure_draft(event_id)
    item = await get_item(event_id, item_id)
    await ProgrammeItem.delete().where(
        (ProgrammeItem.id == item_id) & (ProgrammeItem.event == event_id)
    )
    await audit.record(
        "programme.item.delete", by=by, event_id=event_id, target=str(item_id), title=item["title"]
    )
    _changed(event_id, "deleted", item_id)
    return str(item["title"])


async def duplicate_item(event_id: int, item_id: int, *, by: Actor | None = None) -> int:
    """A copy of an item with its speakers, starting where the original ends.

    Later items stay where they are: the overlap shows as a conflict until the
    organizer moves them ("move this item and everything after it").
    """
    await _ensure_draft(event_id)
    item = await get_item(event_id, item_id)
    copy = ProgrammeItem(
        event=event_id,
        # The original's place: the copy then sorts right after it, before an item
        # that starts when the original ends.
        position=item["position"],
        starts_at=item["starts_at"] + timedelta(minutes=item["duration_min"]),
        duration_min=item["duration_min"],
        title=item["title"],
        kind=item["kind"],
        room=item["room"],
        description=item["description"],
    )
    await copy.save()
    speakers = await Speaker.select().where(Speaker.item == item_id).order_by(Speaker.position)
    if speakers:
        await Speaker.insert(
            *[
                Speaker(
                    item=copy.id,
                    position=s["position"],
                    delegate=s["delegate"],
                    name=s["name"],
                    title=s["title"],
                    role=s["role"],
                )
                for s in speakers
            ]
        )
    await audit.record(
        "programme.item.duplicate", by=by, event_id=event_id, target=str(copy.id), of=item_id
    )
    _changed(event_id, "created", int(copy.id))
    return int(copy.id)


async def _ordered_rows(event_id: int) -> list[dict[str, Any]]:
    rows = await ProgrammeItem.select(
        ProgrammeItem.id,
        ProgrammeItem.position,
        ProgrammeItem.starts_at,
        ProgrammeItem.duration_min,
    ).where(ProgrammeItem.event == event_id)
    return sorted(rows, key=lambda r: (r["starts_at"], r["position"], r["id"]))


async def shift_from(
    event_id: int, item_id: int, by_: timedelta, *, by: Actor | None = None
) -> int:
    """Move an item and every item after it by ``by_`` (negative: earlier).

    "After" is programme order: starting later, or at the same time and placed
    after it. Recorded actual times stay as they were. Returns how many moved;
    two queries and one update, however many items.
    """
    await _ensure_draft(event_id)
    rows = await _ordered_rows(event_id)
    index = next((i for i, row in enumerate(rows) if row["id"] == item_id), None)
    if index is None:
        raise NotFound("This programme item does not exist (any more).")
    ids = [row["id"] for row in rows[index:]]
    await ProgrammeItem.update({ProgrammeItem.starts_at: ProgrammeItem.starts_at + by_}).where(
        (ProgrammeItem.event == event_id) & ProgrammeItem.id.is_in(ids)
    )
    minutes = int(by_.total_seconds() // 60)
    await audit.record(
        "programme.shift",
        by=by,
        event_id=event_id,
        target=str(item_id),
        minutes=minutes,
        items=len(ids),
    )
    _changed(event_id, "shifted", item_id)
    return len(ids)


async def move_item(
    event_id: int, item_id: int, direction: str, *, by: Actor | None = None
) -> None:
    """Swap an item with its neighbour ("up": the one before), keeping the times of the day.

    The pair keeps its block of time: the one moved up takes the earlier start,
    the other follows after it with the same gap as before. Items at the same
    time (in parallel rooms) only swap their places.
    """
    await _ensure_draft(event_id)
    rows = await _ordered_rows(event_id)
    index = next((i for i, row in enumerate(rows) if row["id"] == item_id), None)
    if index is None:
        raise NotFound("This programme item does not exist (any more).")
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(rows):
        return
    first, second = (rows[other], rows[index]) if direction == "up" else (rows[index], rows[other])
    if second["starts_at"] <= first["starts_at"]:
        new_second, new_first = first["starts_at"], second["starts_at"]
    else:
        first_end = first["starts_at"] + timedelta(minutes=first["duration_min"])
        gap = max(second["starts_at"] - first_end, timedelta(0))
        new_second = first["starts_at"]
        new_first = first["starts_at"] + timedelta(minutes=second["duration_min"]) + gap
    positions = (first["position"], second["position"])
    if positions[0] == positions[1]:
        positions = (positions[0], positions[0] + 1)
    async with ProgrammeItem._meta.db.transaction():
        await ProgrammeItem.update(
            {ProgrammeItem.starts_at: new_second, ProgrammeItem.position: positions[0]}
        ).where(ProgrammeItem.id == second["id"])
        await ProgrammeItem.update(
            {ProgrammeItem.starts_at: new_first, ProgrammeItem.position: positions[1]}
        ).where(ProgrammeItem.id == first["id"])
    await audit.record(
        "programme.item.move", by=by, event_id=event_id, target=str(item_id), direction=direction
    )
    _changed(event_id, "moved", item_id)


# ------------------------------------------------------------------ actual times


@dataclass(frozen=True)
class Marked:
    """An actual time recorded from the editor or the API, and the item as it now is."""

    recorded: bool  # False: the start was already recorded, or the end came before it
    item: dict[str, Any]


async def _mind_the_day(event: EventRow, at: datetime | None, *, confirmed: bool) -> None:
    """Refuse a time far from the event's day unless the person confirmed it."""
    moment = at or datetime.now(UTC)
    day = Day.of(event)
    if not confirmed and far_from_the_day(moment, day):
        raise InvalidInput(
            errors.N_(
                "%(when)s is more than a day away from the event's day (%(date)s): "
                "confirm to record it anyway."
            ),
            refusal="far_from_the_day",
            when=short_date(day.local(moment).date()),
            date=short_date(day.date),
        )


async def record_start(
    event: EventRow,
    item_id: int,
    at: datetime | None = None,
    *,
    confirmed: bool = False,
    by: Actor | None = None,
) -> Marked:
    """``mark_item_started`` for a person: NotFound for an item not in the event.

    A start more than a day away from the event's day is refused (InvalidInput
    ``far_from_the_day``) unless ``confirmed``; an item already started answers as before.
    """
    event_id = event["id"]
    row = await get_item(event_id, item_id)
    if row["actual_start"] is not None:
        return Marked(False, row)
    await _mind_the_day(event, at, confirmed=confirmed)
    recorded = await mark_item_started(event_id, item_id, at, by=by)
    return Marked(recorded, await get_item(event_id, item_id))


async def record_end(
    event: EventRow,
    item_id: int,
    at: datetime | None = None,
    *,
    confirmed: bool = False,
    by: Actor | None = None,
) -> Marked:
    """``mark_item_ended`` for a person: NotFound for an item not in the event.

    An end more than a day away from the event's day is refused (InvalidInput
    ``far_from_the_day``) unless ``confirmed``.
    """
    event_id = event["id"]
    await get_item(event_id, item_id)
    await _mind_the_day(event, at, confirmed=confirmed)
    recorded = await mark_item_ended(event_id, item_id, at, by=by)
    return Marked(recorded, await get_item(event_id, item_id))


async def opening_started_at(event: EventRow) -> datetime | None:
    """When the day's opening item (tuyên bố lý do, giới thiệu đại biểu) actually started.

    The first opening item in planned order; None when none is recorded as started on
    the event's own date (a start pressed at a rehearsal the day before does not count).
    """
    row = await (
        ProgrammeItem.select(ProgrammeItem.actual_start)
        .where((ProgrammeItem.event == event["id"]) & (ProgrammeItem.kind == ItemKind.opening))
        .order_by(ProgrammeItem.starts_at)
        .order_by(ProgrammeItem.position)
        .first()
    )
    started = row["actual_start"] if row else None
    return started if started is not None and on_the_day(started, Day.of(event)) else None


async def mark_item_started(
    event_id: int, item_id: int, at: datetime | None = None, *, by: Actor | None = None
) -> bool:
    """Record the actual start of a programme item, once: a second call changes nothing.

    The run sheet calls this when its first cue goes live; organizers from the editor.
    Returns whether this call recorded it. Publishes a ``programme`` live event.
    """
    moment = at or datetime.now(UTC)
    updated = (
        await ProgrammeItem.update({ProgrammeItem.actual_start: moment})
        .where(
            (ProgrammeItem.id == item_id)
            & (ProgrammeItem.event == event_id)
            & ProgrammeItem.actual_start.is_null()
        )
        .returning(ProgrammeItem.id)
    )
    if updated:
        await audit.record("programme.item.start", by=by, event_id=event_id, target=str(item_id))
        live.publish(
            event_id,
            "programme",
            {"item_id": item_id, "change": "started", "at": moment.isoformat()},
        )
    return bool(updated)


async def mark_item_ended(
    event_id: int, item_id: int, at: datetime | None = None, *, by: Actor | None = None
) -> bool:
    """Record the actual end of a programme item (the last call wins: an item may run on).

    Returns whether this call recorded it: not when the item is not in the event, nor
    when the end would come before its recorded start (nothing changes then; the run
    sheet calls this after its own move, so it must not raise). Publishes a
    ``programme`` live event.
    """
    moment = at or datetime.now(UTC)
    row = (
        await ProgrammeItem.select(ProgrammeItem.actual_start)
        .where((ProgrammeItem.id == item_id) & (ProgrammeItem.event == event_id))
        .first()
    )
    # Compared here, not in SQL: SQLite compares stored timestamps as text.
    if row is None or (row["actual_start"] is not None and moment < row["actual_start"]):
        return False
    updated = (
        await ProgrammeItem.update({ProgrammeItem.actual_end: moment})
        .where((ProgrammeItem.id == item_id) & (ProgrammeItem.event == event_id))
        .returning(ProgrammeItem.id)
    )
    if updated:
        await audit.record("programme.item.end", by=by, event_id=event_id, target=str(item_id))
        live.publish(
            event_id,
            "programme",
            {"item_id": item_id, "change": "ended", "at": moment.isoformat()},
        )
    return bool(updated)


async def set_actual_times(
    event_id: int,
    item_id: int,
    start: datetime | None,
    end: datetime | None,
    *,
    by: Actor | None = None,
) -> None:
    """Correct (or clear, with None) the recorded actual times of an item.

    Raise InvalidInput when the end is before the start. Allowed on a final programme:
    the plan does not change.
    """
    if start is not None and end is not None and end < start:
        raise InvalidInput("The end must be after the start.", refusal="end_before_start")
    await get_item(event_id, item_id)
    await ProgrammeItem.update(
        {ProgrammeItem.actual_start: start, ProgrammeItem.actual_end: end}
    ).where((ProgrammeItem.id == item_id) & (ProgrammeItem.event == event_id))
    await audit.record(
        "programme.item.actual",
        by=by,
        event_id=event_id,
        target=str(item_id),
        start=start.isoformat() if start else None,
        end=end.isoformat() if end else None,
    )
    _changed(event_id, "actual", item_id)


# ------------------------------------------------------------------ speakers


async def _get_speaker(event_id: int, speaker_id: int) -> dict[str, Any]:
    row = (
        await Speaker.select()
        .where((Speaker.id == speaker_id) & (Speaker.item.event == event_id))
        .first()
    )
    if row is None:
        raise NotFound("This speaker is no longer on the programme.")
    return row


async def speaker_item(event_id: int, speaker_id: int) -> int:
    """The item a speaker belongs to; raise NotFound."""
    return int((await _get_speaker(event_id, speaker_id))["item"])


async def _renumber(item_id: int, ordered_ids: list[int]) -> None:
    async with Speaker._meta.db.transaction():
        for position, speaker_id in enumerate(ordered_ids, start=1):
            await Speaker.update({Speaker.position: position}).where(
                (Speaker.id == speaker_id) & (Speaker.item == item_id)
            )


async def add_speaker(
    event_id: int, item_id: int, data: SpeakerInput, *, by: Actor | None = None
) -> int:
    """Add a speaker to an item, in protocol order: the presiding panel first, then by rank.

    A delegate's name and title are copied when linking, so the item keeps a
    readable name if the delegate is later removed. Raise NotFound for a delegate
    of another event.
    """
    await _ensure_draft(event_id)
    await get_item(event_id, item_id)
    name, title = data.name, data.title
    rank = None
    if data.delegate_id is not None:
        delegate = (
            await Delegate.select(Delegate.full_name, Delegate.position, Delegate.protocol_rank)
            .where((Delegate.id == data.delegate_id) & (Delegate.event == event_id))
            .first()
        )
        if delegate is None:
            raise NotFound("This delegate is not on the list of this event.")
        name, title, rank = delegate["full_name"], delegate["position"], delegate["protocol_rank"]
    existing = await item_speakers(event_id, item_id)
    new = SpeakerEntry(
        id=0,
        position=0,
        delegate_id=data.delegate_id,
        name=name,
        role=data.role,
        protocol_rank=rank,
    )
    place = next(
        (i for i, s in enumerate(existing) if protocol_key(s) > protocol_key(new)), len(existing)
    )
    row = Speaker(
        item=item_id,
        position=place + 1,
        delegate=data.delegate_id,
        name=name,
        title=title,
        role=data.role,
    )
    await row.save()
    order = [s.id for s in existing]
    order.insert(place, int(row.id))
    await _renumber(item_id, order)
    await audit.record(
        "programme.speaker.add", by=by, event_id=event_id, target=str(item_id), name=name
    )
    _changed(event_id, "speakers", item_id)
    return int(row.id)


async def update_speaker(
    event_id: int, speaker_id: int, data: SpeakerInput, *, by: Actor | None = None
) -> None:
    """Change a speaker's role; for free text also the name and title."""
    await _ensure_draft(event_id)
    speaker = await _get_speaker(event_id, speaker_id)
    values: dict[Any, Any] = {Speaker.role: data.role}
    if speaker["delegate"] is None:
        values.update({Speaker.name: data.name or speaker["name"], Speaker.title: data.title})
    await Speaker.update(values).where(Speaker.id == speaker_id)
    await audit.record("programme.speaker.update", by=by, event_id=event_id, target=str(speaker_id))
    _changed(event_id, "speakers", speaker["item"])


async def remove_speaker(event_id: int, speaker_id: int, *, by: Actor | None = None) -> int:
    """Remove a speaker from their item; returns the item's id."""
    await _ensure_draft(event_id)
    speaker = await _get_speaker(event_id, speaker_id)
    await Speaker.delete().where(Speaker.id == speaker_id)
    await audit.record(
        "programme.speaker.remove",
        by=by,
        event_id=event_id,
        target=str(speaker["item"]),
        name=speaker["name"],
    )
    _changed(event_id, "speakers", speaker["item"])
    return int(speaker["item"])


async def move_speaker(
    event_id: int, speaker_id: int, direction: str, *, by: Actor | None = None
) -> int:
    """Move a speaker one place up or down in their item; returns the item's id."""
    await _ensure_draft(event_id)
    speaker = await _get_speaker(event_id, speaker_id)
    order = [s.id for s in await item_speakers(event_id, speaker["item"])]
    index = order.index(speaker_id)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(order):
        order[index], order[other] = order[other], order[index]
        await _renumber(speaker["item"], order)
        _changed(event_id, "speakers", speaker["item"])
    return int(speaker["item"])


async def sort_speakers(event_id: int, item_id: int, *, by: Actor | None = None) -> None:
    """Put an item's speakers in protocol order (presiding panel first, then by rank)."""
    await _ensure_draft(event_id)
    speakers = await item_speakers(event_id, item_id)
    ordered = sorted(speakers, key=lambda s: (protocol_key(s), s.position))
    await _renumber(item_id, [s.id for s in ordered])
    await audit.record("programme.speaker.sort", by=by, event_id=event_id, target=str(item_id))
    _changed(event_id, "speakers", item_id)
