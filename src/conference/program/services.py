"""The programme and the award list, as the dashboard and later the editors read them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from conference import live
from conference.tables import AwardForm, AwardRecipient, ProgrammeItem, Speaker


@dataclass(frozen=True)
class ItemOutline:
    id: int
    starts_at: datetime
    ends_at: datetime
    title: str
    kind: str
    speakers: list[dict[str, Any]]


async def programme_outline(event_id: int) -> list[ItemOutline]:
    """The programme in order, each item with its speakers in order (two queries)."""
    items = (
        await ProgrammeItem.select()
        .where(ProgrammeItem.event == event_id)
        .order_by(ProgrammeItem.starts_at)
        .order_by(ProgrammeItem.position)
    )
    speakers = (
        await Speaker.select(
            Speaker.item, Speaker.name, Speaker.title, Speaker.role, Speaker.delegate
        )
        .where(Speaker.item.event == event_id)
        .order_by(Speaker.position)
    )
    by_item: dict[int, list[dict[str, Any]]] = {}
    for speaker in speakers:
        by_item.setdefault(speaker["item"], []).append(speaker)
    return [
        ItemOutline(
            id=item["id"],
            starts_at=item["starts_at"],
            ends_at=item["starts_at"] + timedelta(minutes=item["duration_min"]),
            title=item["title"],
            kind=item["kind"],
            speakers=by_item.get(item["id"], []),
        )
        for item in items
    ]


async def award_overview(event_id: int) -> list[dict[str, Any]]:
    """Award forms from the highest, each with its number of recipients."""
    forms = await AwardForm.select().where(AwardForm.event == event_id).order_by(AwardForm.rank)
    recipients = await AwardRecipient.select(AwardRecipient.award_form, AwardRecipient.kind).where(
        AwardRecipient.award_form.event == event_id
    )
    for form in forms:
        mine = [r for r in recipients if r["award_form"] == form["id"]]
        form["collectives"] = sum(r["kind"] == "collective" for r in mine)
        form["individuals"] = len(mine) - form["collectives"]
    return forms


async def mark_item_started(event_id: int, item_id: int, at: datetime | None = None) -> bool:
    """Record the actual start of a programme item, once: a second call changes nothing.

    The run sheet calls this when its first cue goes live; organizers from the editor.
    Returns whether this call recorded it. Publishes a ``programme`` live event.
    """
    updated = (
        await ProgrammeItem.update({ProgrammeItem.actual_start: at or datetime.now(UTC)})
        .where(
            (ProgrammeItem.id == item_id)
            & (ProgrammeItem.event == event_id)
            & ProgrammeItem.actual_start.is_null()
        )
        .returning(ProgrammeItem.id)
    )
    if updated:
        live.publish(event_id, "programme", {"item_id": item_id, "change": "started"})
    return bool(updated)


async def mark_item_ended(event_id: int, item_id: int, at: datetime | None = None) -> bool:
    """Record the actual end of a programme item (the last call wins: an item may run on).

    Returns whether the item exists in the event. Publishes a ``programme`` live event.
    """
    updated = (
        await ProgrammeItem.update({ProgrammeItem.actual_end: at or datetime.now(UTC)})
        .where((ProgrammeItem.id == item_id) & (ProgrammeItem.event == event_id))
        .returning(ProgrammeItem.id)
    )
    if updated:
        live.publish(event_id, "programme", {"item_id": item_id, "change": "ended"})
    return bool(updated)
