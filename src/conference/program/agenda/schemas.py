"""What the programme pages and API take and answer: validated inputs and JSON shapes."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any

import msgspec

from conference.errors import N_, FormErrors, InvalidInput
from conference.forms import form_int
from conference.program.agenda.items import Day
from conference.tables import ItemKind
from conference.text import nfc

MAX_DURATION_MIN = 12 * 60
MAX_SHIFT_MIN = 24 * 60
TITLE_MAX = 500
ROOM_MAX = 100  # the column's length
ROLE_MAX = 100
TEXT_MAX = 5000

_TIME = re.compile(r"\s*(\d{1,2})\s*[:hH.]\s*(\d{2})\s*")
_DATE_VN = re.compile(r"\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*")


class ItemInput(msgspec.Struct, frozen=True):
    """A programme item as validated: its start an aware instant, its duration positive."""

    title: str
    starts_at: datetime
    duration_min: int
    kind: str = ItemKind.other.value
    room: str = ""
    description: str = ""


class SpeakerInput(msgspec.Struct, frozen=True):
    """A speaker: a delegate of the event, or free text (``name`` then required)."""

    delegate_id: int | None = None
    name: str = ""
    title: str = ""
    role: str = ""


def parse_time(text: str) -> time | None:
    """ "08:00", "8h00", "08h00", "8.00" → 08:00; None when it is not a time of day."""
    match = _TIME.fullmatch(text or "")
    if not match:
        return None
    hours, minutes = int(match.group(1)), int(match.group(2))
    if hours > 23 or minutes > 59:
        return None
    return time(hours, minutes)


def parse_date(text: str) -> date | None:
    """ "2022-09-12" (a date field) or "12/9/2022" (as typed) → the date."""
    text = (text or "").strip()
    match = _DATE_VN.fullmatch(text)
    try:
        if match:
            return date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
        return date.fromisoformat(text)
    except ValueError:
        return None


def parse_item_form(form: dict[str, Any], day: Day) -> ItemInput:
    """A programme item from the editor's form; raise FormErrors naming each bad field.

    The start is a local time on the event's day (or on ``date`` when given). The
    length is ``duration_min``, or the difference to ``ends_at`` when that is filled in.
    """
    errors: dict[str, str] = {}
    title = nfc(form.get("title"))
    if not title:
        errors["title"] = N_("Enter a title.")
    elif len(title) > TITLE_MAX:
        errors["title"] = N_("The title is too long (at most 500 characters).")
    on = day.date
    if (form.get("date") or "").strip():
        parsed_date = parse_date(form["date"])
        if parsed_date is None:
            errors["date"] = N_("Enter a date like 12/9/2022.")
        else:
            on = parsed_date
    start_time = parse_time(form.get("starts_at", ""))
    if start_time is None:
        errors["starts_at"] = N_("Enter a time like 08:00.")
    duration = None
    end_text = (form.get("ends_at") or "").strip()
    if end_text:
        end_time = parse_time(end_text)
        if end_time is None:
            errors["ends_at"] = N_("Enter a time like 08:00.")
        elif start_time is not None:
            minutes = (end_time.hour * 60 + end_time.minute) - (
                start_time.hour * 60 + start_time.minute
            )
            if minutes <= 0:
                errors["ends_at"] = N_("The end must be after the start.")
            else:
                duration = minutes
    else:
        duration = form_int(form.get("duration_min"))
        if duration is None:
            errors["duration_min"] = N_("Enter the duration in minutes.")
        elif duration <= 0:
            errors["duration_min"] = N_("The duration must be at least one minute.")
    if duration is not None and duration > MAX_DURATION_MIN:
        errors["duration_min"] = N_("An item lasts at most 12 hours.")
    kind = (form.get("kind") or ItemKind.other.value).strip()
    if kind not in {k.value for k in ItemKind}:
        errors["kind"] = N_("Choose a kind from the list.")
    room = nfc(form.get("room"))
    if len(room) > ROOM_MAX:
        errors["room"] = N_("The room name is too long (at most 100 characters).")
    description = (form.get("description") or "").strip()
    if len(description) > TEXT_MAX:
        errors["description"] = N_("The description is too long (at most 5,000 characters).")
    if errors:
        raise FormErrors(errors)
    assert start_time is not None and duration is not None
    return ItemInput(
        title=title,
        starts_at=day.at(start_time, on),
        duration_min=duration,
        kind=kind,
        room=room,
        description=description,
    )


def item_form_values(item: dict[str, Any], day: Day) -> dict[str, Any]:
    """A stored item as the form shows it, in the event's local time."""
    start = day.local(item["starts_at"])
    return {
        "title": item["title"],
        "date": start.date().isoformat(),
        "starts_at": start.strftime("%H:%M"),
        "duration_min": item["duration_min"],
        "ends_at": "",
        "kind": item["kind"],
        "room": item["room"],
        "description": item["description"],
    }


def parse_speaker_form(form: dict[str, Any]) -> SpeakerInput:
    delegate_id = form_int(form.get("delegate_id")) if form.get("delegate_id") else None
    name = nfc(form.get("name"))
    role = nfc(form.get("role"))
    errors: dict[str, str] = {}
    if delegate_id is None and not name:
        errors["name"] = N_("Choose a delegate or type a name.")
    if len(role) > ROLE_MAX:
        errors["role"] = N_("The role is too long (at most 100 characters).")
    if len(name) > TITLE_MAX:
        errors["name"] = N_("The name is too long.")
    if errors:
        raise FormErrors(errors)
    return SpeakerInput(delegate_id=delegate_id, name=name, title=nfc(form.get("title")), role=role)


def parse_shift(text: Any) -> timedelta:
    """Minutes to move by, positive (later) or negative (earlier), never zero."""
    minutes = form_int(text)
    if minutes is None or minutes == 0:
        raise InvalidInput(
            "Enter a number of minutes other than zero (negative moves earlier).",
            refusal="shift_not_a_number",
        )
    if abs(minutes) > MAX_SHIFT_MIN:
        raise InvalidInput("Move by at most 24 hours at once.", refusal="shift_too_far")
    return timedelta(minutes=minutes)


def parse_moment(text: Any, day: Day) -> datetime | None:
    """An actual time from a form: "09:12" on the event's day, or empty (None)."""
    if not (text or "").strip():
        return None
    parsed = parse_time(text)
    if parsed is None:
        raise InvalidInput("Enter a time like 08:00.", refusal="bad_time")
    return day.at(parsed)


# ------------------------------------------------------------------ JSON answers


class SpeakerOut(msgspec.Struct):
    name: str
    honorific: str
    title: str
    role: str
    delegate_id: int | None
    arrived_at: datetime | None


class ConflictOut(msgspec.Struct):
    code: str
    severity: str
    item_ids: list[int]
    message: str


class ItemOut(msgspec.Struct):
    id: int
    position: int
    title: str
    kind: str
    room: str
    description: str
    starts_at: datetime
    ends_at: datetime
    duration_min: int
    expected_start: datetime
    expected_end: datetime
    delay_min: int
    state: str  # upcoming | live | done | passed
    actual_start: datetime | None
    actual_end: datetime | None
    speakers: list[SpeakerOut]


class ProgrammeOut(msgspec.Struct):
    event: str
    status: str  # draft | final
    final_at: datetime | None
    items: list[ItemOut]
    conflicts: list[ConflictOut]


class MomentIn(msgspec.Struct):
    """When an item started or ended: an instant with its offset (a bare local time is
    refused, not guessed: read as UTC it would be seven hours off in Hanoi); default now."""

    at: Annotated[datetime, msgspec.Meta(tz=True)] | None = None
    # A time more than a day away from the event's day is refused unless confirmed.
    confirmed: bool = False


class MarkedOut(msgspec.Struct):
    item_id: int
    recorded: bool
    actual_start: datetime | None
    actual_end: datetime | None


class TimerStartIn(msgspec.Struct, forbid_unknown_fields=True):
    """``POST …/timer/start``: a speaker, or an item (its first speaker not yet heard), or
    neither (resume, or the current item)."""

    item_id: int | None = None
    speaker_id: int | None = None


class TimerAddIn(msgspec.Struct, forbid_unknown_fields=True):
    """``POST …/timer/add``: seconds more for the speaker (negative: take an extension back)."""

    seconds: int


class TimerSpeakerOut(msgspec.Struct):
    id: int
    name: str
    planned_s: int
    spoke_s: int | None


class TimerItemOut(msgspec.Struct):
    id: int
    title: str


class TimerOut(msgspec.Struct):
    """``GET /api/events/{slug}/timer`` (DESIGN.md): what remained at ``server_time``."""

    item_id: int | None
    speaker: str
    planned_s: int
    remaining_s: float
    phase: str  # idle | running | paused | warning | overtime
    server_time: datetime
    speaker_id: int | None
    item_title: str
    warning_s: int
    speakers: list[TimerSpeakerOut]
    items: list[TimerItemOut]  # the programme's items with speakers, to time another
