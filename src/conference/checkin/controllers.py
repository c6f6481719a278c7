"""The check-in API: scan, undo, and the event's figures."""

from __future__ import annotations

import asyncio
import gzip
from typing import Any

import msgspec
from litestar import Controller, Request, Response, delete, get, post
from litestar.channels import ChannelsPlugin
from litestar.di import NamedDependency
from litestar.openapi import ResponseSpec
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.plugins.flash import flash
from litestar.response import Redirect, ServerSentEvent, Template
from litestar.status_codes import HTTP_200_OK

from conference import auth, live
from conference.actors import EventRow
from conference.auth import ANY_ROLE, ORGANIZER, CurrentUser, allow
from conference.checkin import batch, conflicts, exporting, services, snapshot, walk_ins
from conference.checkin.schemas import (
    BatchIn,
    BatchOut,
    ConflictOut,
    ConflictsOut,
    DelegateBrief,
    DeskIn,
    ScanAnswer,
    ScanIn,
    ScanOut,
    SnapshotOut,
    WalkInIn,
    WalkInMatch,
    WalkInMatchesOut,
    read_scan,
)
from conference.checkin.worker import WORKER_TEMPLATE, desk_worker
from conference.events import CACHED_EVENT
from conference.forms import StaffRequest
from conference.i18n import gettext
from conference.invitations import DelegateInput, SubstituteOut, attendance, substitute_of
from conference.tables import Role
from conference.threads import off_loop

DESK = allow(Role.organizer, Role.desk)


def _substitute(delegate: dict[str, Any]) -> SubstituteOut | None:
    substitute = substitute_of(delegate)
    return SubstituteOut(**substitute) if substitute else None


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
            rsvp=d["rsvp"],
            substitute=_substitute(d),
        )
        if d
        else None
    )
    return ScanOut(
        result=redeemed.result.value,
        delegate=brief,
        checked_in_at=redeemed.checked_in_at,
        message=redeemed.message,
        note=redeemed.note or None,
        hint=redeemed.hint or None,
    )


def scan_answer(answer: services.Redeemed | batch.Refused) -> ScanAnswer:
    if isinstance(answer, batch.Refused):
        return ScanAnswer(
            result=answer.result.value,
            delegate=None,
            checked_in_at=None,
            message=answer.message,
            code=answer.code,
            detail=answer.detail or None,
        )
    out = scan_out(answer)
    return ScanAnswer(
        result=out.result,
        delegate=out.delegate,
        checked_in_at=out.checked_in_at,
        message=out.message,
        note=out.note,
        hint=out.hint,
    )


def queued_scan(raw: Any) -> batch.Scan | batch.Refused:
    """One entry of a desk's upload, read on its own: a bad one does not spoil the rest."""
    scan = read_scan(raw)
    if isinstance(scan, str):
        return batch.malformed(scan)
    return batch.Scan(
        code=scan.code,
        nonce=scan.nonce,
        desk=scan.desk or "",
        scanned_at=scan.scanned_at,
        offline=scan.offline,
    )


# Above this, gzip runs in a thread: 3 MB (10,000 delegates) take tens of milliseconds
# to compress, which the event loop would otherwise take from every desk's scans.
GZIP_IN_THREAD = 64 * 1024


async def json_maybe_gzipped(
    request: Request[Any, Any, Any], payload: msgspec.Struct
) -> Response[bytes]:
    """A large JSON answer, gzipped when the client takes it (every browser does)."""
    body = msgspec.json.encode(payload)
    headers = {"vary": "Accept-Encoding", "cache-control": "no-store"}
    if "gzip" in request.headers.get("accept-encoding", ""):
        if len(body) > GZIP_IN_THREAD:
            body = await asyncio.to_thread(gzip.compress, body, 5)
        else:
            body = gzip.compress(body, compresslevel=5)
        headers["content-encoding"] = "gzip"
    return Response(body, media_type="application/json", headers=headers)


def conflicts_out(found: list[conflicts.Conflict]) -> ConflictsOut:
    return ConflictsOut(
        conflicts=[
            ConflictOut(
                id=c.id,
                delegate_id=c.delegate_id,
                full_name=c.full_name,
                scanned_at=c.scanned_at,
                desk=c.desk,
                first_checked_in_at=c.first_checked_in_at,
                first_desk=c.first_desk,
                reviewed=c.reviewed,
            )
            for c in found
        ]
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

    @get("/sw.js", name="desk_worker", dependencies=CACHED_EVENT)
    async def worker(self, event: NamedDependency[EventRow]) -> Template:
        """The desk's service worker: keeps the page and its files for a desk with no network."""
        return Template(
            WORKER_TEMPLATE,
            context={"worker": desk_worker(event["slug"])},
            media_type="text/javascript",
            # Browsers look for a new worker on every visit; no cache may hide it from them.
            headers={"Cache-Control": "no-cache"},
        )


def _download(content: bytes, filename: str, media_type: str) -> Response[bytes]:
    return Response(
        content,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


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
                "conflicts": await conflicts.conflicts(event["id"]),
            },
        )

    @post(
        "/conflicts/{conflict_id:int}/review",
        name="arrivals_conflict_review",
        dependencies=CACHED_EVENT,
    )
    async def review_conflict(
        self, request: StaffRequest, event: NamedDependency[EventRow], conflict_id: FromPath[int]
    ) -> Redirect:
        """Mark a conflict between desks reviewed, from the arrivals page."""
        await conflicts.mark_reviewed(event["id"], conflict_id, by=request.user)
        flash(request, gettext("Conflict marked as reviewed."), category="success")
        return Redirect(f"/events/{event['slug']}/arrivals/#conflicts")

    @get("/groups", name="arrivals_groups", dependencies=CACHED_EVENT)
    async def by_group(self, event: NamedDependency[EventRow]) -> Template:
        """The by-group table's rows (and the figures), for the page to redraw live."""
        return Template("checkin/_by_group.html", context={"stats": await attendance(event["id"])})

    @get("/export.csv", name="arrivals_export_csv", dependencies=CACHED_EVENT)
    async def export_csv(self, event: NamedDependency[EventRow]) -> Response[bytes]:
        """Who arrived, when and at which desk, as CSV."""
        headers, rows = await exporting.arrival_rows(event)
        return _download(
            await off_loop(lambda: exporting.to_csv(headers, rows)),
            f"dai-bieu-da-den-{event['slug']}.csv",
            "text/csv",
        )

    @get("/export.xlsx", name="arrivals_export_xlsx", dependencies=CACHED_EVENT)
    async def export_xlsx(self, event: NamedDependency[EventRow]) -> Response[bytes]:
        """Who arrived, when and at which desk, as an Excel workbook (times as date cells)."""
        headers, rows = await exporting.arrival_rows(event)
        return _download(
            await off_loop(lambda: exporting.to_xlsx(headers, rows)),
            f"dai-bieu-da-den-{event['slug']}.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
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
    ) -> ScanOut:
        """Check in the delegate whose invitation the scanner read; exactly once."""
        redeemed = await services.redeem(
            event,
            data.code,
            by=request.user,
            desk=data.desk or request.user.label,
            nonce=data.nonce,
            scanned_at=data.scanned_at,
            offline=data.offline,
        )
        return scan_out(redeemed)

    @post("/checkins/batch", opt=DESK, status_code=HTTP_200_OK, dependencies=CACHED_EVENT)
    async def scan_batch(
        self,
        request: Request[CurrentUser, Any, Any],
        event: NamedDependency[EventRow],
        data: JSONBody[BatchIn],
    ) -> BatchOut:
        """A desk's queued scans, answered one by one in order; safe to send again."""
        answers = await batch.redeem_batch(
            event,
            [queued_scan(raw) for raw in data.scans],
            by=request.user,
            desk=request.user.label,
        )
        return BatchOut(results=[scan_answer(a) for a in answers])

    @get(
        "/desk/snapshot",
        opt=DESK,
        dependencies=CACHED_EVENT,
        # The answer is JSON bytes (gzipped when the desk takes it): documented as what they hold.
        responses={HTTP_200_OK: ResponseSpec(data_container=SnapshotOut, description="OK")},
    )
    async def desk_snapshot(
        self,
        request: Request[CurrentUser, Any, Any],
        event: NamedDependency[EventRow],
        since: FromQuery[str | None] = None,
    ) -> Response[bytes]:
        """The event's delegates for an offline desk (no e-mail, phone or token); with
        ``since`` (a cursor an earlier answer gave), only what changed."""
        found = await snapshot.snapshot(event, since)
        return await json_maybe_gzipped(
            request,
            SnapshotOut(
                cursor=found.cursor,
                generated_at=found.generated_at,
                full=found.full,
                delegates=found.delegates,
                hall=found.hall,
            ),
        )

    @get("/checkins/conflicts", opt=ORGANIZER, dependencies=CACHED_EVENT)
    async def conflicts_list(self, event: NamedDependency[EventRow]) -> ConflictsOut:
        """People admitted offline by a second desk after their check-in, for review."""
        return conflicts_out(await conflicts.conflicts(event["id"]))

    @post(
        "/checkins/conflicts/{conflict_id:int}/review",
        opt=ORGANIZER,
        status_code=HTTP_200_OK,
        dependencies=CACHED_EVENT,
    )
    async def conflict_review(
        self,
        request: Request[CurrentUser, Any, Any],
        event: NamedDependency[EventRow],
        conflict_id: FromPath[int],
    ) -> dict[str, Any]:
        """Mark one conflict reviewed (again is harmless); 404 for another event's."""
        await conflicts.mark_reviewed(event["id"], conflict_id, by=request.user)
        return {"id": conflict_id, "reviewed": True}

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
            event,
            delegate_id,
            by=request.user,
            desk=data.desk or request.user.label,
            nonce=data.nonce,
            scanned_at=data.scanned_at,
            offline=data.offline,
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
            confirm_duplicate=data.confirm_duplicate,
            nonce=data.nonce,
        )
        return scan_out(redeemed)

    @get("/walk-ins/matches", opt=DESK, dependencies=CACHED_EVENT)
    async def walk_in_matches(
        self,
        event: NamedDependency[EventRow],
        full_name: FromQuery[str] = "",
        organization: FromQuery[str] = "",
    ) -> WalkInMatchesOut:
        """Invited people of the same folded name or organization as a walk-in being typed."""
        rows = await walk_ins.walk_in_matches(event["id"], full_name, organization)
        return WalkInMatchesOut(
            matches=[
                WalkInMatch(
                    id=r["id"],
                    honorific=r["honorific"],
                    full_name=r["full_name"],
                    position=r["position"],
                    organization=r["organization"],
                    group=r["group_name"],
                    seat=r["seat"],
                    checked_in_at=r["checked_in_at"],
                )
                for r in rows
            ]
        )

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
