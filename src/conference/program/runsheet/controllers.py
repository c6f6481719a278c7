"""Award list and run-sheet pages and API: the stage manager's and the MC's live views."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.openapi import ResponseSpec
from litestar.params import FromPath, FromQuery
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_200_OK, HTTP_409_CONFLICT

from conference.actors import EventRow
from conference.auth import ORGANIZER, allow
from conference.errors import N_, Conflict, DomainError, InvalidInput
from conference.events import CACHED_EVENT
from conference.forms import Form, StaffRequest, form_int
from conference.i18n import gettext, translate_error
from conference.program import agenda, awards, runsheet
from conference.program.runsheet.schemas import (
    IntroductionOut,
    MoveIn,
    RehearsalOut,
    RunSheetConflictOut,
    RunSheetOut,
    conflict_out,
    introduction_out,
    runsheet_out,
)
from conference.spreadsheets import to_csv
from conference.tables import Role
from conference.templating import render_off_loop

STAGE = allow(Role.organizer, Role.mc)

PRESENCE_NAMES = {
    "arrived": N_("Arrived"),
    "not_arrived": N_("Not arrived"),
    "stand_in": N_("Stand-in"),
    "absent": N_("Absent, deliver later"),
}
STATE_NAMES = {
    "pending": N_("Coming"),
    "live": N_("Live"),
    "done": N_("Done"),
    "skipped": N_("Skipped"),
}
KIND_NAMES = {
    "announcement": N_("Announcement"),
    "batch": N_("Batch"),
    "custom": N_("Own cue"),
    "individual": N_("Individual"),
    "collective": N_("Collective"),
}
OUTCOME_NAMES = {
    runsheet.RECEIVED_IN_PERSON: N_("Received in person"),
    runsheet.RECEIVED_BY_STAND_IN: N_("Received by a stand-in"),
    runsheet.TO_DELIVER: N_("Absent, to be delivered"),
    runsheet.DELIVERED_LATER: N_("Delivered after the ceremony"),
    runsheet.NOT_CALLED_YET: N_("Not called yet"),
}


def labels() -> dict[str, str]:
    """Every state, kind, presence and outcome name, in the request's language."""
    names = {**PRESENCE_NAMES, **KIND_NAMES, **OUTCOME_NAMES}
    result = {key: gettext(value) for key, value in names.items()}
    result.update({f"state_{key}": gettext(value) for key, value in STATE_NAMES.items()})
    return result


def _wants_json(request: Request[Any, Any, Any]) -> bool:
    return "application/json" in request.headers.get("accept", "")


def _back(
    request: StaffRequest,
    slug: str,
    *,
    message: str | None = None,
    error: DomainError | None = None,
    to: str = "",
) -> Response[Any]:
    """After a form: JSON for the live pages' scripts, a redirect with a flash otherwise."""
    if _wants_json(request):
        if error is not None:
            status = 409 if isinstance(error, Conflict) else 400
            return Response(
                {"code": error.answer_code, "detail": translate_error(error)}, status_code=status
            )
        return Response({"ok": True, "detail": message or ""}, status_code=HTTP_200_OK)
    if error is not None:
        flash(request, translate_error(error), category="error")
    elif message:
        flash(request, message, category="success")
    return Redirect(to or f"/events/{slug}/runsheet/")


def _move_input(body: bytes) -> Any:
    """The ``from`` of a move's JSON body: UNSET without a body or without the key."""
    if not body.strip():
        return runsheet.UNSET
    try:
        move = msgspec.json.decode(body, type=MoveIn)
    except msgspec.DecodeError as error:
        raise InvalidInput(
            N_('The body must be JSON like {"from": 12}, or empty.'), code="bad_body"
        ) from error
    return runsheet.UNSET if move.from_ is msgspec.UNSET else move.from_


def _form_from(data: dict[str, str]) -> Any:
    """The ``from`` of a page's Next / Back / Skip form ("" means nothing was live)."""
    if "from" not in data:
        return runsheet.UNSET
    return form_int(data["from"])


def cue_edit(data: dict[str, str]) -> runsheet.CueEdit:
    """The cue form: its texts, its duration in seconds and, when the form has them, presenters."""
    presenters = None
    if "presenter_1" in data:
        chosen = (form_int(data.get(f"presenter_{i}")) for i in (1, 2, 3))
        presenters = [delegate_id for delegate_id in chosen if delegate_id]
    return runsheet.CueEdit(
        title=data.get("title", ""),
        script=data.get("script", ""),
        planned_duration_s=form_int(data.get("seconds"), -1) or 0,
        music=data.get("music", ""),
        photo=data.get("photo", ""),
        regenerate=data.get("regenerate") == "1",
        presenters=presenters,
    )


def _at_cue(event: EventRow, cue_id: int) -> str:
    return f"/events/{event['slug']}/runsheet/#cue-{cue_id}"


def _back_to(event: EventRow, data: dict[str, str]) -> str:
    """The page a form asked to return to, if it is one of this event's."""
    to = data.get("back", "")
    return to if to.startswith(f"/events/{event['slug']}/") else ""


MOVES = {
    "next": runsheet.next_cue,
    "previous": runsheet.previous_cue,
    "skip": runsheet.skip_cue,
}


# --------------------------------------------------------------------------- API


# A move refused (someone moved first, the end of the sheet, a rehearsal's rule): the
# state as it is now, with the code and message of the refusal.
MOVE_REFUSED = {
    HTTP_409_CONFLICT: ResponseSpec(
        data_container=RunSheetConflictOut, description="Nothing moved: the current state, and why"
    )
}


class RunSheetApiController(Controller):
    path = "/api/events/{slug:str}/runsheet"
    opt = STAGE
    tags = ["run sheet"]  # noqa: RUF012 - Litestar reads it as a class attribute

    @get("/", dependencies=CACHED_EVENT)
    async def get_runsheet(self, event: NamedDependency[EventRow]) -> RunSheetOut:
        """The run sheet: every cue in order, the live one, presenters and recipients' presence."""
        return runsheet_out(await runsheet.load(event))

    async def _move(
        self, request: StaffRequest, event: EventRow, move: str
    ) -> Response[RunSheetOut]:
        expected = _move_input(await request.body())
        try:
            sheet = await MOVES[move](event, expected=expected, by=request.user)
        except (runsheet.StaleMove, runsheet.RunSheetEnd, runsheet.RehearsalRefused) as error:
            current = await runsheet.load(event)
            return Response(
                conflict_out(current, error.answer_code, translate_error(error)),
                status_code=HTTP_409_CONFLICT,
            )
        return Response(runsheet_out(sheet))

    @post("/next", status_code=HTTP_200_OK, dependencies=CACHED_EVENT, responses=MOVE_REFUSED)
    async def next_cue(
        self, request: StaffRequest, event: NamedDependency[EventRow]
    ) -> Response[RunSheetOut]:
        """Make the next cue live; with ``{"from": id}`` only if ``id`` is still live (else 409)."""
        return await self._move(request, event, "next")

    @post("/previous", status_code=HTTP_200_OK, dependencies=CACHED_EVENT, responses=MOVE_REFUSED)
    async def previous_cue(
        self, request: StaffRequest, event: NamedDependency[EventRow]
    ) -> Response[RunSheetOut]:
        """Go back one cue. ``{"from": id}`` moves only if ``id`` is still live (else 409)."""
        return await self._move(request, event, "previous")

    @post("/skip", status_code=HTTP_200_OK, dependencies=CACHED_EVENT, responses=MOVE_REFUSED)
    async def skip_cue(
        self, request: StaffRequest, event: NamedDependency[EventRow]
    ) -> Response[RunSheetOut]:
        """Pass over the live cue and make the next one live; conditional like Next."""
        return await self._move(request, event, "skip")


class RehearsalApiController(Controller):
    """Rehearsals that leave no trace: started and ended by an organizer or the MC."""

    path = "/api/events/{slug:str}/rehearsal"
    opt = STAGE
    tags = ["run sheet"]  # noqa: RUF012 - Litestar reads it as a class attribute

    @post("/start", status_code=HTTP_200_OK, dependencies=CACHED_EVENT)
    async def start(self, request: StaffRequest, event: NamedDependency[EventRow]) -> RehearsalOut:
        """Start a rehearsal: what it records is discarded at its end (check-ins stay)."""
        started = await runsheet.start_rehearsal(event, by=request.user)
        return RehearsalOut(rehearsal=True, started_at=started)

    @post("/end", status_code=HTTP_200_OK, dependencies=CACHED_EVENT)
    async def end(self, request: StaffRequest, event: NamedDependency[EventRow]) -> RehearsalOut:
        """End the rehearsal: every recorded time, state and mark back as it was at its start."""
        await runsheet.end_rehearsal(event, by=request.user)
        return RehearsalOut(rehearsal=False, started_at=None)


# --------------------------------------------------------------------------- pages


def _sheet_context(event: EventRow, sheet: runsheet.RunSheet, **extra: Any) -> dict[str, Any]:
    return {"event": event, "sheet": sheet, "names": labels(), **extra}


def _mc_context(event: EventRow, mc: runsheet.MCView, **extra: Any) -> dict[str, Any]:
    return _sheet_context(event, mc.sheet, intro=mc.introduction, **extra)


class RunSheetController(Controller):
    path = "/events/{slug:str}/runsheet"
    opt = STAGE

    @get("/", name="runsheet")
    async def stage_view(self, event: NamedDependency[EventRow]) -> Template:
        """The stage manager's view: the whole run sheet, the live cue, Next / Back / Skip."""
        sheet = await runsheet.load(event)
        return Template(
            "program/runsheet/editor.html",
            context=_sheet_context(
                event,
                sheet,
                delegates=await awards.award_delegate_choices(event["id"]),
                state=await agenda.load_timer(event),
            ),
        )

    @get("/mc", name="runsheet_mc")
    async def mc_view(self, event: NamedDependency[EventRow]) -> Template:
        """The MC's view: the live script in large type, the next cue, times and presence."""
        mc = await runsheet.load_mc(event)
        return Template(
            "program/runsheet/mc.html",
            context=_mc_context(event, mc, state=await agenda.load_timer(event)),
        )

    @get("/panel", name="runsheet_panel", dependencies=CACHED_EVENT)
    async def panel(
        self, event: NamedDependency[EventRow], view: FromQuery[str] = "stage"
    ) -> Template:
        """The live part of a view, for its script to swap in when something changes."""
        if view == "mc":
            mc = await runsheet.load_mc(event)
            return Template("program/runsheet/mc_panel.html", context=_mc_context(event, mc))
        sheet = await runsheet.load(event)
        return Template(
            "program/runsheet/panel.html",
            context=_sheet_context(
                event, sheet, delegates=await awards.award_delegate_choices(event["id"])
            ),
        )

    async def _move(self, request: StaffRequest, event: EventRow, move: str, data: Form) -> Any:
        try:
            await MOVES[move](event, expected=_form_from(data), by=request.user)
        except (runsheet.StaleMove, runsheet.RunSheetEnd, runsheet.RehearsalRefused) as error:
            return _back(request, event["slug"], error=error)
        return _back(request, event["slug"])

    @post("/next", dependencies=CACHED_EVENT)
    async def next_cue(
        self, request: StaffRequest, event: NamedDependency[EventRow], data: Form
    ) -> Any:
        """Next from the page's button (the API's move, for a form)."""
        return await self._move(request, event, "next", data)

    @post("/previous", dependencies=CACHED_EVENT)
    async def previous_cue(
        self, request: StaffRequest, event: NamedDependency[EventRow], data: Form
    ) -> Any:
        """Back from the page's button."""
        return await self._move(request, event, "previous", data)

    @post("/skip", dependencies=CACHED_EVENT)
    async def skip_cue(
        self, request: StaffRequest, event: NamedDependency[EventRow], data: Form
    ) -> Any:
        """Skip from the page's button."""
        return await self._move(request, event, "skip", data)

    @post("/rehearsal/start", dependencies=CACHED_EVENT)
    async def start_rehearsal(self, request: StaffRequest, event: NamedDependency[EventRow]) -> Any:
        """Start a rehearsal from the stage or the MC's view."""
        change = runsheet.start_rehearsal(event, by=request.user)
        return await self._change(request, event["slug"], change)

    @post("/rehearsal/end", dependencies=CACHED_EVENT)
    async def end_rehearsal(self, request: StaffRequest, event: NamedDependency[EventRow]) -> Any:
        """End the rehearsal: everything it recorded is discarded."""
        change = runsheet.end_rehearsal(event, by=request.user)
        return await self._change(request, event["slug"], change)

    @post("/generate")
    async def generate(
        self,
        request: StaffRequest,
        slug: FromPath[str],
        event: NamedDependency[EventRow],
        data: Form,
    ) -> Any:
        """Make the run sheet from the award list (again, with ``replace``)."""
        try:
            await runsheet.generate(event, replace=data.get("replace") == "1", by=request.user)
        except DomainError as error:
            return _back(request, slug, error=error)
        return _back(request, slug, message=gettext("The run sheet has been generated."))

    @post("/cues")
    async def add_cue(
        self,
        request: StaffRequest,
        slug: FromPath[str],
        event: NamedDependency[EventRow],
        data: Form,
    ) -> Any:
        """Add a cue of one's own (a speech, a performance) with its script."""
        try:
            await runsheet.add_custom_cue(
                event["id"],
                data.get("title", ""),
                data.get("script", ""),
                planned_duration_s=(form_int(data.get("minutes"), 5) or 0) * 60,
                after_cue_id=form_int(data.get("after")),
                by=request.user,
            )
        except DomainError as error:
            return _back(request, slug, error=error)
        return _back(request, slug, message=gettext("Cue added."))

    @get("/cues/{cue_id:int}", name="runsheet_cue")
    async def cue_page(self, event: NamedDependency[EventRow], cue_id: FromPath[int]) -> Template:
        """Edit a cue: title, script, duration, music, photo, presenters."""
        sheet = await runsheet.load(event)
        return Template(
            "program/runsheet/cue.html",
            context=_sheet_context(
                event,
                sheet,
                cue=sheet.cue(cue_id),
                delegates=await awards.award_delegate_choices(event["id"]),
            ),
        )

    @post("/cues/{cue_id:int}")
    async def update_cue(
        self,
        request: StaffRequest,
        slug: FromPath[str],
        event: NamedDependency[EventRow],
        cue_id: FromPath[int],
        data: Form,
    ) -> Any:
        try:
            await runsheet.update_cue(event, cue_id, cue_edit(data), by=request.user)
        except DomainError as error:
            return _back(request, slug, error=error, to=f"/events/{slug}/runsheet/cues/{cue_id}")
        return _back(
            request,
            slug,
            message=gettext("Changes saved."),
            to=f"/events/{slug}/runsheet/#cue-{cue_id}",
        )

    # Each change to a cue or a recipient has its own route, handler and service.

    async def _change(
        self, request: StaffRequest, slug: str, change: Awaitable[Any], to: str = ""
    ) -> Any:
        try:
            await change
        except DomainError as error:
            return _back(request, slug, error=error, to=to)
        return _back(request, slug, to=to)

    @post("/cues/{cue_id:int}/move")
    async def move_cue(
        self,
        request: StaffRequest,
        event: NamedDependency[EventRow],
        cue_id: FromPath[int],
        data: Form,
    ) -> Any:
        """Move a pending cue up or down by ``offset`` places."""
        offset = form_int(data.get("offset"), 0) or 0
        change = runsheet.move_cue(event["id"], cue_id, offset, by=request.user)
        return await self._change(request, event["slug"], change, _at_cue(event, cue_id))

    @post("/cues/{cue_id:int}/split")
    async def split_batch(
        self,
        request: StaffRequest,
        event: NamedDependency[EventRow],
        cue_id: FromPath[int],
        data: Form,
    ) -> Any:
        """Split a batch in two after its ``at``-th recipient."""
        at = form_int(data.get("at"), 0) or 0
        change = runsheet.split_batch(event["id"], cue_id, at, by=request.user)
        return await self._change(request, event["slug"], change, _at_cue(event, cue_id))

    @post("/cues/{cue_id:int}/merge")
    async def merge_batch(
        self, request: StaffRequest, event: NamedDependency[EventRow], cue_id: FromPath[int]
    ) -> Any:
        """Merge a batch with the next one, if the stage holds them all."""
        change = runsheet.merge_with_next(
            event["id"], cue_id, capacity=event["stage_capacity"], by=request.user
        )
        return await self._change(request, event["slug"], change, _at_cue(event, cue_id))

    @post("/cues/{cue_id:int}/skip")
    async def skip_or_restore_cue(
        self,
        request: StaffRequest,
        event: NamedDependency[EventRow],
        cue_id: FromPath[int],
        data: Form,
    ) -> Any:
        """Mark a pending cue to be passed over (``skipped=1``), or take it back."""
        skipped = data.get("skipped") == "1"
        change = runsheet.set_skipped(event["id"], cue_id, skipped, by=request.user)
        return await self._change(request, event["slug"], change, _at_cue(event, cue_id))

    @post("/cues/{cue_id:int}/delete")
    async def delete_cue(
        self, request: StaffRequest, event: NamedDependency[EventRow], cue_id: FromPath[int]
    ) -> Any:
        """Remove a pending cue (a batch must be empty)."""
        change = runsheet.delete_cue(event["id"], cue_id, by=request.user)
        return await self._change(request, event["slug"], change, _at_cue(event, cue_id))

    @post("/recipients/{recipient_id:int}/presence")
    async def set_presence(
        self,
        request: StaffRequest,
        event: NamedDependency[EventRow],
        recipient_id: FromPath[int],
        data: Form,
    ) -> Any:
        """Mark a recipient arrived, absent or received by a stand-in."""
        change = runsheet.set_presence(
            event["id"],
            recipient_id,
            data.get("presence", ""),
            stand_in_name=data.get("stand_in_name", ""),
            stand_in_delegate_id=form_int(data.get("stand_in_delegate")),
            by=request.user,
        )
        return await self._change(request, event["slug"], change, _back_to(event, data))

    @post("/recipients/{recipient_id:int}/batch")
    async def move_to_batch(
        self,
        request: StaffRequest,
        event: NamedDependency[EventRow],
        recipient_id: FromPath[int],
        data: Form,
    ) -> Any:
        """Move a recipient to another batch (``cue``)."""
        change = runsheet.move_recipient(
            event["id"],
            recipient_id,
            form_int(data.get("cue"), 0) or 0,
            capacity=event["stage_capacity"],
            by=request.user,
        )
        return await self._change(request, event["slug"], change, _back_to(event, data))

    @post("/recipients/{recipient_id:int}/stage")
    async def move_on_stage(
        self,
        request: StaffRequest,
        event: NamedDependency[EventRow],
        recipient_id: FromPath[int],
        data: Form,
    ) -> Any:
        """Move a recipient along the stage line by ``offset`` places."""
        offset = form_int(data.get("offset"), 0) or 0
        change = runsheet.move_in_batch(event["id"], recipient_id, offset, by=request.user)
        return await self._change(request, event["slug"], change, _back_to(event, data))

    @post("/recipients/{recipient_id:int}/delivered")
    async def mark_delivered(
        self,
        request: StaffRequest,
        event: NamedDependency[EventRow],
        recipient_id: FromPath[int],
        data: Form,
    ) -> Any:
        """Record that an absent recipient's certificate was handed over later (or undo it)."""
        delivered = data.get("delivered") == "1"
        change = awards.mark_delivered(event["id"], recipient_id, delivered, by=request.user)
        return await self._change(request, event["slug"], change, _back_to(event, data))

    # ------------------------------------------------------------ printables

    @get("/print", name="runsheet_print")
    async def print_script(
        self, request: StaffRequest, event: NamedDependency[EventRow]
    ) -> Response[bytes]:
        """The MC's script on A4, large type, one cue after another."""
        return await render_off_loop(
            request,
            "program/runsheet/print.html",
            _sheet_context(event, await runsheet.load(event)),
        )

    @get("/tray", name="runsheet_tray")
    async def tray_list(self, event: NamedDependency[EventRow]) -> Template:
        """Certificates in calling order, each with its stage position from the left."""
        return Template(
            "program/runsheet/tray.html", context=_sheet_context(event, await runsheet.load(event))
        )

    @get("/reconciliation", name="runsheet_reconciliation")
    async def reconciliation(self, event: NamedDependency[EventRow]) -> Template:
        """After the ceremony: received in person, by a stand-in, absent and to be delivered."""
        return Template(
            "program/runsheet/reconciliation.html",
            context={
                "event": event,
                "report": await runsheet.reconciliation(event),
                "names": labels(),
                "outcomes": list(OUTCOME_NAMES),
            },
        )

    @get("/reconciliation.csv", name="runsheet_reconciliation_csv")
    async def reconciliation_csv(
        self, slug: FromPath[str], event: NamedDependency[EventRow]
    ) -> Response[bytes]:
        report = await runsheet.reconciliation(event)
        headers, rows = runsheet.reconciliation_table(report, labels(), event["timezone"])
        return Response(
            to_csv(headers, rows),
            media_type="text/csv",
            headers={
                "Content-Disposition": f'attachment; filename="doi-chieu-khen-thuong-{slug}.csv"'
            },
        )


# --------------------------------------------------------------------------- introduction


class IntroductionApiController(Controller):
    path = "/api/events/{slug:str}/introduction"
    opt = STAGE
    tags = ["run sheet"]  # noqa: RUF012 - Litestar reads it as a class attribute

    @get("/", dependencies=CACHED_EVENT)
    async def get_introduction(self, event: NamedDependency[EventRow]) -> IntroductionOut:
        """The MC's introduction of delegates, from those who have checked in."""
        return introduction_out(await runsheet.load_introduction(event))


class IntroductionController(Controller):
    """The introduction's own pages: the organizer's edit page, "read", the printable."""

    path = "/events/{slug:str}/runsheet/introduction"
    opt = STAGE

    @get("/", name="runsheet_introduction", opt=ORGANIZER)
    async def edit_page(self, event: NamedDependency[EventRow]) -> Template:
        """Edit the introduction's text, how people are addressed and who is named."""
        return Template(
            "program/runsheet/introduction.html",
            context={"event": event, "intro": await runsheet.load_introduction(event)},
        )

    @post("/", opt=ORGANIZER)
    async def edit(
        self, request: StaffRequest, event: NamedDependency[EventRow], data: Form
    ) -> Any:
        """Keep the organizer's text, or go back to the generated one (``revert``)."""
        change = runsheet.edit_introduction(
            event, data.get("script", ""), revert=data.get("revert") == "1", by=request.user
        )
        return await _introduction_changed(request, event, change)

    @post("/address", opt=ORGANIZER)
    async def address_form(
        self, request: StaffRequest, event: NamedDependency[EventRow], data: Form
    ) -> Any:
        """Address delegates as "đồng chí" or by their honorific (Ông/Bà)."""
        change = runsheet.set_address_form(
            event["id"], data.get("address_form", ""), by=request.user
        )
        return await _introduction_changed(request, event, change)

    @post("/delegates/{delegate_id:int}", opt=ORGANIZER)
    async def mark_delegate(
        self,
        request: StaffRequest,
        event: NamedDependency[EventRow],
        delegate_id: FromPath[int],
        data: Form,
    ) -> Any:
        """Name a delegate on their own or with their delegation; whom they stand in for."""
        choice = data.get("by_name", "")
        change = runsheet.mark_delegate(
            event["id"],
            delegate_id,
            named=True if choice == "1" else False if choice == "0" else None,
            stands_in_for=data.get("stands_in_for", ""),
            by=request.user,
        )
        return await _introduction_changed(request, event, change)

    @post("/read")
    async def mark_read(
        self, request: StaffRequest, event: NamedDependency[EventRow], data: Form
    ) -> Any:
        """The MC has read the introduction (``read=1``), or not after all (``read=0``)."""
        change = runsheet.mark_read(event["id"], data.get("read") != "0", by=request.user)
        return await _introduction_changed(
            request, event, change, to=f"/events/{event['slug']}/runsheet/mc"
        )

    @get("/print", name="runsheet_introduction_print")
    async def print_introduction(
        self, request: StaffRequest, event: NamedDependency[EventRow]
    ) -> Response[bytes]:
        """The introduction on A4, in large type."""
        return await render_off_loop(
            request,
            "program/runsheet/introduction_print.html",
            {"event": event, "intro": await runsheet.load_introduction(event)},
        )


async def _introduction_changed(
    request: StaffRequest, event: EventRow, change: Awaitable[Any], to: str = ""
) -> Any:
    slug = event["slug"]
    to = to or f"/events/{slug}/runsheet/introduction/"
    try:
        await change
    except DomainError as error:
        return _back(request, slug, error=error, to=to)
    return _back(request, slug, message=gettext("Changes saved."), to=to)


# Every route handler of the run sheet, registered by create_app().
RUNSHEET_ROUTES: list[Any] = [
    RunSheetApiController,
    RehearsalApiController,
    RunSheetController,
    IntroductionApiController,
    IntroductionController,
]
