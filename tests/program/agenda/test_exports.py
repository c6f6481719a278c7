"""Exports: frab JSON valid against its schema (tests/data), iCalendar read back, CSV; UTC+7."""

from __future__ import annotations

import csv
import io
import json
import time as clock
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import jsonschema
import pytest
from icalendar import Calendar

from conference import auth
from conference.events import get_event
from conference.invitations import DelegateInput, add_delegates
from conference.program.agenda import services
from conference.program.agenda.schemas import ItemInput, SpeakerInput
from conference.spreadsheets import read_rows
from conference.tables import DelegateSource, Event, Role
from tests.conftest import log_in

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
SCHEMA_PATH = Path(__file__).resolve().parents[2] / "data" / "frab-schedule.schema.json"


def at(hh: int, mm: int) -> datetime:
    return datetime(2022, 9, 12, hh, mm, tzinfo=HANOI)


@pytest.fixture
def server_in_another_zone(monkeypatch):
    """The server's own zone must not matter: run as if the machine were in Kiribati (UTC+14)."""
    monkeypatch.setenv("TZ", "Pacific/Kiritimati")
    clock.tzset()
    yield
    monkeypatch.undo()
    clock.tzset()


@pytest.fixture
async def event(db) -> dict:
    row = Event(
        slug="dang-uy-2022",
        title="Hội nghị Đảng ủy",
        venue="Hội trường tầng 3",
        address="52 Lê Đại Hành, Hà Nội",
        date=date(2022, 9, 12),
        starts_at=time(8, 0),
        ends_at=time(9, 30),
    )
    await row.save()
    [thang] = await add_delegates(
        row.id,
        [
            DelegateInput(
                full_name="Hoàng Cao Thắng",
                honorific="Ông",
                position="Phó Giám đốc Sở Xây dựng Hà Nội",
                protocol_rank=1,
            )
        ],
        source=DelegateSource.manual,
    )
    items = {}
    for hh, mm, minutes, title, kind in [
        (8, 0, 10, "Tuyên bố lý do, giới thiệu đại biểu", "opening"),
        (8, 10, 30, "Phát biểu chỉ đạo của Đảng ủy", "directive"),
        (8, 40, 15, "Nghỉ giải lao", "break"),
        (8, 55, 35, "Trao Bằng khen <b>xuất sắc</b>", "awards"),
    ]:
        items[kind] = await services.create_item(
            row.id, ItemInput(title=title, starts_at=at(hh, mm), duration_min=minutes, kind=kind)
        )
    await services.add_speaker(
        row.id, items["directive"], SpeakerInput(delegate_id=thang, role="phát biểu chỉ đạo")
    )
    await services.add_speaker(
        row.id, items["opening"], SpeakerInput(name="Phan Thanh Huyền", role="dẫn chương trình")
    )
    event = await get_event("dang-uy-2022")
    event["items"] = items
    return event


def _schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text())


async def test_program_json_is_valid_frab_with_every_kind_and_folded_slugs(
    client, event, server_in_another_zone
):
    response = await client.get("/api/events/dang-uy-2022/program.json")  # no login: public
    assert response.status_code == 200
    data = response.json()
    jsonschema.validate(data, _schema(), cls=jsonschema.Draft6Validator)
    conference = data["schedule"]["conference"]
    assert conference["acronym"] == "dang_uy_2022"
    assert conference["time_zone_name"] == "Asia/Ho_Chi_Minh"
    [day] = conference["days"]
    assert day["date"] == "2022-09-12" and day["day_start"] == "2022-09-12T08:00:00+07:00"
    talks = day["rooms"]["Hội trường tầng 3"]
    assert [t["type"] for t in talks] == ["opening", "directive", "break", "awards"]
    directive = talks[1]
    assert directive["date"] == "2022-09-12T08:10:00+07:00" and directive["start"] == "08:10"
    assert directive["duration"] == "00:30" and directive["end"] == "2022-09-12T08:40:00+07:00"
    assert (
        directive["slug"]
        == f"dang-uy-2022-{event['items']['directive']}-phat-bieu-chi-dao-cua-dang-uy"
    )
    assert directive["persons"][0]["name"] == "Ông Hoàng Cao Thắng"
    assert talks[3]["title"] == "Trao Bằng khen <b>xuất sắc</b>"  # data, not markup
    assert data["schedule"]["version"] == "draft"
    assert conference["meta"]["status"] == "draft"


async def test_program_json_carries_live_delays_and_the_final_mark(client, event, sample_password):
    organizer = await auth.create_user("btc", sample_password, Role.organizer)
    await services.mark_item_started(event["id"], event["items"]["opening"], at(8, 7))
    await services.mark_final(event["id"], by=organizer)
    data = (await client.get("/api/events/dang-uy-2022/program.json")).json()
    jsonschema.validate(data, _schema(), cls=jsonschema.Draft6Validator)
    live = data["schedule"]["conference"]["meta"]["live"]
    directive = live[str(event["items"]["directive"])]
    assert directive["delay_min"] == 7
    assert directive["expected_start"] == "2022-09-12T08:17:00+07:00"
    assert data["schedule"]["version"].startswith("final ")
    # The plan itself is unchanged.
    talks = data["schedule"]["conference"]["days"][0]["rooms"]["Hội trường tầng 3"]
    assert talks[1]["start"] == "08:10"


def _events(ics: bytes) -> list:
    calendar = Calendar.from_ical(ics)
    return [c for c in calendar.walk() if c.name == "VEVENT"]


async def test_program_ics_parses_back_in_the_events_zone(client, event, server_in_another_zone):
    response = await client.get("/api/events/dang-uy-2022/program.ics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Asia/Ho_Chi_Minh"]
    events = _events(response.content)
    assert [str(e["SUMMARY"]) for e in events] == [
        "Tuyên bố lý do, giới thiệu đại biểu",
        "Phát biểu chỉ đạo của Đảng ủy",
        "Nghỉ giải lao",
        "Trao Bằng khen <b>xuất sắc</b>",
    ]
    start = events[1].decoded("DTSTART")
    assert start == at(8, 10) and start.utcoffset() == timedelta(hours=7)
    assert "TZID=Asia/Ho_Chi_Minh" in response.text
    assert events[1].decoded("DTEND") == at(8, 40)
    assert "Ông Hoàng Cao Thắng" in str(events[1]["DESCRIPTION"])
    assert str(events[1]["LOCATION"]) == "Hội trường tầng 3, 52 Lê Đại Hành, Hà Nội"
    assert str(events[1]["STATUS"]) == "TENTATIVE"
    assert len({str(e["UID"]) for e in events}) == 4


async def test_one_item_as_ics(client, event):
    item_id = event["items"]["break"]
    response = await client.get(f"/api/events/dang-uy-2022/program/{item_id}.ics")
    assert response.status_code == 200
    [only] = _events(response.content)
    assert str(only["SUMMARY"]) == "Nghỉ giải lao"
    assert only.decoded("DTSTART") == at(8, 40)
    assert "attachment" in response.headers["content-disposition"]
    for missing in (f"{item_id}.pdf", "999999.ics", "abc.ics"):
        answer = await client.get(f"/api/events/dang-uy-2022/program/{missing}")
        assert answer.status_code == 404


async def test_an_unknown_event_has_no_programme(client, db):
    assert (await client.get("/api/events/khong-co/program.json")).status_code == 404


async def test_csv_export_for_organizers_with_formulas_neutralized(client, event, sample_password):
    await services.create_item(
        event["id"], ItemInput(title='=HYPERLINK("http://x")', starts_at=at(9, 30), duration_min=5)
    )
    assert (await client.get("/api/events/dang-uy-2022/program.csv")).status_code == 401
    await auth.create_user("btc", sample_password, Role.organizer)
    await log_in(client, "btc", sample_password)
    response = await client.get("/api/events/dang-uy-2022/program.csv")
    assert response.status_code == 200
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["STT", "Bắt đầu", "Kết thúc", "Thời lượng (phút)", "Nội dung"]
    assert rows[2][1:5] == ["08:10", "08:40", "30", "Phát biểu chỉ đạo của Đảng ủy"]
    assert rows[2][5] == "Phát biểu chỉ đạo"
    assert rows[2][7] == "Ông Hoàng Cao Thắng (phát biểu chỉ đạo)"
    assert rows[5][4] == '\'=HYPERLINK("http://x")'


async def test_the_programme_csv_guards_cells_as_the_delegate_list_does(
    client, event, sample_password
):
    # A quote before a formula gets one more, as in every export, so the file reads back.
    await services.create_item(
        event["id"], ItemInput(title="'=1+1 tiết mục", starts_at=at(9, 30), duration_min=5)
    )
    await auth.create_user("btc", sample_password, Role.organizer)
    await log_in(client, "btc", sample_password)
    response = await client.get("/api/events/dang-uy-2022/program.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[5][4] == "''=1+1 tiết mục"
    assert read_rows("chuong-trinh.csv", response.content).rows[4].cells[4] == "'=1+1 tiết mục"


async def test_the_demo_programme_exports_validly(client, db):
    from conference import demo

    await demo.load()
    data = (await client.get("/api/events/nguoi-tot-viec-tot-2022/program.json")).json()
    jsonschema.validate(data, _schema(), cls=jsonschema.Draft6Validator)
    talks = data["schedule"]["conference"]["days"][0]["rooms"]["Hội trường tầng 3"]
    assert len(talks) == 12 and talks[0]["start"] == "07:30"
    assert {"break", "awards", "photo", "performance"} <= {t["type"] for t in talks}
    assert (
        len(_events((await client.get("/api/events/nguoi-tot-viec-tot-2022/program.ics")).content))
        == 12
    )
    assert datetime.now(UTC)  # the server's clock is never read as local time
