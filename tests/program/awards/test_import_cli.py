"""`conference awards import SLUG FILE [--dry-run]`: the web import's rules on the command line."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest

from conference import demo
from conference.tables import AuditEntry, AwardRecipient
from tests.program.awards.test_import import GOOD, SLUG, _csv
from tests.test_cli import assert_one_line_error, conference


@pytest.fixture
async def env(db, tmp_path) -> dict[str, str]:
    await demo.load()
    return {
        "CONFERENCE_DATABASE_URL": db.url,
        "CONFERENCE_INSTANCE_DIR": str(tmp_path / "instance"),
        "CONFERENCE_LANGUAGE": "en",
    }


def write(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


async def test_a_good_file_is_imported_and_a_second_run_changes_nothing(env, tmp_path):
    before = await AwardRecipient.count()
    path = write(tmp_path, "khen-thuong.csv", GOOD)
    first = conference("awards", "import", SLUG, path, env=env)
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines() == [
        "File: khen-thuong.csv; rows read: 3",
        "To add: 3",
        "To update: 0",
        "Unchanged: 0",
        "Imported: 3 added, 0 updated, 0 unchanged.",
    ]
    assert first.stderr == ""
    assert await AwardRecipient.count() == before + 3
    names = {r["name"] for r in await AwardRecipient.select(AwardRecipient.name)}
    assert {"Đội Thoát nước số 5", "Khổng Thị Mai", "Lê Minh Đức"} <= names
    assert await AuditEntry.count().where(AuditEntry.action == "awards.import") == 1
    again = conference("awards", "import", SLUG, path, env=env)
    assert again.returncode == 0, again.stderr
    assert again.stdout.splitlines()[-1] == "Imported: 0 added, 0 updated, 3 unchanged."
    assert await AwardRecipient.count() == before + 3


async def test_a_bad_row_imports_nothing_and_fails_in_one_line(env, tmp_path):
    before = await AwardRecipient.count()
    data = _csv(
        "412/QĐ-SXD,Cá nhân,,Người A,,,,,",
        "Huân chương Lao động,Cá nhân,,Người B,,,,,",
        "412/QĐ-SXD,Cá nhân,,Người C,,,,ZZ999,",
    )
    result = conference("awards", "import", SLUG, write(tmp_path, "loi.csv", data), env=env)
    assert_one_line_error(result)
    assert result.stderr.strip() == "conference: 2 bad row(s), nothing imported"
    lines = result.stdout.splitlines()
    assert lines[1] == "To add: 1"
    assert lines[-2].startswith("row 3: ") and "Huân chương Lao động" in lines[-2]
    assert lines[-1].startswith("row 4: ") and "ZZ999" in lines[-1]
    assert await AwardRecipient.count() == before
    assert await AuditEntry.count().where(AuditEntry.action == "awards.import") == 0


async def test_a_dry_run_reports_and_writes_nothing(env, tmp_path):
    before = await AwardRecipient.count()
    path = write(tmp_path, "khen-thuong.csv", GOOD)
    result = conference("awards", "import", SLUG, path, "--dry-run", env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1:] == [
        "To add: 3",
        "To update: 0",
        "Unchanged: 0",
        "Dry run: nothing was written.",
    ]
    assert await AwardRecipient.count() == before
    assert await AuditEntry.count().where(AuditEntry.action == "awards.import") == 0


async def test_rows_that_name_no_form_take_the_award_form_option(env, tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["DANH SÁCH KHEN THƯỞNG"])
    book.active.append([])
    book.active.append(["STT", "Tên", "Loại", "Thành tích"])
    book.active.append([1, "Đỗ Thị Thủy", "Cá nhân", "Tận tụy"])
    buffer = io.BytesIO()
    book.save(buffer)
    path = write(tmp_path, "ds.xlsx", buffer.getvalue())
    without = conference("awards", "import", SLUG, path, env=env)
    assert_one_line_error(without)
    assert "row 4: The row names no award form" in without.stdout
    result = conference("awards", "import", SLUG, path, "--award-form", "412/qd-sxd", env=env)
    assert result.returncode == 0, result.stderr
    assert "Header row: row 3." in result.stdout.splitlines()
    row = await AwardRecipient.select().where(AwardRecipient.name == "Đỗ Thị Thủy").first()
    assert row is not None and row["citation"] == "Tận tụy"


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (("khong-co-su-kien", "FILE"), "khong-co-su-kien"),
        ((SLUG, "FILE", "--award-form", "Huân chương Sao Vàng"), "Huân chương Sao Vàng"),
        ((SLUG, "/no/such/file.csv"), "/no/such/file.csv"),
    ],
    ids=["unknown-event", "unknown-form", "missing-file"],
)
async def test_a_bad_command_fails_in_one_line_and_imports_nothing(env, tmp_path, args, reason):
    before = await AwardRecipient.count()
    path = write(tmp_path, "khen-thuong.csv", GOOD)
    result = conference("awards", "import", *(path if a == "FILE" else a for a in args), env=env)
    assert_one_line_error(result)
    assert reason in result.stderr
    assert await AwardRecipient.count() == before


async def test_a_file_without_a_header_names_the_columns_looked_for(env, tmp_path):
    path = write(tmp_path, "ds.csv", "DANH SÁCH KHEN THƯỞNG\nĐỗ Thị Thủy,Cá nhân\n".encode())
    result = conference("awards", "import", SLUG, path, env=env)
    assert_one_line_error(result)
    assert "Tên" in result.stderr and "Hình thức khen thưởng" in result.stderr
