"""Exports are what you see: the list page's filters and order, every row, real date cells."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import UTC, datetime

import openpyxl
import pytest

from conference import auth
from conference.invitations.services import (
    LIST_LIMIT,
    PAGE_SIZE,
    DelegateInput,
    add_delegates,
)
from conference.tables import Delegate, DelegateSource, InvitationDelivery, Role, Rsvp
from tests.conftest import log_in
from tests.invitations.test_import import csv_file, import_file, make_event

SLUG = "nguoi-tot-viec-tot-2022"
LIST = f"/events/{SLUG}/delegates/"
HEADERS = [
    "Mã", "Danh xưng", "Họ và tên", "Chức vụ", "Đơn vị", "Email", "Điện thoại", "Nhóm",
    "Thứ tự", "Ghế", "Ghi chú", "Phản hồi (chỉ đọc)", "Giấy mời (chỉ đọc)", "Giờ đến (chỉ đọc)",
]  # fmt: skip
RSVP = {"pending": "Chưa trả lời", "accepted": "Nhận lời", "declined": "Từ chối"}
LD001_ARRIVED = datetime(2022, 9, 12, 0, 47, tzinfo=UTC)  # 07:47 in Hà Nội
KT004_ARRIVED = datetime(2022, 9, 12, 1, 5, 30, tzinfo=UTC)  # 08:05:30


@pytest.fixture
async def organizer(client, sample_password):
    await auth.create_user("btc", sample_password, Role.organizer)
    await log_in(client, "btc", sample_password)
    return client


async def deliver(code: str, state: str) -> None:
    delegate = await Delegate.select().where(Delegate.code == code).first()
    await InvitationDelivery(
        event=delegate["event"],
        delegate=delegate["id"],
        token=delegate["token"],
        recipient=delegate["email"],
        state=state,
    ).save()


@pytest.fixture
async def event_id(db) -> int:
    """The ten delegates of the file, two walk-ins, and every state the filters tell apart."""
    event_id = await make_event()
    await import_file(event_id, csv_file())
    await add_delegates(
        event_id,
        [
            DelegateInput(full_name="Phan Thanh Huyền", group="Báo chí"),
            DelegateInput(full_name="Phan Thanh Huyền", organization="Đài Hà Nội"),
        ],
        source=DelegateSource.walk_in,
    )
    await Delegate.update({Delegate.rsvp: Rsvp.accepted}).where(Delegate.code == "LD002")
    await Delegate.update({Delegate.rsvp: Rsvp.declined}).where(Delegate.code == "LD003")
    await Delegate.update({Delegate.rsvp_note: "Xin phép vắng"}).where(Delegate.code == "LD003")
    await Delegate.update({Delegate.revoked_at: datetime.now(UTC)}).where(Delegate.code == "KM001")
    for code, at in (("LD001", LD001_ARRIVED), ("KT004", KT004_ARRIVED)):
        await Delegate.update(
            {Delegate.checked_in_at: at, Delegate.checked_in_desk: "Bàn 1"}
        ).where(Delegate.code == code)
    await deliver("LD002", "sent")
    await deliver("DB001", "failed")
    await deliver("DB002", "queued")
    return event_id


def who(delegate: dict) -> str:
    return delegate["code"] or f"{delegate['full_name']} ({delegate['group_name'] or '-'})"


# The list page's filters and the delegates each holds (as `who` names them).
FILTERS = [
    ({}, None),  # everyone
    ({"q": "nguyen thi"}, {"LD001", "LD003"}),
    ({"q": "hoang cao thang"}, {"LD002"}),
    ({"group": "Lãnh đạo"}, {"LD001", "LD002", "LD003"}),
    ({"group": "Báo chí"}, {"Phan Thanh Huyền (Báo chí)"}),
    ({"rsvp": "accepted"}, {"LD002"}),
    ({"rsvp": "declined"}, {"LD003"}),
    ({"invitation": "revoked"}, {"KM001"}),
    ({"invitation": "sent"}, {"LD002"}),
    ({"invitation": "failed"}, {"DB001"}),
    ({"invitation": "queued"}, {"DB002"}),
    (
        {"invitation": "no_email"},
        {"LD001", "Phan Thanh Huyền (Báo chí)", "Phan Thanh Huyền (-)"},
    ),
    ({"arrival": "arrived"}, {"LD001", "KT004"}),
    ({"arrival": "arrived", "order": "name"}, {"LD001", "KT004"}),
    ({"group": "Lãnh đạo", "arrival": "not_arrived", "order": "name"}, {"LD002", "LD003"}),
    ({"group": "Khách mời", "rsvp": "pending"}, {"KM001", "KM002"}),
    ({"order": "name"}, None),
]


async def listed(client, params: dict[str, str]) -> list[dict]:
    """The delegates the list page shows for ``params``, in its order."""
    page = await client.get(LIST, params=params)
    assert page.status_code == 200
    ids = [int(i) for i in re.findall(r'<tr data-delegate="(\d+)">', page.text)]
    rows = {row["id"]: row for row in await Delegate.select()}
    return [rows[i] for i in ids]


def invitation_label(delegate: dict) -> str:
    by_code = {"LD002": "Đã gửi", "DB001": "Gửi lỗi", "DB002": "Chờ gửi"}
    if delegate["revoked_at"] is not None:
        return "Đã thu hồi"
    if delegate["code"] in by_code:
        return by_code[delegate["code"]]
    return "Chưa gửi" if delegate["email"] else "Không có email"


ARRIVALS = {"LD001": datetime(2022, 9, 12, 7, 47), "KT004": datetime(2022, 9, 12, 8, 5, 30)}


def expected_cells(delegate: dict) -> list[object]:
    """What a row of the export holds for ``delegate``: the import's columns, then state."""
    rank = delegate["protocol_rank"]
    return [
        delegate["code"] or "", delegate["honorific"], delegate["full_name"],
        delegate["position"], delegate["organization"], delegate["email"] or "",
        delegate["phone"], delegate["group_name"], "" if rank is None else str(rank),
        delegate["seat"], delegate["notes"], RSVP[delegate["rsvp"]], invitation_label(delegate),
        ARRIVALS.get(delegate["code"], ""),
    ]  # fmt: skip


def as_csv_text(value: object) -> str:
    if isinstance(value, datetime):
        seconds = f":{value.second:02d}" if value.second else ""
        return f"{value.day}/{value.month}/{value.year} {value:%H:%M}{seconds}"
    return str(value)


def csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def xlsx_rows(data: bytes) -> list[list[openpyxl.cell.Cell]]:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    return [list(row) for row in sheet.iter_rows()]


def assert_xlsx_cell(cell: openpyxl.cell.Cell, expected: object) -> None:
    where = f"{cell.coordinate}: {cell.value!r} != {expected!r}"
    if isinstance(expected, datetime):
        assert cell.is_date and cell.value == expected, where
        assert cell.number_format == "d/m/yyyy hh:mm", where
    elif expected == "":
        assert cell.value in (None, ""), where
    elif isinstance(expected, str) and expected.isdigit() and len(expected) <= 6:
        assert cell.value == int(expected), where  # a rank sorts as a number
    else:
        assert cell.data_type == "s" and cell.value == expected, where


def _id(value: object) -> str:
    """A test id the same in every process (a set's order is not, under hash randomization)."""
    return str(sorted(value)) if isinstance(value, set) else str(value)


@pytest.mark.parametrize(("params", "holds"), FILTERS, ids=_id)
async def test_each_filter_exports_exactly_the_listed_delegates_in_their_order(
    organizer, event_id, params, holds
):
    shown = await listed(organizer, params)
    if holds is None:
        assert len(shown) == 12
    else:
        assert sorted(who(d) for d in shown) == sorted(holds)
    expected = [expected_cells(d) for d in shown]

    response = await organizer.get(LIST + "export.csv", params=params)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = csv_rows(response.content)
    assert rows[0] == HEADERS
    assert rows[1:] == [[as_csv_text(v) for v in row] for row in expected]

    response = await organizer.get(LIST + "export.xlsx", params=params)
    assert response.status_code == 200
    cells = xlsx_rows(response.content)
    assert [c.value for c in cells[0]] == HEADERS
    assert len(cells) - 1 == len(expected)
    for row, wanted in zip(cells[1:], expected, strict=True):
        assert len(row) == len(HEADERS)
        for cell, value in zip(row, wanted, strict=True):
            assert_xlsx_cell(cell, value)


async def test_arrived_is_the_attendance_list_with_its_times_as_date_cells(organizer, event_id):
    response = await organizer.get(LIST + "export.xlsx", params={"arrival": "arrived"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [sheet.cell(row=r, column=3).value for r in (2, 3)] == [
        "Nguyễn Thị Thủy Lệ",
        "Lê Minh Đức",
    ]
    assert sheet.max_row == 3
    arrived = sheet.cell(row=2, column=14)
    assert arrived.is_date and arrived.value == datetime(2022, 9, 12, 7, 47)
    csv_text = (await organizer.get(LIST + "export.csv", params={"arrival": "arrived"})).text
    assert "12/9/2022 07:47" in csv_text and "12/9/2022 08:05:30" in csv_text


@pytest.mark.parametrize(
    "params",
    [
        {"group": "Không có nhóm này"},
        {"rsvp": "maybe"},
        {"invitation": "lost"},
        {"arrival": "soon"},
        {"q": "không ai tên thế này"},
    ],
    ids=lambda v: str(v),
)
async def test_a_filter_value_that_does_not_exist_exports_the_header_alone(
    organizer, event_id, params
):
    assert await listed(organizer, params) == []
    response = await organizer.get(LIST + "export.csv", params=params)
    assert response.status_code == 200
    assert csv_rows(response.content) == [HEADERS]
    response = await organizer.get(LIST + "export.xlsx", params=params)
    assert response.status_code == 200
    assert [[c.value for c in row] for row in xlsx_rows(response.content)] == [HEADERS]


async def test_the_list_pages_export_links_carry_its_filters(organizer, event_id):
    params = {"q": "nguyen", "group": "Lãnh đạo", "arrival": "not_arrived", "order": "name"}
    page = await organizer.get(LIST, params=params)
    links = {
        kind: html.unescape(href)
        for href, kind in re.findall(r'href="([^"]+)" data-export="(\w+)"', page.text)
    }
    assert set(links) == {"csv", "xlsx"}
    for kind, href in links.items():
        assert href.startswith(f"{LIST}export.{kind}?")
        response = await organizer.get(href)
        assert response.status_code == 200
    rows = csv_rows((await organizer.get(links["csv"])).content)
    assert [row[0] for row in rows[1:]] == [who(d) for d in await listed(organizer, params)]
    assert [row[0] for row in rows[1:]] == ["LD003"]  # Nguyễn Thị Thanh; Lệ has arrived
    bare = await organizer.get(LIST)
    assert f'href="{LIST}export.csv" data-export="csv"' in bare.text


async def test_the_export_holds_every_matching_delegate_not_only_the_pages_first(
    organizer, event_id
):
    many = [
        DelegateInput(full_name=f"Nguyễn Văn Số {n}", group="Đông") for n in range(LIST_LIMIT + 1)
    ]
    await add_delegates(event_id, many, source=DelegateSource.imported)
    page = await organizer.get(LIST, params={"group": "Đông"})
    assert page.text.count("<tr data-delegate=") == PAGE_SIZE  # the first page
    rows = csv_rows((await organizer.get(LIST + "export.csv", params={"group": "Đông"})).content)
    assert len(rows) - 1 == LIST_LIMIT + 1
    rows = csv_rows((await organizer.get(LIST + "export.csv")).content)
    assert len(rows) - 1 == LIST_LIMIT + 1 + 12


@pytest.mark.parametrize(
    "params",
    [{}, {"arrival": "arrived"}, {"group": "Lãnh đạo", "order": "name"}, {"rsvp": "maybe"}],
    ids=lambda v: str(v),
)
async def test_the_a4_print_is_the_list_on_screen_under_the_official_heading(
    organizer, event_id, params
):
    shown = await listed(organizer, params)
    page = await organizer.get(LIST + "print", params=params)
    assert page.status_code == 200
    printed = [int(i) for i in re.findall(r'<tr data-delegate="(\d+)">', page.text)]
    assert printed == [d["id"] for d in shown]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in page.text
    assert "Độc lập - Tự do - Hạnh phúc" in page.text
    title = "DANH SÁCH ĐẠI BIỂU ĐÃ ĐẾN DỰ" if params.get("arrival") else "DANH SÁCH ĐẠI BIỂU"
    assert f'<h1 class="doc-title">{title}</h1>' in page.text
    assert "<th>Ký tên</th>" not in page.text


async def test_the_print_adds_a_signature_column_when_asked(organizer, event_id):
    page = await organizer.get(LIST)
    found = re.findall(r'href="([^"]+)" target="_blank" data-export="(\w+)"', page.text)
    links = {kind: html.unescape(href) for href, kind in found}
    assert links["print"] == f"{LIST}print" and links["sign"] == f"{LIST}print?sign=1"
    filtered = await organizer.get(LIST, params={"arrival": "arrived"})
    assert f'href="{LIST}print?arrival=arrived&amp;sign=1"' in filtered.text
    sheet = await organizer.get(LIST + "print", params={"arrival": "arrived", "sign": "1"})
    assert "<th>Ký tên</th>" in sheet.text
    assert sheet.text.count('<td class="sign"></td>') == 2  # Lệ and Đức have arrived
