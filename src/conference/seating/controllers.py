"""Seating: the API (DESIGN.md), the organizer's plan page and its forms, the prints."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

from litestar import Controller, Request, Response, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromQuery, JSONBody
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_200_OK

from conference.actors import Actor, EventRow
from conference.auth import ORGANIZER, CurrentUser, allow
from conference.errors import DomainError
from conference.forms import Form, StaffRequest, form_errors, form_int
from conference.i18n import gettext, ngettext
from conference.seating import editing, plan, prints, services
from conference.seating import hall as halls
from conference.seating.schemas import AssignIn, HallIn, MoveIn, PinIn, SeatIn, SwapIn
from conference.settings import Settings
from conference.tables import Role
from conference.templating import render_off_loop

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
        by: Actor | None = None,
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
                "copy_from": await services.halls_to_copy(event["id"], by),
                "max_seats": halls.MAX_SEATS,
                "blocks": hall.layout.get("blocks", []) if hall else [],
                "presidium_places": (hall.layout.get("presidium") or {}).get("places", 0)
                if hall
                else 0,
                "chosen_kept": (hall.layout.get("reserved_seats") or {}).get(seat, "")
                if hall
                else "",
                "groups": GROUPS,
                "lost_pending": error is not None and error.code == "seats_would_be_lost",
                **form_errors(error),
            },
            status_code=400 if error else 200,
        )

    @get("/", name="seating")
    async def plan_page(
        self, request: StaffRequest, event: NamedDependency[EventRow], seat: FromQuery[str] = ""
    ) -> Template:
        """The hall plan, live; a chosen seat's moves, pins and clearing."""
        return await self._page(event, seat, by=request.user)

    async def _do(
        self, request: StaffRequest, event: EventRow, seat: str, done: str, action: Any
    ) -> Template | Redirect:
        try:
            await action
        except DomainError as error:
            return await self._page(event, seat, by=request.user, error=error)
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
            return await self._page(event, by=request.user, hall_text=text, error=error)
        flash(request, gettext("The hall is saved."), category="success")
        if lost:
            flash(
                request,
                gettext("Without a seat now: %(names)s", names=", ".join(lost)),
                category="warning",
            )
        return Redirect(f"/events/{event['slug']}/seating/")

    async def _edit(
        self,
        request: StaffRequest,
        event: EventRow,
        data: Form,
        change: Callable[[dict[str, Any] | None], dict[str, Any]],
        *,
        seat: str = "",
    ) -> Template | Redirect:
        """One change drawn on the page (``editing``), saved as a new hall."""
        try:
            lost = await services.edit_hall(
                event["id"], change, confirm_lost=data.get("confirm") == "1", by=request.user
            )
        except DomainError as error:
            return await self._page(event, seat, by=request.user, error=error)
        flash(request, gettext("The hall is saved."), category="success")
        if lost:
            flash(
                request,
                gettext("Without a seat now: %(names)s", names=", ".join(lost)),
                category="warning",
            )
        return Redirect(f"/events/{event['slug']}/seating/?seat={seat}")

    @post("/hall/blocks")
    async def add_block(
        self, request: StaffRequest, event: NamedDependency[EventRow], data: Form
    ) -> Template | Redirect:
        """Add a block (khu) of rows × seats at the right of the hall, seen from the hall."""
        try:
            block = editing.new_block(
                name=data.get("name", ""),
                rows=form_int(data.get("rows")) or 0,
                seats=form_int(data.get("seats")) or 0,
                first_seat=form_int(data.get("first_seat")) or 1,
                first_row=form_int(data.get("first_row")) or 0,
                row_labels=data.get("row_labels", ""),
                aisle_after=data.get("aisle_after", ""),
                reserved_for=data.get("reserved_for", ""),
            )
        except DomainError as error:
            return await self._page(event, by=request.user, error=error)
        return await self._edit(
            request, event, data, functools.partial(editing.add_block, block=block)
        )

    @post("/hall/blocks/remove")
    async def remove_block(
        self, request: StaffRequest, event: NamedDependency[EventRow], data: Form
    ) -> Template | Redirect:
        return await self._edit(
            request,
            event,
            data,
            functools.partial(editing.remove_block, name=data.get("name", "")),
        )

    @post("/hall/presidium")
    async def presidium(
        self, request: StaffRequest, event: NamedDependency[EventRow], data: Form
    ) -> Template | Redirect:
        places = form_int(data.get("places")) or 0
        return await self._edit(
            request, event, data, functools.partial(editing.set_presidium, places=places)
        )

    @post("/hall/seat")
    async def mark_seat(
        self, request: StaffRequest, event: NamedDependency[EventRow], data: Form
    ) -> Template | Redirect:
        """Block the seat clicked on the plan, or keep it for a group, or neither."""
        seat = data.get("seat", "")
        change = functools.partial(
            editing.set_seat,
            label=seat,
            blocked=data.get("blocked") == "1",
            reserved_for=data.get("reserved_for", ""),
        )
        return await self._edit(request, event, data, change, seat=seat)

    @post("/publish")
    async def publish(
        self, request: StaffRequest, event: NamedDependency[EventRow], data: Form
    ) -> Template | Redirect:
        """Show each delegate's seat on the invitation page and e-mail, or stop showing it."""
        published = data.get("published") == "1"
        await services.publish_seats(event["id"], published, by=request.user)
        flash(
            request,
            gettext("The seats are on the invitations now.")
            if published
            else gettext("The invitations no longer show the seats."),
            category="success",
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
            return await self._page(event, by=request.user, error=error)
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
        request: StaffRequest,
        event: NamedDependency[EventRow],
        all: FromQuery[str] = "",
        blocks: FromQuery[str] = "",
    ) -> Response[bytes]:
        """Name cards (biển tên) for the presidium and the front rows; ``?all=1``: everyone;
        ``?blocks=1``: a table card a block."""
        everyone = all == "1"
        cards = (
            await prints.block_cards(event["id"])
            if blocks == "1"
            else await prints.name_cards(event["id"], everyone=everyone)
        )
        return await render_off_loop(
            request, "seating/cards.html", {"event": event, "cards": cards, "everyone": everyone}
        )

    @get("/chart")
    async def chart(
        self, request: StaffRequest, event: NamedDependency[EventRow]
    ) -> Response[bytes]:
        """The seating chart with names, block by block (A3 landscape)."""
        return await render_off_loop(
            request,
            "seating/chart.html",
            {"event": event, "blocks": await prints.chart(event["id"])},
        )

    @get("/badges")
    async def badges(
        self,
        request: StaffRequest,
        event: NamedDependency[EventRow],
        settings: NamedDependency[Settings],
    ) -> Response[bytes]:
        """Badges (A6) of everyone who will come: name, title, organization, group colour,
        seat and the personal QR code."""
        return await render_off_loop(
            request,
            "seating/badges.html",
            {"event": event, "badges": await prints.badges(event["id"], settings.base_url)},
        )


# The groups seats are usually kept for, offered as the editor's suggestions.
GROUPS = ("Lãnh đạo", "Khách mời", "Khen thưởng", "Báo chí")

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
