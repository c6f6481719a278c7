"""Events: create, change, list and look up by address."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, date, datetime
from typing import Any, cast

from conference import audit
from conference.actors import Actor, EventRow
from conference.errors import N_, Conflict, FormErrors, NotFound
from conference.events.schemas import TEXT_FIELDS, EventInput
from conference.tables import AwardForm, Event, ProgrammeItem


async def list_events(only: frozenset[int] | None = None) -> list[dict[str, Any]]:
    """Every event, the coming ones first; with ``only``, just those (an actor's events)."""
    query = Event.select().order_by(Event.date, ascending=False)
    if only is not None:
        query = query.where(Event.id.is_in(list(only) or [0]))
    return await query


async def get_event(slug: str) -> EventRow:
    """The event with this slug; raise NotFound."""
    row = await Event.select().where(Event.slug == slug).first()
    if row is None:
        raise NotFound("There is no event at this address.")
    return cast(EventRow, row)


_by_slug: dict[str, tuple[float, EventRow]] = {}
# A scan looks its event up by slug; the event barely changes during the day.
# A copy a module above this one makes for a new event: (source's id, new event's id).
CopyStep = Callable[[int, int], Awaitable[None]]

EVENT_CACHE_S = 30.0


async def get_event_cached(slug: str) -> EventRow:
    """Like ``get_event``, but kept for a few seconds: one query less on the scan path."""
    now = time.monotonic()
    cached = _by_slug.get(slug)
    if cached is not None and cached[0] > now:
        return cached[1]
    event = await get_event(slug)
    _by_slug[slug] = (now + EVENT_CACHE_S, event)
    return event


def forget_events() -> None:
    """Drop the events kept by slug (a test's database starts again from id 1)."""
    _by_slug.clear()


async def event_id_of(slug: str) -> int | None:
    """The id of the event at ``slug`` (from ``get_event_cached``), or None when there is none."""
    try:
        return (await get_event_cached(slug))["id"]
    except NotFound:
        return None


async def create_event(data: EventInput, *, by: Actor | None = None) -> EventRow:
    """Create an event; raise Conflict when its slug is taken."""
    if await Event.exists().where(Event.slug == data.slug):
        raise Conflict(
            "Another event already uses the address %(slug)s.", slug=data.slug, refusal="slug_taken"
        )
    event = Event(**dataclasses.asdict(data))
    await event.save()
    await audit.record("event.create", by=by, event_id=event.id, target=data.slug)
    return await get_event(data.slug)


async def update_event(slug: str, data: EventInput, *, by: Actor | None = None) -> EventRow:
    """Change an event's settings (its slug too); raise NotFound or Conflict."""
    event = await get_event(slug)
    if data.slug != slug and await Event.exists().where(Event.slug == data.slug):
        raise Conflict(
            "Another event already uses the address %(slug)s.", slug=data.slug, refusal="slug_taken"
        )
    values = {getattr(Event, name): value for name, value in dataclasses.asdict(data).items()}
    values[Event.updated_at] = datetime.now(UTC)
    await Event.update(values).where(Event.id == event["id"])
    _by_slug.clear()
    await audit.record("event.update", by=by, event_id=event["id"], target=data.slug)
    return await get_event(data.slug)


# What a new event starts with when it copies none.
NEW_EVENT_DEFAULTS = {
    "timezone": "Asia/Ho_Chi_Minh",
    "starts_at": "08:00",
    "ends_at": "11:30",
    "stage_capacity": "10",
    "vip_rank_threshold": "3",
}


async def create_event_copy(
    slug: str,
    title: str,
    day: date,
    source: EventRow | None,
    *,
    by: Actor | None = None,
    copy_also: Sequence[CopyStep] = (),
) -> EventRow:
    """Create the event ``slug`` titled ``title`` on ``day``; with ``source``, copying its
    settings, its programme (moved to the new day, without speakers or actual times) and
    its award forms (without recipients): never a person. ``copy_also``: what the modules
    above this one copy too (the hall, ``seating.copy_hall``), each called with the source's
    id and the new event's, in the same transaction. Raises FormErrors for a bad slug or
    title, Conflict when the slug is taken."""
    form: dict[str, str] = dict(NEW_EVENT_DEFAULTS)
    if source is not None:
        form.update(
            {
                name: str(source[name])  # type: ignore[literal-required]
                for name in (*TEXT_FIELDS, "timezone", "stage_capacity", "vip_rank_threshold")
            }
        )
        form["starts_at"] = source["starts_at"].isoformat(timespec="minutes")
        form["ends_at"] = source["ends_at"].isoformat(timespec="minutes")
    form.update({"slug": slug, "title": title, "date": day.isoformat()})
    data = EventInput.from_form(form)
    if data.slug != slug.strip().lower():
        fields = {"slug": N_("Enter a short address made of letters and digits.")}
        raise FormErrors(fields)
    async with Event._meta.db.transaction():
        created = await create_event(data, by=by)
        if source is not None:
            await _copy_programme_and_awards(source, created)
            for step in copy_also:
                await step(source["id"], created["id"])
    return created


async def _copy_programme_and_awards(source: EventRow, target: EventRow) -> None:
    shift = target["date"] - source["date"]
    items = await ProgrammeItem.select().where(ProgrammeItem.event == source["id"])
    copies = [
        ProgrammeItem(
            event=target["id"],
            position=item["position"],
            starts_at=item["starts_at"] + shift,
            duration_min=item["duration_min"],
            title=item["title"],
            kind=item["kind"],
            room=item["room"],
            description=item["description"],
        )
        for item in items
    ]
    if copies:
        await ProgrammeItem.insert(*copies)
    forms = await AwardForm.select().where(AwardForm.event == source["id"])
    form_copies = [
        AwardForm(
            event=target["id"],
            rank=f["rank"],
            title=f["title"],
            decision_number=f["decision_number"],
            decision_date=f["decision_date"],
            issuer=f["issuer"],
        )
        for f in forms
    ]
    if form_copies:
        await AwardForm.insert(*form_copies)
