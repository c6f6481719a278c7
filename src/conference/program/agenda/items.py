"""The programme as loaded: plain values that the pure modules (conflicts, timing, exports) read."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from conference import protocol
from conference.actors import EventRow
from conference.errors import N_
from conference.i18n import gettext
from conference.text import fold

# Roles that put a speaker on the presiding panel (đoàn chủ tịch), folded.
PRESIDING_ROLES = ("chu tri", "chu toa", "doan chu tich", "presiding", "chair")

KIND_NAMES = {
    "reception": N_("Reception of delegates"),
    "performance": N_("Performance"),
    "opening": N_("Opening, introduction of delegates"),
    "report": N_("Report"),
    "contribution": N_("Contribution"),
    "directive": N_("Directive speech"),
    "awards": N_("Award presentation"),
    "break": N_("Break"),
    "photo": N_("Group photo"),
    "closing": N_("Closing"),
    "other": N_("Other"),
}

# Suggested speaker roles, as a Vietnamese programme writes them.
SPEAKER_ROLES = (
    "chủ trì",
    "báo cáo",
    "tham luận",
    "phát biểu chỉ đạo",
    "phát biểu",
    "dẫn chương trình",
    "trao khen thưởng",
    "biểu diễn",
)


def kind_name(kind: str) -> str:
    return gettext(KIND_NAMES.get(kind, KIND_NAMES["other"]))


def is_presiding(role: str) -> bool:
    folded = fold(role)
    return any(word in folded for word in PRESIDING_ROLES)


@dataclass(frozen=True)
class SpeakerEntry:
    """A speaker as shown: a linked delegate's current name and title, or the stored text."""

    id: int
    position: int
    delegate_id: int | None
    name: str
    honorific: str = ""
    title: str = ""
    organization: str = ""
    role: str = ""
    protocol_rank: int | None = None
    arrived_at: datetime | None = None
    slot_min: int | None = None  # planned slot; None: an equal share of the item
    spoke_s: int | None = None  # how long they spoke, as the timer measured it

    @property
    def display_name(self) -> str:
        """ "Ông Hoàng Cao Thắng"."""
        return " ".join(part for part in (self.honorific, self.name) if part)

    @property
    def presiding(self) -> bool:
        return is_presiding(self.role)


def protocol_key(speaker: SpeakerEntry) -> tuple[bool, bool, bool, int]:
    """Speakers in protocol order (thứ tự lễ tân): the presiding panel first, then the
    delegates by rank as in every list (``conference.protocol``), unranked and free-text
    speakers last; the item's own order breaks ties."""
    return (
        not speaker.presiding,
        speaker.delegate_id is None,
        *protocol.rank_key(speaker.protocol_rank),
    )


@dataclass(frozen=True)
class Item:
    """One programme item with its speakers in order."""

    id: int
    position: int
    starts_at: datetime
    duration_min: int
    title: str
    kind: str = "other"
    room: str = ""
    description: str = ""
    actual_start: datetime | None = None
    actual_end: datetime | None = None
    speakers: tuple[SpeakerEntry, ...] = ()

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_min)

    @property
    def room_key(self) -> str:
        return fold(self.room)

    @property
    def kind_name(self) -> str:
        return kind_name(self.kind)


def in_order(items: list[Item]) -> list[Item]:
    """Items in programme order: by start, then position (SQLite cannot be trusted to
    compare timestamps written in two formats, so the order is made here)."""
    return sorted(items, key=lambda item: (item.starts_at, item.position, item.id))


@dataclass(frozen=True)
class Day:
    """The event's day: its date and planned start and end, as instants, in its zone."""

    date: date
    starts_at: datetime
    ends_at: datetime
    timezone: str

    @classmethod
    def of(cls, event: EventRow) -> Day:
        zone = ZoneInfo(event["timezone"])
        start = datetime.combine(event["date"], _as_time(event["starts_at"]), zone)
        end = datetime.combine(event["date"], _as_time(event["ends_at"]), zone)
        if end <= start:  # a day that runs past midnight
            end += timedelta(days=1)
        return cls(date=event["date"], starts_at=start, ends_at=end, timezone=event["timezone"])

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def at(self, local: time, on: dt.date | None = None) -> datetime:
        """The instant of a local time on the event's date (or ``on``)."""
        return datetime.combine(on or self.date, local, self.zone)

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.zone)


def _as_time(value: Any) -> time:
    if isinstance(value, time):
        return value
    return time.fromisoformat(str(value))


DEFAULT_SLOT_MIN = 5  # a speaker of an item without a duration to share


def slot_seconds(slot_min: int | None, duration_min: int, speakers: int) -> int:
    """A speaker's planned slot: their own minutes, else an equal share of the item."""
    if slot_min:
        return slot_min * 60
    minutes = duration_min or DEFAULT_SLOT_MIN * max(speakers, 1)
    return max(60, minutes * 60 // max(speakers, 1))


def speaker_slot_s(item: Item, speaker: SpeakerEntry) -> int:
    return slot_seconds(speaker.slot_min, item.duration_min, len(item.speakers))
