"""Attendance figures: how many are invited, coming and here, in all and by group."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from conference.tables import Delegate, Rsvp


@dataclass(frozen=True)
class Attendance:
    """Invited delegates are those whose invitation is not withdrawn."""

    delegates: int
    invited: int
    accepted: int
    declined: int
    pending: int
    checked_in: int
    expected: int  # invited minus declined
    by_group: list[dict[str, Any]] = field(default_factory=list)


async def attendance(event_id: int) -> Attendance:
    """The event's figures from one read of its delegates; groups largest first."""
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
    return Attendance(
        delegates=len(rows),
        invited=len(invited),
        accepted=rsvp[Rsvp.accepted.value],
        declined=rsvp[Rsvp.declined.value],
        pending=rsvp[Rsvp.pending.value],
        checked_in=sum(row["checked_in_at"] is not None for row in rows),
        expected=len(invited) - rsvp[Rsvp.declined.value],
        by_group=[
            {"group": name, **counts}
            for name, counts in sorted(groups.items(), key=lambda item: -item[1]["invited"])
        ],
    )
