"""The programme for other programs: frab schedule JSON, iCalendar and CSV.

Pure functions of a loaded ``Programme``: the controllers fetch, these write.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from icalendar import Calendar, Event, vText

from conference import __version__, spreadsheets
from conference.program.agenda.items import Item, speaker_slot_s
from conference.program.agenda.services import Programme
from conference.program.agenda.timing import delay_text
from conference.text import fold, slugify

# A stable namespace, so an item keeps its guid from one export to the next.
_GUID_NAMESPACE = uuid.UUID("6f0b8f2c-5a8e-4c59-9a43-3d4f2a7d1e21")


def _guid(*parts: object) -> str:
    return str(uuid.uuid5(_GUID_NAMESPACE, "/".join(str(p) for p in parts)))


def acronym(slug: str) -> str:
    """The frab acronym: the slug with underscores ("nguoi_tot_viec_tot_2022")."""
    text = slugify(slug).replace("-", "_") or "conference"
    return text if len(text) >= 4 else f"{text}_event"[:8]


def item_slug(programme: Programme, item: Item) -> str:
    """ "nguoi-tot-viec-tot-2022-12-phat-bieu-chi-dao" (ASCII: "đ" folds to "d")."""
    return slugify(f"{programme.event['slug']} {item.id} {item.title}", 120)


def _room_name(programme: Programme, item: Item) -> str:
    return item.room or programme.event.get("venue") or "Hội trường"


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _person(programme: Programme, item: Item, index: int) -> dict[str, Any]:
    speaker = item.speakers[index]
    person: dict[str, Any] = {
        "name": speaker.display_name,
        "guid": _guid(programme.event["slug"], "speaker", speaker.id),
    }
    if speaker.title:
        person["biography"] = speaker.title
    if speaker.role:
        person["role"] = speaker.role
    return person


def frab_schedule(programme: Programme, base_url: str) -> dict[str, Any]:
    """The frab schedule JSON (valid against frab-schedule.schema.json).

    Every item is there, breaks and ceremonial items too, with its kind as ``type``.
    Expected times and delays, which frab has no field for, are in ``conference.meta``.
    """
    event = programme.event
    day = programme.day
    base = base_url.rstrip("/")
    day_start = min([day.starts_at, *(i.starts_at for i in programme.items)])
    day_end = max([day.ends_at, *(i.ends_at for i in programme.items)])
    rooms: dict[str, list[dict[str, Any]]] = {}
    for item in programme.items:
        start = day.local(item.starts_at)
        rooms.setdefault(_room_name(programme, item), []).append(
            {
                "guid": _guid(event["slug"], "item", item.id),
                "id": item.id,
                "date": start.isoformat(),
                "start": start.strftime("%H:%M"),
                "end": day.local(item.ends_at).isoformat(),
                "duration": _hhmm(item.duration_min),
                "room": _room_name(programme, item),
                "slug": item_slug(programme, item),
                "url": f"{base}/events/{event['slug']}/screen#item-{item.id}",
                "title": item.title,
                "subtitle": "",
                "track": None,
                "type": item.kind,
                "language": "vi",
                "abstract": item.description,
                "description": item.description,
                "persons": [_person(programme, item, i) for i in range(len(item.speakers))],
                "links": [],
                "attachments": [],
            }
        )
    delays = {
        str(item_id): {
            "expected_start": timing.expected_start.astimezone(day.zone).isoformat(),
            "expected_end": timing.expected_end.astimezone(day.zone).isoformat(),
            "delay_min": timing.delay_min,
            "state": timing.state,
        }
        for item_id, timing in programme.timings.items()
    }
    return {
        "$schema": "https://c3voc.de/schedule/schema.json",
        "generator": {"name": "conference", "version": __version__},
        "schedule": {
            "version": _version(programme),
            "base_url": f"{base}/",
            "conference": {
                "acronym": acronym(event["slug"]),
                "title": event["title"],
                "start": day.date.isoformat(),
                "end": day.date.isoformat(),
                "daysCount": 1,
                "timeslot_duration": "00:05",
                "time_zone_name": day.timezone,
                "url": f"{base}/events/{event['slug']}/screen",
                "rooms": [
                    {"name": name, "guid": _guid(event["slug"], "room", name)} for name in rooms
                ],
                "meta": {
                    "status": "final" if programme.is_final else "draft",
                    "final_at": programme.final_at.isoformat() if programme.final_at else None,
                    "organizer": event.get("organizer_name", ""),
                    "venue": event.get("venue", ""),
                    "live": delays,
                },
                "days": [
                    {
                        "index": 0,
                        "date": day.date.isoformat(),
                        "day_start": day.local(day_start).isoformat(),
                        "day_end": day.local(day_end).isoformat(),
                        "rooms": rooms,
                    }
                ],
            },
        },
    }


def _version(programme: Programme) -> str:
    if programme.final_at is not None:
        return f"final {programme.final_at.astimezone(UTC):%Y-%m-%d %H:%M}Z"
    return "draft"


# ------------------------------------------------------------------ iCalendar


def _host(base_url: str) -> str:
    return urlsplit(base_url).hostname or "conference.local"


def _vevent(programme: Programme, item: Item, base_url: str, stamp: datetime) -> Event:
    event = programme.event
    zone = programme.day.zone
    vevent = Event()
    vevent.add("uid", f"programme-item-{item.id}-{event['slug']}@{_host(base_url)}")
    vevent.add("dtstamp", stamp)
    vevent.add("dtstart", item.starts_at.astimezone(zone))
    vevent.add("dtend", item.ends_at.astimezone(zone))
    vevent.add("summary", item.title)
    venue = event.get("venue") or ""
    room = item.room if item.room and fold(item.room) not in fold(venue) else ""
    location = ", ".join(p for p in (room, venue, event.get("address")) if p)
    if location:
        vevent.add("location", location)
    lines = []
    for speaker in item.speakers:
        who = ", ".join(p for p in (speaker.display_name, speaker.title) if p)
        lines.append(f"{who} ({speaker.role})" if speaker.role else who)
    if item.description:
        lines.append(item.description)
    note = delay_text(programme.timings.get(item.id), programme.day.timezone)
    if note:
        lines.append(note)
    if lines:
        vevent.add("description", "\n".join(lines))
    vevent.add("categories", [item.kind_name])
    vevent.add("status", "CONFIRMED" if programme.is_final else "TENTATIVE")
    vevent.add("url", f"{base_url.rstrip('/')}/events/{event['slug']}/screen#item-{item.id}")
    return vevent


def calendar(programme: Programme, base_url: str, items: list[Item] | None = None) -> bytes:
    """An iCalendar file of the items (all by default), times in the event's zone (TZID)."""
    cal = Calendar()
    cal.add("prodid", f"-//conference//programme {__version__}//VI")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", vText(programme.event["title"]))
    cal.add("x-wr-timezone", vText(programme.day.timezone))
    stamp = datetime.now(UTC).replace(microsecond=0)
    for item in programme.items if items is None else items:
        cal.add_component(_vevent(programme, item, base_url, stamp))
    first = programme.day.date - timedelta(days=1)
    cal.add_missing_timezones(first_date=first, last_date=first + timedelta(days=3))
    ical: bytes = cal.to_ical()
    return ical


# ------------------------------------------------------------------ CSV

CSV_HEADERS = (
    "STT",
    "Bắt đầu",
    "Kết thúc",
    "Thời lượng (phút)",
    "Nội dung",
    "Loại",
    "Địa điểm",
    "Người trình bày",
    "Mô tả",
    "Dự kiến bắt đầu",
    "Chậm (phút)",
    "Thực tế bắt đầu",
    "Thực tế kết thúc",
    "Thời gian phát biểu (thực tế / dự kiến)",
)


def _mmss(seconds: int) -> str:
    return f"{seconds // 60}:{seconds % 60:02d}"


def speech_lengths(item: Item) -> str:
    """ "Ông A 6:12/5:00; Bà B 4:50/5:00": each timed speech against its slot."""
    parts = []
    for speaker in item.speakers:
        if speaker.spoke_s is None:
            continue
        planned = speaker_slot_s(item, speaker)
        parts.append(f"{speaker.display_name} {_mmss(speaker.spoke_s)}/{_mmss(planned)}")
    return "; ".join(parts)


def to_csv(programme: Programme) -> bytes:
    """The programme as CSV (UTF-8 with BOM, for Excel), one row per item.

    Formula-like cells are protected as in every export (``conference.spreadsheets``).
    """
    day = programme.day
    rows: list[tuple[object, ...]] = []
    for number, item in enumerate(programme.items, start=1):
        timing = programme.timings.get(item.id)
        speakers = "; ".join(
            f"{s.display_name} ({s.role})" if s.role else s.display_name for s in item.speakers
        )
        rows.append(
            (
                number,
                day.local(item.starts_at).strftime("%H:%M"),
                day.local(item.ends_at).strftime("%H:%M"),
                item.duration_min,
                item.title,
                item.kind_name,
                item.room,
                speakers,
                item.description,
                day.local(timing.expected_start).strftime("%H:%M") if timing else "",
                timing.delay_min if timing and timing.state != "passed" else "",
                day.local(item.actual_start).strftime("%H:%M") if item.actual_start else "",
                day.local(item.actual_end).strftime("%H:%M") if item.actual_end else "",
                speech_lengths(item),
            )
        )
    return spreadsheets.to_csv(CSV_HEADERS, rows)
