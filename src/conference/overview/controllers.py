"""The event's front page (``/events/{slug}``), for every role of the event."""

from __future__ import annotations

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.response import Template

from conference.actors import EventRow
from conference.auth import ANY_ROLE
from conference.overview.services import event_overview


class OverviewController(Controller):
    @get("/events/{slug:str}", name="event_dashboard", opt=ANY_ROLE)
    async def event_dashboard(self, event: NamedDependency[EventRow]) -> Template:
        overview = await event_overview(event["id"])
        return Template("overview/dashboard.html", context={"event": event, "overview": overview})
