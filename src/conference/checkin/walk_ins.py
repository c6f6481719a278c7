"""Walk-ins (khách vãng lai) who may be on the list already, or registered already.

A guest at the desk who is not found by the first search is often on the list under a
spelling the desk did not try, or was registered by another desk a minute ago. The
desk is shown the invited people of the same folded name or organization, to check
one in instead of creating a second record, and a second walk-in of the same name is
registered only when the desk confirms it is another person. A walk-in carries a nonce,
like a scan: the same registration sent again (its answer was lost) is the same guest.
"""

from __future__ import annotations

from typing import Any

from piccolo.custom_types import Combinable

from conference.actors import EventRow
from conference.checkin.statements import SHOWN
from conference.errors import InvalidInput
from conference.formatting import local_hour
from conference.tables import Delegate, DelegateSource
from conference.text import fold

WALK_IN_MATCHES = 10


def _like_needle(folded: str) -> str:
    # Folded text is lower-case letters, digits and punctuation; LIKE's own wildcards go.
    return folded.replace("%", "").replace("_", "").replace("\\", "")


async def walk_in_matches(
    event_id: int, full_name: str, organization: str = ""
) -> list[dict[str, Any]]:
    """The invited people a walk-in may be: same folded name, or same folded organization.

    So the desk checks in the person already on the list ("Điểm danh người này")
    instead of creating a second record. Names first, then protocol order; at most
    WALK_IN_MATCHES. Walk-ins registered earlier are not included (see
    ``register_walk_in``). One query.
    """
    name, org = fold(full_name), fold(organization)
    if not name and not org:
        return []
    likes = [
        Delegate.search_key.like(f"%{needle}%")
        for needle in (_like_needle(name), _like_needle(org))
        if needle
    ]
    if not likes:
        return []
    condition: Combinable = likes[0]
    for like in likes[1:]:
        condition = condition | like
    rows = await Delegate.select(*SHOWN, Delegate.search_key, Delegate.revoked_at).where(
        (Delegate.event == event_id)
        & (Delegate.source != DelegateSource.walk_in)
        & Delegate.revoked_at.is_null()
        & condition
    )
    found = [
        row
        for row in rows
        if (name and fold(row["full_name"]) == name) or (org and fold(row["organization"]) == org)
    ]
    found.sort(
        key=lambda r: (
            fold(r["full_name"]) != name,
            r["protocol_rank"] is None,
            r["protocol_rank"] or 0,
            r["search_key"],
        )
    )
    return found[:WALK_IN_MATCHES]


async def registered_with(event_id: int, nonce: str) -> int | None:
    """The walk-in a desk registered with ``nonce`` (its retry finds them), if any."""
    row = (
        await Delegate.select(Delegate.id)
        .where(
            (Delegate.event == event_id)
            & (Delegate.source == DelegateSource.walk_in)
            & (Delegate.checked_in_nonce == nonce)
        )
        .first()
    )
    return row["id"] if row else None


async def refuse_a_second_walk_in(event: EventRow, full_name: str) -> None:
    """Raise InvalidInput ``walk_in_duplicate`` when a walk-in of this folded name exists."""
    name = fold(full_name)
    rows = await Delegate.select(
        Delegate.full_name, Delegate.organization, Delegate.checked_in_at, Delegate.created_at
    ).where(
        (Delegate.event == event["id"])
        & (Delegate.source == DelegateSource.walk_in)
        & Delegate.search_key.like(f"{_like_needle(name)}%")
    )
    same = [row for row in rows if fold(row["full_name"]) == name]
    if same:
        first = same[0]
        raise InvalidInput(
            "A walk-in named %(name)s%(organization)s was registered at %(time)s. If this is "
            "another person of that name, confirm to register them too.",
            code="walk_in_duplicate",
            name=first["full_name"],
            organization=f" ({first['organization']})" if first["organization"] else "",
            time=local_hour(first["checked_in_at"] or first["created_at"], event["timezone"]),
        )
