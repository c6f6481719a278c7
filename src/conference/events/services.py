"""Events: create, change, list, and the counts on an event's dashboard."""

from __future__ import annotations

import dataclasses
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, cast

from conference import audit
from conference.actors import Actor, EventRow
from conference.errors import Conflict, NotFound
from conference.events.schemas import EventInput
from conference.tables import AwardRecipient, Delegate, Event, ProgrammeItem, Rsvp


async def list_events() -> list[dict[str, Any]]:
    """Every event, the coming ones first."""
    return await Event.select().order_by(Event.date, ascending=False)


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


@dataclass(frozen=True)
class Dashboard:
    """What an organizer sees first: how many are invited, coming, here; what is planned."""

    delegates: int
    invited: int
    accepted: int
    declined: int
    pending: int
    checked_in: int
    expected: int  # invited minus declined
    programme_items: int
    award_recipients: int
    by_group: list[dict[str, Any]] = field(default_factory=list)


async def dashboard(event_id: int) -> Dashboard:
    rows = await Delegate.select(
        Delegate.group_name, Delegate.rsvp, Delegate.revoked_at, Delegate.checked_in_at
    ).where(Delegate.event == event_id)
    invited = [row for row in rows if row["revoked_at"] is None]
    rsvp = Counter(row["rsvp"] for row in invited)
    groups: dict[str, Counter[str]] = {}
    for row in invited:
        counts = groups.setdefault(row["group_name"] or "", Counter())
        counts["invited"] += 1
        counts[row["rsvp"]] += 1
        counts["checked_in"] += row["checked_in_at"] is not None
    return Dashboard(
        delegates=len(rows),
        invited=len(invited),
        accepted=rsvp[Rsvp.accepted.value],
        declined=rsvp[Rsvp.declined.value],
        pending=rsvp[Rsvp.pending.value],
        checked_in=sum(row["checked_in_at"] is not None for row in rows),
        expected=len(invited) - rsvp[Rsvp.declined.value],
        programme_items=await ProgrammeItem.count().where(ProgrammeItem.event == event_id),
        award_recipients=await AwardRecipient.count().where(
            AwardRecipient.award_form.event == event_id
        ),
        by_group=[
            {"group": name, **counts}
            for name, counts in sorted(groups.items(), key=lambda item: -item[1]["invited"])
        ],
    )
