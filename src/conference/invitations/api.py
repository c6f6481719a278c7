"""The delegate search API: the same search as the list page, for desks and scripts."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.params import FromQuery

from conference.actors import EventRow
from conference.auth import CurrentUser, allow
from conference.events import CACHED_EVENT
from conference.invitations import services
from conference.invitations.qr import invitation_url
from conference.invitations.schemas import DelegateListOut, DelegateOut, SubstituteOut
from conference.invitations.substitutes import substitute_of
from conference.settings import Settings
from conference.tables import Role

API_LIMIT = 50


def delegate_out(row: dict[str, Any], *, organizer: bool, base_url: str) -> DelegateOut:
    """A delegate for the API; the desk sees names, titles and seats, never contacts."""
    substitute = substitute_of(row)
    return DelegateOut(
        id=row["id"],
        full_name=row["full_name"],
        honorific=row["honorific"],
        position=row["position"],
        organization=row["organization"],
        group=row["group_name"],
        seat=row["seat"],
        protocol_rank=row["protocol_rank"],
        notes=row["notes"],
        rsvp=row["rsvp"],
        checked_in_at=row["checked_in_at"],
        email=row["email"] if organizer else None,
        phone=(row["phone"] or None) if organizer else None,
        invitation_url=invitation_url(base_url, row["token"]) if organizer else None,
        substitute=SubstituteOut(**substitute) if substitute else None,
    )


class DelegateApiController(Controller):
    path = "/api/events/{slug:str}/delegates"
    opt = allow(Role.organizer, Role.desk)
    tags = ["delegates"]  # noqa: RUF012 - Litestar reads it as a class attribute

    @get("/", dependencies=CACHED_EVENT)
    async def search(
        self,
        request: Request[CurrentUser, Any, Any],
        event: NamedDependency[EventRow],
        settings: NamedDependency[Settings],
        q: FromQuery[str] = "",
        limit: FromQuery[int] = API_LIMIT,
    ) -> DelegateListOut:
        """Delegates whose name, organization or title holds every word of ``q``,
        ignoring case and diacritics, in protocol order."""
        organizer = request.user.is_organizer
        # One more than asked tells whether there are more, without counting them all.
        wanted = max(1, min(limit, services.LIST_LIMIT))
        rows = await services.search_delegates(event["id"], q, limit=wanted + 1)
        return DelegateListOut(
            delegates=[
                delegate_out(r, organizer=organizer, base_url=settings.base_url)
                for r in rows[:wanted]
            ],
            more=len(rows) > wanted,
        )
