"""The event's front page (``/events/{slug}``), for every role of the event."""

from __future__ import annotations

from litestar import Controller, get
from litestar.params import FromPath
from litestar.response import Template

from conference.auth import ANY_ROLE
from conference.events import get_event
from conference.overview.services import event_overview


class OverviewController(Controller):
    @get("/events/{slug:str}", name="event_dashboard", opt=ANY_ROLE)
    async def event_dashboard(self, slug: FromPath[str]) -> Template:
        event = await get_event(slug)
        overview = await event_overview(event["id"])
        return Template("overview/dashboard.html", context={"event": event, "overview": overview})
