"""`conference delegates import`, run as an organizer runs it: a report, one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from conference.spreadsheets import MAX_FILE_BYTES
from conference.tables import AuditEntry, Delegate
from tests.invitations.test_import import HEADERS, ROWS, csv_file, make_event, xlsx_file
from tests.test_cli import assert_one_line_error, conference

SLUG = "nguoi-tot-viec-tot-2022"


@pytest.fixture
async def env(db, tmp_path) -> dict[str, str]:
    await make_event(SLUG)
    return {
        "CONFERENCE_DATABASE_URL": db.url,
        "CONFERENCE_INSTANCE_DIR": str(tmp_path / "instance"),
        "CONFERENCE_LANGUAGE": "en",
    }


def write(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


async def test_a_dry_run_reports_what_would_change_and_writes_nothing(env, tmp_path):
    path = write(tmp_path, "danh-sach.csv", csv_file(["STT", "Họ và tên"], [["1", "Lê Thị Hà"]]))
    result = conference("delegates", "import", SLUG, path, "--dry-run", env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "File: danh-sach.csv; rows read: 1",
        "To add: 1",
        "To update: 0",
        "Unchanged: 0",
        "Unknown columns, ignored: STT",
        "warning: The file has no Danh xưng column: 1 delegates have no honorific (Ông, Bà) "
        "for their letters and the MC. (rows 2)",
        "Dry run: nothing was written.",
    ]
    assert result.stderr == ""
    assert await Delegate.count() == 0 and await AuditEntry.count() == 0


async def test_an_import_adds_and_a_second_run_finds_everything_unchanged(env, tmp_path):
    path = write(tmp_path, "danh-sach.xlsx", xlsx_file())
    first = conference("delegates", "import", SLUG, path, env=env)
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines()[-1] == "Imported: 10 added, 0 updated, 0 unchanged."
    assert await Delegate.count() == 10
    again = conference("delegates", "import", SLUG, path, env=env)
    assert again.returncode == 0, again.stderr
    assert again.stdout.splitlines()[-1] == "Imported: 0 added, 0 updated, 10 unchanged."
    assert await AuditEntry.count() == 1


async def test_bad_rows_are_listed_on_stdout_and_the_failure_is_one_line(env, tmp_path):
    rows = [list(row) for row in ROWS]
    rows[2][2] = ""
    rows[6][8] = "-3"
    path = write(tmp_path, "danh-sach.csv", csv_file(rows=rows))
    result = conference("delegates", "import", SLUG, path, env=env)
    assert_one_line_error(result)
    assert result.stderr.strip() == "conference: 2 bad row(s), nothing imported"
    assert result.stdout.splitlines()[-2:] == [
        "row 4: The full name is empty.",
        "row 8: The protocol rank must be a whole number from 1 to 100000, not -3.",
    ]
    assert await Delegate.count() == 0


async def test_bad_rows_in_vietnamese_by_default(env, tmp_path):
    rows = [list(row) for row in ROWS]
    rows[2][2] = ""
    path = write(tmp_path, "danh-sach.csv", csv_file(rows=rows))
    result = conference("delegates", "import", SLUG, path, env={**env, "CONFERENCE_LANGUAGE": "vi"})
    assert_one_line_error(result)
    assert await Delegate.count() == 0


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("ds.csv", "Họ và tên\nNguyễn Văn Đức\n".encode("utf-16"), "UTF-8"),
        ("ds.csv", b"Ma,Ten\nA1,Hung\n", "full_name"),
        ("ds.xlsx", b"PK\x03\x04broken", "damaged"),
        ("ds.pdf", b"%PDF-1.7", "CSV"),
    ],
)
async def test_a_file_that_cannot_be_imported_is_one_line(env, tmp_path, name, data, words):
    result = conference("delegates", "import", SLUG, write(tmp_path, name, data), env=env)
    assert_one_line_error(result)
    assert words in result.stderr


async def test_a_file_too_large_or_missing_is_one_line(env, tmp_path):
    big = tmp_path / "ds.csv"
    with big.open("wb") as file:
        file.truncate(MAX_FILE_BYTES + 1)
    too_large = conference("delegates", "import", SLUG, str(big), env=env)
    assert_one_line_error(too_large)
    assert "5 MB" in too_large.stderr
    missing = conference("delegates", "import", SLUG, str(tmp_path / "none.csv"), env=env)
    assert_one_line_error(missing)
    assert "none.csv" in missing.stderr


async def test_an_unknown_event_is_one_line(env, tmp_path):
    path = write(tmp_path, "ds.csv", csv_file())
    result = conference("delegates", "import", "khong-co", path, env=env)
    assert_one_line_error(result)
    assert "khong-co" in result.stderr
    assert await Delegate.count() == 0


async def test_the_warnings_are_printed_and_do_not_stop_the_import(env, tmp_path):
    rows = [list(row) for row in ROWS]
    rows[6][HEADERS.index("Thứ tự")] = "2"  # Đặng Văn Đức at rank 2, like Hoàng Cao Thắng
    rows[6][3] = "Giám đốc Công ty"
    path = write(tmp_path, "ds.csv", csv_file(rows=rows))
    result = conference("delegates", "import", SLUG, path, env=env)
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stdout.splitlines() if line.startswith("warning: ")]
    assert len(warnings) == 1 and "(rows 3, 8)" in warnings[0], result.stdout
    assert await Delegate.count() == len(ROWS)


@pytest.mark.parametrize(
    ("data", "named"),
    [
        # Vietnamese ANSI: Đ, à, ă are single bytes there, never valid UTF-8.
        ("Họ và tên\nĐào Văn Hà\n".replace("ọ", "o").encode("cp1258"), "Windows-1258"),
        ("Họ và tên\nNguyễn Văn Đức\n".encode("utf-16"), "UTF-16"),
    ],
    ids=["windows-1258", "utf-16"],
)
async def test_a_csv_in_another_encoding_is_refused_naming_it(env, tmp_path, data, named):
    result = conference("delegates", "import", SLUG, write(tmp_path, "ds.csv", data), env=env)
    assert_one_line_error(result)
    assert named in result.stderr and "UTF-8" in result.stderr
    assert await Delegate.count() == 0
