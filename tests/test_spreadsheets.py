"""Spreadsheet files: one formula guard for every export, and what is written reads back."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from conference.spreadsheets import (
    ImportFileError,
    is_formula_like,
    protect,
    read_rows,
    to_csv,
    to_xlsx,
    unprotect,
)

# (what a cell holds, what a CSV export writes)
GUARDED = [
    ('=HYPERLINK("http://evil.example","Bấm")', '\'=HYPERLINK("http://evil.example","Bấm")'),
    ("+84 913 245 768", "'+84 913 245 768"),
    ("-Phó Giám đốc", "'-Phó Giám đốc"),
    ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
    ("\t=1+1", "'\t=1+1"),
    ("\r=1+1", "'\r=1+1"),
    ("\0=1", "'\0=1"),
    # A quote already before a formula gets one more, so the reader's one off gives it back.
    ("'=đã có dấu nháy", "''=đã có dấu nháy"),
    ("''+1", "'''+1"),
]
LEFT_ALONE = ["Nguyễn Văn Hùng", "'Tổ 3", "a=b", "Ban Tổ chức, Sở Xây dựng", " =1", ""]


@pytest.mark.parametrize(("text", "written"), GUARDED)
def test_a_formula_like_cell_gets_one_quote_and_loses_it_when_read(text, written):
    assert is_formula_like(text)
    assert protect(text) == written
    assert unprotect(written) == text


@pytest.mark.parametrize("text", LEFT_ALONE)
def test_a_cell_no_spreadsheet_would_run_is_written_as_it_is(text):
    assert not is_formula_like(text)
    assert protect(text) == text
    assert unprotect(text) == text


def test_values_that_are_not_text_are_written_as_their_text():
    assert (protect(None), protect(30), protect(-5)) == ("", "30", "'-5")


# A NUL cannot be in a file that reads back (the reader refuses a CSV holding one, XML
# cannot hold one), and XML turns a carriage return into a line feed.
CSV_ROWS = [
    [text for text, _ in GUARDED if "\0" not in text],
    [*LEFT_ALONE, "dòng một\ndòng hai", '"trích dẫn"'],
]
XLSX_ROWS = [[text for text in row if "\r" not in text] for row in CSV_ROWS]
HEADERS = [f"Cột {n}" for n in range(1, len(CSV_ROWS[0]) + 1)]


def test_no_csv_cell_starts_with_what_a_spreadsheet_runs():
    text = to_csv(HEADERS, [[text for text, _ in GUARDED], LEFT_ALONE]).decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r", "\0")]


def test_a_csv_reads_back_exactly_what_was_written():
    data = to_csv(HEADERS, CSV_ROWS)
    assert data.startswith(b"\xef\xbb\xbf")  # Excel then reads UTF-8
    sheet = read_rows("xuat.csv", data)
    assert sheet.headers == HEADERS
    assert [row.cells for row in sheet.rows] == CSV_ROWS
    assert [row.number for row in sheet.rows] == [2, 3]


def test_an_xlsx_reads_back_exactly_what_was_written_and_holds_no_formula():
    data = to_xlsx(HEADERS[:-1], XLSX_ROWS, title="Đại biểu")
    sheet = read_rows("xuat.xlsx", data)
    assert sheet.headers == HEADERS[:-1]
    assert [row.cells for row in sheet.rows] == XLSX_ROWS
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.active.title == "Đại biểu"
    cells = [cell for row in book.active.iter_rows() for cell in row]
    assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []


def test_an_upload_too_large_to_import_is_refused_before_it_is_read():
    with pytest.raises(ImportFileError, match="5 MB") as refused:
        read_rows("lon.csv", b"x" * (5 * 1024 * 1024 + 1))
    assert refused.value.code == "import_file"
