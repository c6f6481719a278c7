"""Importing award recipients: the delegate import's rules (preview, all or nothing, NFC)."""

from __future__ import annotations

import io
import unicodedata

import openpyxl
import pytest

from conference import auth, demo
from conference.errors import InvalidInput
from conference.events import get_event
from conference.program.awards import importing as award_import
from conference.program.awards import services as awards
from conference.spreadsheets import ImportFileError
from conference.tables import AwardRecipient, Role

SLUG = "nguoi-tot-viec-tot-2022"
HEADER = (
    "Hình thức khen thưởng,Loại,Danh xưng,Tên,Chức vụ,Đơn vị,Người nhận,Mã đại biểu,Thành tích\n"
)


def _csv(*rows: str) -> bytes:
    return ("\ufeff" + HEADER + "\n".join(rows) + "\n").encode()


GOOD = _csv(
    "412/QĐ-SXD,Tập thể,,Đội Thoát nước số 5,,,Ông Trần Văn Quang,,Hoàn thành xuất sắc nhiệm vụ",
    "Giấy khen của Giám đốc Sở Xây dựng Hà Nội,Cá nhân,Bà,Khổng Thị Mai,Kỹ sư,"
    "Xí nghiệp số 5,,,Sáng kiến",
    "giay khen cua giam doc so xay dung ha noi,Cá nhân,,Lê Minh Đức,,,,KT004,Gương mẫu",
)


@pytest.fixture
async def event(db):
    await demo.load()
    return await get_event(SLUG)


async def test_a_file_is_previewed_then_imported_and_again_changes_nothing(event):
    plan = await award_import.plan_import(event["id"], "khen-thuong.csv", GOOD)
    assert plan.ok, plan.problems
    assert len(plan.to_add) == 3 and plan.unchanged == 0
    assert await AwardRecipient.count() == 40  # a preview writes nothing
    result = await award_import.apply_import(event["id"], plan)
    assert (result.added, result.updated) == (3, 0)
    form = (await awards.award_forms(event["id"]))[2]
    listed = await awards.recipients(event["id"], form_id=form["id"])
    assert [r["name"] for r in listed[-3:]] == [
        "Đội Thoát nước số 5",
        "Khổng Thị Mai",
        "Lê Minh Đức",
    ]
    team, mai, duc = listed[-3:]
    # The representative is found on the delegate list by name, the individual by code.
    assert team["kind"] == "collective" and team["delegate_name"] == "Trần Văn Quang"
    assert team["honorific"] == "Ông" and team["representative_name"] == ""
    assert mai["delegate"] is None and (mai["title"], mai["honorific"]) == ("Kỹ sư", "Bà")
    assert duc["delegate_code"] == "KT004"
    again = await award_import.plan_import(event["id"], "khen-thuong.csv", GOOD)
    assert (len(again.to_add), len(again.to_update), again.unchanged) == (0, 0, 3)
    assert (await award_import.apply_import(event["id"], again)).added == 0
    assert await AwardRecipient.count() == 43


async def test_every_bad_row_is_reported_and_nothing_is_imported(event):
    data = _csv(
        "Huân chương Lao động,Cá nhân,,Người A,,,,,",
        "412/QĐ-SXD,Nhóm,,Người B,,,,,",
        "412/QĐ-SXD,Cá nhân,,,,,,,",
        "412/QĐ-SXD,Cá nhân,,Người C,,,,ZZ999,",
        "412/QĐ-SXD,Cá nhân,,Người D,,,,,",
        "412/QĐ-SXD,Cá nhân,,Người D,,,,,",
    )
    plan = await award_import.plan_import(event["id"], "loi.csv", data)
    assert plan.bad_rows == [2, 3, 4, 5, 7]
    messages = {p.row: p.message % p.params for p in plan.problems}
    assert "Huân chương Lao động" in messages[2]
    assert "Nhóm" in messages[3]
    assert messages[4] == "The name is empty."
    assert "ZZ999" in messages[5]
    assert "row 6" in messages[7]
    with pytest.raises(InvalidInput):
        await award_import.apply_import(event["id"], plan)
    assert await AwardRecipient.count() == 40


async def test_decomposed_text_is_stored_composed_and_xlsx_works(event):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Tên", "Loại", "Thành tích"])
    sheet.append([unicodedata.normalize("NFD", "Đỗ Thị Thủy"), "Cá nhân", "Tận tụy"])
    buffer = io.BytesIO()
    book.save(buffer)
    forms = await awards.award_forms(event["id"])
    plan = await award_import.plan_import(
        event["id"], "ds.xlsx", buffer.getvalue(), default_form_id=forms[0]["id"]
    )
    assert plan.ok and len(plan.to_add) == 1
    await award_import.apply_import(event["id"], plan)
    row = await AwardRecipient.select().where(AwardRecipient.citation == "Tận tụy").first()
    assert row["name"] == unicodedata.normalize("NFC", "Đỗ Thị Thủy")
    assert row["award_form"] == forms[0]["id"] and row["cue"] is None


async def test_a_file_without_a_name_column_is_refused_as_a_whole(event):
    with pytest.raises(ImportFileError, match="Tên"):
        await award_import.plan_import(event["id"], "x.csv", b"Loai,Thanh tich\nCa nhan,A\n")


async def test_the_import_pages_preview_then_confirm(client, event, sample_password):
    from tests.conftest import csrf_token, log_in

    await auth.create_user("btc", sample_password, Role.organizer)
    await log_in(client, "btc", sample_password)
    token = await csrf_token(client, f"/events/{SLUG}/awards/import")
    preview = await client.post(
        f"/events/{SLUG}/awards/import",
        files={"file": ("khen.csv", GOOD, "text/csv")},
        data={"_csrf_token": token, "form_id": ""},
    )
    assert preview.status_code == 200
    assert 'data-stat="to_add">3<' in preview.text
    upload_id = preview.text.split('name="upload_id" value="')[1].split('"')[0]
    done = await client.post(
        f"/events/{SLUG}/awards/import/confirm",
        data={"_csrf_token": token, "upload_id": upload_id, "filename": "khen.csv", "form_id": ""},
        follow_redirects=False,
    )
    assert done.status_code in (302, 303)
    assert await AwardRecipient.count() == 43
    bad = await client.post(
        f"/events/{SLUG}/awards/import",
        files={"file": ("loi.csv", _csv("Không có,Cá nhân,,A,,,,,"), "text/csv")},
        data={"_csrf_token": token},
    )
    assert bad.status_code == 400 and "Không có" in bad.text
    # The new recipients wait outside the run sheet's batches until placed.
    stage = await client.get(f"/events/{SLUG}/runsheet/", headers={"accept": "text/html"})
    assert "Khổng Thị Mai" in stage.text and "chưa thuộc đợt nào" in stage.text


async def test_the_import_page_links_a_template_that_imports_as_it_is(
    client, event, sample_password
):
    import csv

    from tests.conftest import log_in

    await auth.create_user("btc", sample_password, Role.organizer)
    await log_in(client, "btc", sample_password)
    page = await client.get(f"/events/{SLUG}/awards/import")
    assert f'href="/events/{SLUG}/awards/import/template.xlsx"' in page.text
    assert f'href="/events/{SLUG}/awards/import/template.csv"' in page.text
    response = await client.get(f"/events/{SLUG}/awards/import/template.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    assert rows[0] == [column.header for column in award_import.COLUMNS] and len(rows) == 2
    assert rows[0][:4] == ["Hình thức khen thưởng", "Loại", "Danh xưng", "Tên"]
    first_form = (await awards.award_forms(event["id"]))[0]["title"]
    assert rows[1][0] == first_form and rows[1][3] == "Khổng Thị Mai"
    workbook = await client.get(f"/events/{SLUG}/awards/import/template.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(workbook.content)).active
    assert [c.value for c in sheet[1]] == rows[0] and sheet["D2"].value == "Khổng Thị Mai"
    for name, data in (("mau.csv", response.content), ("mau.xlsx", workbook.content)):
        plan = await award_import.plan_import(event["id"], name, data)
        assert plan.ok and len(plan.to_add) == 1, plan.problems
