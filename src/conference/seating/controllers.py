"""Seating: the API (DESIGN.md), the organizer's plan page and its forms, the prints."""

from __future__ import annotations

import json
from typing import Any

from litestar import Controller, Request, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromQuery, JSONBody
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_200_OK

from conference.actors import EventRow
from conference.auth import ORGANIZER, CurrentUser, allow
from conference.errors import DomainError
from conference.forms import Form, StaffRequest, form_errors, form_int
from conference.i18n import gettext, ngettext
from conference.seating import hall as halls
from conference.seating import plan, prints, services
from conference.seating.schemas import AssignIn, HallIn, MoveIn, PinIn, SeatIn, SwapIn
from conference.settings import Settings
from conference.tables import Role

# Desk staff read the plan (names and seats; never a contact), organizers change it.
READERS = allow(Role.organizer, Role.desk)


async def _answer(event_id: int, unplaced: list[int] | None = None) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "seats": [services.api_seat(s) for s in await services.seats(event_id)]
    }
    if unplaced is not None:
        answer["unplaced"] = [
            {"delegate_id": d["id"], "full_name": d["full_name"]}
            for d in await services.delegates_named(event_id, unplaced)
        ]
    return answer


class SeatingApiController(Controller):
    path = "/api/events/{slug:str}/seating"
    tags = ["seating"]  # noqa: RUF012 - Litestar reads it as a class attribute

    @get("/", opt=READERS)
    async def seating(self, event: NamedDependency[EventRow]) -> dict[str, Any]:
        """Every seat of the hall, who sits there, pinned or not, arrived or not."""
        return await _answer(event["id"])

    @post("/assign", opt=ORGANIZER, status_code=HTTP_200_OK)
    async def assign(
        self,
        request: Request[CurrentUser, Any, Any],
        event: NamedDependency[EventRow],
        data: JSONBody[AssignIn | None] = None,
    ) -> dict[str, Any]:
        """Automatic placement by protocol rank; pinned seats kept unless keep_pinned false.
        Those left without a seat are listed in ``unplaced``."""
        keep = data.keep_pinned if data is not None else True
        result = await services.assign(event["id"], keep_pinned=keep, by=request.user)
        return await _answer(event["id"], result.unplaced)

    @get("/hall", opt=ORGANIZER)
    async def get_hall(self, event: NamedDependency[EventRow]) -> dict[str, Any]:
        """The hall's JSON (``hall.schema.json``) and placement options; null: no hall yet."""
        hall = await services.get_hall(event["id"])
        if hall is None:
            return {"hall": None}
        return {"hall": hall.layout, "honour_side": hall.honour_side, "coming": hall.coming}

    @put("/hall", opt=ORGANIZER, status_code=HTTP_200_OK)
    async def put_hall(
        self,
        request: Request[CurrentUser, Any, Any],
        event: NamedDependency[EventRow],
        data: JSONBody[HallIn],
    ) -> dict[str, Any]:
        """Draw the hall; refused (``seats_would_be_lost``) if assigned seats would go,
        unless ``confirm``."""
        await services.save_hall(
            event["id"],
            data.hall,
            honour_side=data.honour_side,
            coming=data.coming,
            confirm_lost=data.confirm,
            by=request.user,
        )
        return await _answer(event["id"])

    @post("/move", opt=ORGANIZER, status_code=HTTP_200_OK)
    async def move(
        self,
        request: Request[CurrentUser, Any, Any],
        event: NamedDependency[EventRow],
        data: JSONBody[MoveIn],
    ) -> dict[str, Any]:
        """Seat a delegate in a free seat, pinned; a blocked or taken seat is refused."""
        await services.move(event["id"], data.delegate_id, data.seat, by=request.user)
        return {"ok": True}

    @post("/swap", opt=ORGANIZER, status_code=HTTP_200_OK)
    async def swap(
        self,
        request: Request[CurrentUser, Any, Any],
        event: NamedDependency[EventRow],
        data: JSONBody[SwapIn],
    ) -> dict[str, Any]:
        await services.swap(event["id"], data.first, data.second, by=request.user)
        return {"ok": True}

    @post("/clear", opt=ORGANIZER, status_code=HTTP_200_OK)
    async def clear(
        self,
        request: Request[CurrentUser, Any, Any],
        event: NamedDependency[EventRow],
        data: JSONBody[SeatIn],
    ) -> dict[str, Any]:
        await services.clear(event["id"], data.seat, by=request.user)
        return {"ok": True}

    @post("/pin", opt=ORGANIZER, status_code=HTTP_200_OK)
    async def pin(
        self,
        request: Request[CurrentUser, Any, Any],
        event: NamedDependency[EventRow],
        data: JSONBody[PinIn],
    ) -> dict[str, Any]:
        await services.set_pin(event["id"], data.seat, data.pinned, by=request.user)
        return {"ok": True}


class SeatingController(Controller):
    path = "/events/{slug:str}/seating"
    opt = ORGANIZER

    async def _page(
        self,
        event: EventRow,
        seat: str = "",
        *,
        hall_text: str | None = None,
        error: DomainError | None = None,
    ) -> Template:
        rows = await services.seats(event["id"])
        hall = await services.get_hall(event["id"])
        chosen = next((r for r in rows if r["label"] == seat), None)
        counts = {key: 0 for key in ("arrived", "waiting", "free", "reserved", "blocked")}
        for row in rows:
            counts[plan.state(row)] += 1
        if hall_text is None:
            hall_text = json.dumps(
                hall.layout if hall else EXAMPLE_HALL, ensure_ascii=False, indent=2
            )
        return Template(
            "seating/plan.html",
            context={
                "event": event,
                "svg": plan.render(rows, chosen=seat),
                "counts": counts,
                "chosen": chosen,
                "hall": hall,
                "hall_text": hall_text,
                "unseated": await services.unseated(event["id"]),
                "waiting": services.front_rows_waiting(rows),
                "copy_from": await services.halls_to_copy(event["id"]),
                "max_seats": halls.MAX_SEATS,
                **form_errors(error),
            },
            status_code=400 if error else 200,
        )

    @get("/", name="seating")
    async def plan_page(
        self, event: NamedDependency[EventRow], seat: FromQuery[str] = ""
    ) -> Template:
        """The hall plan, live; a chosen seat's moves, pins and clearing."""
        return await self._page(event, seat)

    async def _do(
        self, request: StaffRequest, event: EventRow, seat: str, done: str, action: Any
    ) -> Template | Redirect:
        try:
            await action
        except DomainError as error:
            return await self._page(event, seat, error=error)
        flash(request, done, category="success")
        return Redirect(f"/events/{event['slug']}/seating/?seat={seat}")

    @post("/hall")
    async def save_hall(
        self, request: StaffRequest, event: NamedDependency[EventRow], data: Form
    ) -> Template | Redirect:
        text = data.get("hall", "")
        try:
            lost = await services.save_hall(
                event["id"],
                halls.parse_json(text),
                honour_side=data.get("honour_side", "right"),
                coming=data.get("coming", "not_declined"),
                confirm_lost=data.get("confirm") == "1",
                by=request.user,
            )
        except DomainError as error:
            return await self._page(event, hall_text=text, error=error)
        flash(request, gettext("The hall is saved."), category="success")
        if lost:
            flash(
                request,
                gettext("Without a seat now: %(names)s", names=", ".join(lost)),
                category="warning",
            )
        return Redirect(f"/events/{event['slug']}/seating/")

    @post("/copy")
    async def copy_hall(
        self, request: StaffRequest, event: NamedDependency[EventRow], data: Form
    ) -> Template | Redirect:
        source = form_int(data.get("from_event")) or 0
        return await self._do(
            request,
            event,
            "",
            gettext("The hall is copied; place the delegates again."),
            services.copy_hall(source, event["id"], by=request.user),
        )

    @post("/assign")
    async def assign(
        self, request: StaffRequest, event: NamedDependency[EventRow], data: Form
    ) -> Template | Redirect:
        try:
            result = await services.assign(
                event["id"], keep_pinned=data.get("keep_pinned") == "1", by=request.user
            )
        except DomainError as error:
            return await self._page(event, error=error)
        flash(
            request,
            ngettext("%(num)s delegate seated.", "%(num)s delegates seated.", len(result.seats)),
            category="success",
        )
        if result.unplaced:
            names = [
                d["full_name"] for d in await services.delegates_named(event["id"], result.unplaced)
            ]
            flash(
                request,
                gettext(
                    "No seat for %(num)s delegates: %(names)s",
                    num=len(names),
                    names=", ".join(names),
                ),
                category="warning",
            )
        return Redirect(f"/events/{event['slug']}/seating/")

    @post("/move")
    async def move(
        self,
        request: StaffRequest,
        event: NamedDependency[EventRow],
        data: Form,
    ) -> Template | Redirect:
        """Seat the chosen seat's person (or a delegate picked from the unseated) elsewhere."""
        seat = data.get("seat", "")
        target = data.get("to", "").strip()
        delegate_id = form_int(data.get("delegate_id")) or 0
        return await self._do(
            request,
            event,
            target or seat,
            gettext("Seat %(label)s taken.", label=target or seat),
            services.move(event["id"], delegate_id, target or seat, by=request.user),
        )

    @post("/swap")
    async def swap(
        self, request: StaffRequest, event: NamedDependency[EventRow], data: Form
    ) -> Template | Redirect:
        seat, other = data.get("seat", ""), data.get("with", "").strip()
        return await self._do(
            request,
            event,
            seat,
            gettext("Seats %(first)s and %(second)s swapped.", first=seat, second=other),
            services.swap(event["id"], seat, other, by=request.user),
        )

    @post("/clear")
    async def clear(
        self, request: StaffRequest, event: NamedDependency[EventRow], data: Form
    ) -> Template | Redirect:
        seat = data.get("seat", "")
        return await self._do(
            request,
            event,
            seat,
            gettext("Seat %(label)s is free.", label=seat),
            services.clear(event["id"], seat, by=request.user),
        )

    @post("/pin")
    async def pin(
        self, request: StaffRequest, event: NamedDependency[EventRow], data: Form
    ) -> Template | Redirect:
        seat, pinned = data.get("seat", ""), data.get("pinned") == "1"
        return await self._do(
            request,
            event,
            seat,
            gettext("Pinned: automatic placement keeps this seat.")
            if pinned
            else gettext("Unpinned."),
            services.set_pin(event["id"], seat, pinned, by=request.user),
        )

    @get("/cards")
    async def cards(
        self,
        event: NamedDependency[EventRow],
        all: FromQuery[str] = "",
        blocks: FromQuery[str] = "",
    ) -> Template:
        """Name cards (biển tên) for the presidium and the front rows; ``?all=1``: everyone;
        ``?blocks=1``: a table card a block."""
        everyone = all == "1"
        cards = (
            await prints.block_cards(event["id"])
            if blocks == "1"
            else await prints.name_cards(event["id"], everyone=everyone)
        )
        return Template(
            "seating/cards.html",
            context={"event": event, "cards": cards, "everyone": everyone},
        )

    @get("/chart")
    async def chart(self, event: NamedDependency[EventRow]) -> Template:
        """The seating chart with names, block by block (A3 landscape)."""
        return Template(
            "seating/chart.html",
            context={"event": event, "blocks": await prints.chart(event["id"])},
        )

    @get("/badges")
    async def badges(
        self, event: NamedDependency[EventRow], settings: NamedDependency[Settings]
    ) -> Template:
        """Badges (A6) of everyone who will come: name, title, organization, group colour,
        seat and the personal QR code."""
        return Template(
            "seating/badges.html",
            context={
                "event": event,
                "badges": await prints.badges(event["id"], settings.base_url),
            },
        )


# What the hall editor shows before a hall is drawn: a presidium of 7, three blocks.
EXAMPLE_HALL: dict[str, Any] = {
    "name": "Hội trường",
    "presidium": {"places": 7},
    "blocks": [
        {"name": "A", "rows": 8, "seats": 6},
        {"name": "B", "rows": 8, "seats": 10, "reserved_rows": {"A": "Lãnh đạo"}},
        {"name": "C", "rows": 8, "seats": 6},
    ],
    "blocked": [],
}

SEATING_ROUTES: list[Any] = [SeatingApiController, SeatingController]
