"""Programme pages and API: the editor, printable and public views, exports."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.channels import ChannelsPlugin
from litestar.di import NamedDependency
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.plugins.flash import flash
from litestar.response import Redirect, ServerSentEvent, Template
from litestar.status_codes import HTTP_200_OK

from conference import errors, live
from conference.actors import EventRow
from conference.auth import ANY_ROLE, ORGANIZER, PUBLIC, allow
from conference.errors import DomainError, InvalidInput, NotFound
from conference.events import CACHED_EVENT
from conference.forms import Form, StaffRequest, form_errors
from conference.i18n import gettext, ngettext, translate_error
from conference.program.agenda import exports, records, services, timer
from conference.program.agenda.items import KIND_NAMES, SPEAKER_ROLES, Day, speaker_slot_s
from conference.program.agenda.schemas import (
    ConflictOut,
    ItemOut,
    MarkedOut,
    MomentIn,
    ProgrammeOut,
    SpeakerOut,
    TimerAddIn,
    TimerItemOut,
    TimerOut,
    TimerSpeakerOut,
    TimerStartIn,
    item_form_values,
    parse_item_form,
    parse_moment,
    parse_shift,
    parse_speaker_form,
)
from conference.program.agenda.timing import delay_text, not_started, now_and_next, on_the_day
from conference.settings import Settings
from conference.stream_caps import public_stream_slot
from conference.tables import Role

# Organizers edit; the MC follows the programme and records when items start and end.
VIEWERS = allow(Role.organizer, Role.mc)
# What the public hall screen may see of the live stream: that the programme or the
# run sheet moved, never a check-in (names, seats).
SCREEN_STREAM = {
    "programme": ("item_id", "change", "at"),
    "cue": (),
    # The speaker timer is for the lectern: names of speakers, as on the programme.
    "timer": (
        "change",
        "item_id",
        "item_title",
        "speaker_id",
        "speaker",
        "planned_s",
        "remaining_s",
        "phase",
        "server_time",
        "warning_s",
        "speakers",
        "items",
    ),
    "rehearsal": ("active",),
}
# The programme is public information (it is on every invitation and the hall screen);
# caches may keep the exports a little, never long: the day runs late.
EXPORT_HEADERS = {"Cache-Control": "public, max-age=30"}


def _kinds() -> list[tuple[str, str]]:
    return [(kind, gettext(name)) for kind, name in KIND_NAMES.items()]


async def _programme_page(
    request: StaffRequest,
    event: EventRow,
    *,
    form: dict[str, Any] | None = None,
    error: DomainError | None = None,
) -> Template:
    programme = await services.load_programme(event, now=datetime.now(UTC))
    if form is None:
        start = programme.day.local(await services.next_start(event))
        form = {"starts_at": start.strftime("%H:%M"), "duration_min": 10, "kind": "other"}
    return Template(
        "program/agenda/programme.html",
        context={
            "event": event,
            "programme": programme,
            "can_edit": request.user.is_organizer and not programme.is_final,
            "is_organizer": request.user.is_organizer,
            "form": form,
            **form_errors(error),
            "kinds": _kinds(),
            "delay_text": delay_text,
            "slot_s": speaker_slot_s,
            "warning_s": await timer.warning_s(event["id"]),
        },
        status_code=400 if error else 200,
    )


async def _item_page(
    request: StaffRequest,
    event: EventRow,
    item_id: int,
    *,
    form: dict[str, Any] | None = None,
    error: DomainError | None = None,
    q: str = "",
) -> Template:
    day = Day.of(event)
    item = await services.get_item(event["id"], item_id)
    programme = await services.load_programme(event, now=datetime.now(UTC))
    return Template(
        "program/agenda/programme_item.html",
        context={
            "event": event,
            "item": item,
            "entry": next(i for i in programme.items if i.id == item_id),
            "programme": programme,
            "timing": programme.timings.get(item_id),
            "conflicts": programme.conflicts_by_item.get(item_id, []),
            "form": form or item_form_values(item, day),
            **form_errors(error),
            "kinds": _kinds(),
            "roles": SPEAKER_ROLES,
            "q": q,
            "choices": await services.speaker_choices(event["id"], q) if q else [],
            "can_edit": not programme.is_final,
            "delay_text": delay_text,
            "slot_s": speaker_slot_s,
        },
        status_code=400 if error else 200,
    )


def _back(slug: str, item_id: int | None = None) -> Redirect:
    if item_id is None:
        return Redirect(f"/events/{slug}/programme/")
    return Redirect(f"/events/{slug}/programme/items/{item_id}")


class ProgrammeController(Controller):
    """The editor: organizers change the plan; the MC sees it and records actual times."""

    path = "/events/{slug:str}/programme"
    opt = ORGANIZER

    @get("/", name="programme", opt=VIEWERS)
    async def programme_page(
        self, request: StaffRequest, event: NamedDependency[EventRow]
    ) -> Template:
        """Every item with its times, speakers, live delays and conflicts."""
        return await _programme_page(request, event)

    @post("/items")
    async def create_item(
        self,
        request: StaffRequest,
        slug: FromPath[str],
        event: NamedDependency[EventRow],
        data: Form,
    ) -> Template | Redirect:
        try:
            item_id = await services.create_item(
                event["id"], parse_item_form(data, Day.of(event)), by=request.user
            )
        except DomainError as error:
            return await _programme_page(request, event, form=data, error=error)
        flash(request, gettext("Item added."), category="success")
        return Redirect(f"/events/{slug}/programme/#item-{item_id}")

    @get("/items/{item_id:int}", name="programme_item")
    async def item_page(
        self,
        request: StaffRequest,
        event: NamedDependency[EventRow],
        item_id: FromPath[int],
        q: FromQuery[str] = "",
    ) -> Template:
        """One item: its form, its speakers, moving it, its actual times."""
        return await _item_page(request, event, item_id, q=q)

    @post("/items/{item_id:int}")
    async def update_item(
        self,
        request: StaffRequest,
        slug: FromPath[str],
        event: NamedDependency[EventRow],
        item_id: FromPath[int],
        data: Form,
    ) -> Template | Redirect:
        try:
            await services.update_item(
                event["id"], item_id, parse_item_form(data, Day.of(event)), by=request.user
            )
        except DomainError as error:
            if isinstance(error, NotFound):
                raise
            return await _item_page(request, event, item_id, form=data, error=error)
        flash(request, gettext("Changes saved."), category="success")
        return Redirect(f"/events/{slug}/programme/#item-{item_id}")

    @post("/items/{item_id:int}/delete")
    async def delete_item(
        self,
        request: StaffRequest,
        slug: FromPath[str],
        event: NamedDependency[EventRow],
        item_id: FromPath[int],
    ) -> Redirect:
        title = await services.delete_item(event["id"], item_id, by=request.user)
        flash(request, gettext("Removed: %(title)s", title=title), category="success")
        return _back(slug)

    @post("/items/{item_id:int}/duplicate")
    async def duplicate_item(
        self,
        request: StaffRequest,
        slug: FromPath[str],
        event: NamedDependency[EventRow],
        item_id: FromPath[int],
    ) -> Redirect:
        copy_id = await services.duplicate_item(event["id"], item_id, by=request.user)
        flash(
            request,
            gettext("Copy added after the item. Move the items after it if they now overlap."),
            category="success",
        )
        return _back(slug, copy_id)

    @post("/items/{item_id:int}/move")
    async def move_item(
        self,
        request: StaffRequest,
        slug: FromPath[str],
        event: NamedDependency[EventRow],
        item_id: FromPath[int],
        data: Form,
    ) -> Redirect:
        await services.move_item(
            event["id"], item_id, data.get("direction", "down"), by=request.user
        )
        return Redirect(f"/events/{slug}/programme/#item-{item_id}")

    @post("/items/{item_id:int}/shift")
    async def shift(
        self,
        request: StaffRequest,
        slug: FromPath[str],
        event: NamedDependency[EventRow],
        item_id: FromPath[int],
        data: Form,
    ) -> Redirect:
        """Move this item and everything after it by N minutes."""
        try:
            moved = await services.shift_from(
                event["id"], item_id, parse_shift(data.get("minutes")), by=request.user
            )
        except DomainError as error:
            if isinstance(error, NotFound):
                raise
            flash(request, translate_error(error), category="error")
        else:
            flash(
                request,
                ngettext(
                    "%(num)s item moved by %(minutes)s min.",
                    "%(num)s items moved by %(minutes)s min.",
                    moved,
                    minutes=data.get("minutes", "").strip(),
                ),
                category="success",
            )
        return Redirect(f"/events/{slug}/programme/#item-{item_id}")

    # ------------------------------------------------------------ actual times

    @post("/items/{item_id:int}/start", opt=VIEWERS)
    async def start(
        self,
        request: StaffRequest,
        slug: FromPath[str],
        event: NamedDependency[EventRow],
        item_id: FromPath[int],
        data: Form,
    ) -> Redirect:
        """Record that the item started now (the first press counts)."""
        try:
            marked = await services.record_start(
                event, item_id, confirmed=data.get("confirmed") == "1", by=request.user
            )
        except InvalidInput as error:
            flash(request, translate_error(error), category="error")
        else:
            if marked.recorded:
                flash(request, gettext("Start recorded."), category="success")
            else:
                flash(request, gettext("Its start was already recorded."), category="error")
        return Redirect(f"/events/{slug}/programme/#item-{item_id}")

    @post("/items/{item_id:int}/end", opt=VIEWERS)
    async def end(
        self,
        request: StaffRequest,
        slug: FromPath[str],
        event: NamedDependency[EventRow],
        item_id: FromPath[int],
        data: Form,
    ) -> Redirect:
        """Record that the item ended now."""
        try:
            marked = await services.record_end(
                event, item_id, confirmed=data.get("confirmed") == "1", by=request.user
            )
        except InvalidInput as error:
            flash(request, translate_error(error), category="error")
        else:
            if marked.recorded:
                flash(request, gettext("End recorded."), category="success")
            else:
                flash(request, gettext("The end must be after the start."), category="error")
        return Redirect(f"/events/{slug}/programme/#item-{item_id}")

    @post("/items/{item_id:int}/actual")
    async def actual(
        self,
        request: StaffRequest,
        slug: FromPath[str],
        event: NamedDependency[EventRow],
        item_id: FromPath[int],
        data: Form,
    ) -> Redirect:
        """Correct or clear the recorded actual times."""
        day = Day.of(event)
        try:
            await services.set_actual_times(
                event["id"],
                item_id,
                parse_moment(data.get("actual_start"), day),
                parse_moment(data.get("actual_end"), day),
                by=request.user,
            )
        except DomainError as error:
            if isinstance(error, NotFound):
                raise
            flash(request, translate_error(error), category="error")
        else:
            flash(request, gettext("Actual times saved."), category="success")
        return _back(slug, item_id)

    # ------------------------------------------------------------ speakers

    @post("/items/{item_id:int}/speakers")
    async def add_speaker(
        self,
        request: StaffRequest,
        slug: FromPath[str],
        event: NamedDependency[EventRow],
        item_id: FromPath[int],
        data: Form,
    ) -> Template | Redirect:
        try:
            await services.add_speaker(
                event["id"], item_id, parse_speaker_form(data), by=request.user
            )
        except DomainError as error:
            if isinstance(error, NotFound) and not data.get("delegate_id"):
                raise
            return await _item_page(request, event, item_id, error=error)
        flash(request, gettext("Speaker added."), category="success")
        return Redirect(f"/events/{slug}/programme/items/{item_id}#speakers")

    @post("/items/{item_id:int}/speakers/sort")
    async def sort_speakers(
        self,
        request: StaffRequest,
        slug: FromPath[str],
        event: NamedDependency[EventRow],
        item_id: FromPath[int],
    ) -> Redirect:
        await services.sort_speakers(event["id"], item_id, by=request.user)
        flash(request, gettext("Speakers put in protocol order."), category="success")
        return Redirect(f"/events/{slug}/programme/items/{item_id}#speakers")

    @post("/speakers/{speaker_id:int}")
    async def update_speaker(
        self,
        request: StaffRequest,
        slug: FromPath[str],
        event: NamedDependency[EventRow],
        speaker_id: FromPath[int],
        data: Form,
    ) -> Redirect:
        item_id = await services.speaker_item(event["id"], speaker_id)
        try:
            await services.update_speaker(
                event["id"], speaker_id, parse_speaker_form(data), by=request.user
            )
        except DomainError as error:
            if isinstance(error, NotFound):
                raise
            flash(request, translate_error(error), category="error")
        else:
            flash(request, gettext("Changes saved."), category="success")
        return Redirect(f"/events/{slug}/programme/items/{item_id}#speakers")

    @post("/speakers/{speaker_id:int}/move")
    async def move_speaker(
        self,
        request: StaffRequest,
        slug: FromPath[str],
        event: NamedDependency[EventRow],
        speaker_id: FromPath[int],
        data: Form,
    ) -> Redirect:
        item_id = await services.move_speaker(
            event["id"], speaker_id, data.get("direction", "down"), by=request.user
        )
        return Redirect(f"/events/{slug}/programme/items/{item_id}#speakers")

    @post("/speakers/{speaker_id:int}/delete")
    async def remove_speaker(
        self,
        request: StaffRequest,
        slug: FromPath[str],
        event: NamedDependency[EventRow],
        speaker_id: FromPath[int],
    ) -> Redirect:
        item_id = await services.remove_speaker(event["id"], speaker_id, by=request.user)
        flash(request, gettext("Speaker removed."), category="success")
        return Redirect(f"/events/{slug}/programme/items/{item_id}#speakers")

    # ------------------------------------------------------------ draft and final

    @post("/final")
    async def mark_final(
        self, request: StaffRequest, slug: FromPath[str], event: NamedDependency[EventRow]
    ) -> Redirect:
        """Mark the programme final: the print loses its "Dự thảo" mark; the plan is kept."""
        problems = len(await services.finalize(event, by=request.user))
        if problems:
            flash(
                request,
                ngettext(
                    "The programme is final, with %(num)s conflict still open.",
                    "The programme is final, with %(num)s conflicts still open.",
                    problems,
                ),
                category="error",
            )
        else:
            flash(request, gettext("The programme is final."), category="success")
        return _back(slug)

    @post("/draft")
    async def mark_draft(
        self, request: StaffRequest, slug: FromPath[str], event: NamedDependency[EventRow]
    ) -> Redirect:
        await services.mark_draft(event["id"], by=request.user)
        flash(request, gettext("The programme is a draft again."), category="success")
        return _back(slug)

    # ------------------------------------------------------------ printable

    @get("/print", name="programme_print", opt=VIEWERS)
    async def print_view(self, event: NamedDependency[EventRow]) -> Template:
        """The programme on A4, marked "Dự thảo" until it is final."""
        return Template(
            "program/agenda/programme_print.html",
            context={
                "event": event,
                "programme": await services.load_programme(event),
            },
        )


class ScreenController(Controller):
    """The hall screen: now and next in large type, for anyone in the hall (no login)."""

    path = "/events/{slug:str}/screen"
    opt = PUBLIC

    async def _context(self, event: EventRow) -> dict[str, Any]:
        now = datetime.now(UTC)
        programme = await services.load_programme(event, now=now)
        view = now_and_next(programme.timed_items, now)
        return {
            "event": event,
            "programme": programme,
            "view": view,
            # Nothing under way yet (nor by the plan): the day's programme, not "ended".
            "before_start": not view.current
            and not_started(programme.timed_items, programme.day, now),
            "rehearsal": await records.rehearsal_under_way(event["id"]),
            "delay_text": delay_text,
            # Another day than the event's: its hours beside its date, not today's clock.
            "on_the_day": on_the_day(now, programme.day),
        }

    @get("/", name="screen")
    async def screen(self, event: NamedDependency[EventRow]) -> Template:
        return Template("program/agenda/screen.html", context=await self._context(event))

    @get("/panel", name="screen_panel")
    async def panel(self, event: NamedDependency[EventRow]) -> Template:
        """The screen's content alone, fetched again when the programme moves."""
        return Template(
            "program/agenda/screen_panel.html",
            context=await self._context(event),
            headers={"Cache-Control": "no-store"},
        )

    @get(
        "/live",
        dependencies=CACHED_EVENT,
        responses={503: ResponseSpec(None, description="Too many screens: retry later")},
    )
    async def live_stream(
        self,
        request: Request[Any, Any, Any],
        event: NamedDependency[EventRow],
        channels: NamedDependency[ChannelsPlugin],
    ) -> ServerSentEvent:
        """The event's stream filtered for a public screen: programme and cue changes only.

        Capped per address and in all (``conference.stream_caps``): past a cap, 503."""
        give_back = public_stream_slot(request)
        return live.response(channels, event["id"], only=SCREEN_STREAM, at_end=give_back)


def _programme_out(programme: services.Programme) -> ProgrammeOut:
    return ProgrammeOut(
        event=programme.event["slug"],
        status="final" if programme.is_final else "draft",
        final_at=programme.final_at,
        items=[
            ItemOut(
                id=item.id,
                position=item.position,
                title=item.title,
                kind=item.kind,
                room=item.room,
                description=item.description,
                starts_at=item.starts_at,
                ends_at=item.ends_at,
                duration_min=item.duration_min,
                expected_start=programme.timings[item.id].expected_start,
                expected_end=programme.timings[item.id].expected_end,
                delay_min=programme.timings[item.id].delay_min,
                state=programme.timings[item.id].state,
                actual_start=item.actual_start,
                actual_end=item.actual_end,
                speakers=[
                    SpeakerOut(
                        name=s.name,
                        honorific=s.honorific,
                        title=s.title,
                        role=s.role,
                        delegate_id=s.delegate_id,
                        arrived_at=s.arrived_at,
                    )
                    for s in item.speakers
                ],
            )
            for item in programme.items
        ],
        conflicts=[
            ConflictOut(
                code=c.code, severity=c.severity, item_ids=list(c.item_ids), message=c.message
            )
            for c in programme.conflicts
        ],
    )


def _download(content: bytes, filename: str, media_type: str) -> Response[bytes]:
    return Response(
        content,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"', **EXPORT_HEADERS},
    )


class ProgrammeApiController(Controller):
    path = "/api/events/{slug:str}"
    tags = ["programme"]  # noqa: RUF012 - Litestar reads it as a class attribute

    @get("/program.json", opt=PUBLIC)
    async def frab(
        self, event: NamedDependency[EventRow], settings: NamedDependency[Settings]
    ) -> Response[Any]:
        """The programme in the frab schedule format, every item with its kind as ``type``."""
        programme = await services.load_programme(event, now=datetime.now(UTC))
        return Response(
            exports.frab_schedule(programme, settings.base_url),
            media_type="application/json",
            headers=EXPORT_HEADERS,
        )

    @get("/program.ics", opt=PUBLIC, media_type="text/calendar")
    async def calendar(
        self,
        slug: FromPath[str],
        event: NamedDependency[EventRow],
        settings: NamedDependency[Settings],
    ) -> Response[bytes]:
        """The whole programme as iCalendar, in the event's time zone."""
        programme = await services.load_programme(event)
        return _download(
            exports.calendar(programme, settings.base_url),
            f"chuong-trinh-{slug}.ics",
            "text/calendar",
        )

    @get("/program/{name:str}", opt=PUBLIC, media_type="text/calendar")
    async def item_calendar(
        self,
        event: NamedDependency[EventRow],
        name: FromPath[str],
        settings: NamedDependency[Settings],
    ) -> Response[bytes]:
        """One item as iCalendar: ``/program/{item_id}.ics``."""
        number = name.removesuffix(".ics")
        if not name.endswith(".ics") or not number.isdigit():
            raise NotFound("This programme item does not exist (any more).")
        programme = await services.load_programme(event)
        item = next((i for i in programme.items if i.id == int(number)), None)
        if item is None:
            raise NotFound("This programme item does not exist (any more).")
        return _download(
            exports.calendar(programme, settings.base_url, [item]),
            f"{exports.item_slug(programme, item)[:80]}.ics",
            "text/calendar",
        )

    @get("/program.csv", opt=VIEWERS, media_type="text/csv")
    async def csv_export(
        self, slug: FromPath[str], event: NamedDependency[EventRow]
    ) -> Response[bytes]:
        """The programme as CSV for a spreadsheet (UTF-8 with BOM)."""
        programme = await services.load_programme(event, now=datetime.now(UTC))
        return _download(exports.to_csv(programme), f"chuong-trinh-{slug}.csv", "text/csv")

    @get("/programme", opt=ANY_ROLE)
    async def programme_json(self, event: NamedDependency[EventRow]) -> ProgrammeOut:
        """The programme with expected times, delays, states and conflicts."""
        return _programme_out(await services.load_programme(event, now=datetime.now(UTC)))

    @post("/programme/items/{item_id:int}/start", opt=VIEWERS, status_code=HTTP_200_OK)
    async def api_start(
        self,
        request: StaffRequest,
        event: NamedDependency[EventRow],
        item_id: FromPath[int],
        data: JSONBody[MomentIn | None] = None,
    ) -> MarkedOut:
        """Record an item's actual start (now, or ``at``); only the first call records."""
        at, confirmed = (data.at, data.confirmed) if data else (None, False)
        return _marked(
            await services.record_start(event, item_id, at, confirmed=confirmed, by=request.user)
        )

    @post("/programme/items/{item_id:int}/end", opt=VIEWERS, status_code=HTTP_200_OK)
    async def api_end(
        self,
        request: StaffRequest,
        event: NamedDependency[EventRow],
        item_id: FromPath[int],
        data: JSONBody[MomentIn | None] = None,
    ) -> MarkedOut:
        """Record an item's actual end (now, or ``at``); the last call wins, and an end
        before the recorded start is not recorded."""
        at, confirmed = (data.at, data.confirmed) if data else (None, False)
        return _marked(
            await services.record_end(event, item_id, at, confirmed=confirmed, by=request.user)
        )


def _marked(marked: services.Marked) -> MarkedOut:
    item = marked.item
    return MarkedOut(
        item_id=item["id"],
        recorded=marked.recorded,
        actual_start=item["actual_start"],
        actual_end=item["actual_end"],
    )


def timer_out(state: timer.TimerState) -> TimerOut:
    return TimerOut(
        item_id=state.item_id,
        speaker=state.speaker,
        planned_s=state.planned_s,
        remaining_s=state.remaining_s,
        phase=state.phase,
        server_time=state.server_time,
        speaker_id=state.speaker_id,
        item_title=state.item_title,
        warning_s=state.warning_s,
        speakers=[TimerSpeakerOut(s.id, s.name, s.planned_s, s.spoke_s) for s in state.speakers],
        items=[TimerItemOut(i, title) for i, title in state.items],
    )


NO_STORE = {"Cache-Control": "no-store"}


class TimerApiController(Controller):
    """The speaker timer: read by every page (the lectern's too), driven by the stage and MC."""

    path = "/api/events/{slug:str}/timer"
    opt = VIEWERS
    tags = ["timer"]  # noqa: RUF012 - Litestar reads it as a class attribute

    @get("/", opt=PUBLIC, dependencies=CACHED_EVENT)
    async def get_timer(self, event: NamedDependency[EventRow]) -> Response[TimerOut]:
        """What remained at ``server_time``, and the phase; the lectern screen reads it too."""
        return Response(timer_out(await timer.load_timer(event)), headers=NO_STORE)

    @post("/start", status_code=HTTP_200_OK, dependencies=CACHED_EVENT)
    async def start(
        self,
        request: StaffRequest,
        event: NamedDependency[EventRow],
        data: JSONBody[TimerStartIn | None] = None,
    ) -> TimerOut:
        """Start or resume; ``{"speaker_id"}`` or ``{"item_id"}`` times someone else."""
        item_id, speaker_id = (data.item_id, data.speaker_id) if data else (None, None)
        return timer_out(
            await timer.start_timer(event, item_id=item_id, speaker_id=speaker_id, by=request.user)
        )

    @post("/pause", status_code=HTTP_200_OK, dependencies=CACHED_EVENT)
    async def pause(self, request: StaffRequest, event: NamedDependency[EventRow]) -> TimerOut:
        """Pause the running timer."""
        return timer_out(await timer.pause_timer(event, by=request.user))

    @post("/add", status_code=HTTP_200_OK, dependencies=CACHED_EVENT)
    async def add(
        self, request: StaffRequest, event: NamedDependency[EventRow], data: JSONBody[TimerAddIn]
    ) -> TimerOut:
        """``{"seconds": 60}``: a minute more for the speaker."""
        return timer_out(await timer.add_time(event, data.seconds, by=request.user))

    @post("/stop", status_code=HTTP_200_OK, dependencies=CACHED_EVENT)
    async def stop(self, request: StaffRequest, event: NamedDependency[EventRow]) -> TimerOut:
        """End the speech being timed; the timer is idle again."""
        return timer_out(await timer.stop_timer(event, by=request.user))


class LecternController(Controller):
    """The lectern screen: the speaker's time left in large digits (no login, like the hall's)."""

    path = "/events/{slug:str}/timer"
    opt = PUBLIC

    @get("/", name="lectern_timer")
    async def lectern(self, event: NamedDependency[EventRow]) -> Template:
        return Template(
            "program/agenda/timer.html",
            context={"event": event, "state": await timer.load_timer(event)},
            headers=NO_STORE,
        )


class TimerSettingsController(Controller):
    """The organizer's settings of the timer: the warning, each speaker's slot."""

    path = "/events/{slug:str}/programme"
    opt = ORGANIZER

    @post("/timer/warning")
    async def warning(
        self,
        request: StaffRequest,
        slug: FromPath[str],
        event: NamedDependency[EventRow],
        data: Form,
    ) -> Redirect:
        """Turn the timer amber this many minutes before the end of a slot."""
        try:
            await timer.set_warning(event, _minutes(data.get("minutes")), by=request.user)
        except DomainError as error:
            flash(request, translate_error(error), category="error")
        else:
            flash(request, gettext("Changes saved."), category="success")
        return _back(slug)

    @post("/speakers/{speaker_id:int}/slot")
    async def slot(
        self,
        request: StaffRequest,
        slug: FromPath[str],
        event: NamedDependency[EventRow],
        speaker_id: FromPath[int],
        data: Form,
    ) -> Redirect:
        """A speaker's slot in minutes (empty: an equal share of the item)."""
        text = (data.get("minutes") or "").strip()
        try:
            item_id = await timer.set_slot(
                event["id"], speaker_id, int(_minutes(text)) if text else None, by=request.user
            )
        except DomainError as error:
            if isinstance(error, NotFound):
                raise
            flash(request, translate_error(error), category="error")
            item_id = await services.speaker_item(event["id"], speaker_id)
        else:
            flash(request, gettext("Changes saved."), category="success")
        return Redirect(f"/events/{slug}/programme/items/{item_id}#speakers")


def _minutes(text: str | None) -> float:
    try:
        return float((text or "").strip().replace(",", "."))
    except ValueError as error:
        raise InvalidInput(
            errors.N_("Write the minutes as a number, e.g. 2."), code="not_a_number"
        ) from error


# Every route handler of the programme, registered by create_app().
PROGRAMME_ROUTES: list[Any] = [
    ProgrammeController,
    ScreenController,
    ProgrammeApiController,
    TimerApiController,
    LecternController,
    TimerSettingsController,
]
