"""Conflict rules one by one: pure functions over items, with Vietnamese messages."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from conference.program.agenda.conflicts import (
    BEFORE_START,
    GAP,
    OTHER_DAY,
    OVERRUN,
    ROOM_OVERLAP,
    SPEAKER_OVERLAP,
    by_item,
    find_conflicts,
    gaps,
    outside_the_day,
    overruns,
    room_overlaps,
    speaker_overlaps,
)
from conference.program.agenda.items import Day, Item, SpeakerEntry

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
DAY = Day.of(
    {
        "date": date(2022, 9, 12),
        "starts_at": time(7, 30),
        "ends_at": time(11, 30),
        "timezone": "Asia/Ho_Chi_Minh",
    }
)


def at(hh: int, mm: int, day: int = 12) -> datetime:
    return datetime(2022, 9, day, hh, mm, tzinfo=HANOI)


def item(id_: int, start: datetime, minutes: int, title: str = "", **extra) -> Item:
    return Item(
        id=id_,
        position=id_,
        starts_at=start,
        duration_min=minutes,
        title=title or f"Mục {id_}",
        room=extra.pop("room", "Hội trường"),
        **extra,
    )


def speaker(id_: int, name: str, delegate_id: int | None = None) -> SpeakerEntry:
    return SpeakerEntry(id=id_, position=1, delegate_id=delegate_id, name=name)


def test_items_back_to_back_in_one_room_do_not_overlap():
    items = [item(1, at(8, 0), 30), item(2, at(8, 30), 30)]
    assert room_overlaps(items, DAY) == []


def test_items_overlapping_in_the_same_room_are_reported_with_both_times():
    items = [item(1, at(8, 0), 30, "Báo cáo"), item(2, at(8, 20), 30, "Tham luận")]
    [conflict] = room_overlaps(items, DAY)
    assert conflict.code == ROOM_OVERLAP and conflict.item_ids == (1, 2)
    assert conflict.message == (
        "“Báo cáo” (08h00) và “Tham luận” (08h20) trùng 10 phút tại Hội trường."
    )


def test_room_names_are_compared_ignoring_case_and_diacritics():
    items = [item(1, at(8, 0), 30, room="Hội trường"), item(2, at(8, 10), 10, room="hoi truong")]
    assert [c.code for c in room_overlaps(items, DAY)] == [ROOM_OVERLAP]


def test_items_at_once_in_different_rooms_are_fine():
    items = [item(1, at(8, 0), 30, room="Phòng 1"), item(2, at(8, 0), 30, room="Phòng 2")]
    assert room_overlaps(items, DAY) == []


def test_an_item_inside_another_overlaps_by_its_own_length():
    items = [item(1, at(8, 0), 60), item(2, at(8, 15), 10)]
    [conflict] = room_overlaps(items, DAY)
    assert conflict.params["minutes"] == 10


def test_the_same_delegate_speaking_in_two_rooms_at_once():
    thang = speaker(1, "Hoàng Cao Thắng", delegate_id=7)
    items = [
        item(1, at(8, 0), 30, room="Phòng 1", speakers=(thang,)),
        item(2, at(8, 15), 30, room="Phòng 2", speakers=(speaker(2, "Hoàng Cao Thắng", 7),)),
    ]
    [conflict] = speaker_overlaps(items, DAY)
    assert conflict.code == SPEAKER_OVERLAP and conflict.item_ids == (1, 2)
    assert conflict.message.startswith("Hoàng Cao Thắng cùng lúc trình bày ở “Mục 1” (08h00)")


def test_the_same_free_text_name_in_two_items_at_once_ignoring_case_and_marks():
    items = [
        item(1, at(8, 0), 30, room="A", speakers=(speaker(1, "Phan Thanh Huyền"),)),
        item(2, at(8, 0), 30, room="B", speakers=(speaker(2, "phan thanh huyen"),)),
    ]
    assert [c.code for c in speaker_overlaps(items, DAY)] == [SPEAKER_OVERLAP]


def test_two_different_delegates_sharing_a_name_are_two_people():
    items = [
        item(1, at(8, 0), 30, room="A", speakers=(speaker(1, "Nguyễn Văn An", 1),)),
        item(2, at(8, 0), 30, room="B", speakers=(speaker(2, "Nguyễn Văn An", 2),)),
    ]
    assert speaker_overlaps(items, DAY) == []


def test_a_speaker_in_two_items_one_after_the_other_is_fine():
    items = [
        item(1, at(8, 0), 30, speakers=(speaker(1, "Hoàng Cao Thắng", 7),)),
        item(2, at(8, 30), 30, speakers=(speaker(2, "Hoàng Cao Thắng", 7),)),
    ]
    assert speaker_overlaps(items, DAY) == []


def test_an_item_on_another_day_and_one_running_past_midnight():
    items = [item(1, at(8, 0, day=13), 30), item(2, at(23, 30), 60), item(3, at(9, 0), 30)]
    found = outside_the_day(items, DAY)
    assert [(c.code, c.item_ids) for c in found] == [(OTHER_DAY, (2,)), (OTHER_DAY, (1,))]
    assert found[1].message == (
        "“Mục 1” rơi vào ngày 13/9/2022, không phải ngày diễn ra hội nghị (12/9/2022)."
    )


def test_an_item_before_the_event_starts():
    [conflict] = outside_the_day([item(1, at(7, 0), 20)], DAY)
    assert conflict.code == BEFORE_START
    assert "07h00" in conflict.message and "07h30" in conflict.message


def test_an_item_ending_after_the_planned_end_is_an_overrun():
    items = [item(1, at(11, 0), 30), item(2, at(11, 20), 25, "Bế mạc")]
    [conflict] = overruns(items, DAY)
    assert conflict.code == OVERRUN and conflict.item_ids == (2,)
    assert conflict.message == (
        "“Bế mạc” kết thúc lúc 11h45, quá 15 phút so với giờ kết thúc dự kiến của hội nghị (11h30)."
    )


def test_gaps_after_the_start_and_between_items_are_information():
    items = [item(1, at(7, 45), 15), item(2, at(8, 0), 30), item(3, at(8, 40), 20)]
    found = gaps(items, DAY)
    assert [(c.code, c.item_ids, c.params["minutes"]) for c in found] == [
        (GAP, (1,), 15),
        (GAP, (2, 3), 10),
        (GAP, (3,), 150),  # the programme ends at 09h00, the event at 11h30
    ]
    assert all(c.severity == "info" for c in found)
    assert found[1].message == "10 phút không có nội dung, từ 08h30 đến 08h40."


def test_no_gap_where_a_long_item_covers_a_short_one():
    items = [
        item(1, at(7, 30), 60, room="A"),
        item(2, at(7, 40), 10, room="B"),
        item(3, at(8, 30), 180, room="A"),
    ]
    assert gaps(items, DAY) == []


def test_a_clean_programme_has_no_conflicts_and_each_is_shown_beside_its_items():
    clean = [item(1, at(7, 30), 60), item(2, at(8, 30), 180)]
    assert find_conflicts(clean, DAY) == []
    clash = [item(1, at(7, 30), 60), item(2, at(8, 0), 60)]
    beside = by_item(find_conflicts(clash, DAY))
    assert [c.code for c in beside[1]] == [ROOM_OVERLAP]
    assert [c.code for c in beside[2]] == [ROOM_OVERLAP, GAP]


def test_messages_follow_the_language_of_the_page():
    from conference.i18n import set_locale

    set_locale("en")
    [conflict] = room_overlaps([item(1, at(8, 0), 30), item(2, at(8, 0), 30)], DAY)
    assert conflict.message.startswith("“Mục 1” (08h00) and “Mục 2” (08h00) overlap by 30 min")


def test_an_event_in_utc_plus_7_is_judged_in_its_own_zone_whatever_the_input_zone():
    # 01:00 UTC is 08:00 in Hanoi: inside the day, not before its start.
    utc_item = item(1, datetime(2022, 9, 12, 1, 0, tzinfo=ZoneInfo("UTC")), 30)
    assert outside_the_day([utc_item], DAY) == []
    # 23:30 UTC on the 11th is 06:30 on the 12th in Hanoi: before the start, not another day.
    early = item(2, datetime(2022, 9, 11, 23, 30, tzinfo=ZoneInfo("UTC")), 30)
    assert [c.code for c in outside_the_day([early], DAY)] == [BEFORE_START]
