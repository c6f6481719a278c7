"""Events: create, change, list and look up by address."""

from __future__ import annotations

import dataclasses
import time
from datetime import UTC, datetime
from typing import Any, cast

from conference import audit
from conference.actors import Actor, EventRow
from conference.errors import Conflict, NotFound
from conference.events.schemas import EventInput
from conference.tables import Event


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
