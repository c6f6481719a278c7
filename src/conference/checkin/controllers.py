"""The check-in API: scan, undo, and the event's figures."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, delete, get, post
from litestar.channels import ChannelsPlugin
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.response import ServerSentEvent, Template
from litestar.status_codes import HTTP_200_OK

from conference import auth, live
from conference.actors import EventRow
from conference.auth import ANY_ROLE, ORGANIZER, CurrentUser, allow
from conference.checkin import services
from conference.checkin.schemas import DelegateBrief, DeskIn, ScanIn, ScanOut, WalkInIn
from conference.events import CACHED_EVENT
from conference.invitations import DelegateInput, attendance
from conference.settings import Settings
from conference.tables import Role

DESK = allow(Role.organizer, Role.desk)


def scan_out(redeemed: services.Redeemed) -> ScanOut:
    d = redeemed.delegate
    brief = (
        DelegateBrief(
            id=d["id"],
            honorific=d["honorific"],
            full_name=d["full_name"],
            position=d["position"],
            organization=d["organization"],
            group=d["group_name"],
            seat=d["seat"],
            notes=d["notes"],
        )
        if d
        else None
    )
    return ScanOut(
        result=redeemed.result.value,
        delegate=brief,
        checked_in_at=redeemed.checked_in_at,
        message=redeemed.message,
    )


class DeskController(Controller):
    path = "/events/{slug:str}/desk"
    opt = DESK

    @get("/", name="desk", dependencies=CACHED_EVENT)
    async def desk_page(
        self, request: Request[CurrentUser, Any, Any], event: NamedDependency[EventRow]
    ) -> Template:
        """The front desk: scan field, result panel, search, walk-ins."""
        return Template("checkin/desk.html", context={"event": event, "desk": request.user.label})


class ArrivalsController(Controller):
    path = "/events/{slug:str}/arrivals"
    opt = ORGANIZER

    @get("/", name="arrivals", dependencies=CACHED_EVENT)
    async def arrivals_page(self, event: NamedDependency[EventRow]) -> Template:
        """Expected and arrived, by group, over time; the VIPs not yet here; live."""
        return Template(
            "checkin/arrivals.html",
            context={
                "event": event,
                "stats": await attendance(event["id"]),
                "arrivals": await services.arrivals(event),
            },
        )

    @get("/chart", name="arrivals_chart", dependencies=CACHED_EVENT)
    async def chart(self, event: NamedDependency[EventRow]) -> Template:
        """The chart alone, for the page to redraw as arrivals come in."""
        return Template(
            "checkin/_chart.html", context={"arrivals": await services.arrivals(event, recent=0)}
        )


class CheckInApiController(Controller):
    path = "/api/events/{slug:str}"
    tags = ["check-in"]  # noqa: RUF012 - Litestar reads it as a class attribute

    @post("/checkins", opt=DESK, status_code=HTTP_200_OK, dependencies=CACHED_EVENT)
    async def scan(
        self,
        request: Request[CurrentUser, Any, Any],
        event: NamedDependency[EventRow],
        data: JSONBody[ScanIn],
        settings: NamedDependency[Settings],
    ) -> ScanOut:
        """Check in the delegate whose invitation the scanner read; exactly once."""
        redeemed = await services.redeem(
            event,
            data.code,
            base_url=settings.base_url,
            by=request.user,
            desk=data.desk or request.user.label,
            nonce=data.nonce,
        )
        return scan_out(redeemed)

    @post(
        "/delegates/{delegate_id:int}/checkin",
        opt=DESK,
        status_code=HTTP_200_OK,
        dependencies=CACHED_EVENT,
    )
    async def check_in_found(
        self,
        request: Request[CurrentUser, Any, Any],
        event: NamedDependency[EventRow],
        delegate_id: FromPath[int],
        data: JSONBody[DeskIn],
    ) -> ScanOut:
        """Check in a delegate found by name at the desk (no QR code at hand)."""
        redeemed = await services.check_in_delegate(
            event, delegate_id, by=request.user, desk=data.desk or request.user.label
        )
        return scan_out(redeemed)

    @post("/walk-ins", opt=DESK, status_code=HTTP_200_OK, dependencies=CACHED_EVENT)
    async def walk_in(
        self,
        request: Request[CurrentUser, Any, Any],
        event: NamedDependency[EventRow],
        data: JSONBody[WalkInIn],
    ) -> ScanOut:
        """Register a guest not on the list and check them in at once."""
        redeemed = await services.register_walk_in(
            event,
            DelegateInput(
                full_name=data.full_name,
                honorific=data.honorific,
                position=data.position,
                organization=data.organization,
                group=data.group,
            ),
            by=request.user,
            desk=data.desk or request.user.label,
        )
        return scan_out(redeemed)

    @delete(
        "/checkins/{delegate_id:int}", opt=DESK, status_code=HTTP_200_OK, dependencies=CACHED_EVENT
    )
    async def undo(
        self,
        request: Request[CurrentUser, Any, Any],
        event: NamedDependency[EventRow],
        delegate_id: FromPath[int],
    ) -> dict[str, Any]:
        """Undo a mistaken check-in: the desk its own within 10 minutes, an organizer any."""
        await services.undo_check_in(event["id"], delegate_id, by=request.user)
        return {"undone": delegate_id}

    @get("/live", opt=ANY_ROLE, dependencies=CACHED_EVENT)
    async def live_stream(
        self,
        request: Request[CurrentUser, Any, Any],
        event: NamedDependency[EventRow],
        channels: NamedDependency[ChannelsPlugin],
    ) -> ServerSentEvent:
        """Server-Sent Events for the event's open pages: ``checkin``, ``checkin_undone``, …

        The stream ends at its next check once the sender may no longer use it (a
        desk device revoked, an account disabled)."""
        return live.response(
            channels, event["id"], still_allowed=lambda: auth.still_signed_in(request)
        )

    @get("/stats", opt=ANY_ROLE, dependencies=CACHED_EVENT)
    async def stats(self, event: NamedDependency[EventRow]) -> dict[str, Any]:
        """Invited, accepted, declined, expected and arrived, in all and by group."""
        figures = await attendance(event["id"])
        return {
            "invited": figures.invited,
            "accepted": figures.accepted,
            "declined": figures.declined,
            "expected": figures.expected,
            "checked_in": figures.checked_in,
            "by_group": figures.by_group,
        }
