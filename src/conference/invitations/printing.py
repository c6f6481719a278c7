"""Which invitations go to the printer, each built for its A4 page."""

from __future__ import annotations

from collections.abc import Collection

from conference.actors import EventRow
from conference.invitations.rendering import Invitation, build_invitation
from conference.invitations.services import DelegateFilter, list_delegates
from conference.program import agenda
from conference.threads import off_loop


async def invitations_to_print(
    event: EventRow, base_url: str, *, group: str = "", ids: Collection[int] = ()
) -> list[Invitation]:
    """The invitations of every delegate, of one group, or of the chosen ``ids``.

    Withdrawn invitations are never printed. The order is the delegate list's.
    """
    listing = await list_delegates(event["id"], DelegateFilter(group=group), limit=None)
    rows = [
        row for row in listing.rows if row["revoked_at"] is None and (not ids or row["id"] in ids)
    ]
    programme = await agenda.programme_outline(event["id"])
    # Each letter renders the organizer's wording: seconds for a large event, in a thread.
    return await off_loop(
        lambda: [build_invitation(event, row, programme, base_url) for row in rows]
    )
