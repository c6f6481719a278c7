"""Importing and exporting from the delegate pages: preview first, then confirm."""

from __future__ import annotations

import re

import pytest

from conference import auth
from conference.tables import Delegate, Role
from tests.conftest import csrf_token, log_in
from tests.invitations.helpers import make_event

GOOD = (
    "\ufeffHọ và tên,Danh xưng,Chức vụ,Đơn vị,Email,Nhóm,Thứ tự,Mã,Cột lạ\n"
    "Ngô Thị Hương,Bà,Trưởng phòng,Công ty Xây dựng số 3,huong@example.vn,Đại biểu,,DB100,x\n"
    "Phạm Văn Đông,Ông,Giám đốc,Công ty Xây dựng số 5,dong@example.vn,Khách mời,9,DB101,y\n"
).encode()
BAD = (
    "Họ và tên,Email\n"
    "Ngô Thị Hương,huong@example.vn\n"
    ",nobody@example.vn\n"
    "Phạm Văn Đông,not-an-email\n"
).encode()


@pytest.fixture
async def organizer(client, sample_password):
    await auth.create_user("btc", sample_password, Role.organizer)
    await log_in(client, "btc", sample_password)
    return client


async def _upload(client, name: str, content: bytes):
    token = await csrf_token(client, "/events/hn-2022/delegates/import")
    return await client.post(
        "/events/hn-2022/delegates/import",
        data={"_csrf_token": token},
        files={"file": (name, content, "text/csv")},
    )


async def test_a_file_is_previewed_then_imported_on_confirmation(organizer):
    await make_event()
    preview = await _upload(organizer, "danh-sach.csv", GOOD)
    assert preview.status_code == 200
    assert 'data-stat="to_add">2<' in preview.text
    assert "Cột lạ" in preview.text  # the unknown column is named
    assert await Delegate.count() == 5  # nothing written yet
    upload_id = re.search(r'name="upload_id" value="([^"]+)"', preview.text).group(1)
    token = await csrf_token(organizer, "/events/hn-2022/delegates/import")
    done = await organizer.post(
        "/events/hn-2022/delegates/import/confirm",
        data={"_csrf_token": token, "upload_id": upload_id, "filename": "danh-sach.csv"},
        follow_redirects=True,
    )
    assert "Đã nhập: thêm 2" in done.text
    assert await Delegate.count() == 7
    dong = await Delegate.select().where(Delegate.code == "DB101").first()
    assert dong["full_name"] == "Phạm Văn Đông" and dong["protocol_rank"] == 9
    # The same file again: everything unchanged, nothing to confirm.
    again = await _upload(organizer, "danh-sach.csv", GOOD)
    assert 'data-stat="unchanged">2<' in again.text


async def test_a_file_with_bad_rows_lists_each_and_imports_nothing(organizer):
    await make_event()
    preview = await _upload(organizer, "loi.csv", BAD)
    assert preview.status_code == 400
    assert 'data-stat="bad_rows">2<' in preview.text
    assert re.search(r'<td class="num">3</td><td>[^<]*tên', preview.text)
    assert re.search(r'<td class="num">4</td><td>[^<]*not-an-email', preview.text)
    assert 'name="upload_id"' not in preview.text
    assert await Delegate.count() == 5


async def test_a_confirmation_without_a_kept_file_asks_for_it_again(organizer):
    await make_event()
    token = await csrf_token(organizer, "/events/hn-2022/delegates/import")
    page = await organizer.post(
        "/events/hn-2022/delegates/import/confirm",
        data={"_csrf_token": token, "upload_id": "../../etc/passwd", "filename": "x.csv"},
        follow_redirects=True,
    )
    assert "Tệp đã hết hạn" in page.text


async def test_export_downloads_that_reimport_unchanged(organizer):
    await make_event()
    exported = await organizer.get("/events/hn-2022/delegates/export.csv")
    assert exported.headers["content-disposition"] == 'attachment; filename="dai-bieu-hn-2022.csv"'
    assert exported.content.startswith("\ufeff".encode())
    preview = await _upload(organizer, "dai-bieu.csv", exported.content)
    assert 'data-stat="unchanged">5<' in preview.text
    xlsx = await organizer.get("/events/hn-2022/delegates/export.xlsx")
    assert xlsx.content[:2] == b"PK"
