"""Event pages: the list and the form to create or change one (the overview is ``overview``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from conference.actors import EventRow
from conference.auth import ADMINISTRATOR, ANY_ROLE, ORGANIZER, CurrentUser
from conference.errors import DomainError
from conference.events import services
from conference.events.schemas import SIGNER_AUTHORITIES, EventInput
from conference.forms import Form, form_errors
from conference.i18n import gettext

NEW_EVENT_DEFAULTS = {
    "timezone": "Asia/Ho_Chi_Minh",
    "starts_at": "08:00",
    "ends_at": "11:30",
    "stage_capacity": 10,
    "vip_rank_threshold": 3,
}


# The Vietnamese legal names of the authorities stay Vietnamese in every language.
_AUTHORITY_NAMES = {
    "KT.": "KT. (ký thay)",
    "TM.": "TM. (thay mặt)",
    "Q.": "Q. (quyền)",
    "TL.": "TL. (thừa lệnh)",
    "TUQ.": "TUQ. (thừa ủy quyền)",
}


def _authorities() -> list[tuple[str, str]]:
    return [("", gettext("None: the head signs in their own name"))] + [
        (value, _AUTHORITY_NAMES[value]) for value in SIGNER_AUTHORITIES if value
    ]


def _form_page(
    form: Mapping[str, Any], *, event: EventRow | None, error: DomainError | None = None
) -> Template:
    return Template(
        "events/form.html",
        context={
            "form": form,
            "event": event,
            "signer_authorities": _authorities(),
            **form_errors(error),
        },
        status_code=400 if error else 200,
    )


class EventController(Controller):
    path = "/"

    @get("/", name="events", opt=ANY_ROLE)
    async def list_events(self, request: Request[CurrentUser, Any, Any]) -> Template:
        events = await services.list_events(request.user.events)
        return Template("events/list.html", context={"events": events})

    @get("/events/new", name="event_new", opt=ADMINISTRATOR)
    async def new_event(self) -> Template:
        return _form_page(dict(NEW_EVENT_DEFAULTS), event=None)

    @post("/events/new", opt=ADMINISTRATOR)
    async def create_event(
        self, request: Request[CurrentUser, Any, Any], data: Form
    ) -> Template | Redirect:
        try:
            event = await services.create_event(EventInput.from_form(data), by=request.user)
        except DomainError as error:
            return _form_page(data, event=None, error=error)
        flash(request, gettext("Event created."), category="success")
        return Redirect(f"/events/{event['slug']}")

    @get("/events/{slug:str}/edit", name="event_edit", opt=ORGANIZER)
    async def edit_event(self, event: NamedDependency[EventRow]) -> Template:
        return _form_page(event, event=event)

    @post("/events/{slug:str}/edit", opt=ORGANIZER)
    async def update_event(
        self,
        request: Request[CurrentUser, Any, Any],
        slug: FromPath[str],
        event: NamedDependency[EventRow],
        data: Form,
    ) -> Template | Redirect:
        try:
            updated = await services.update_event(slug, EventInput.from_form(data), by=request.user)
        except DomainError as error:
            return _form_page(data, event=event, error=error)
        flash(request, gettext("Changes saved."), category="success")
        return Redirect(f"/events/{updated['slug']}")
