"""A spreadsheet's unpacked size, rows and cells are capped before or while it is parsed,
and the refusal names the cap."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest

from conference.i18n import translate_error
from conference.spreadsheets import (
    MAX_CELLS,
    MAX_ROWS,
    MAX_UNPACKED_BYTES,
    MAX_UNPACKED_MB,
    ImportFileError,
    read_rows,
)


def _bomb() -> bytes:
    """A small XLSX whose sheet unpacks past the cap (zeros compress a thousandfold)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (MAX_UNPACKED_BYTES + 1))
    return buffer.getvalue()


def test_an_xlsx_that_unpacks_past_the_cap_is_refused_before_it_is_parsed():
    data = _bomb()
    assert len(data) < 200_000
    with pytest.raises(ImportFileError) as refused:
        read_rows("ds.xlsx", data)
    assert f"{MAX_UNPACKED_MB} MB" in translate_error(refused.value)
    assert "giải nén" in translate_error(refused.value)


def test_a_csv_with_more_rows_than_the_cap_is_refused_naming_it():
    data = ("Họ và tên\n" + "Nguyễn Văn An\n" * MAX_ROWS).encode()
    with pytest.raises(ImportFileError) as refused:
        read_rows("ds.csv", data)
    assert str(MAX_ROWS) in translate_error(refused.value)


def test_a_csv_with_more_cells_than_the_cap_is_refused_naming_it():
    width = MAX_CELLS // 1000 + 1
    data = ("\n".join([",".join(["a"] * width)] * 1001)).encode()
    with pytest.raises(ImportFileError) as refused:
        read_rows("ds.csv", data)
    assert str(MAX_CELLS) in translate_error(refused.value)


def test_an_xlsx_with_more_rows_than_the_cap_is_refused_naming_it():
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(["Họ và tên"])
    for _ in range(MAX_ROWS):
        sheet.append(["An"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(ImportFileError) as refused:
        read_rows("ds.xlsx", buffer.getvalue())
    assert str(MAX_ROWS) in translate_error(refused.value)


def test_a_list_just_under_the_caps_is_read():
    data = ("Họ và tên\n" + "Nguyễn Văn An\n" * (MAX_ROWS - 1)).encode()
    assert len(read_rows("ds.csv", data).rows) == MAX_ROWS - 1
