"""Live delays and now/next at chosen instants: pure functions, the plan never changes."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from zoneinfo import ZoneInfo

from conference.program.agenda.items import Item
from conference.program.agenda.timing import (
    DONE,
    LIVE,
    PASSED,
    UPCOMING,
    delay_text,
    expected_times,
    now_and_next,
)

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
UTC = ZoneInfo("UTC")


def at(hh: int, mm: int) -> datetime:
    return datetime(2022, 9, 12, hh, mm, tzinfo=HANOI)


def day() -> list[Item]:
    """08h00 opening 10', 08h10 report 30', 08h40 break 15', 08h55 speech 20', 09h15 awards 45'."""
    plan = [(8, 0, 10), (8, 10, 30), (8, 40, 15), (8, 55, 20), (9, 15, 45)]
    return [
        Item(id=i, position=i, starts_at=at(h, m), duration_min=d, title=f"Mục {i}")
        for i, (h, m, d) in enumerate(plan, start=1)
    ]


def record(items: list[Item], item_id: int, start=None, end=None) -> list[Item]:
    return [
        dataclasses.replace(i, actual_start=start or i.actual_start, actual_end=end or i.actual_end)
        if i.id == item_id
        else i
        for i in items
    ]


def test_without_records_everything_is_expected_as_planned():
    timings = expected_times(day())
    assert all(t.delay_min == 0 and t.state == UPCOMING for t in timings.values())
    assert timings[3].expected_start == at(8, 40)


def test_a_late_start_delays_every_later_item_until_slack_absorbs_it():
    items = record(day(), 1, start=at(8, 7))  # 7 minutes late
    timings = expected_times(items)
    assert timings[1].state == LIVE and timings[1].expected_end == at(8, 17)
    assert timings[2].expected_start == at(8, 17) and timings[2].delay_min == 7
    assert timings[5].expected_start == at(9, 22) and timings[5].delay_min == 7
    # The plan is untouched.
    assert items[1].starts_at == at(8, 10) and timings[2].planned_start == at(8, 10)


def test_the_delay_is_written_the_vietnamese_way():
    timings = expected_times(record(day(), 1, start=at(8, 7)))
    assert delay_text(timings[3], "Asia/Ho_Chi_Minh") == "dự kiến 08h47, chậm 7 phút"
    assert delay_text(timings[1], "Asia/Ho_Chi_Minh") == "dự kiến 08h07, chậm 7 phút"
    on_time = expected_times(day())
    assert delay_text(on_time[3], "Asia/Ho_Chi_Minh") == ""


def test_a_break_shortened_is_slack_so_a_delay_can_vanish():
    items = day()
    items = record(items, 1, start=at(8, 0), end=at(8, 10))
    items = record(items, 2, start=at(8, 10), end=at(8, 50))  # the report ran 10 minutes over
    timings = expected_times(items)
    assert timings[3].delay_min == 10  # the break starts late…
    items = record(items, 3, start=at(8, 50), end=at(8, 55))  # …and is cut short
    timings = expected_times(items)
    assert timings[4].delay_min == 0 and timings[4].expected_start == at(8, 55)


def test_an_item_ending_early_does_not_pull_the_next_one_earlier():
    items = record(day(), 1, start=at(8, 0), end=at(8, 5))
    assert expected_times(items)[2].expected_start == at(8, 10)


def test_an_item_running_over_pushes_what_follows_as_time_passes():
    items = record(day(), 2, start=at(8, 10))
    before = expected_times(items, now=at(8, 30))
    assert before[3].expected_start == at(8, 40)
    later = expected_times(items, now=at(8, 46))
    assert later[2].state == LIVE and later[2].expected_end == at(8, 46)
    assert later[3].expected_start == at(8, 46) and later[3].delay_min == 6


def test_starting_the_next_item_ends_the_one_before_and_skips_unrecorded_ones():
    items = record(day(), 1, start=at(8, 0))
    items = record(items, 3, start=at(8, 35))  # the report (2) was never noted
    timings = expected_times(items)
    assert timings[1].state == DONE and timings[1].expected_end == at(8, 35)
    assert timings[2].state == PASSED
    assert timings[3].delay_min == -5 and timings[4].expected_start == at(8, 55)
    assert delay_text(timings[3], "Asia/Ho_Chi_Minh") == "dự kiến 08h35, sớm 5 phút"


def test_rooms_keep_their_own_delays():
    items = [
        *day(),
        Item(id=9, position=9, starts_at=at(8, 10), duration_min=30, title="B", room="Phòng B"),
    ]
    timings = expected_times(record(items, 1, start=at(8, 20)))
    assert timings[2].delay_min == 20 and timings[9].delay_min == 0


def test_now_and_next_before_the_day_starts():
    view = now_and_next(day(), at(7, 30))
    assert view.current == [] and view.next is not None and view.next.id == 1
    assert [i.id for i in view.later] == [2, 3, 4] and not view.finished


def test_now_and_next_by_plan_when_nothing_is_recorded():
    view = now_and_next(day(), at(8, 20))
    assert [i.id for i in view.current] == [2] and view.current_by_plan
    assert view.next is not None and view.next.id == 3


def test_now_and_next_follow_the_records_and_show_the_delay():
    items = record(day(), 1, start=at(8, 0), end=at(8, 12))
    items = record(items, 2, start=at(8, 12))
    view = now_and_next(items, at(8, 20))
    assert [i.id for i in view.current] == [2] and not view.current_by_plan
    assert view.next is not None and view.next.id == 3
    assert delay_text(view.timings[3], "Asia/Ho_Chi_Minh") == "dự kiến 08h42, chậm 2 phút"


def test_records_made_after_the_chosen_instant_are_not_known_yet():
    items = record(day(), 2, start=at(8, 12))
    view = now_and_next(items, at(8, 5))
    assert [i.id for i in view.current] == [1] and view.current_by_plan
    assert view.timings[2].state == UPCOMING


def test_when_the_last_item_is_over_the_day_is_finished():
    items = record(day(), 5, start=at(9, 15), end=at(10, 0))
    view = now_and_next(items, at(10, 5))
    assert view.finished and view.current == [] and view.next is None
    assert now_and_next(day(), at(11, 0)).finished


def test_an_event_in_utc_plus_7_viewed_from_a_server_in_utc():
    # The server's clock is UTC: 01:20 UTC is 08:20 in Hanoi.
    view = now_and_next(day(), datetime(2022, 9, 12, 1, 20, tzinfo=UTC))
    assert [i.id for i in view.current] == [2]
    timings = expected_times(record(day(), 1, start=datetime(2022, 9, 12, 1, 7, tzinfo=UTC)))
    assert delay_text(timings[2], "Asia/Ho_Chi_Minh") == "dự kiến 08h17, chậm 7 phút"
    assert delay_text(timings[2], "UTC") == "dự kiến 01h17, chậm 7 phút"


def test_a_started_item_nobody_ended_is_taken_as_over_hours_later():
    items = record(day(), 5, start=at(9, 15))
    assert expected_times(items, now=at(10, 30))[5].state == LIVE
    hours_later = now_and_next(items, at(14, 0))
    assert hours_later.timings[5].state == DONE and hours_later.finished
