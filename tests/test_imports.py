"""Every import: a preview keeps the file, confirmation plans it again, a bad row stops all."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest

from conference.errors import InvalidInput
from conference.imports import Column, ImportPlan, UploadExpired, read_table, result_of
from conference.invitations import DelegateInput, add_delegates
from conference.invitations.importing import apply_import, confirm_import, preview_import
from conference.spreadsheets import ImportFileError
from conference.store import DatabaseStore
from conference.tables import Delegate, DelegateSource, Event
from conference.uploads import PreviewedUploads

HEADER = "Mã,Họ và tên,Email,Thứ tự\n"
GOOD = (
    HEADER + "LD001,Hoàng Cao Thắng,thanghc@soxaydung.hanoi.example,1\n"
    "LD002,Nguyễn Thị Thủy Lệ,lentt@soxaydung.hanoi.example,2\n"
).encode()
ONE_BAD = GOOD + "LD003,Trần Văn Quang,quang@@soxaydung,3\n".encode()


@pytest.fixture
async def event_id(db) -> int:
    event = Event(slug="tong-ket-2022", title="Hội nghị tổng kết", date=date(2022, 9, 12))
    await event.save()
    return event.id


@pytest.fixture
def uploads(db) -> PreviewedUploads:
    return PreviewedUploads(DatabaseStore().with_namespace("test-uploads"))


async def test_a_file_with_one_bad_row_imports_nothing_and_is_not_kept(event_id, uploads):
    preview = await preview_import(event_id, "ds.csv", ONE_BAD, uploads)
    assert preview.plan.bad_rows == [4] and len(preview.plan.to_add) == 2
    assert preview.upload_id == ""  # nothing to confirm
    with pytest.raises(InvalidInput) as refused:
        await apply_import(event_id, preview.plan)
    assert refused.value.code == "import_bad_rows"
    assert refused.value.params == {"count": 1}
    assert await Delegate.count() == 0


async def test_a_row_problem_names_its_row_and_its_column(event_id, uploads):
    preview = await preview_import(event_id, "ds.csv", ONE_BAD, uploads)
    (problem,) = preview.plan.problems
    assert (problem.row, problem.column) == (4, "Email")
    assert problem.message % problem.params == "The e-mail quang@@soxaydung is not valid."


async def test_a_previewed_file_is_imported_on_confirmation_and_only_once(event_id, uploads):
    preview = await preview_import(event_id, "ds.csv", GOOD, uploads)
    assert preview.plan.ok and preview.upload_id
    assert await Delegate.count() == 0  # a preview writes nothing
    confirmed = await confirm_import(event_id, "ds.csv", preview.upload_id, uploads)
    assert confirmed.result is not None
    assert (confirmed.result.added, confirmed.result.updated) == (2, 0)
    assert await Delegate.count() == 2
    with pytest.raises(UploadExpired) as expired:
        await confirm_import(event_id, "ds.csv", preview.upload_id, uploads)
    assert expired.value.code == "upload_expired"
    assert await Delegate.count() == 2


async def test_a_double_click_on_confirm_imports_the_file_once(event_id, uploads):
    preview = await preview_import(event_id, "ds.csv", GOOD, uploads)
    answers = await asyncio.gather(
        *(confirm_import(event_id, "ds.csv", preview.upload_id, uploads) for _ in range(2)),
        return_exceptions=True,
    )
    assert sorted(type(answer).__name__ for answer in answers) == ["Confirmed", "UploadExpired"]
    assert await Delegate.count() == 2


async def test_a_file_that_turned_bad_since_its_preview_imports_nothing(event_id, uploads):
    preview = await preview_import(event_id, "ds.csv", GOOD, uploads)
    assert preview.upload_id
    # Meanwhile someone else is given the e-mail of the file's first row.
    email = "thanghc@soxaydung.hanoi.example"
    other = DelegateInput(full_name="Phan Thanh Huyền", code="KM001", email=email)
    await add_delegates(event_id, [other], source=DelegateSource.manual)
    confirmed = await confirm_import(event_id, "ds.csv", preview.upload_id, uploads)
    assert confirmed.result is None
    assert confirmed.plan.bad_rows == [2]
    assert await Delegate.count() == 1


async def test_an_upload_of_one_event_is_not_confirmed_in_another(event_id, uploads):
    other = Event(slug="khac-2022", title="Hội nghị khác", date=date(2022, 10, 1))
    await other.save()
    preview = await preview_import(event_id, "ds.csv", GOOD, uploads)
    with pytest.raises(UploadExpired):
        await confirm_import(other.id, "ds.csv", preview.upload_id, uploads)
    assert await Delegate.count() == 0


COLUMNS = (Column("name", "Tên", ("name",)), Column("note", "Ghi chú", ("note",), 5))


def test_a_table_reports_cell_problems_with_their_row_and_column():
    data = "Tên,Ghi chú,Cột lạ\nA,ngắn,x\nB,quá dài,y\n".encode()
    table = read_table("ds.csv", data, COLUMNS, required="name")
    assert [row.values for row in table.rows] == [
        {"name": "A", "note": "ngắn"},
        {"name": "B", "note": "quá dài"},
    ]
    assert table.layout.unknown == ["Cột lạ"]
    assert table.rows[0].problems == []
    (problem,) = table.rows[1].problems
    assert (problem.row, problem.column) == (3, "Ghi chú")


def test_a_table_without_its_required_column_is_refused_as_a_whole():
    with pytest.raises(ImportFileError, match="Tên"):
        read_table("ds.csv", b"Ghi chu\nx\n", COLUMNS, required="name")


def test_two_columns_for_one_field_are_refused():
    with pytest.raises(ImportFileError, match="keep one"):
        read_table("ds.csv", "Tên,name\nA,B\n".encode(), COLUMNS, required="name")


def test_a_plan_without_bad_rows_counts_what_it_would_do():
    plan: ImportPlan[str, str] = ImportPlan(to_add=["a", "b"], to_update=["c"], unchanged=4)
    result = result_of(plan)
    assert (result.added, result.updated, result.unchanged) == (2, 1, 4)
    assert not result.changes_nothing
    assert result_of(ImportPlan(unchanged=3)).changes_nothing
