"""Warnings of a delegate import: worth a second look, and never a reason to refuse the file."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from conference import auth
from conference.i18n import gettext
from conference.imports import row_ranges
from conference.invitations.checks import is_vietnamese_phone, looks_like_leader
from conference.invitations.importing import apply_import, plan_import
from conference.invitations.services import DelegateInput, add_delegates
from conference.tables import Delegate, DelegateSource, Event, Role
from tests.conftest import csrf_token, log_in
from tests.invitations.test_import import HEADERS, ROWS, csv_file, make_event

SLUG = "nguoi-tot-viec-tot-2022"


@pytest.fixture
async def event_id(db) -> int:
    return await make_event(SLUG)


def rows_with(**changes: dict[int, str]) -> list[list[str]]:
    """ROWS with cells changed: ``column={row index: value}``, columns named by HEADERS."""
    rows = [list(row) for row in ROWS]
    for header, cells in changes.items():
        column = HEADERS.index(header)
        for index, value in cells.items():
            rows[index][column] = value
    return rows


def texts(plan) -> list[str]:
    return [gettext(w.message, **w.params) for w in plan.warnings]


async def test_the_seed_list_raises_no_warning(event_id):
    plan = await plan_import(event_id, "ds.csv", csv_file())
    assert plan.ok and plan.warnings == []


async def test_two_delegates_at_one_rank_are_a_warning_with_both_rows(event_id):
    rows = rows_with(**{"Thứ tự": {6: "2"}})  # Đặng Văn Đức at rank 2, like Hoàng Cao Thắng
    rows[6][3] = "Giám đốc Công ty"  # a leader's title: only the shared rank is warned of
    plan = await plan_import(event_id, "ds.csv", csv_file(rows=rows))
    assert plan.ok, plan.problems
    (warning,) = plan.warnings
    assert warning.rows == (3, 8)
    assert texts(plan) == [
        "Thứ tự lễ tân 2 được xếp cho 2 đại biểu: Hoàng Cao Thắng, Đặng Văn Đức."
    ]


async def test_a_rank_already_held_by_a_delegate_not_in_the_file_is_a_warning(event_id):
    await add_delegates(
        event_id,
        [DelegateInput(full_name="Lê Văn Hùng", position="Giám đốc Sở", protocol_rank=3)],
        source=DelegateSource.manual,
    )
    plan = await plan_import(event_id, "ds.csv", csv_file())
    (warning,) = plan.warnings
    assert warning.rows == (4,)  # Nguyễn Thị Thanh, rank 3 in the file
    assert "Lê Văn Hùng" in texts(plan)[0]


async def test_a_vip_rank_given_to_a_title_that_is_not_a_leaders_is_a_warning(event_id):
    await Event.update({Event.vip_rank_threshold: 3}).where(Event.id == event_id)
    rows = rows_with(**{"Thứ tự": {0: "", 1: "", 2: "", 6: "1", 7: "2"}})
    rows[6][3], rows[7][3] = "Chuyên viên", "Nhân viên văn phòng"
    plan = await plan_import(event_id, "ds.csv", csv_file(rows=rows))
    assert plan.ok
    assert [w.rows for w in plan.warnings] == [(8,), (9,)]
    assert "Đặng Văn Đức" in texts(plan)[0] and "Chuyên viên" in texts(plan)[0]
    assert "1 đến 3" in texts(plan)[0]


async def test_a_rank_below_the_vip_threshold_is_no_warning_whatever_the_title(event_id):
    await Event.update({Event.vip_rank_threshold: 3}).where(Event.id == event_id)
    rows = rows_with(**{"Thứ tự": {6: "7"}})
    rows[6][3] = "Chuyên viên"
    plan = await plan_import(event_id, "ds.csv", csv_file(rows=rows))
    assert plan.warnings == []


async def test_rows_without_danh_xung_are_one_warning_with_their_rows(event_id):
    rows = rows_with(**{"Danh xưng": {1: "", 2: "", 3: "", 8: ""}})
    plan = await plan_import(event_id, "ds.csv", csv_file(rows=rows))
    assert plan.ok
    (warning,) = plan.warnings
    assert warning.rows == (3, 4, 5, 10) and warning.rows_text == "3–5, 10"
    assert texts(plan) == [
        "4 đại biểu chưa có danh xưng (Ông, Bà) cho giấy mời và người dẫn chương trình."
    ]


async def test_a_file_without_a_danh_xung_column_says_so(event_id):
    headers = ["Họ và tên", "Chức vụ"]
    plan = await plan_import(
        event_id, "ds.csv", csv_file(headers, [[r[2], r[3]] for r in ROWS[:3]])
    )
    (warning,) = plan.warnings
    assert warning.rows == (2, 3, 4)
    assert texts(plan)[0].startswith("Tệp không có cột Danh xưng")


async def test_a_phone_that_is_not_vietnamese_is_a_warning_per_row(event_id):
    rows = rows_with(**{"Điện thoại": {1: "913245768", 2: "+33 1 42 68 53 00", 3: "12345"}})
    plan = await plan_import(event_id, "ds.csv", csv_file(rows=rows))
    assert plan.ok
    assert [w.rows for w in plan.warnings] == [(3,), (4,), (5,)]
    assert texts(plan)[0] == (
        "Số điện thoại 913245768 của Hoàng Cao Thắng không phải số điện thoại Việt Nam."
    )


async def test_warnings_never_stop_the_import(event_id):
    rows = rows_with(**{"Thứ tự": {6: "1"}, "Danh xưng": {2: ""}, "Điện thoại": {3: "12345"}})
    rows[6][3] = "Chuyên viên"
    plan = await plan_import(event_id, "ds.csv", csv_file(rows=rows))
    assert plan.ok and len(plan.warnings) == 4
    result = await apply_import(event_id, plan)
    assert result.added == 10 and await Delegate.count() == 10


async def test_warnings_stand_beside_the_bad_rows(event_id):
    rows = rows_with(**{"Danh xưng": {1: ""}, "Email": {2: "khong-phai-email"}})
    plan = await plan_import(event_id, "ds.csv", csv_file(rows=rows))
    assert not plan.ok and plan.bad_rows == [4]
    assert [w.rows for w in plan.warnings] == [(3,)]


@pytest.mark.parametrize(
    "position",
    ["Phó Giám đốc Sở Xây dựng Hà Nội", "Chủ tịch Công đoàn", "Bí thư Đảng ủy", "Vụ trưởng",
     "Thứ trưởng Bộ Xây dựng", "Phó Trưởng ban Thi đua", "Chánh Thanh tra Sở",
     "Ủy viên Ban Thường vụ", "Tổng Biên tập", "Hiệu trưởng", "PHÓ CHỦ TỊCH UBND"],
)  # fmt: skip
def test_a_leaders_title_looks_like_one(position):
    assert looks_like_leader(position)


@pytest.mark.parametrize(
    "position", ["Chuyên viên", "Nhân viên", "Kỹ sư", "Kế toán", "Công nhân", "", "Lái xe"]
)
def test_a_staff_title_does_not_look_like_a_leaders(position):
    assert not looks_like_leader(position)


@pytest.mark.parametrize(
    "phone",
    ["0913 245 768", "0913.245.768", "+84 913 245 768", "84913245768", "024 3825 1234",
     "(024) 3825-1234", "+84 24 3825 1234", "0913 245 768 / 0904 318 552", "1900 1234",
     "0386123456"],
)  # fmt: skip
def test_vietnamese_phone_numbers_are_recognized(phone):
    assert is_vietnamese_phone(phone)


@pytest.mark.parametrize(
    "phone", ["913245768", "12345", "+33 1 42 68 53 00", "0113 245 768", "09132457681", "số máy"]
)
def test_other_phone_numbers_are_not(phone):
    assert not is_vietnamese_phone(phone)


def test_row_ranges_read_as_a_person_reads_them():
    assert row_ranges([2, 3, 4, 9, 12, 13]) == "2–4, 9, 12–13"
    assert row_ranges(list(range(2, 40, 2)), limit=3) == "2, 4, 6, …"


# ---------------------------------------------------------------- the page and the template


@pytest.fixture
async def organizer(client, sample_password, event_id):
    await auth.create_user("btc", sample_password, Role.organizer)
    await log_in(client, "btc", sample_password)
    return client


async def test_the_preview_lists_the_warnings_and_still_offers_the_import(organizer):
    rows = rows_with(**{"Danh xưng": {1: "", 2: ""}, "Điện thoại": {3: "12345"}})
    token = await csrf_token(organizer, f"/events/{SLUG}/delegates/import")
    page = await organizer.post(
        f"/events/{SLUG}/delegates/import",
        data={"_csrf_token": token},
        files={"file": ("ds.csv", csv_file(rows=rows))},
    )
    assert page.status_code == 200
    assert page.text.count("<li data-warning>") == 2
    assert "(dòng 3–4)" in page.text and "12345" in page.text
    assert (
        'name="upload_id" value="' in page.text
        and "disabled"
        not in page.text.split('action="/events/nguoi-tot-viec-tot-2022/delegates/import/confirm"')[
            1
        ].split("</form>")[0]
    )


async def test_the_import_page_links_the_templates(organizer):
    page = await organizer.get(f"/events/{SLUG}/delegates/import")
    assert f'href="/events/{SLUG}/delegates/import/template.xlsx"' in page.text
    assert f'href="/events/{SLUG}/delegates/import/template.csv"' in page.text


VIETNAMESE_HEADERS = [
    "Mã", "Danh xưng", "Họ và tên", "Chức vụ", "Đơn vị", "Email", "Điện thoại", "Nhóm",
    "Thứ tự", "Ghế", "Ghi chú",
]  # fmt: skip


async def test_the_templates_hold_the_vietnamese_headers_and_one_example_that_imports(
    organizer, event_id
):
    response = await organizer.get(f"/events/{SLUG}/delegates/import/template.csv")
    assert response.status_code == 200
    assert "mau-danh-sach-dai-bieu.csv" in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    assert rows[0] == VIETNAMESE_HEADERS and len(rows) == 2
    example = dict(zip(rows[0], rows[1], strict=True))
    assert example["Họ và tên"] == "Nguyễn Văn An" and example["Danh xưng"] == "Ông"
    response = await organizer.get(f"/events/{SLUG}/delegates/import/template.xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]] == VIETNAMESE_HEADERS and sheet.max_row == 2
    assert sheet["C2"].value == "Nguyễn Văn An" and sheet["G2"].value == "0913 245 768"
    for name, data in (("mau.csv", rows), ("mau.xlsx", None)):
        content = csv_file(rows[0], rows[1:]) if data else response.content
        plan = await plan_import(event_id, name, content)
        assert plan.ok and len(plan.to_add) == 1 and plan.warnings == [], plan.warnings
