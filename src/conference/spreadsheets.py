"""Spreadsheet files: read a CSV or XLSX upload into rows of text, write CSV and XLSX.

Every import reads through ``read_rows`` and every export writes through ``to_csv`` or
``to_xlsx``, so they share one guard against formula injection (OWASP "CSV
Injection"): a spreadsheet runs a cell whose text starts with ``= + - @``, a tab or a
carriage return (OWASP's list; ASVS 5.0 V1.2.10 adds NUL), so such a text is written
with a leading quote, which makes it plain text when opened.

The guard also counts a text whose leading quotes are followed by one of those
characters as formula-like, so ``'=1`` is written ``''=1``. The quote itself is safe
(a cell starting with one is not run), but the reader takes one protective quote off
every formula-like cell, and without that rule ``'=1`` would come back as ``=1``:
with it, every export reads back exactly, as a re-import must. (The programme's CSV
once left ``'=1`` alone; the delegate list's rule is kept because it is the one that
round-trips, and both are equally safe in a spreadsheet.)

An XLSX cell is written as a string cell, never a formula, so it needs no quote; only
a text that already starts with a protective-looking quote gets one more, for the
same round trip.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from conference.errors import N_, InvalidInput

MAX_FILE_MB = 5
MAX_FILE_BYTES = MAX_FILE_MB * 1024 * 1024
# An XLSX is a zip: refuse one that unpacks to far more than any real list (a list of
# 10,000 delegates unpacks to about 5 MB), before any of it is parsed.
MAX_UNPACKED_MB = 25
MAX_UNPACKED_BYTES = MAX_UNPACKED_MB * 1024 * 1024
# Rows and cells of a sheet, counted while it is read: past them, reading stops.
MAX_ROWS = 20_000
MAX_CELLS = 400_000

# A spreadsheet runs a cell starting with one of these; exports protect it with a quote.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\0")

# A number cell sorts as a number in a spreadsheet; longer digit strings (phones,
# codes) stay text so no leading zero or digit is lost.
_MAX_NUMBER_DIGITS = 6
_DATE_FORMAT = "d/m/yyyy"
_DATETIME_FORMAT = "d/m/yyyy hh:mm"
_QUOTED = re.compile(r'"[^"]*"')
_XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class ImportFileError(InvalidInput):
    """The file as a whole cannot be imported: too large, wrong format or encoding, no name."""

    code = "import_file"


# --------------------------------------------------------------------------- the guard


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet would run ``text`` (leading protective quotes aside)."""
    return text.lstrip("'").startswith(FORMULA_STARTS)


def protect(value: object) -> str:
    """The text of a CSV cell: ``value`` as text, a quote before it when formula-like."""
    text = "" if value is None else str(value)
    return "'" + text if is_formula_like(text) else text


def unprotect(text: str) -> str:
    """Drop the quote ``protect`` put before a formula-like cell, so round trips are exact."""
    return text[1:] if text.startswith("'") and is_formula_like(text) else text


# --------------------------------------------------------------------------- writing


def date_text(value: date | datetime) -> str:
    """A date or a (naive, local) time as a Vietnamese list writes it: "12/9/2022 07:47"."""
    day = f"{value.day}/{value.month}/{value.year}"
    if not isinstance(value, datetime):
        return day
    seconds = f":{value.second:02d}" if value.second else ""
    return f"{day} {value.hour:02d}:{value.minute:02d}{seconds}"


def to_csv(headers: Sequence[object], rows: Iterable[Sequence[object]]) -> bytes:
    """A CSV file in UTF-8 with a BOM (so Excel shows Vietnamese right), lines ending CRLF.

    Cells are ``str()`` of their values (``None`` is empty), a date or a datetime as
    ``date_text`` writes it, formula-like ones protected.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in (headers, *rows):
        writer.writerow(
            [date_text(cell) if isinstance(cell, date) else protect(cell) for cell in row]
        )
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(headers: Sequence[str], rows: Iterable[Sequence[object]], *, title: str = "") -> bytes:
    """An XLSX workbook of one sheet (named ``title``): header row bold and frozen.

    Every cell is a value, never a formula; a short whole number is a number cell; a
    date or a datetime (naive: spreadsheets keep no zone) is a date cell, shown
    "12/9/2022 07:47", which sorts and computes as a date. Characters XML cannot hold
    are left out.
    """
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    if title:
        sheet.title = title
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for number, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            if isinstance(value, date):
                cell = sheet.cell(row=number, column=column, value=value)
                cell.number_format = (
                    _DATETIME_FORMAT if isinstance(value, datetime) else _DATE_FORMAT
                )
                continue
            text = "" if value is None else str(value)
            cell = sheet.cell(row=number, column=column, value=_xlsx_value(text))
            # openpyxl takes any text starting with "=" for a formula.
            if cell.data_type == "f":
                cell.data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_value(text: str) -> str | int:
    short_number = text.isascii() and text.isdigit() and len(text) <= _MAX_NUMBER_DIGITS
    if short_number and str(int(text)) == text:
        return int(text)
    # A string cell is never run; only a quote already leading a formula-like text
    # needs one more, as the reader drops one from such a text.
    if text.startswith("'") and is_formula_like(text):
        text = "'" + text
    cleaned: str = ILLEGAL_CHARACTERS_RE.sub("", text)
    return cleaned


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class SheetRow:
    number: int  # as a spreadsheet shows it: the header is row 1
    cells: list[str]
    formulas_without_value: frozenset[int] = frozenset()  # column indexes


@dataclass(frozen=True)
class Sheet:
    """A file's header and its non-empty data rows, cells as text."""

    headers: list[str]
    header_row: int
    rows: list[SheetRow]


@dataclass(frozen=True)
class HeaderSearch:
    """How an import tells its header row among a file's first rows.

    ``required`` says whether a cell's text names the column every file of the import
    has (the full name); ``known`` whether it names any column the import reads.
    """

    required: Callable[[str], bool]
    known: Callable[[str], bool]
    rows: int = 20  # the non-empty rows looked at: title blocks are a few lines


class HeaderNotFound(ImportFileError):
    """None of the first rows names the required column; ``rows`` says how many were read."""

    code = "import_header_not_found"

    def __init__(self, *, rows: int) -> None:
        super().__init__(N_("No header row was found in the first %(rows)s rows."), rows=rows)
        self.rows = rows


def check_size(size: int) -> None:
    """Raise ImportFileError when a file of ``size`` bytes is too large to import."""
    if size > MAX_FILE_BYTES:
        raise ImportFileError(
            N_("The file is larger than %(limit)s MB; split it into smaller files."),
            limit=MAX_FILE_MB,
        )


def check_shape(rows: int, cells: int) -> None:
    """Raise ImportFileError when a sheet read so far has too many rows or cells."""
    if rows > MAX_ROWS:
        raise ImportFileError(
            N_("The file has more than %(limit)s rows; split it into smaller files."),
            limit=MAX_ROWS,
        )
    if cells > MAX_CELLS:
        raise ImportFileError(
            N_("The file has more than %(limit)s cells; remove the columns that are not needed."),
            limit=MAX_CELLS,
        )


def read_file(path: Path) -> bytes:
    """The bytes of the file at ``path``, its size checked before it is read.

    Raises ImportFileError when it cannot be read or is too large.
    """
    try:
        check_size(path.stat().st_size)
        return path.read_bytes()
    except OSError as error:
        raise ImportFileError(
            N_("Cannot read %(file)s: %(reason)s"),
            file=str(path),
            reason=error.strerror or str(error),
        ) from error


def read_rows(filename: str, data: bytes, header: HeaderSearch | None = None) -> Sheet:
    """Read a CSV (UTF-8, with or without BOM; ``,`` ``;`` or tab) or an XLSX file.

    ``filename`` only helps tell the format; the content decides first. The header
    is the first non-empty row, or with ``header`` the first of the first rows that
    names its required column (title rows above it are skipped; see ``_find_header``).
    A row right below the header that only numbers the columns is skipped. Entirely
    empty rows are left out; row numbers stay those the spreadsheet shows. XLSX
    formulas give their cached values; the quote ``protect`` adds is taken off.
    Raises ImportFileError for a file that is too large, neither CSV nor XLSX,
    damaged, not UTF-8, or empty, and HeaderNotFound when ``header`` finds none.
    """
    check_size(len(data))
    if data.startswith(b"PK\x03\x04"):
        rows, formulas = _read_xlsx(data)
        return _sheet(rows, formulas, header)
    if data.startswith(_XLS_MAGIC):
        raise ImportFileError(
            N_("Old Excel files (.xls) cannot be read; save the file as .xlsx or as CSV UTF-8.")
        )
    suffix = Path(filename or "").suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        raise _damaged_xlsx()
    if suffix not in ("", ".csv", ".txt", ".tsv"):
        raise _unsupported()
    return _sheet(_read_csv(data), {}, header)


def _unsupported() -> ImportFileError:
    return ImportFileError(N_("Only CSV (UTF-8) and Excel .xlsx files can be imported."))


def _damaged_xlsx() -> ImportFileError:
    return ImportFileError(
        N_("The Excel file cannot be read; it may be damaged. Open it in Excel and save it again.")
    )


def _read_csv(data: bytes) -> list[list[str]]:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise _not_utf8(1, data)
    if b"\x00" in data:
        raise _unsupported()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise _not_utf8(data[: error.start].count(b"\n") + 1, data) from error
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_sniff_delimiter(text))
    rows: list[list[str]] = []
    cells = 0
    try:
        for row in reader:
            rows.append(row)
            cells += len(row)
            check_shape(len(rows), cells)
        return rows
    except csv.Error as error:
        raise ImportFileError(
            N_("The CSV file cannot be read near line %(line)s."), line=reader.line_num
        ) from error


# What Excel and older Vietnamese tools save a CSV in, when not UTF-8, in the order
# tried: a byte order mark says UTF-16 for sure; Windows-1258 (Vietnamese ANSI) is
# only a likely guess, named as such.
_UTF16_MARKS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_LIKELY_ENCODING = "Windows-1258"


def _encoding_of(data: bytes) -> str | None:
    """The encoding a CSV that is not UTF-8 is in, when it can be told; None otherwise."""
    if data.startswith(_UTF16_MARKS):
        return "UTF-16"
    try:
        text = data.decode("cp1258")
    except UnicodeDecodeError:
        return None
    # Vietnamese in Windows-1258 has letters above ASCII; a control character does not.
    if any(ord(c) < 32 and c not in "\r\n\t" for c in text):
        return None
    return _LIKELY_ENCODING


def _not_utf8(line: int, data: bytes) -> ImportFileError:
    # Guessing cp1258 or Latin-1 and reading on would turn Vietnamese names into
    # plausible garbage: the file is refused, naming what it seems to be in.
    encoding = _encoding_of(data)
    if encoding is None:
        return ImportFileError(
            N_(
                "The file is not in UTF-8 (line %(line)s). In Excel choose Save As, "
                'then "CSV UTF-8 (Comma delimited)".'
            ),
            line=line,
        )
    return ImportFileError(
        N_(
            "The file is in %(encoding)s, not UTF-8 (line %(line)s). In Excel choose "
            'Save As, then "CSV UTF-8 (Comma delimited)".'
        ),
        encoding=encoding,
        line=line,
    )


def _sniff_delimiter(text: str) -> str:
    # Excel writes ";" where the decimal separator is a comma, as in Vietnamese
    # settings. The header line tells: names, titles and addresses in the data
    # rows are full of commas, header names are not.
    header = next((line for line in text.splitlines() if line.strip()), "")
    bare = _QUOTED.sub("", header)
    return max((",", ";", "\t"), key=bare.count)


def _read_xlsx(data: bytes) -> tuple[list[list[str]], dict[int, frozenset[int]]]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as error:
        raise _damaged_xlsx() from error
    if unpacked > MAX_UNPACKED_BYTES:
        raise ImportFileError(
            N_(
                "The Excel file unpacks to more than %(limit)s MB; "
                "split it into smaller files or save it as CSV UTF-8."
            ),
            limit=MAX_UNPACKED_MB,
        )
    try:
        cells = _xlsx_cells(data, data_only=False)
        formulas = {
            (r, c) for r, row in enumerate(cells) for c, cell in enumerate(row) if cell[1] == "f"
        }
        # A formula's value is only in the cache a spreadsheet writes on saving:
        # a second pass reads the cache, where there are formulas at all.
        values = _xlsx_cells(data, data_only=True) if formulas else cells
    except ImportFileError:
        raise
    except Exception as error:  # openpyxl raises many kinds on a damaged file
        raise _damaged_xlsx() from error
    rows = [[_cell_text(value) for value, _ in row] for row in values]
    missing: dict[int, set[int]] = {}
    for r, c in formulas:
        if values[r][c][0] is None:
            missing.setdefault(r, set()).add(c)
    return rows, {r: frozenset(columns) for r, columns in missing.items()}


def _xlsx_cells(data: bytes, *, data_only: bool) -> list[list[tuple[Any, str]]]:
    """(value, data type) of every cell of the first sheet, row by row from row 1."""
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=data_only)
    try:
        sheet = workbook.worksheets[0]
        # Some writers store a wrong size; read_only mode would believe it and cut rows.
        sheet.reset_dimensions()
        rows: list[list[tuple[Any, str]]] = []
        cells = 0
        for row in sheet.iter_rows():
            rows.append([(cell.value, cell.data_type) for cell in row])
            cells += len(row)
            check_shape(len(rows), cells)
        return rows
    finally:
        workbook.close()


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        # A date cell, as an export writes it: the text the CSV of the same list holds.
        return date_text(value.date() if value.time() == time() else value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a number typed into a cell: 3, not 3.0
    return str(value)


def _sheet(
    rows: list[list[str]],
    formulas_without_value: dict[int, frozenset[int]],
    search: HeaderSearch | None,
) -> Sheet:
    def empty(index: int) -> bool:
        return index not in formulas_without_value and not any(cell.strip() for cell in rows[index])

    filled = [i for i in range(len(rows)) if not empty(i)]
    if not filled:
        raise ImportFileError(N_("The file is empty."))
    header_index, headers = filled[0], [cell.strip() for cell in rows[filled[0]]]
    below = filled[1:]
    if search is not None:
        header_index, headers, below = _find_header(rows, filled, search)
    if below and _is_column_numbering(rows[below[0]]):
        below = below[1:]
    return Sheet(
        headers=headers,
        header_row=header_index + 1,
        rows=[
            SheetRow(
                number=index + 1,
                cells=[unprotect(cell) for cell in rows[index]],
                formulas_without_value=formulas_without_value.get(index, frozenset()),
            )
            for index in below
        ],
    )


def _find_header(
    rows: list[list[str]], filled: list[int], search: HeaderSearch
) -> tuple[int, list[str], list[int]]:
    """The header row's index and cells, and the indexes of the non-empty rows below it.

    The header is the first of the first ``search.rows`` non-empty rows that names the
    required column: the title rows above it ("DANH SÁCH ĐẠI BIỂU …", the agency, a
    merged cell's text, which the first cell of the merge holds) are left out. A row
    right below it whose every cell names a known column is the second level of a
    two-level header (a merged "Liên hệ" above "Email" and "Điện thoại"): its names
    stand where it has them.
    """
    for position, index in enumerate(filled[: search.rows]):
        cells = [cell.strip() for cell in rows[index]]
        if not any(search.required(cell) for cell in cells):
            continue
        below = filled[position + 1 :]
        if below:
            sub = [cell.strip() for cell in rows[below[0]]]
            named = [cell for cell in sub if cell]
            if named and all(search.known(cell) for cell in named):
                width = max(len(cells), len(sub))
                cells += [""] * (width - len(cells))
                sub += [""] * (width - len(sub))
                cells = [low or high for high, low in zip(cells, sub, strict=True)]
                below = below[1:]
        return index, cells, below
    raise HeaderNotFound(rows=min(search.rows, len(filled)))


_COLUMN_NUMBER = re.compile(r"^\(?(\d{1,3})\)?$")


def _is_column_numbering(cells: list[str]) -> bool:
    """Whether a row only numbers the columns ("1 2 3 …" or "(1) (2) (3) …"), as official
    tables often do right below their header: it is no data."""
    numbers = [_COLUMN_NUMBER.match(cell.strip()) for cell in cells if cell.strip()]
    if len(numbers) < 3 or not all(numbers):
        return False
    values = [int(match.group(1)) for match in numbers if match]
    return values == list(range(values[0], values[0] + len(values)))
