"""Importing the delegate list from CSV and XLSX: every bad row named, all or nothing."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from datetime import date, time
from pathlib import Path

import openpyxl
import pytest

from conference.errors import InvalidInput
from conference.imports import ImportPlan, header_key
from conference.invitations.importing import apply_import, layout, plan_import
from conference.invitations.services import DelegateInput, add_delegates
from conference.spreadsheets import MAX_FILE_BYTES, ImportFileError, read_file, read_rows
from conference.tables import AuditEntry, Delegate, DelegateSource, Event

HEADERS = [
    "Mã",
    "Danh xưng",
    "Họ và tên",
    "Chức vụ",
    "Đơn vị",
    "Email",
    "Điện thoại",
    "Nhóm",
    "Thứ tự",
    "Ghế",
]
# Ten delegates of the seed conference (codes, names, titles as the organizers keep them).
ROWS = [
    ["LD001", "Bà", "Nguyễn Thị Thủy Lệ", "Chủ tịch Công đoàn Xây dựng Việt Nam",
     "Công đoàn Xây dựng Việt Nam", "", "", "Lãnh đạo", "1", "A1"],
    ["LD002", "Ông", "Hoàng Cao Thắng", "Phó Giám đốc Sở Xây dựng Hà Nội", "Sở Xây dựng Hà Nội",
     "thanghc@soxaydung.hanoi.example", "0913 245 768", "Lãnh đạo", "2", "A2"],
    ["LD003", "Bà", "Nguyễn Thị Thanh", "Chủ tịch Công đoàn ngành Xây dựng Hà Nội",
     "Công đoàn ngành Xây dựng Hà Nội", "thanhnt@congdoanxaydung.hanoi.example", "0904 318 552",
     "Lãnh đạo", "3", "A3"],
    ["KM001", "Ông", "Đặng Quốc Hưng", "Phó Chủ tịch Liên đoàn Lao động Thành phố Hà Nội",
     "Liên đoàn Lao động Thành phố Hà Nội", "hungdq@ldld.hanoi.example", "0912 004 417",
     "Khách mời", "4", "B1"],
    ["KM002", "Bà", "Trần Thị Minh Hằng", "Phó Trưởng ban Thi đua - Khen thưởng Thành phố",
     "Hội đồng Thi đua - Khen thưởng Thành phố Hà Nội", "hangttm@thiduakhenthuong.hanoi.example",
     "", "Khách mời", "5", "B2"],
    ["KT004", "Ông", "Lê Minh Đức", "Phó Chánh Thanh tra Sở", "Thanh tra Sở Xây dựng Hà Nội",
     "duclm@thanhtra.hanoi.example", "0988 120 345", "Khen thưởng", "", "C1"],
    ["DB001", "Ông", "Đặng Văn Đức", "Đội trưởng Đội Thoát nước số 2",
     "Công ty TNHH MTV Thoát nước Hà Nội", "ducdv@thoatnuoc.hanoi.example", "0977 555 102",
     "Đại biểu", "", "F1"],
    ["DB002", "Bà", "Phạm Thu Hà", "Phó Chủ tịch Công đoàn ngành Xây dựng Hà Nội",
     "Công đoàn ngành Xây dựng Hà Nội", "hapt@congdoanxaydung.hanoi.example", "", "Đại biểu", "",
     "F2"],
    ["DB003", "Ông", "Bùi Đức Long", "Chánh Thanh tra Sở Xây dựng Hà Nội",
     "Sở Xây dựng Hà Nội", "longbd@soxaydung.hanoi.example", "0903 777 210", "Đại biểu", "", "F3"],
    ["DB004", "Bà", "Trịnh Thị Thu Huyền", "Trưởng phòng Kế hoạch - Tài chính",
     "Sở Xây dựng Hà Nội", "huyenttt@thudientu.example", "0966 310 884", "Đại biểu", "", ""],
]  # fmt: skip


def csv_file(
    headers: list[str] = HEADERS,
    rows: list[list[str]] = ROWS,
    *,
    delimiter: str = ",",
    bom: bool = True,
    form: str = "NFC",
) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(headers)
    writer.writerows(rows)
    text = unicodedata.normalize(form, buffer.getvalue())
    return text.encode("utf-8-sig" if bom else "utf-8")


def xlsx_file(headers: list[str] = HEADERS, rows: list[list[object]] | None = None) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in ROWS if rows is None else rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def with_cached_values(data: bytes, values: dict[str, str]) -> bytes:
    """The workbook as a spreadsheet saves it: formula cells carry their last value."""
    source = zipfile.ZipFile(io.BytesIO(data))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                xml = content.decode()
                for ref, value in values.items():
                    xml, found = re.subn(
                        rf'<c r="{ref}"><f>(.*?)</f><v ?/>',
                        lambda m, v=value, r=ref: f'<c r="{r}" t="str"><f>{m[1]}</f><v>{v}</v>',
                        xml,
                    )
                    assert found == 1, ref
                content = xml.encode()
            target.writestr(item, content)
    return output.getvalue()


async def make_event(slug: str = "nguoi-tot-viec-tot-2022") -> int:
    event = Event(
        slug=slug,
        title="Hội nghị Tổng kết 30 năm phong trào “Người tốt, việc tốt”",
        date=date(2022, 9, 12),
        starts_at=time(8, 0),
        ends_at=time(11, 30),
    )
    await event.save()
    return event.id


@pytest.fixture
async def event_id(db) -> int:
    return await make_event()


async def import_file(event_id: int, data: bytes, name: str = "danh-sach.csv") -> ImportPlan:
    plan = await plan_import(event_id, name, data)
    assert plan.ok, plan.problems
    await apply_import(event_id, plan)
    return plan


async def stored(event_id: int) -> list[dict]:
    return await Delegate.select().where(Delegate.event == event_id).order_by(Delegate.id)


def reasons(plan: ImportPlan) -> list[tuple[int, str]]:
    return [(problem.row, problem.message % problem.params) for problem in plan.problems]


# --------------------------------------------------------------------------- reading


async def test_a_csv_with_a_bom_imports_every_delegate_in_nfc(event_id):
    plan = await import_file(event_id, csv_file(bom=True))
    assert (len(plan.to_add), len(plan.to_update), plan.unchanged) == (10, 0, 0)
    rows = await stored(event_id)
    assert [row["full_name"] for row in rows] == [row[2] for row in ROWS]
    first, second = rows[0], rows[1]
    assert first["code"] == "LD001" and first["email"] is None and first["protocol_rank"] == 1
    assert second["email"] == "thanghc@soxaydung.hanoi.example"
    assert second["phone"] == "0913 245 768" and second["group_name"] == "Lãnh đạo"
    assert first["search_key"].startswith("nguyen thi thuy le")
    assert {row["source"] for row in rows} == {DelegateSource.imported.value}
    assert len({row["token"] for row in rows}) == 10


@pytest.mark.parametrize(
    ("delimiter", "bom"), [(",", False), (";", True), (";", False), ("\t", False)]
)
def test_csv_reads_the_same_with_or_without_bom_and_with_any_delimiter(delimiter, bom):
    sheet = read_rows("ds.csv", csv_file(delimiter=delimiter, bom=bom))
    assert sheet.headers == HEADERS
    assert [row.cells for row in sheet.rows] == ROWS
    assert [row.number for row in sheet.rows] == list(range(2, 12))


def test_a_semicolon_file_with_commas_in_titles_is_split_on_semicolons():
    rows = [
        ["", "Ông", "Lê Văn Dũng", "Phó Chánh Văn phòng, UBND Thành phố", "", "", "", "", "", ""]
    ]
    sheet = read_rows("ds.csv", csv_file(rows=rows, delimiter=";"))
    assert sheet.rows[0].cells[3] == "Phó Chánh Văn phòng, UBND Thành phố"


@pytest.mark.parametrize(
    "header", ["Họ và tên", "HO_VA_TEN", "full_name", "Full Name", "họ  và tên"]
)
def test_the_name_header_matches_ignoring_case_marks_spaces_and_underscores(header):
    sheet = read_rows("ds.csv", csv_file(["STT", header], [["1", "Hoàng Cao Thắng"]]))
    assert layout(sheet).positions == {"full_name": 1}
    assert header_key(header) in {"hovaten", "fullname"}


async def test_english_and_unmarked_headers_fill_the_same_fields(event_id):
    headers = [
        "CODE", "honorific", "Full Name", "chuc_vu", "DON VI", "E-mail", "dien thoai",
        "Group", "protocol_rank", "seat", "Ghi chú",
    ]  # fmt: skip
    row = ["X1", "Ông", "Hoàng Cao Thắng", "Phó Giám đốc", "Sở Xây dựng Hà Nội",
           "ThangHC@SoXayDung.Hanoi.Example", "0913 245 768", "Lãnh đạo", "2", "A2",
           "Đón ở sảnh"]  # fmt: skip
    plan = await import_file(event_id, csv_file(headers, [row]))
    assert plan.unknown_columns == []
    (delegate,) = await stored(event_id)
    assert delegate["code"] == "X1" and delegate["position"] == "Phó Giám đốc"
    assert delegate["email"] == "thanghc@soxaydung.hanoi.example"
    assert delegate["protocol_rank"] == 2 and delegate["seat"] == "A2"
    assert delegate["notes"] == "Đón ở sảnh" and delegate["group_name"] == "Lãnh đạo"


async def test_unknown_columns_are_named_and_ignored(event_id):
    headers = ["STT", *HEADERS, "Ghi chú riêng"]
    rows = [[str(n), *row, "không nhập"] for n, row in enumerate(ROWS, start=1)]
    plan = await plan_import(event_id, "ds.csv", csv_file(headers, rows))
    assert plan.ok and plan.unknown_columns == ["STT", "Ghi chú riêng"]
    assert plan.to_add[0].full_name == "Nguyễn Thị Thủy Lệ" and plan.to_add[0].code == "LD001"


async def test_a_file_without_a_full_name_column_is_refused(event_id):
    headers = ["Mã", "Tên", "Email"]
    with pytest.raises(ImportFileError) as caught:
        await plan_import(event_id, "ds.csv", csv_file(headers, [["A", "Hùng", ""]]))
    assert "full_name" in str(caught.value)
    assert await Delegate.count() == 0


def test_entirely_empty_rows_are_skipped_and_rows_keep_their_sheet_numbers():
    rows = [ROWS[0], [""] * 10, ["  ", "", ""], ROWS[1]]
    sheet = read_rows("ds.csv", csv_file(rows=rows))
    assert [row.number for row in sheet.rows] == [2, 5]


def cp1258(text: str) -> bytes:
    """Text as old Vietnamese Windows wrote it: a base letter, then the tone mark."""
    encoded = b""
    for char in text:
        try:
            encoded += char.encode("cp1258")
        except UnicodeEncodeError:
            marks = unicodedata.normalize("NFD", char)
            tone = "".join(mark for mark in marks if mark in "\u0300\u0301\u0303\u0309\u0323")
            base = unicodedata.normalize("NFC", "".join(m for m in marks if m not in tone))
            encoded += (base + tone).encode("cp1258")
    return encoded


@pytest.mark.parametrize(
    "data",
    [
        cp1258("Họ và tên,Đơn vị\nNguyễn Văn Đức,Sở Xây dựng Hà Nội\n"),
        "Ho va ten,Don vi\nJosé Müller,Société Générale\n".encode("latin-1"),
        "Họ và tên\nHoàng Cao Thắng\n".encode("utf-16"),
    ],
    ids=["cp1258", "latin-1", "utf-16"],
)
def test_a_csv_not_in_utf8_is_refused_with_how_to_save_it(data):
    with pytest.raises(ImportFileError) as caught:
        read_rows("ds.csv", data)
    assert "UTF-8" in str(caught.value) and "CSV UTF-8" in str(caught.value)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("ds.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"),
        ("ds.csv", bytes(range(256)) * 4),
        ("ds.xlsx", b"this is not a workbook"),
        ("ds.xlsx", b"PK\x03\x04" + b"\x00" * 200),
        ("ds.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500),
        ("ds.docx", b"PK\x05\x06" + b"\x00" * 18),
    ],
)
def test_a_file_that_is_neither_csv_nor_xlsx_is_refused_in_one_message(name, data):
    with pytest.raises(ImportFileError) as caught:
        read_rows(name, data)
    assert "\n" not in str(caught.value)


def test_a_truncated_xlsx_is_refused_as_damaged():
    data = xlsx_file()
    with pytest.raises(ImportFileError) as caught:
        read_rows("ds.xlsx", data[: len(data) // 2])
    assert "damaged" in str(caught.value)


def test_a_file_over_5_mb_is_refused(tmp_path: Path):
    with pytest.raises(ImportFileError) as caught:
        read_rows("ds.csv", b"a" * (MAX_FILE_BYTES + 1))
    assert "5 MB" in str(caught.value)
    big = tmp_path / "ds.csv"
    with big.open("wb") as file:
        file.truncate(MAX_FILE_BYTES + 1)  # sparse: the size is refused before any read
    with pytest.raises(ImportFileError):
        read_file(big)
    with pytest.raises(ImportFileError) as caught:
        read_file(tmp_path / "missing.csv")
    assert "missing.csv" in str(caught.value)


def test_an_empty_file_is_refused():
    for data in (b"", b"\xef\xbb\xbf", b"\r\n,,\r\n"):
        with pytest.raises(ImportFileError):
            read_rows("ds.csv", data)


# --------------------------------------------------------------------------- XLSX


async def test_an_xlsx_file_imports_like_the_csv(event_id):
    rows: list[list[object]] = [list(row) for row in ROWS]
    rows[0][8] = 1  # numbers as a spreadsheet stores them
    rows[1][8] = 2.0
    plan = await import_file(event_id, xlsx_file(rows=rows), "ds.xlsx")
    assert len(plan.to_add) == 10
    delegates = await stored(event_id)
    assert [d["full_name"] for d in delegates] == [row[2] for row in ROWS]
    assert [d["protocol_rank"] for d in delegates[:3]] == [1, 2, 3]
    again = await plan_import(event_id, "ds.csv", csv_file())
    assert again.unchanged == 10


def test_xlsx_rows_keep_their_sheet_numbers_across_empty_rows():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet["A1"] = "Họ và tên"
    sheet["A2"] = "Nguyễn Thị Thủy Lệ"
    sheet["A5"] = "Hoàng Cao Thắng"
    buffer = io.BytesIO()
    workbook.save(buffer)
    read = read_rows("ds.xlsx", buffer.getvalue())
    assert [(row.number, row.cells[0]) for row in read.rows] == [
        (2, "Nguyễn Thị Thủy Lệ"),
        (5, "Hoàng Cao Thắng"),
    ]


async def test_an_xlsx_formula_gives_its_cached_value(event_id):
    rows: list[list[object]] = [list(row) for row in ROWS[:2]]
    rows[0][2] = '="Nguyễn Thị "&"Thủy Lệ"'
    rows[0][8] = "=0+1"
    data = with_cached_values(xlsx_file(rows=rows), {"C2": "Nguyễn Thị Thủy Lệ", "I2": "1"})
    await import_file(event_id, data, "ds.xlsx")
    first = (await stored(event_id))[0]
    assert first["full_name"] == "Nguyễn Thị Thủy Lệ" and first["protocol_rank"] == 1


async def test_an_xlsx_formula_without_a_cached_value_is_a_bad_row(event_id):
    rows: list[list[object]] = [list(row) for row in ROWS[:3]]
    rows[1][2] = '="Hoàng Cao "&"Thắng"'  # never opened in a spreadsheet: no value stored
    plan = await plan_import(event_id, "ds.xlsx", xlsx_file(rows=rows))
    assert not plan.ok
    assert reasons(plan) == [
        (
            3,
            "Column Họ và tên holds a formula without a value; "
            "copy the cells and paste them as values.",
        )
    ]
    with pytest.raises(InvalidInput):
        await apply_import(event_id, plan)
    assert await Delegate.count() == 0


async def test_a_formula_in_an_ignored_numbering_column_is_no_problem(event_id):
    rows: list[list[object]] = [["=ROW()-1", *row] for row in ROWS[:3]]
    plan = await plan_import(event_id, "ds.xlsx", xlsx_file(["STT", *HEADERS], rows))
    assert plan.ok and len(plan.to_add) == 3 and plan.unknown_columns == ["STT"]


# --------------------------------------------------------------------------- checking


async def test_every_bad_row_is_reported_with_its_number_and_nothing_is_written(event_id):
    await add_delegates(
        event_id,
        [
            DelegateInput(
                full_name="Phan Thanh Huyền", email="huyenpt@thudientu.example", code="MC1"
            )
        ],
        source=DelegateSource.manual,
    )
    rows = [list(row) for row in ROWS]
    rows[1][2] = "   "  # row 3: no name
    rows[2][5] = "thanhnt@@congdoan"  # row 4: not an e-mail
    rows[4][5] = "ThangHC@soxaydung.hanoi.example"  # row 6: the e-mail of row 3
    rows[5][0] = "LD001"  # row 7: the code of row 2
    rows[6][8] = "0"  # row 8: rank not positive
    rows[7][8] = "hai"  # row 9: rank not a number
    rows[8][5] = "HuyenPT@thudientu.example"  # row 10: someone else's e-mail
    plan = await plan_import(event_id, "ds.csv", csv_file(rows=rows))
    assert not plan.ok and plan.rows_read == 10
    assert plan.bad_rows == [3, 4, 6, 7, 8, 9, 10]
    assert reasons(plan) == [
        (3, "The full name is empty."),
        (4, "The e-mail thanhnt@@congdoan is not valid."),
        (6, "The e-mail thanghc@soxaydung.hanoi.example is also on row 3."),
        (7, "The code LD001 is also on row 2."),
        (8, "The protocol rank must be a whole number from 1 to 100000, not 0."),
        (9, "The protocol rank must be a whole number from 1 to 100000, not hai."),
        (
            10,
            "The e-mail huyenpt@thudientu.example already belongs to another delegate, "
            "Phan Thanh Huyền.",
        ),
    ]
    with pytest.raises(InvalidInput):
        await apply_import(event_id, plan)
    assert await Delegate.count() == 1
    assert await AuditEntry.count() == 0


async def test_a_value_longer_than_its_column_is_a_bad_row(event_id):
    rows = [list(row) for row in ROWS[:2]]
    rows[1][9] = "A" * 51
    plan = await plan_import(event_id, "ds.csv", csv_file(rows=rows))
    assert reasons(plan) == [(3, "Ghế is longer than 50 characters.")]


async def test_two_rows_for_one_delegate_are_reported(event_id):
    await import_file(event_id, csv_file())
    rows = [ROWS[1], ["", *ROWS[1][1:]]]  # by code, then by e-mail: the same person
    plan = await plan_import(event_id, "ds.csv", csv_file(rows=rows))
    assert reasons(plan) == [
        (3, "The e-mail thanghc@soxaydung.hanoi.example is also on row 2."),
        (3, "This row and row 2 are the same delegate."),
    ]


async def test_names_with_markup_are_stored_as_text(event_id):
    name = "<script>alert('x')</script> Nguyễn Văn <b>Hùng</b>"
    await import_file(event_id, csv_file(["Họ và tên", "Đơn vị"], [[name, "A & B <i>"]]))
    (delegate,) = await stored(event_id)
    assert delegate["full_name"] == name and delegate["organization"] == "A & B <i>"


async def test_the_protective_quote_of_an_export_is_taken_off(event_id):
    rows = [["Nguyễn Văn Hùng", "'=HYPERLINK(\"http://x\")", "'+84 913 245 768"],
            ["Hoàng Cao Thắng", "'Tổ 3", "''=1"]]  # fmt: skip
    await import_file(event_id, csv_file(["Họ và tên", "Ghi chú", "Điện thoại"], rows))
    first, second = await stored(event_id)
    assert first["notes"] == '=HYPERLINK("http://x")' and first["phone"] == "+84 913 245 768"
    assert second["notes"] == "'Tổ 3" and second["phone"] == "'=1"


# --------------------------------------------------------------------------- matching


async def test_reimporting_the_same_file_changes_nothing(event_id):
    data = csv_file()
    await import_file(event_id, data)
    before = await stored(event_id)
    plan = await plan_import(event_id, "danh-sach.csv", data)
    assert (len(plan.to_add), len(plan.to_update), plan.unchanged) == (0, 0, 10)
    result = await apply_import(event_id, plan)
    assert (result.added, result.updated, result.unchanged) == (0, 0, 10)
    assert await stored(event_id) == before
    assert await AuditEntry.count() == 1  # the first import only


async def test_reimporting_an_nfd_file_is_unchanged(event_id):
    await import_file(event_id, csv_file(form="NFC"))
    nfd = csv_file(form="NFD", delimiter=";", bom=False)
    assert nfd != csv_file(form="NFC", delimiter=";", bom=False)
    plan = await plan_import(event_id, "ds.csv", nfd)
    assert plan.ok and plan.unchanged == 10 and not plan.to_add and not plan.to_update


async def test_an_nfd_file_is_stored_in_nfc(event_id):
    await import_file(event_id, csv_file(form="NFD"))
    names = [row["full_name"] for row in await stored(event_id)]
    assert names == [unicodedata.normalize("NFC", row[2]) for row in ROWS]
    assert "Đặng Văn Đức" in names


async def test_a_row_matches_by_code_then_by_email(event_id):
    await add_delegates(
        event_id,
        [
            DelegateInput(full_name="Hoàng Cao Thắng", code="LD002", email="old@sxd.example"),
            DelegateInput(full_name="Đặng Văn Đức", email="ducdv@thoatnuoc.hanoi.example"),
        ],
        source=DelegateSource.manual,
    )
    headers = ["Mã", "Họ và tên", "Email", "Ghế"]
    rows = [
        ["LD002", "Hoàng Cao Thắng", "thanghc@soxaydung.hanoi.example", "A2"],  # by code
        ["", "Đặng Văn Đức", "DucDV@thoatnuoc.hanoi.example", "F1"],  # by e-mail, any case
        ["KM001", "Đặng Quốc Hưng", "", "B1"],  # new
    ]
    plan = await plan_import(event_id, "ds.csv", csv_file(headers, rows))
    assert [data.full_name for data in plan.to_add] == ["Đặng Quốc Hưng"]
    assert [(data.full_name, present) for _, data, present in plan.to_update] == [
        ("Hoàng Cao Thắng", {"code", "full_name", "email", "seat"}),
        ("Đặng Văn Đức", {"code", "full_name", "email", "seat"}),
    ]
    await apply_import(event_id, plan)
    thang, duc, hung = await stored(event_id)
    assert thang["email"] == "thanghc@soxaydung.hanoi.example" and thang["seat"] == "A2"
    assert duc["seat"] == "F1" and duc["code"] is None and hung["seat"] == "B1"


async def test_a_list_that_gains_codes_finds_its_delegates_by_email(event_id):
    without_codes = [row[1:] for row in ROWS]
    await import_file(event_id, csv_file(HEADERS[1:], without_codes))
    plan = await plan_import(event_id, "ds.csv", csv_file())
    # Nine by e-mail; the one without an e-mail by her name, as she has neither.
    assert plan.ok and not plan.to_add and plan.unchanged == 0
    await apply_import(event_id, plan)
    assert [row["code"] for row in await stored(event_id)] == [row[0] for row in ROWS]


async def test_a_row_with_a_new_code_and_the_email_of_a_coded_delegate_is_refused(event_id):
    await import_file(event_id, csv_file())
    rows = [["ZZ9", *ROWS[1][1:]]]
    plan = await plan_import(event_id, "ds.csv", csv_file(rows=rows))
    assert reasons(plan) == [
        (
            2,
            "The e-mail thanghc@soxaydung.hanoi.example already belongs to another delegate, "
            "Hoàng Cao Thắng.",
        )
    ]


async def test_a_list_of_names_only_reimports_unchanged_homonyms_included(event_id):
    rows = [["Nguyễn Văn Hùng", "Sở Xây dựng"], ["Nguyễn Văn Hùng", "UDIC"], ["Lê Thị Hà", ""]]
    data = csv_file(["Họ và tên", "Đơn vị"], rows)
    await import_file(event_id, data)
    plan = await plan_import(event_id, "ds.csv", data)
    assert (len(plan.to_add), len(plan.to_update), plan.unchanged) == (0, 0, 3)
    rows[1][1] = "Tổng công ty UDIC"
    changed = await plan_import(event_id, "ds.csv", csv_file(["Họ và tên", "Đơn vị"], rows))
    assert [(data.organization) for _, data, _ in changed.to_update] == ["Tổng công ty UDIC"]


async def test_a_matched_delegate_changes_only_in_the_columns_of_the_file(event_id):
    await import_file(event_id, csv_file([*HEADERS, "Ghi chú"], [[*ROWS[1], "Đón ở sảnh"]]))
    (before,) = await stored(event_id)
    headers = ["Mã", "Họ và tên", "Chức vụ"]
    rows = [["LD002", "Hoàng Cao Thắng", "Giám đốc Sở Xây dựng Hà Nội"]]
    plan = await plan_import(event_id, "ds.csv", csv_file(headers, rows))
    assert [present for _, _, present in plan.to_update] == [{"code", "full_name", "position"}]
    await apply_import(event_id, plan)
    (after,) = await stored(event_id)
    assert after["position"] == "Giám đốc Sở Xây dựng Hà Nội"
    for column in ("email", "phone", "seat", "notes", "organization", "group_name", "token"):
        assert after[column] == before[column], column
    assert after["protocol_rank"] == 2
    assert (
        after["search_key"] == "hoang cao thang | so xay dung ha noi | giam doc so xay dung ha noi"
    )
    assert after["updated_at"] > before["updated_at"]


async def test_an_empty_cell_in_a_present_column_clears_the_field(event_id):
    await import_file(event_id, csv_file(rows=ROWS[:2]))
    rows = [list(row) for row in ROWS[:2]]
    rows[1][9] = ""
    rows[1][8] = ""
    plan = await plan_import(event_id, "ds.csv", csv_file(rows=rows))
    assert len(plan.to_update) == 1 and plan.unchanged == 1
    await apply_import(event_id, plan)
    second = (await stored(event_id))[1]
    assert second["seat"] == "" and second["protocol_rank"] is None


async def test_many_updates_are_applied_with_their_own_values(event_id):
    rows = [[f"DB{n:04d}", f"Nguyễn Văn Hùng {n}", f"hung{n}@sxd.example", f"F{n}", str(n + 1)]
            for n in range(1200)]  # fmt: skip
    headers = ["Mã", "Họ và tên", "Email", "Ghế", "Thứ tự"]
    await import_file(event_id, csv_file(headers, rows))
    for row in rows:
        row[3] = "G" + row[3][1:]
        row[4] = str(int(row[4]) * 2)
    plan = await import_file(event_id, csv_file(headers, rows))
    assert len(plan.to_update) == 1200
    delegates = await stored(event_id)
    assert [(d["seat"], d["protocol_rank"]) for d in delegates] == [
        (f"G{n}", (n + 1) * 2) for n in range(1200)
    ]
    assert (await stored(event_id))[0]["email"] == "hung0@sxd.example"


async def test_an_import_is_recorded_in_the_audit_log(event_id):
    await import_file(event_id, csv_file(rows=ROWS[:4]), "lan-1.csv")
    rows = [list(row) for row in ROWS[:5]]
    rows[0][9] = "A9"
    await import_file(event_id, csv_file(rows=rows), "lan-2.csv")
    entries = await AuditEntry.select().order_by(AuditEntry.id)
    assert [(e["action"], e["target"], e["event"]) for e in entries] == [
        ("delegates.import", "lan-1.csv", event_id),
        ("delegates.import", "lan-2.csv", event_id),
    ]
    details = entries[1]["details"]
    if isinstance(details, str):
        import json

        details = json.loads(details)
    assert details == {"added": 1, "updated": 1}


async def test_delegates_of_another_event_are_never_matched(event_id):
    await import_file(await make_event("hoi-nghi-khac"), csv_file())
    plan = await plan_import(event_id, "ds.csv", csv_file())
    assert plan.ok and len(plan.to_add) == 10
