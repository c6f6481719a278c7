"""The event's overview, composed from each feature's own figures."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from conference.invitations import Attendance, attendance
from conference.program import agenda, awards


@dataclass(frozen=True)
class Overview:
    """What an organizer sees first: how many are invited, coming, here; what is planned."""

    attendance: Attendance
    programme: list[agenda.ItemOutline]
    awards: list[dict[str, Any]]

    @property
    def programme_items(self) -> int:
        return len(self.programme)

    @property
    def award_recipients(self) -> int:
        return sum(form["collectives"] + form["individuals"] for form in self.awards)


async def event_overview(event_id: int) -> Overview:
    return Overview(
        attendance=await attendance(event_id),
        programme=await agenda.programme_outline(event_id),
        awards=await awards.award_overview(event_id),
    )
