"""Conflicts between desks: a person admitted offline at one desk after another checked them in.

``redeem`` records them (one row per offline scan, by its nonce). Nothing is undone:
the first upload stays the check-in. The organizer sees who, which desks and which
times, and marks each reviewed once they know why (a shared invitation, a desk that
let someone through twice).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from conference import audit
from conference.actors import Actor
from conference.errors import NotFound
from conference.tables import CheckInConflict


@dataclass(frozen=True)
class Conflict:
    id: int
    delegate_id: int
    full_name: str
    honorific: str
    scanned_at: datetime  # when the second desk admitted them
    desk: str
    first_checked_in_at: datetime  # the check-in that stands
    first_desk: str
    reviewed: bool
    reviewed_at: datetime | None


async def conflicts(event_id: int) -> list[Conflict]:
    """The event's conflicts, those not yet reviewed first, then newest first (one query)."""
    rows = (
        await CheckInConflict.select(
            CheckInConflict.id,
            CheckInConflict.delegate,
            CheckInConflict.delegate.full_name,
            CheckInConflict.delegate.honorific,
            CheckInConflict.scanned_at,
            CheckInConflict.desk,
            CheckInConflict.first_checked_in_at,
            CheckInConflict.first_desk,
            CheckInConflict.reviewed_at,
        )
        .where(CheckInConflict.event == event_id)
        .order_by(CheckInConflict.id, ascending=False)
    )
    found = [
        Conflict(
            id=row["id"],
            delegate_id=row["delegate"],
            full_name=row["delegate.full_name"],
            honorific=row["delegate.honorific"],
            scanned_at=row["scanned_at"],
            desk=row["desk"],
            first_checked_in_at=row["first_checked_in_at"],
            first_desk=row["first_desk"],
            reviewed=row["reviewed_at"] is not None,
            reviewed_at=row["reviewed_at"],
        )
        for row in rows
    ]
    return sorted(found, key=lambda c: c.reviewed)  # stable: newest first within each


async def mark_reviewed(event_id: int, conflict_id: int, *, by: Actor | None = None) -> None:
    """Mark one conflict reviewed (again is harmless). Raises NotFound for another event's."""
    marked = (
        await CheckInConflict.update(
            {CheckInConflict.reviewed_at: datetime.now(UTC), CheckInConflict.reviewed_by: by.id}
            if by is not None
            else {CheckInConflict.reviewed_at: datetime.now(UTC)}
        )
        .where(
            (CheckInConflict.id == conflict_id)
            & (CheckInConflict.event == event_id)
            & CheckInConflict.reviewed_at.is_null()
        )
        .returning(CheckInConflict.id)
    )
    if not marked and not await CheckInConflict.exists().where(
        (CheckInConflict.id == conflict_id) & (CheckInConflict.event == event_id)
    ):
        raise NotFound("No such conflict in this event.")
    if marked:
        await audit.record(
            "checkin.conflict_reviewed", by=by, event_id=event_id, target=str(conflict_id)
        )
