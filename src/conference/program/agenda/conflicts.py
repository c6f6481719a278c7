"""Conflicts in a programme: pure functions over the items, never blocking a save.

Each rule is one function returning ``Conflict`` values; ``find_conflicts`` runs them
all. A conflict names the items it concerns, so a page shows it beside each of them
and once in the list.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from conference.errors import N_
from conference.formatting import hour, short_date
from conference.i18n import gettext
from conference.program.agenda.items import Day, Item, in_order
from conference.text import fold

ROOM_OVERLAP = "room_overlap"
SPEAKER_OVERLAP = "speaker_overlap"
OTHER_DAY = "other_day"
BEFORE_START = "before_start"
OVERRUN = "overrun"
GAP = "gap"

# Titles are cut in messages: a report's title can run to three lines.
TITLE_IN_MESSAGE = 50


@dataclass(frozen=True)
class Conflict:
    """One problem of the programme: a stable ``code``, the items concerned, a message."""

    code: str
    item_ids: tuple[int, ...]
    message_id: str
    params: dict[str, object] = field(default_factory=dict, hash=False, compare=False)
    severity: str = "warning"  # warning: probably a mistake; info: worth a look

    @property
    def message(self) -> str:
        """The message in the current language (Vietnamese by default)."""
        return gettext(self.message_id, **self.params)


def _short(title: str) -> str:
    return title if len(title) <= TITLE_IN_MESSAGE else title[: TITLE_IN_MESSAGE - 1].rstrip() + "…"


def _overlapping_pairs(items: list[Item]) -> Iterator[tuple[Item, Item]]:
    """Pairs of items whose times intersect (a sweep over items sorted by start)."""
    ordered = in_order(items)
    for index, first in enumerate(ordered):
        for second in ordered[index + 1 :]:
            if second.starts_at >= first.ends_at:
                break
            if second.ends_at > first.starts_at and first.duration_min > 0:
                yield first, second


def room_overlaps(items: list[Item], day: Day) -> list[Conflict]:
    """Two items in the same room (or both without one) at the same time."""
    found = []
    for first, second in _overlapping_pairs(items):
        if first.room_key != second.room_key or second.duration_min <= 0:
            continue
        minutes = int((min(first.ends_at, second.ends_at) - second.starts_at).total_seconds() // 60)
        found.append(
            Conflict(
                ROOM_OVERLAP,
                (first.id, second.id),
                N_(
                    "“%(first)s” (%(first_time)s) and “%(second)s” (%(second_time)s) "
                    "overlap by %(minutes)s min in %(room)s."
                ),
                {
                    "first": _short(first.title),
                    "first_time": hour(day.local(first.starts_at)),
                    "second": _short(second.title),
                    "second_time": hour(day.local(second.starts_at)),
                    "minutes": max(minutes, 1),
                    "room": first.room or gettext("the same room"),
                },
            )
        )
    return found


def speaker_overlaps(items: list[Item], day: Day) -> list[Conflict]:
    """One person speaking in two items at once: the same delegate, or the same name
    where either of them is free text (two delegates may share a name)."""
    found = []
    for first, second in _overlapping_pairs(items):
        if second.duration_min <= 0:
            continue
        named: set[str] = set()
        for a in first.speakers:
            for b in second.speakers:
                if a.delegate_id is not None and b.delegate_id is not None:
                    same = a.delegate_id == b.delegate_id
                else:
                    same = bool(fold(a.name)) and fold(a.name) == fold(b.name)
                if not same or a.display_name in named:
                    continue
                named.add(a.display_name)
                found.append(
                    Conflict(
                        SPEAKER_OVERLAP,
                        (first.id, second.id),
                        N_(
                            "%(name)s is a speaker of “%(first)s” (%(first_time)s) and of "
                            "“%(second)s” (%(second_time)s) at the same time."
                        ),
                        {
                            "name": a.name,
                            "first": _short(first.title),
                            "first_time": hour(day.local(first.starts_at)),
                            "second": _short(second.title),
                            "second_time": hour(day.local(second.starts_at)),
                        },
                    )
                )
    return found


def outside_the_day(items: list[Item], day: Day) -> list[Conflict]:
    """Items on another date than the event's, or before its planned start."""
    found = []
    for item in in_order(items):
        start = day.local(item.starts_at)
        last_minute = day.local(item.ends_at - timedelta(seconds=1)) if item.duration_min else start
        if start.date() != day.date or last_minute.date() != day.date:
            found.append(
                Conflict(
                    OTHER_DAY,
                    (item.id,),
                    N_("“%(title)s” is on %(date)s, not on the day of the event (%(event_date)s)."),
                    {
                        "title": _short(item.title),
                        "date": short_date(
                            start.date() if start.date() != day.date else last_minute.date()
                        ),
                        "event_date": short_date(day.date),
                    },
                )
            )
        elif item.starts_at < day.starts_at:
            found.append(
                Conflict(
                    BEFORE_START,
                    (item.id,),
                    N_(
                        "“%(title)s” starts at %(start)s, "
                        "before the event starts (%(event_start)s)."
                    ),
                    {
                        "title": _short(item.title),
                        "start": hour(start),
                        "event_start": hour(day.local(day.starts_at)),
                    },
                )
            )
    return found


def overruns(items: list[Item], day: Day) -> list[Conflict]:
    """Items ending after the event's planned end (on the event's day)."""
    found = []
    for item in in_order(items):
        if item.ends_at <= day.ends_at or day.local(item.starts_at).date() != day.date:
            continue
        minutes = int((item.ends_at - day.ends_at).total_seconds() // 60)
        found.append(
            Conflict(
                OVERRUN,
                (item.id,),
                N_(
                    "“%(title)s” ends at %(end)s, %(minutes)s min after the planned end "
                    "of the event (%(event_end)s)."
                ),
                {
                    "title": _short(item.title),
                    "end": hour(day.local(item.ends_at)),
                    "minutes": max(minutes, 1),
                    "event_end": hour(day.local(day.ends_at)),
                },
            )
        )
    return found


def gaps(items: list[Item], day: Day) -> list[Conflict]:
    """Time with nothing planned: after the event's start, between items, before its end."""
    ordered = [item for item in in_order(items) if day.local(item.starts_at).date() == day.date]
    if not ordered:
        return []
    found = []
    first = ordered[0]
    if first.starts_at > day.starts_at:
        found.append(_gap(day, day.starts_at, first.starts_at, (first.id,)))
    reached = first.ends_at
    previous = first
    for item in ordered[1:]:
        if item.starts_at >= reached + timedelta(minutes=1):
            found.append(_gap(day, reached, item.starts_at, (previous.id, item.id)))
        if item.ends_at > reached:
            reached, previous = item.ends_at, item
    if reached + timedelta(minutes=1) <= day.ends_at:
        found.append(_gap(day, reached, day.ends_at, (previous.id,)))
    return found


def _gap(day: Day, start: datetime, end: datetime, ids: tuple[int, ...]) -> Conflict:
    minutes = int((end - start).total_seconds() // 60)
    return Conflict(
        GAP,
        ids,
        N_("%(minutes)s min with nothing planned, from %(start)s to %(end)s."),
        {
            "minutes": minutes,
            "start": hour(day.local(start)),
            "end": hour(day.local(end)),
        },
        severity="info",
    )


RULES = (room_overlaps, speaker_overlaps, outside_the_day, overruns, gaps)


def find_conflicts(items: list[Item], day: Day) -> list[Conflict]:
    """Every conflict of the programme, rule by rule, each in programme order."""
    return [conflict for rule in RULES for conflict in rule(items, day)]


def by_item(conflicts: list[Conflict]) -> dict[int, list[Conflict]]:
    """The conflicts concerning each item, to show beside it."""
    found: dict[int, list[Conflict]] = {}
    for conflict in conflicts:
        for item_id in conflict.item_ids:
            found.setdefault(item_id, []).append(conflict)
    return found
