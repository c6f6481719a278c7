"""The arrivals page exports who came, when and at which desk, as CSV and as Excel."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import openpyxl
import pytest

from conference import auth
from conference.tables import Delegate, Role
from tests.conftest import log_in
from tests.invitations.helpers import make_event

EXPORT = "/events/hn-2022/arrivals/export"
HEADERS = [
    "Giờ đến",
    "Danh xưng",
    "Họ và tên",
    "Chức vụ",
    "Đơn vị",
    "Nhóm",
    "Ghế",
    "Bàn đón",
    "Mã",
    "Người dự thay",
]


@pytest.fixture
async def organizer(client, sample_password):
    await auth.create_user("btc", sample_password, Role.organizer)
    await log_in(client, "btc", sample_password)
    return client


@pytest.fixture
async def arrived(db) -> None:
    """Three of the five came: Đức first at Bàn 2, then Lệ, then Thắng at Bàn 1."""
    _, ids = await make_event()
    for index, at, desk, seat in (
        (2, datetime(2022, 9, 12, 0, 31, 5, tzinfo=UTC), "Bàn 2", "F1"),
        (0, datetime(2022, 9, 12, 0, 47, tzinfo=UTC), "Bàn 1", "A1"),
        (1, datetime(2022, 9, 12, 1, 2, tzinfo=UTC), "Bàn 1", ""),
    ):
        await Delegate.update(
            {Delegate.checked_in_at: at, Delegate.checked_in_desk: desk, Delegate.seat: seat}
        ).where(Delegate.id == ids[index])
    await Delegate.update({Delegate.code: "LD001"}).where(Delegate.id == ids[0])


EXPECTED = [
    [datetime(2022, 9, 12, 7, 31, 5), "Ông", "Đặng Văn Đức", "", "Công ty Xây dựng số 1",
     "Đại biểu", "F1", "Bàn 2", "", ""],
    [datetime(2022, 9, 12, 7, 47), "Bà", "Nguyễn Thị Thủy Lệ",
     "Chủ tịch Công đoàn Xây dựng Việt Nam", "Bộ Xây dựng", "Lãnh đạo", "A1", "Bàn 1", "LD001", ""],
    [datetime(2022, 9, 12, 8, 2), "Ông", "Hoàng Cao Thắng",
     "Phó Bí thư Đảng ủy, Phó Giám đốc Sở Xây dựng Hà Nội", "Sở Xây dựng Hà Nội", "Lãnh đạo",
     "", "Bàn 1", "", ""],
]  # fmt: skip


async def test_the_arrivals_csv_lists_who_came_when_and_at_which_desk_in_order(organizer, arrived):
    response = await organizer.get(EXPORT + ".csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "dai-bieu-da-den-hn-2022.csv" in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    assert rows[0] == HEADERS
    times = ["12/9/2022 07:31:05", "12/9/2022 07:47", "12/9/2022 08:02"]
    assert rows[1:] == [[t, *row[1:]] for t, row in zip(times, EXPECTED, strict=True)]


async def test_the_arrivals_workbook_holds_the_times_as_date_cells(organizer, arrived):
    response = await organizer.get(EXPORT + ".xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet.title == "Đại biểu đã đến"
    rows = list(sheet.iter_rows())
    assert [c.value for c in rows[0]] == HEADERS
    assert len(rows) == 1 + len(EXPECTED)
    for row, expected in zip(rows[1:], EXPECTED, strict=True):
        assert row[0].is_date and row[0].number_format == "d/m/yyyy hh:mm"
        assert [c.value if c.value is not None else "" for c in row] == expected


async def test_no_arrival_yet_exports_the_header_alone(organizer, db):
    await make_event()
    data = (await organizer.get(EXPORT + ".csv")).content
    assert list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))) == [HEADERS]
    sheet = openpyxl.load_workbook(io.BytesIO((await organizer.get(EXPORT + ".xlsx")).content))
    assert [[c.value for c in r] for r in sheet.active.iter_rows()] == [HEADERS]


async def test_the_arrivals_page_links_its_exports(organizer, arrived):
    page = await organizer.get("/events/hn-2022/arrivals/")
    assert f'href="{EXPORT}.xlsx" data-export="xlsx"' in page.text
    assert f'href="{EXPORT}.csv" data-export="csv"' in page.text
