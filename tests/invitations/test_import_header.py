"""An office's spreadsheet as it is: title rows, merged cells and blank rows above the header."""

from __future__ import annotations

import io

import openpyxl
import pytest
from openpyxl.styles import Alignment, Font

from conference import auth
from conference.invitations.importing import apply_import, plan_import
from conference.spreadsheets import ImportFileError, read_rows
from conference.tables import Delegate, Role
from tests.conftest import csrf_token, log_in
from tests.invitations.test_import import HEADERS, ROWS, csv_file, make_event

SLUG = "nguoi-tot-viec-tot-2022"


def office_workbook(
    *,
    titles: tuple[str, ...] = (
        "DANH SÁCH ĐẠI BIỂU DỰ HỘI NGHỊ TỔNG KẾT 30 NĂM PHONG TRÀO “NGƯỜI TỐT, VIỆC TỐT”",
        "(Kèm theo Giấy mời số 125/GM-SXD ngày 05/9/2022 của Sở Xây dựng Hà Nội)",
    ),
    numbering: bool = False,
    rows: list[list[object]] | None = None,
) -> bytes:
    """A list as a Vietnamese office sends it: title rows merged across the table, a blank
    row, then the header (with an STT column), as openpyxl writes an Excel file."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    headers = ["STT", *HEADERS]
    width = len(headers)
    for number, title in enumerate(titles, start=1):
        sheet.cell(row=number, column=1, value=title).font = Font(bold=True)
        sheet.merge_cells(start_row=number, start_column=1, end_row=number, end_column=width)
        sheet.cell(row=number, column=1).alignment = Alignment(horizontal="center")
    header_row = len(titles) + 2  # a blank row between
    for column, header in enumerate(headers, start=1):
        sheet.cell(row=header_row, column=column, value=header).font = Font(bold=True)
    first = header_row + 1
    if numbering:
        for column in range(1, width + 1):
            sheet.cell(row=first, column=column, value=f"({column})")
        first += 1
    for offset, row in enumerate(ROWS if rows is None else rows):
        for column, value in enumerate([offset + 1, *row], start=1):
            sheet.cell(row=first + offset, column=column, value=value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
async def event_id(db) -> int:
    return await make_event(SLUG)


def test_the_header_is_found_below_two_merged_title_rows_and_a_blank_row():
    data = office_workbook()
    merged = openpyxl.load_workbook(io.BytesIO(data)).active.merged_cells.ranges
    assert sorted(str(r) for r in merged) == ["A1:K1", "A2:K2"]  # really merged titles
    from conference.imports import read_sheet
    from conference.invitations.importing import COLUMNS

    sheet = read_sheet("ds.xlsx", data, COLUMNS, required="full_name")
    assert sheet.header_row == 4
    assert sheet.headers == ["STT", *HEADERS]
    assert [row.number for row in sheet.rows] == list(range(5, 15))
    assert sheet.rows[0].cells[3] == "Nguyễn Thị Thủy Lệ"


async def test_an_office_workbook_imports_every_delegate_and_says_its_header_row(event_id):
    plan = await plan_import(event_id, "ds.xlsx", office_workbook())
    assert plan.ok, plan.problems
    assert plan.header_row == 4 and plan.rows_read == 10
    assert [d.full_name for d in plan.to_add][:2] == ["Nguyễn Thị Thủy Lệ", "Hoàng Cao Thắng"]
    assert plan.unknown_columns == ["STT"]
    await apply_import(event_id, plan)
    names = {d["full_name"] for d in await Delegate.select(Delegate.full_name)}
    assert not any("DANH SÁCH" in name or "Kèm theo" in name for name in names)
    assert len(names) == 10
    again = await plan_import(event_id, "ds.xlsx", office_workbook())
    assert (len(again.to_add), len(again.to_update), again.unchanged) == (0, 0, 10)


async def test_a_row_numbering_the_columns_below_the_header_is_not_a_delegate(event_id):
    plan = await plan_import(event_id, "ds.xlsx", office_workbook(numbering=True))
    assert plan.ok, plan.problems
    assert plan.rows_read == 10 and plan.to_add[0].full_name == "Nguyễn Thị Thủy Lệ"


async def test_a_csv_with_a_title_line_finds_its_header_too(event_id):
    data = "DANH SÁCH ĐẠI BIỂU,,\n,,\n".encode() + csv_file(bom=False)
    plan = await plan_import(event_id, "ds.csv", data)
    assert plan.ok and plan.header_row == 3 and len(plan.to_add) == 10


async def test_a_two_level_header_takes_the_names_below_a_merged_group(event_id):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["DANH SÁCH KHÁCH MỜI"])
    sheet.append(["Họ và tên", "Chức vụ", "Liên hệ", None])
    sheet.merge_cells("C2:D2")
    sheet.append([None, None, "Email", "Điện thoại"])
    sheet.merge_cells("A2:A3")
    sheet.merge_cells("B2:B3")
    sheet.append(["Hoàng Cao Thắng", "Phó Giám đốc Sở", "thang@example.vn", "0913 245 768"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    plan = await plan_import(event_id, "ds.xlsx", buffer.getvalue())
    assert plan.ok, plan.problems
    assert plan.header_row == 2 and plan.rows_read == 1
    (added,) = plan.to_add
    assert (added.email, added.phone) == ("thang@example.vn", "0913 245 768")
    assert plan.unknown_columns == []


@pytest.mark.parametrize(
    "data",
    [
        office_workbook(rows=[]),  # a header and no delegate is fine: checked below
    ],
)
async def test_a_header_without_rows_imports_nothing(event_id, data):
    plan = await plan_import(event_id, "ds.xlsx", data)
    assert plan.ok and plan.rows_read == 0 and plan.header_row == 4


def title_only() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.append(["DANH SÁCH ĐẠI BIỂU DỰ HỘI NGHỊ"])
    workbook.active.merge_cells("A1:F1")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("ds.xlsx", title_only()),
        ("ds.csv", "DANH SÁCH ĐẠI BIỂU\nHoàng Cao Thắng,Sở Xây dựng\n".encode()),
        ("ds.csv", ("Tiêu đề\n" * 25 + "Họ và tên\nLê Văn Hùng\n").encode()),
    ],
    ids=["title-row-only", "no-header", "header-below-the-first-20-rows"],
)
async def test_a_file_without_a_header_row_names_the_columns_looked_for(event_id, name, data):
    with pytest.raises(ImportFileError) as caught:
        await plan_import(event_id, name, data)
    message = str(caught.value)
    assert "Họ và tên" in message and "full_name" in message
    assert "Danh xưng" in message and "Điện thoại" in message and "Mã" in message
    assert await Delegate.count() == 0


def test_without_a_header_search_the_first_row_is_the_header_as_before():
    sheet = read_rows("ds.csv", "Tiêu đề\nHọ và tên\nLê Văn Hùng\n".encode())
    assert sheet.header_row == 1 and sheet.headers == ["Tiêu đề"]


@pytest.fixture
async def organizer(client, sample_password, event_id):
    await auth.create_user("btc", sample_password, Role.organizer)
    await log_in(client, "btc", sample_password)
    return client


async def test_the_preview_says_which_row_was_taken_as_the_header(organizer):
    token = await csrf_token(organizer, f"/events/{SLUG}/delegates/import")
    page = await organizer.post(
        f"/events/{SLUG}/delegates/import",
        data={"_csrf_token": token},
        files={"file": ("danh-sach.xlsx", office_workbook())},
    )
    assert page.status_code == 200, page.text
    assert 'data-header-row="4"' in page.text
    assert "Dòng tiêu đề cột: dòng 4." in page.text
    assert "không được nhập" in page.text  # the title rows above it are not imported


async def test_the_import_page_names_the_columns_when_no_header_is_found(organizer):
    token = await csrf_token(organizer, f"/events/{SLUG}/delegates/import")
    page = await organizer.post(
        f"/events/{SLUG}/delegates/import",
        data={"_csrf_token": token},
        files={"file": ("danh-sach.xlsx", title_only())},
    )
    assert page.status_code == 400
    assert "Họ và tên" in page.text and "full_name" in page.text
