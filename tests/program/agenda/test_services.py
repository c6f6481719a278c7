"""The programme's services on SQLite and PostgreSQL: items, shifting, speakers, draft and final."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from conference import auth
from conference.errors import Conflict, FormErrors, InvalidInput, NotFound
from conference.events import get_event
from conference.invitations import DelegateInput, add_delegates
from conference.program.agenda import services
from conference.program.agenda.items import Day
from conference.program.agenda.schemas import (
    ItemInput,
    SpeakerInput,
    parse_item_form,
    parse_shift,
    parse_speaker_form,
)
from conference.tables import AuditEntry, Delegate, DelegateSource, Event, ProgrammeItem, Role

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def at(hh: int, mm: int) -> datetime:
    return datetime(2022, 9, 12, hh, mm, tzinfo=HANOI)


@pytest.fixture
async def event(db) -> dict:
    row = Event(
        slug="hn-2022",
        title="Hội nghị tổng kết",
        venue="Hội trường tầng 3",
        date=date(2022, 9, 12),
        starts_at=time(7, 30),
        ends_at=time(11, 30),
    )
    await row.save()
    event = await get_event("hn-2022")
    event["delegates"] = await add_delegates(
        row.id,
        [
            DelegateInput(
                full_name="Đặng Văn Đức", honorific="Ông", protocol_rank=5, position="Giám đốc"
            ),
            DelegateInput(
                full_name="Nguyễn Thị Thủy Lệ",
                honorific="Bà",
                protocol_rank=1,
                position="Chủ tịch Công đoàn Xây dựng Việt Nam",
            ),
            DelegateInput(
                full_name="Hoàng Cao Thắng",
                honorific="Ông",
                protocol_rank=2,
                position="Phó Giám đốc Sở Xây dựng Hà Nội",
            ),
        ],
        source=DelegateSource.manual,
    )
    return event


async def add(event: dict, hh: int, mm: int, minutes: int, title: str, **extra) -> int:
    return await services.create_item(
        event["id"], ItemInput(title=title, starts_at=at(hh, mm), duration_min=minutes, **extra)
    )


async def starts(event: dict) -> dict[str, str]:
    programme = await services.load_programme(event)
    return {i.title: f"{programme.day.local(i.starts_at):%H:%M}" for i in programme.items}


# ------------------------------------------------------------------ the item form


def test_the_form_takes_a_local_time_on_the_events_day():
    day = Day.of(
        {
            "date": date(2022, 9, 12),
            "starts_at": time(7, 30),
            "ends_at": time(11, 30),
            "timezone": "Asia/Ho_Chi_Minh",
        }
    )
    data = parse_item_form({"title": " Báo  cáo ", "starts_at": "8h30", "duration_min": "30"}, day)
    assert data.title == "Báo cáo" and data.duration_min == 30
    assert data.starts_at == datetime(2022, 9, 12, 1, 30, tzinfo=UTC)  # 08h30 in Hanoi
    by_end = parse_item_form({"title": "x", "starts_at": "08:30", "ends_at": "09:15"}, day)
    assert by_end.duration_min == 45
    other_day = parse_item_form(
        {"title": "x", "starts_at": "08:30", "duration_min": "5", "date": "13/9/2022"}, day
    )
    assert other_day.starts_at.astimezone(HANOI).date() == date(2022, 9, 13)


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"title": "", "starts_at": "08:00", "duration_min": "10"}, "title"),
        ({"title": "x", "starts_at": "25:00", "duration_min": "10"}, "starts_at"),
        ({"title": "x", "starts_at": "08:00", "duration_min": "0"}, "duration_min"),
        ({"title": "x", "starts_at": "08:00", "duration_min": "-15"}, "duration_min"),
        ({"title": "x", "starts_at": "08:00", "duration_min": "many"}, "duration_min"),
        ({"title": "x", "starts_at": "08:00", "duration_min": "900"}, "duration_min"),
        ({"title": "x", "starts_at": "09:00", "ends_at": "08:30"}, "ends_at"),
        ({"title": "x", "starts_at": "09:00", "ends_at": "09:00"}, "ends_at"),
        ({"title": "x", "starts_at": "09:00", "duration_min": "5", "kind": "party"}, "kind"),
        ({"title": "x", "starts_at": "09:00", "duration_min": "5", "room": "p" * 101}, "room"),
        ({"title": "x", "starts_at": "09:00", "duration_min": "5", "date": "32/9/2022"}, "date"),
    ],
)
def test_bad_item_forms_name_the_field(form, field):
    day = Day.of(
        {
            "date": date(2022, 9, 12),
            "starts_at": time(7, 30),
            "ends_at": time(11, 30),
            "timezone": "Asia/Ho_Chi_Minh",
        }
    )
    with pytest.raises(FormErrors) as raised:
        parse_item_form(form, day)
    assert field in raised.value.fields


def test_a_shift_is_a_non_zero_number_of_minutes():
    assert parse_shift("-15") == timedelta(minutes=-15)
    for bad in ("0", "", "soon", "5000"):
        with pytest.raises(InvalidInput):
            parse_shift(bad)


def test_a_speaker_needs_a_delegate_or_a_name():
    with pytest.raises(FormErrors):
        parse_speaker_form({"role": "báo cáo"})
    assert parse_speaker_form({"name": " Phan  Thanh Huyền "}).name == "Phan Thanh Huyền"


# ------------------------------------------------------------------ items


async def test_items_are_stored_as_instants_and_read_in_programme_order(event):
    await add(event, 9, 0, 15, "Tham luận")
    await add(event, 8, 0, 30, "Khai mạc", kind="opening")
    await add(event, 8, 30, 30, "Báo cáo", kind="report")
    programme = await services.load_programme(event)
    assert [i.title for i in programme.items] == ["Khai mạc", "Báo cáo", "Tham luận"]
    assert programme.items[0].starts_at == datetime(2022, 9, 12, 1, 0, tzinfo=UTC)
    assert programme.items[0].ends_at == at(8, 30)


async def test_an_item_on_another_day_is_saved_and_shown_as_a_conflict(event):
    item_id = await services.create_item(
        event["id"],
        ItemInput(title="Tham quan", starts_at=at(8, 0) + timedelta(days=1), duration_min=60),
    )
    programme = await services.load_programme(event)
    assert [c.code for c in programme.conflicts_by_item[item_id]] == ["other_day"]


async def test_shifting_moves_the_item_and_everything_after_it_only(event):
    await add(event, 8, 0, 30, "Khai mạc")
    report = await add(event, 8, 30, 30, "Báo cáo")
    await add(event, 9, 0, 15, "Tham luận")
    await add(event, 9, 15, 15, "Nghỉ giải lao")
    await services.mark_item_started(event["id"], report, at(8, 32))
    moved = await services.shift_from(event["id"], report, timedelta(minutes=10))
    assert moved == 3
    assert await starts(event) == {
        "Khai mạc": "08:00",
        "Báo cáo": "08:40",
        "Tham luận": "09:10",
        "Nghỉ giải lao": "09:25",
    }
    row = await ProgrammeItem.select().where(ProgrammeItem.id == report).first()
    assert row["actual_start"] == at(8, 32)  # what happened stays as it happened
    await services.shift_from(event["id"], report, timedelta(minutes=-25))
    assert (await starts(event))["Báo cáo"] == "08:15"
    programme = await services.load_programme(event)
    assert "room_overlap" in [c.code for c in programme.conflicts]


async def test_shifting_the_first_item_of_several_at_the_same_time_moves_them_all(event):
    first = await add(event, 8, 0, 30, "Phòng A", room="A")
    await add(event, 8, 0, 30, "Phòng B", room="B")
    await add(event, 7, 30, 30, "Đón tiếp")
    await services.shift_from(event["id"], first, timedelta(minutes=5))
    assert await starts(event) == {"Đón tiếp": "07:30", "Phòng A": "08:05", "Phòng B": "08:05"}


async def test_shifting_makes_two_queries_and_one_update_for_200_items(event, monkeypatch):
    ids = [await add(event, 7, 30, 1, f"Mục {n}") for n in range(3)]
    await ProgrammeItem.insert(
        *[
            ProgrammeItem(
                event=event["id"],
                position=10 + n,
                starts_at=at(8, 0) + timedelta(minutes=n),
                duration_min=1,
                title=f"Mục {n + 10}",
            )
            for n in range(197)
        ]
    )
    queries = _count_queries(monkeypatch)
    assert await services.shift_from(event["id"], ids[0], timedelta(minutes=1)) == 200
    assert len([q for q in queries if "audit" not in q]) == 3, queries


async def test_moving_an_item_up_swaps_it_with_the_one_before_keeping_the_day(event):
    await add(event, 8, 0, 30, "Khai mạc")
    first = await add(event, 8, 30, 30, "Báo cáo")
    second = await add(event, 9, 5, 15, "Tham luận")  # after a 5-minute gap
    await add(event, 9, 20, 10, "Bế mạc")
    await services.move_item(event["id"], second, "up")
    assert await starts(event) == {
        "Khai mạc": "08:00",
        "Tham luận": "08:30",
        "Báo cáo": "08:50",
        "Bế mạc": "09:20",
    }
    await services.move_item(event["id"], first, "down")
    assert list(await starts(event)) == ["Khai mạc", "Tham luận", "Bế mạc", "Báo cáo"]


async def test_duplicating_copies_the_speakers_and_starts_where_the_original_ends(event):
    original = await add(event, 8, 30, 20, "Phát biểu", kind="directive", room="Hội trường")
    await services.add_speaker(
        event["id"], original, SpeakerInput(delegate_id=event["delegates"][2], role="phát biểu")
    )
    await add(event, 8, 50, 10, "Tham luận")
    copy = await services.duplicate_item(event["id"], original)
    programme = await services.load_programme(event)
    assert [i.title for i in programme.items] == ["Phát biểu", "Phát biểu", "Tham luận"]
    twin = programme.by_id[copy]
    assert twin.starts_at == at(8, 50) and twin.duration_min == 20 and twin.kind == "directive"
    assert [s.name for s in twin.speakers] == ["Hoàng Cao Thắng"]
    assert twin.actual_start is None


async def test_missing_items_and_items_of_other_events_are_not_found(event):
    other = Event(
        slug="khac", title="Khác", date=date(2022, 9, 12), starts_at=time(8, 0), ends_at=time(9, 0)
    )
    await other.save()
    foreign = await services.create_item(
        other.id, ItemInput(title="Khác", starts_at=at(8, 0), duration_min=5)
    )
    for call in (
        services.get_item(event["id"], foreign),
        services.delete_item(event["id"], foreign),
        services.shift_from(event["id"], foreign, timedelta(minutes=5)),
        services.move_item(event["id"], 999_999, "up"),
    ):
        with pytest.raises(NotFound):
            await call


# ------------------------------------------------------------------ speakers


async def test_speakers_go_in_protocol_order_presiding_panel_first(event):
    duc, le, thang = event["delegates"]
    item_id = await add(event, 8, 0, 30, "Khai mạc")
    await services.add_speaker(
        event["id"], item_id, SpeakerInput(name="Phan Thanh Huyền", role="dẫn chương trình")
    )
    await services.add_speaker(
        event["id"], item_id, SpeakerInput(delegate_id=duc, role="phát biểu")
    )
    await services.add_speaker(event["id"], item_id, SpeakerInput(delegate_id=le, role="phát biểu"))
    await services.add_speaker(
        event["id"], item_id, SpeakerInput(delegate_id=thang, role="chủ trì")
    )
    names = [s.name for s in await services.item_speakers(event["id"], item_id)]
    assert names == ["Hoàng Cao Thắng", "Nguyễn Thị Thủy Lệ", "Đặng Văn Đức", "Phan Thanh Huyền"]


async def test_speakers_can_be_reordered_by_hand_and_sorted_back(event):
    duc, le, _ = event["delegates"]
    item_id = await add(event, 8, 0, 30, "Phát biểu")
    await services.add_speaker(event["id"], item_id, SpeakerInput(delegate_id=duc))
    second = await services.add_speaker(event["id"], item_id, SpeakerInput(delegate_id=le))
    await services.move_speaker(event["id"], second, "down")
    by_hand = await services.item_speakers(event["id"], item_id)
    assert [s.name for s in by_hand] == ["Đặng Văn Đức", "Nguyễn Thị Thủy Lệ"]
    await services.sort_speakers(event["id"], item_id)
    speakers = await services.item_speakers(event["id"], item_id)
    assert [s.name for s in speakers] == ["Nguyễn Thị Thủy Lệ", "Đặng Văn Đức"]
    assert [s.position for s in speakers] == [1, 2]


async def test_a_linked_speaker_shows_the_delegate_record_and_arrival(event):
    _, _, thang = event["delegates"]
    item_id = await add(event, 8, 0, 30, "Phát biểu")
    await services.add_speaker(
        event["id"], item_id, SpeakerInput(delegate_id=thang, role="chủ trì")
    )
    await Delegate.update(
        {Delegate.position: "Giám đốc Sở Xây dựng Hà Nội", Delegate.checked_in_at: at(7, 41)}
    ).where(Delegate.id == thang)
    [speaker] = (await services.load_programme(event)).items[0].speakers
    assert speaker.display_name == "Ông Hoàng Cao Thắng"
    assert speaker.title == "Giám đốc Sở Xây dựng Hà Nội"
    assert speaker.arrived_at == at(7, 41) and speaker.presiding
    [outline] = await services.programme_outline(event["id"])  # what invitations show
    assert outline.speakers == [
        {
            "name": "Hoàng Cao Thắng",
            "title": "Giám đốc Sở Xây dựng Hà Nội",
            "role": "chủ trì",
            "delegate": thang,
        }
    ]


async def test_a_speaker_deleted_from_the_delegate_list_keeps_a_readable_name(event):
    _, le, _ = event["delegates"]
    item_id = await add(event, 8, 0, 30, "Phát biểu")
    await services.add_speaker(event["id"], item_id, SpeakerInput(delegate_id=le, role="báo cáo"))
    await Delegate.delete().where(Delegate.id == le)
    [speaker] = (await services.load_programme(event)).items[0].speakers
    assert speaker.delegate_id is None
    assert speaker.name == "Nguyễn Thị Thủy Lệ"
    assert speaker.title == "Chủ tịch Công đoàn Xây dựng Việt Nam"


async def test_a_delegate_of_another_event_cannot_be_a_speaker(event):
    other = Event(
        slug="khac", title="Khác", date=date(2022, 9, 12), starts_at=time(8, 0), ends_at=time(9, 0)
    )
    await other.save()
    [stranger] = await add_delegates(
        other.id, [DelegateInput(full_name="Người Lạ")], source=DelegateSource.manual
    )
    item_id = await add(event, 8, 0, 30, "Phát biểu")
    with pytest.raises(NotFound):
        await services.add_speaker(event["id"], item_id, SpeakerInput(delegate_id=stranger))


async def test_delegates_are_found_without_diacritics_in_protocol_order(event):
    found = await services.speaker_choices(event["id"], "THANG")
    assert [d["full_name"] for d in found] == ["Hoàng Cao Thắng"]
    both = await services.speaker_choices(event["id"], "giam doc")
    assert [d["full_name"] for d in both] == ["Hoàng Cao Thắng", "Đặng Văn Đức"]
    assert await services.speaker_choices(event["id"], "  ") == []


# ------------------------------------------------------------------ draft and final


async def test_a_final_programme_records_who_and_when_and_keeps_its_plan(event, sample_password):
    organizer = await auth.create_user(
        "btc", sample_password, Role.organizer, display_name="Ban tổ chức"
    )
    item_id = await add(event, 8, 0, 30, "Khai mạc")
    await services.mark_final(event["id"], by=organizer)
    programme = await services.load_programme(await get_event("hn-2022"))
    assert programme.is_final and programme.final_by == "Ban tổ chức"
    assert datetime.now(UTC) - programme.final_at < timedelta(minutes=1)
    for change in (
        services.create_item(event["id"], ItemInput(title="x", starts_at=at(9, 0), duration_min=5)),
        services.shift_from(event["id"], item_id, timedelta(minutes=5)),
        services.delete_item(event["id"], item_id),
        services.add_speaker(event["id"], item_id, SpeakerInput(name="Ai đó")),
    ):
        with pytest.raises(Conflict) as refused:
            await change
        assert refused.value.code == "programme_final"
    with pytest.raises(Conflict) as refused:
        await services.mark_final(event["id"], by=organizer)
    assert refused.value.code == "programme_already_final"
    # What happens on the day is still recorded.
    assert await services.mark_item_started(event["id"], item_id, at(8, 3), by=organizer)
    await services.mark_draft(event["id"], by=organizer)
    assert not (await services.load_programme(await get_event("hn-2022"))).is_final
    await services.shift_from(event["id"], item_id, timedelta(minutes=5))
    actions = [r["action"] for r in await AuditEntry.select(AuditEntry.action)]
    assert {"programme.final", "programme.draft", "programme.item.start", "programme.shift"} <= set(
        actions
    )


async def test_an_items_start_is_recorded_once_and_its_end_may_be_corrected(event):
    item_id = await add(event, 8, 0, 30, "Khai mạc")
    assert await services.mark_item_started(event["id"], item_id, at(8, 4))
    assert not await services.mark_item_started(event["id"], item_id, at(8, 9))
    assert await services.mark_item_ended(event["id"], item_id, at(8, 30))
    assert await services.mark_item_ended(event["id"], item_id, at(8, 36))
    row = await services.get_item(event["id"], item_id)
    assert (row["actual_start"], row["actual_end"]) == (at(8, 4), at(8, 36))
    assert not await services.mark_item_ended(event["id"], item_id, at(8, 3))  # before its start
    assert (await services.get_item(event["id"], item_id))["actual_end"] == at(8, 36)
    with pytest.raises(InvalidInput) as refused:
        await services.set_actual_times(event["id"], item_id, at(8, 40), at(8, 30))
    assert refused.value.code == "end_before_start"
    await services.set_actual_times(event["id"], item_id, None, None)
    row = await services.get_item(event["id"], item_id)
    assert row["actual_start"] is None and row["actual_end"] is None


async def test_the_outline_for_invitations_carries_live_delays(event):
    first = await add(event, 8, 0, 30, "Khai mạc")
    await add(event, 8, 30, 30, "Báo cáo")
    await services.mark_item_started(event["id"], first, at(8, 12))
    outline = await services.programme_outline(event["id"])
    assert outline[0].expected_start is None  # under way: its start is known
    assert outline[1].expected_start == at(8, 42) and outline[1].delay_min == 12
    assert outline[1].starts_at == at(8, 30)


# ------------------------------------------------------------------ a big day


def _count_queries(monkeypatch) -> list[str]:
    queries: list[str] = []
    engine_class = type(ProgrammeItem._meta.db)
    original = engine_class.run_querystring

    async def counting(self, querystring, in_pool=True):
        queries.append(str(querystring))
        return await original(self, querystring, in_pool=in_pool)

    monkeypatch.setattr(engine_class, "run_querystring", counting)
    return queries


async def test_200_items_load_in_four_queries_with_their_conflicts(event, monkeypatch):
    duc = event["delegates"][0]
    await ProgrammeItem.insert(
        *[
            ProgrammeItem(
                event=event["id"],
                position=n,
                starts_at=at(7, 30) + timedelta(minutes=n),
                duration_min=2,
                title=f"Mục {n}",
                room="Hội trường",
            )
            for n in range(200)
        ]
    )
    ids = [r["id"] for r in await ProgrammeItem.select(ProgrammeItem.id).limit(5)]
    for item_id in ids:
        await services.add_speaker(event["id"], item_id, SpeakerInput(delegate_id=duc))
    queries = _count_queries(monkeypatch)
    programme = await services.load_programme(event)
    assert len(queries) <= 4, queries
    assert len(programme.items) == 200
    assert sum(c.code == "room_overlap" for c in programme.conflicts) == 199
    assert sum(c.code == "speaker_overlap" for c in programme.conflicts) == 4
