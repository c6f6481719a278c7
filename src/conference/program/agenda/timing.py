"""Live delays and "now and next": pure functions over the items and their recorded times.

The planned programme is never changed by what happens on the day. From the actual
start and end recorded so far (by the run sheet or an organizer), each item gets an
expected start and end: an item cannot start before the one before it in its room
has ended, nor before its planned time. A delay shrinks where the plan left slack.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from conference.actors import EventRow
from conference.errors import N_
from conference.formatting import hour
from conference.i18n import gettext
from conference.program.agenda.items import Day, Item, in_order

UPCOMING = "upcoming"
LIVE = "live"  # started, not ended: đang diễn ra
DONE = "done"
PASSED = "passed"  # never recorded, while a later item in its room was: skipped or not noted
# A started item whose end nobody recorded is taken as over this long after its planned end.
FORGOTTEN_AFTER = timedelta(hours=3)


@dataclass(frozen=True)
class Timing:
    """When an item was planned and when it is now expected (or was held)."""

    item_id: int
    planned_start: datetime
    planned_end: datetime
    expected_start: datetime
    expected_end: datetime
    state: str

    @property
    def delay_min(self) -> int:
        """Minutes late (negative: early) of the expected start against the plan."""
        return round((self.expected_start - self.planned_start).total_seconds() / 60)

    @property
    def end_delay_min(self) -> int:
        return round((self.expected_end - self.planned_end).total_seconds() / 60)

    @property
    def moved(self) -> bool:
        return self.delay_min != 0


# A record this far from the event's day is a test or a slip, and asks before it is made.
FAR_FROM_THE_DAY = timedelta(days=1)


def on_the_day(moment: datetime, day: Day) -> bool:
    """Whether ``moment`` falls on the event's own date, in its time zone (for a day that
    runs past midnight, up to the end of the date it ends on)."""
    local = day.local(moment).date()
    return day.date <= local <= day.local(day.ends_at).date()


# From this long before the event's planned start, what is done on the stage is for real.
REAL_RUN_BEFORE = timedelta(minutes=30)


def under_way(event: EventRow, moment: datetime) -> bool:
    """Whether ``moment`` is in the event's own hours (from half an hour before its start)."""
    day = Day.of(event)
    return day.starts_at - REAL_RUN_BEFORE <= moment <= day.ends_at


def not_started(items: Sequence[Item], day: Day, moment: datetime) -> bool:
    """Nothing recorded on the day, and the day's hours not begun (or another day):
    the hall screen shows the day's programme, not "ended"."""
    if any(item.actual_start or item.actual_end for item in items):
        return False
    return moment < day.starts_at or not on_the_day(moment, day)


def far_from_the_day(moment: datetime, day: Day) -> bool:
    """More than a day before the event's planned start or after its planned end."""
    return moment < day.starts_at - FAR_FROM_THE_DAY or moment > day.ends_at + FAR_FROM_THE_DAY


def as_planned_off_the_day(items: Sequence[Item], day: Day) -> list[Item]:
    """The items as delays see them: a start or end recorded on another day than the
    event's (a test, a rehearsal the day before) is left out, so it shows the plan."""
    kept = []
    for item in items:
        start = (
            item.actual_start if item.actual_start and on_the_day(item.actual_start, day) else None
        )
        end = item.actual_end if item.actual_end and on_the_day(item.actual_end, day) else None
        if (start, end) != (item.actual_start, item.actual_end):
            item = dataclasses.replace(item, actual_start=start, actual_end=end)
        kept.append(item)
    return kept


def _as_of(item: Item, at: datetime | None) -> Item:
    """The item as known at ``at``: records made later are not known yet."""
    if at is None:
        return item
    start = item.actual_start if item.actual_start and item.actual_start <= at else None
    end = item.actual_end if item.actual_end and item.actual_end <= at else None
    if (start, end) == (item.actual_start, item.actual_end):
        return item
    return dataclasses.replace(item, actual_start=start, actual_end=end)


def expected_times(items: Sequence[Item], now: datetime | None = None) -> dict[int, Timing]:
    """The timing of every item, room by room, from the records known at ``now``.

    Without ``now`` every record counts and a running item is expected to end as
    planned; with it, an item still running past its planned end pushes what follows.
    """
    known = [_as_of(item, now) for item in items]
    rooms: dict[str, list[Item]] = {}
    for item in in_order(known):
        rooms.setdefault(item.room_key, []).append(item)
    timings: dict[int, Timing] = {}
    for room_items in rooms.values():
        timings.update(_room_timings(room_items, now))
    return timings


def _room_timings(items: list[Item], now: datetime | None) -> dict[int, Timing]:
    recorded = [i for i, item in enumerate(items) if item.actual_start or item.actual_end]
    last_recorded = recorded[-1] if recorded else -1
    result: dict[int, Timing] = {}
    cursor: datetime | None = None
    for index, item in enumerate(items):
        duration = timedelta(minutes=item.duration_min)
        if index < last_recorded and not (item.actual_start or item.actual_end):
            result[item.id] = Timing(
                item.id, item.starts_at, item.ends_at, item.starts_at, item.ends_at, PASSED
            )
            continue
        if item.actual_start is not None:
            start = item.actual_start
            later_start = next(
                (later.actual_start for later in items[index + 1 :] if later.actual_start), None
            )
            if item.actual_end is not None:
                end, state = item.actual_end, DONE
            elif later_start is not None:
                # The next item began: this one ended then, whether or not someone said so.
                end, state = max(later_start, start), DONE
            else:
                end, state = start + duration, LIVE
                if now is not None and now > end + FORGOTTEN_AFTER:
                    state = DONE  # nobody recorded its end: long over, as planned
                elif now is not None and now > end:
                    end = now  # running over
        else:
            start = item.starts_at if cursor is None else max(item.starts_at, cursor)
            if item.actual_end is not None:
                end, state = max(item.actual_end, start), DONE
            else:
                end, state = start + duration, UPCOMING
        result[item.id] = Timing(item.id, item.starts_at, item.ends_at, start, end, state)
        cursor = end
    return result


@dataclass(frozen=True)
class NowNext:
    """What the hall screen shows at one instant."""

    at: datetime
    current: list[Item]  # usually one; several in parallel rooms
    current_by_plan: bool  # nobody recorded a start: "now" is the plan's
    next: Item | None
    later: list[Item]
    finished: bool
    timings: dict[int, Timing]


def now_and_next(items: Sequence[Item], at: datetime, *, later: int = 3) -> NowNext:
    """The item(s) under way at ``at``, the next one and a few after it."""
    ordered = in_order(list(items))
    timings = expected_times(ordered, now=at)
    live = [item for item in ordered if timings[item.id].state == LIVE]
    by_plan = not live
    current = live or [
        item
        for item in ordered
        if timings[item.id].state == UPCOMING
        and timings[item.id].expected_start <= at < timings[item.id].expected_end
    ]
    current_ids = {item.id for item in current}
    last_current = max((ordered.index(item) for item in current), default=-1)
    coming = [
        item
        for index, item in enumerate(ordered)
        if item.id not in current_ids
        and timings[item.id].state == UPCOMING
        and index > last_current
        and timings[item.id].expected_end > at
    ]
    finished = bool(ordered) and not current and not coming
    return NowNext(
        at=at,
        current=current,
        current_by_plan=by_plan and bool(current),
        next=coming[0] if coming else None,
        later=coming[1 : 1 + later],
        finished=finished,
        timings=timings,
    )


def delay_text(timing: Timing | None, timezone: str) -> str:
    """ "dự kiến 09h12, chậm 7 phút"; empty when on time."""
    if timing is None or timing.state in (DONE, PASSED) or not timing.moved:
        return ""
    when = hour(timing.expected_start.astimezone(ZoneInfo(timezone)))
    if timing.delay_min > 0:
        return gettext(
            N_("expected %(time)s, %(minutes)s min late"), time=when, minutes=timing.delay_min
        )
    return gettext(
        N_("expected %(time)s, %(minutes)s min early"), time=when, minutes=-timing.delay_min
    )
