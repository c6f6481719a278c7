"""Exporting the delegate list: the import's own columns, safe to open, exact to re-import."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import openpyxl
import pytest

from conference.i18n import gettext
from conference.invitations.exporting import export_rows, to_csv, to_xlsx
from conference.invitations.importing import COLUMNS, STATE_HEADERS, apply_import, plan_import
from conference.invitations.services import DelegateInput, add_delegates
from conference.spreadsheets import date_text, read_rows
from conference.tables import Delegate, DelegateSource, Rsvp
from tests.invitations.test_import import csv_file, import_file, make_event

FORMULA_LIKE = {
    "notes": '=HYPERLINK("http://evil.example","Bấm vào đây")',
    "phone": "+84 913 245 768",
    "position": "-Phó Giám đốc",
    "seat": "@A1",
    "organization": "'=đã có dấu nháy",
}


@pytest.fixture
async def event_id(db) -> int:
    return await make_event()


async def add_formula_like_delegate(event_id: int) -> None:
    await add_delegates(
        event_id,
        [
            DelegateInput(
                full_name="=1+1 Nguyễn Văn Hùng",
                code="=X1",
                phone=FORMULA_LIKE["phone"],
                position=FORMULA_LIKE["position"],
                seat=FORMULA_LIKE["seat"],
                organization=FORMULA_LIKE["organization"],
                notes=FORMULA_LIKE["notes"],
            )
        ],
        source=DelegateSource.manual,
    )


async def delegates_in_every_state(event_id: int) -> None:
    """The ten delegates of the file, then some who answered, arrived, were withdrawn."""
    await import_file(event_id, csv_file())
    await add_delegates(
        event_id,
        [
            DelegateInput(full_name="Phan Thanh Huyền", group="Báo chí"),  # no code, no e-mail
            DelegateInput(full_name="Phan Thanh Huyền", organization="Đài Hà Nội"),  # homonym
        ],
        source=DelegateSource.walk_in,
    )
    await add_formula_like_delegate(event_id)
    await Delegate.update({Delegate.rsvp: Rsvp.accepted}).where(Delegate.code == "LD002")
    await Delegate.update({Delegate.rsvp: Rsvp.declined}).where(Delegate.code == "LD003")
    await Delegate.update({Delegate.revoked_at: datetime.now(UTC)}).where(Delegate.code == "KM001")
    await Delegate.update({Delegate.checked_in_at: datetime(2022, 9, 12, 0, 47, tzinfo=UTC)}).where(
        Delegate.code == "LD001"
    )


async def test_the_export_has_the_import_headers_then_read_only_state(event_id):
    await delegates_in_every_state(event_id)
    headers, rows = await export_rows(event_id)
    assert headers == [
        "Mã", "Danh xưng", "Họ và tên", "Chức vụ", "Đơn vị", "Email", "Điện thoại", "Nhóm",
        "Thứ tự", "Ghế", "Ghi chú", *STATE_HEADERS,
    ]  # fmt: skip
    by_code = {row[0]: dict(zip(headers, row, strict=True)) for row in rows}
    assert len(rows) == 13
    first = by_code["LD001"]
    assert first["Họ và tên"] == "Nguyễn Thị Thủy Lệ" and first["Thứ tự"] == "1"
    assert first["Email"] == "" and first["Ghế"] == "A1"
    assert first["Giờ đến (chỉ đọc)"] == datetime(2022, 9, 12, 7, 47)  # Asia/Ho_Chi_Minh
    assert by_code["LD002"]["Phản hồi (chỉ đọc)"] == gettext("Accepted") == "Nhận lời"
    assert by_code["LD003"]["Phản hồi (chỉ đọc)"] == "Từ chối"
    # The invitation's state as the list shows it.
    assert by_code["LD002"]["Giấy mời (chỉ đọc)"] == gettext("Not sent") == "Chưa gửi"
    assert by_code["LD001"]["Giấy mời (chỉ đọc)"] == "Không có email"
    assert by_code["KM001"]["Giấy mời (chỉ đọc)"] == gettext("Withdrawn") == "Đã thu hồi"
    assert by_code["LD002"]["Giờ đến (chỉ đọc)"] == ""


async def test_the_import_skips_the_state_columns_without_calling_them_unknown(event_id):
    await delegates_in_every_state(event_id)
    headers, rows = await export_rows(event_id)
    plan = await plan_import(event_id, "ds.csv", to_csv(headers, rows))
    assert plan.unknown_columns == []
    assert plan.columns == [column.field for column in COLUMNS]


@pytest.mark.parametrize(("write", "name"), [(to_csv, "ds.csv"), (to_xlsx, "ds.xlsx")])
async def test_an_exported_file_reimports_as_all_unchanged(event_id, write, name):
    await delegates_in_every_state(event_id)
    before = await Delegate.select().order_by(Delegate.id)
    data = write(*await export_rows(event_id))
    plan = await plan_import(event_id, name, data)
    assert plan.ok, plan.problems
    assert (len(plan.to_add), len(plan.to_update), plan.unchanged) == (0, 0, 13)
    await apply_import(event_id, plan)
    assert await Delegate.select().order_by(Delegate.id) == before


async def test_an_export_of_an_xlsx_import_gives_back_its_values(event_id):
    await delegates_in_every_state(event_id)
    headers, rows = await export_rows(event_id)
    sheet = read_rows("ds.xlsx", to_xlsx(headers, rows))
    assert sheet.headers == headers
    # A date cell reads back as the text the CSV holds: "12/9/2022 07:47".
    as_text = [[date_text(c) if isinstance(c, datetime) else c for c in row] for row in rows]
    assert [row.cells for row in sheet.rows] == as_text
    assert "12/9/2022 07:47" in [cell for row in as_text for cell in row]


def test_the_csv_starts_with_a_bom_for_excel():
    data = to_csv(["Họ và tên"], [["Đặng Văn Đức"]])
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig") == "Họ và tên\r\nĐặng Văn Đức\r\n"


async def test_formula_like_cells_are_quoted_in_csv_and_come_back_exact(event_id):
    await add_formula_like_delegate(event_id)
    headers, rows = await export_rows(event_id)
    text = to_csv(headers, rows).decode("utf-8-sig")
    (cells,) = [dict(zip(headers, row, strict=True)) for row in csv.reader(io.StringIO(text))][1:]
    assert cells["Ghi chú"] == "'" + FORMULA_LIKE["notes"]
    assert cells["Điện thoại"] == "'+84 913 245 768"
    assert cells["Chức vụ"] == "'-Phó Giám đốc" and cells["Ghế"] == "'@A1"
    assert cells["Họ và tên"] == "'=1+1 Nguyễn Văn Hùng" and cells["Mã"] == "'=X1"
    assert cells["Đơn vị"] == "''=đã có dấu nháy"
    risky = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert not [cell for cell in risky if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    plan = await plan_import(event_id, "ds.csv", text.encode())
    assert plan.ok and plan.unchanged == 1


async def test_formula_like_cells_are_text_cells_in_xlsx(event_id):
    await add_formula_like_delegate(event_id)
    headers, rows = await export_rows(event_id)
    workbook = openpyxl.load_workbook(io.BytesIO(to_xlsx(headers, rows)))
    sheet = workbook.active
    cells = {header: sheet.cell(row=2, column=n) for n, header in enumerate(headers, start=1)}
    for header in ("Ghi chú", "Họ và tên", "Mã", "Điện thoại", "Chức vụ", "Ghế"):
        assert cells[header].data_type == "s", header
    assert cells["Ghi chú"].value == FORMULA_LIKE["notes"]
    assert cells["Họ và tên"].value == "=1+1 Nguyễn Văn Hùng"
    assert cells["Đơn vị"].value == "''=đã có dấu nháy"
    formulas = [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []
    plan = await plan_import(event_id, "ds.xlsx", to_xlsx(headers, rows))
    assert plan.ok and plan.unchanged == 1


def test_the_xlsx_header_row_is_bold_and_frozen():
    data = to_xlsx(["Họ và tên", "Thứ tự", "Điện thoại"], [["Hoàng Cao Thắng", "2", "0913245768"]])
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.bold for cell in sheet[1])
    assert not any(cell.font.bold for cell in sheet[2])
    assert sheet["B2"].value == 2  # a rank sorts as a number
    assert sheet["C2"].value == "0913245768"  # a phone keeps its leading zero


def test_control_characters_do_not_break_the_xlsx():
    data = to_xlsx(["Họ và tên"], [["Nguyễn\x07 Văn Hùng"]])
    assert openpyxl.load_workbook(io.BytesIO(data)).active["A2"].value == "Nguyễn Văn Hùng"
