"""Import the delegate list from a spreadsheet (CSV UTF-8 or XLSX): read, check, plan, apply."""

from __future__ import annotations

import codecs
import csv
import dataclasses
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import openpyxl

from conference import audit
from conference.actors import Actor
from conference.database import MAX_PARAMETERS
from conference.errors import N_, InvalidInput
from conference.invitations.services import DelegateInput, add_delegates, delegate_fields
from conference.tables import Delegate, DelegateSource
from conference.text import fold, nfc
from conference.validation import is_email

MAX_FILE_MB = 5
MAX_FILE_BYTES = MAX_FILE_MB * 1024 * 1024
# An XLSX is a zip: refuse one that unpacks to far more than any real delegate list.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_PROTOCOL_RANK = 100_000

BAD_ROWS = N_("%(count)s bad row(s), nothing imported")


class ImportFileError(InvalidInput):
    """The file as a whole cannot be imported: too large, wrong format or encoding, no name."""

    code = "import_file"


@dataclass(frozen=True)
class Column:
    """A column of the delegate list: the field it fills and the headers that name it."""

    field: str  # a DelegateInput field
    header: str  # the Vietnamese header, as the export writes it
    aliases: tuple[str, ...] = ()
    max_length: int | None = None  # the database column's limit


# In the export's order. Headers match whatever their case, marks, spaces and underscores.
COLUMNS: tuple[Column, ...] = (
    Column("code", "Mã", ("code",), 100),
    Column("honorific", "Danh xưng", ("honorific",), 32),
    Column("full_name", "Họ và tên", ("full_name", "Họ tên")),
    Column("position", "Chức vụ", ("position",)),
    Column("organization", "Đơn vị", ("organization", "organisation")),
    Column("email", "Email", ("e-mail",), 254),
    Column("phone", "Điện thoại", ("phone", "Số điện thoại"), 40),
    Column("group", "Nhóm", ("group",), 100),
    Column("protocol_rank", "Thứ tự", ("protocol_rank",)),
    Column("seat", "Ghế", ("seat",), 50),
    Column("notes", "Ghi chú", ("notes",)),
)
# What the export adds after the data: the importer knows and skips them.
STATE_HEADERS = ("Phản hồi (chỉ đọc)", "Giấy mời (chỉ đọc)", "Giờ đến (chỉ đọc)")
_STATE_ALIASES = ("rsvp", "invitation", "checked_in_at")

FIELD_COLUMNS = {column.field: column for column in COLUMNS}
# DelegateInput field → stored column, where the names differ.
_STORED = {"group": "group_name"}

# A spreadsheet runs a cell starting with one of these; exports protect it with a quote.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

_NOT_ALNUM = re.compile(r"[\W_]+")
_QUOTED = re.compile(r'"[^"]*"')
_XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def header_key(header: str) -> str:
    """ "Họ và tên", "HO_VA_TEN" → "hovaten": what a header is matched by."""
    return _NOT_ALNUM.sub("", fold(header))


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet would run ``text`` (leading protective quotes aside)."""
    return text.lstrip("'").startswith(FORMULA_STARTS)


def unprotect(text: str) -> str:
    """Drop the quote an export put before a formula-like cell, so round trips are exact."""
    return text[1:] if text.startswith("'") and is_formula_like(text) else text


# --------------------------------------------------------------------------- reading files


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


def check_size(size: int) -> None:
    """Raise ImportFileError when a file of ``size`` bytes is too large to import."""
    if size > MAX_FILE_BYTES:
        raise ImportFileError(
            N_("The file is larger than %(limit)s MB; split it into smaller files."),
            limit=MAX_FILE_MB,
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


def read_rows(filename: str, data: bytes) -> Sheet:
    """Read a CSV (UTF-8, with or without BOM; ``,`` ``;`` or tab) or an XLSX file.

    ``filename`` only helps tell the format; the content decides first. Entirely
    empty rows are left out; row numbers stay those the spreadsheet shows. XLSX
    formulas give their cached values. Raises ImportFileError for a file that is
    too large, neither CSV nor XLSX, damaged, not UTF-8, or empty.
    """
    check_size(len(data))
    if data.startswith(b"PK\x03\x04"):
        return _sheet(*_read_xlsx(data))
    if data.startswith(_XLS_MAGIC):
        raise ImportFileError(
            N_("Old Excel files (.xls) cannot be read; save the file as .xlsx or as CSV UTF-8.")
        )
    suffix = Path(filename or "").suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        raise _damaged_xlsx()
    if suffix not in ("", ".csv", ".txt", ".tsv"):
        raise _unsupported()
    return _sheet(_read_csv(data), {})


def _unsupported() -> ImportFileError:
    return ImportFileError(N_("Only CSV (UTF-8) and Excel .xlsx files can be imported."))


def _damaged_xlsx() -> ImportFileError:
    return ImportFileError(
        N_("The Excel file cannot be read; it may be damaged. Open it in Excel and save it again.")
    )


def _read_csv(data: bytes) -> list[list[str]]:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise _not_utf8(1)
    if b"\x00" in data:
        raise _unsupported()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise _not_utf8(data[: error.start].count(b"\n") + 1) from error
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_sniff_delimiter(text))
    try:
        return list(reader)
    except csv.Error as error:
        raise ImportFileError(
            N_("The CSV file cannot be read near line %(line)s."), line=reader.line_num
        ) from error


def _not_utf8(line: int) -> ImportFileError:
    # Guessing cp1258 or Latin-1 would turn Vietnamese names into plausible garbage.
    return ImportFileError(
        N_(
            "The file is not in UTF-8 (line %(line)s). In Excel choose Save As, "
            'then "CSV UTF-8 (Comma delimited)".'
        ),
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
        check_size(unpacked)
    try:
        cells = _xlsx_cells(data, data_only=False)
        formulas = {
            (r, c) for r, row in enumerate(cells) for c, cell in enumerate(row) if cell[1] == "f"
        }
        # A formula's value is only in the cache a spreadsheet writes on saving:
        # a second pass reads the cache, where there are formulas at all.
        values = _xlsx_cells(data, data_only=True) if formulas else cells
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
        return [[(cell.value, cell.data_type) for cell in row] for row in sheet.iter_rows()]
    finally:
        workbook.close()


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a number typed into a cell: 3, not 3.0
    return str(value)


def _sheet(rows: list[list[str]], formulas_without_value: dict[int, frozenset[int]]) -> Sheet:
    def empty(index: int) -> bool:
        return index not in formulas_without_value and not any(cell.strip() for cell in rows[index])

    header_index = next((i for i in range(len(rows)) if not empty(i)), None)
    if header_index is None:
        raise ImportFileError(N_("The file is empty."))
    return Sheet(
        headers=[cell.strip() for cell in rows[header_index]],
        header_row=header_index + 1,
        rows=[
            SheetRow(
                number=index + 1,
                cells=[unprotect(cell) for cell in rows[index]],
                formulas_without_value=formulas_without_value.get(index, frozenset()),
            )
            for index in range(header_index + 1, len(rows))
            if not empty(index)
        ],
    )


# --------------------------------------------------------------------------- columns


@dataclass(frozen=True)
class Layout:
    """Which column of the file holds which field."""

    positions: dict[str, int]  # field → column index
    headers: list[str]
    unknown: list[str]


def layout(sheet: Sheet) -> Layout:
    """Map the header row to fields; raise ImportFileError without a full-name column."""
    found = map_columns(sheet, COLUMNS, ignored=(*STATE_HEADERS, *_STATE_ALIASES))
    if "full_name" not in found.positions:
        raise ImportFileError(
            N_(
                'The file has no full name column ("Họ và tên" or "full_name") '
                "in its header row (row %(row)s)."
            ),
            row=sheet.header_row,
        )
    return found


def map_columns(sheet: Sheet, columns: Sequence[Column], *, ignored: Iterable[str] = ()) -> Layout:
    """Map the header row to the fields of ``columns``, headers matched by ``header_key``.

    Headers in ``ignored`` are skipped; others no column names are ``unknown``.
    Raise ImportFileError when two headers name the same field.
    """
    field_by_key = {
        header_key(name): column.field
        for column in columns
        for name in (column.header, column.field, *column.aliases)
    }
    ignored_keys = {header_key(name) for name in ignored}
    positions: dict[str, int] = {}
    unknown: list[str] = []
    for index, header in enumerate(sheet.headers):
        key = header_key(header)
        if not key or key in ignored_keys:
            continue
        name = field_by_key.get(key)
        if name is None:
            unknown.append(header)
        elif name in positions:
            raise ImportFileError(
                N_("The columns %(first)s and %(second)s hold the same thing; keep one."),
                first=sheet.headers[positions[name]],
                second=header,
            )
        else:
            positions[name] = index
    return Layout(positions=positions, headers=sheet.headers, unknown=unknown)


def cell_values(
    row: SheetRow, found: Layout, columns: Sequence[Column], problem: Callable[..., None]
) -> dict[str, str]:
    """The row's text for every field the file has a column for, stripped ("" when empty).

    ``problem(message, **params)`` hears of a used cell holding a formula without a
    value and of a text longer than its column's ``max_length``.
    """
    limits = {column.field: column.max_length for column in columns}
    # A numbering column (STT = ROW()-1) is ignored, whatever its formulas.
    for index in sorted(row.formulas_without_value & set(found.positions.values())):
        problem(
            N_(
                "Column %(column)s holds a formula without a value; "
                "copy the cells and paste them as values."
            ),
            column=_header(found, index),
        )
    values: dict[str, str] = {}
    for name, index in found.positions.items():
        text = row.cells[index].strip() if index < len(row.cells) else ""
        limit = limits.get(name)
        if limit is not None and len(nfc(text)) > limit:
            problem(
                N_("%(column)s is longer than %(max)s characters."),
                column=found.headers[index],
                max=limit,
            )
        values[name] = text
    return values


@dataclass(frozen=True)
class TableRow:
    number: int  # as a spreadsheet shows it
    values: dict[str, str]  # field → the cell's text, stripped


@dataclass(frozen=True)
class ReadTable:
    """A file read against a list of columns: its rows' texts, and every cell problem."""

    rows: list[TableRow]
    problems: list[RowProblem]
    unknown_columns: list[str]


def read_table(
    filename: str, data: bytes, columns: Sequence[Column], *, required: str
) -> ReadTable:
    """Read a CSV or XLSX file (see ``read_rows``) against ``columns``, for any import.

    The same rules as the delegate import: headers matched ignoring case, marks,
    spaces and underscores; empty rows left out; every formula without a value and
    every over-long text reported with its row number. Raise ImportFileError for a
    file that cannot be read or has no column for the ``required`` field.
    """
    sheet = read_rows(filename, data)
    found = map_columns(sheet, columns)
    if required not in found.positions:
        column = next(c for c in columns if c.field == required)
        raise ImportFileError(
            N_('The file has no "%(column)s" column in its header row (row %(row)s).'),
            column=column.header,
            row=sheet.header_row,
        )
    rows: list[TableRow] = []
    problems: list[RowProblem] = []
    for row in sheet.rows:

        def problem(message: str, number: int = row.number, **params: Any) -> None:
            problems.append(RowProblem(number, message, params))

        rows.append(TableRow(row.number, cell_values(row, found, columns, problem)))
    return ReadTable(
        rows=rows,
        problems=problems,
        unknown_columns=found.unknown,
    )


def _header(found: Layout, index: int) -> str:
    headers = found.headers
    return headers[index] if index < len(headers) and headers[index] else f"#{index + 1}"


# --------------------------------------------------------------------------- planning


@dataclass(frozen=True)
class RowProblem:
    """Why a row cannot be imported; ``message`` is an English message id with ``params``."""

    row: int
    message: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class ImportPlan:
    """What importing a file would do: nothing is written until ``apply_import``."""

    to_add: list[DelegateInput] = field(default_factory=list)
    # delegate id, its data after the import, the fields the file has columns for
    to_update: list[tuple[int, DelegateInput, set[str]]] = field(default_factory=list)
    unchanged: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    rows_read: int = 0
    filename: str = ""
    columns: list[str] = field(default_factory=list)  # fields the file has, in file order

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def bad_rows(self) -> list[int]:
        return sorted({problem.row for problem in self.problems})


@dataclass(frozen=True)
class ImportResult:
    added: int
    updated: int
    unchanged: int


_STORED_COLUMNS = (
    Delegate.id,
    Delegate.code,
    Delegate.full_name,
    Delegate.honorific,
    Delegate.position,
    Delegate.organization,
    Delegate.email,
    Delegate.phone,
    Delegate.group_name,
    Delegate.protocol_rank,
    Delegate.seat,
    Delegate.notes,
)


async def plan_import(event_id: int, filename: str, data: bytes) -> ImportPlan:
    """Read a delegate file and work out, row by row, what importing it would change.

    A row matches a delegate of the event by code when it has one, else by e-mail
    (ignoring case); a row whose code nobody has yet matches by e-mail a delegate
    without a code. A row without an e-mail that found nobody matches by exact
    name a delegate who has neither code nor e-mail, so a list of bare names
    re-imports unchanged. Otherwise the row is new. A matched delegate changes
    only in the columns the file has. Every bad row is in ``problems``, with the
    row number the spreadsheet shows.

    Reads the database, writes nothing. Raises ImportFileError for a file that
    cannot be imported at all (see ``read_rows``; no full-name column).
    """
    sheet = read_rows(filename, data)
    columns = layout(sheet)
    stored = await Delegate.select(*_STORED_COLUMNS).where(Delegate.event == event_id)
    plan = _Planner(stored, columns).plan(sheet.rows)
    plan.filename = filename
    return plan


def _stored_input(row: dict[str, Any]) -> DelegateInput:
    return DelegateInput(**{name: row[_STORED.get(name, name)] for name in FIELD_COLUMNS})


class _Planner:
    def __init__(self, stored: list[dict[str, Any]], columns: Layout) -> None:
        self.columns = columns
        self.by_code = {row["code"]: row for row in stored if row["code"]}
        self.by_email = {row["email"].lower(): row for row in stored if row["email"]}
        self.by_bare_name: dict[str, list[dict[str, Any]]] = {}
        for row in sorted(stored, key=lambda row: row["id"]):
            if not row["code"] and not row["email"]:
                self.by_bare_name.setdefault(_name_key(row["full_name"]), []).append(row)
        self.claimed: dict[int, int] = {}  # delegate id → row number
        self.codes: dict[str, int] = {}  # code → first row number
        self.emails: dict[str, int] = {}
        self.result = ImportPlan(
            unknown_columns=columns.unknown,
            columns=sorted(columns.positions, key=columns.positions.__getitem__),
        )

    def plan(self, rows: Iterable[SheetRow]) -> ImportPlan:
        for row in rows:
            self.result.rows_read += 1
            self._plan_row(row)
        return self.result

    def _plan_row(self, row: SheetRow) -> None:
        problems: list[RowProblem] = []

        def problem(message: str, **params: Any) -> None:
            problems.append(RowProblem(row.number, message, params))

        values = self._values(row, problem)
        code = nfc(values.get("code"))
        email = (values.get("email") or "").lower()
        if code:
            if code in self.codes:
                problem(
                    N_("The code %(code)s is also on row %(row)s."), code=code, row=self.codes[code]
                )
            self.codes.setdefault(code, row.number)
        if email:
            if email in self.emails:
                problem(
                    N_("The e-mail %(email)s is also on row %(row)s."),
                    email=email,
                    row=self.emails[email],
                )
            self.emails.setdefault(email, row.number)
        match = self._match(code, email, nfc(values["full_name"]))
        if match is not None:
            if match["id"] in self.claimed:
                problem(
                    N_("This row and row %(row)s are the same delegate."),
                    row=self.claimed[match["id"]],
                )
            self.claimed.setdefault(match["id"], row.number)
        owner = self.by_email.get(email) if email else None
        if owner is not None and (match is None or owner["id"] != match["id"]):
            problem(
                N_("The e-mail %(email)s already belongs to another delegate, %(name)s."),
                email=email,
                name=owner["full_name"],
            )
        if problems:
            self.result.problems.extend(problems)
        elif match is None:
            self.result.to_add.append(dataclasses.replace(DelegateInput(full_name=""), **values))
        else:
            self._update(match, values)

    def _values(self, row: SheetRow, problem: Callable[..., None]) -> dict[str, Any]:
        """The row's value for every field the file has, checked."""
        values: dict[str, Any] = dict(cell_values(row, self.columns, COLUMNS, problem))
        name_index = self.columns.positions["full_name"]
        if not nfc(values["full_name"]) and name_index not in row.formulas_without_value:
            problem(N_("The full name is empty."))
        if "email" in values:
            values["email"] = values["email"] or None
            if values["email"] and not is_email(values["email"]):
                problem(N_("The e-mail %(email)s is not valid."), email=values["email"])
        if "protocol_rank" in values:
            text = values["protocol_rank"]
            values["protocol_rank"] = _rank(text)
            if text and values["protocol_rank"] is None:
                problem(
                    N_(
                        "The protocol rank must be a whole number from 1 to %(max)s, not %(value)s."
                    ),
                    max=MAX_PROTOCOL_RANK,
                    value=text,
                )
        return values

    def _match(self, code: str, email: str, name: str) -> dict[str, Any] | None:
        if code and code in self.by_code:
            return self.by_code[code]
        if email:
            owner = self.by_email.get(email)
            # A list that gains a code column still finds its delegates by e-mail;
            # a delegate with another code is another person.
            if owner is not None and code and owner["code"]:
                return None
            return owner
        # Without an e-mail a name is all there is: re-importing a list of names
        # must find the same people, homonyms paired up in order.
        for candidate in self.by_bare_name.get(_name_key(name), ()):
            if candidate["id"] not in self.claimed:
                return candidate
        return None

    def _update(self, stored: dict[str, Any], values: dict[str, Any]) -> None:
        data = dataclasses.replace(_stored_input(stored), **values)
        fields = delegate_fields(data)
        present = set(values)
        if all(
            fields[_STORED.get(name, name)] == stored[_STORED.get(name, name)] for name in present
        ):
            self.result.unchanged += 1
        else:
            self.result.to_update.append((stored["id"], data, present))


def _name_key(name: str) -> str:
    return nfc(name).casefold()


def _rank(text: str) -> int | None:
    if not text.isdecimal() or not text.isascii():
        return None
    rank = int(text)
    return rank if 1 <= rank <= MAX_PROTOCOL_RANK else None


# --------------------------------------------------------------------------- applying


async def apply_import(event_id: int, plan: ImportPlan, *, by: Actor | None = None) -> ImportResult:
    """Write a plan made by ``plan_import``: all of it in one transaction, or nothing.

    New delegates get fresh invitation tokens and the source ``imported``; matched
    ones change only in the file's columns (and their search keys). A plan that
    changes nothing writes nothing, not even an audit entry.

    Raises InvalidInput when the plan has bad rows.
    """
    if not plan.ok:
        raise InvalidInput(BAD_ROWS, count=len(plan.bad_rows))
    result = ImportResult(
        added=len(plan.to_add), updated=len(plan.to_update), unchanged=plan.unchanged
    )
    if not plan.to_add and not plan.to_update:
        return result
    async with Delegate._meta.db.transaction():
        await add_delegates(event_id, plan.to_add, source=DelegateSource.imported)
        await _update_delegates(event_id, plan.to_update)
        await audit.record(
            "delegates.import",
            by=by,
            event_id=event_id,
            target=plan.filename,
            added=result.added,
            updated=result.updated,
        )
    return result


async def _update_delegates(
    event_id: int, updates: Sequence[tuple[int, DelegateInput, set[str]]]
) -> None:
    now = datetime.now(UTC)
    groups: dict[tuple[str, ...], list[tuple[int, dict[str, Any]]]] = {}
    for delegate_id, data, present in updates:
        stored = {_STORED.get(name, name) for name in present}
        columns = tuple(sorted(stored | {"search_key", "name_sort_key"}))
        groups.setdefault(columns, []).append((delegate_id, delegate_fields(data)))
    for columns, rows in groups.items():
        batch = MAX_PARAMETERS // (len(columns) + 1)
        for start in range(0, len(rows), batch):
            await _update_batch(event_id, columns, rows[start : start + batch], now)


async def _update_batch(
    event_id: int,
    columns: tuple[str, ...],
    rows: Sequence[tuple[int, dict[str, Any]]],
    now: datetime,
) -> None:
    # One UPDATE … FROM (VALUES …) for many rows, in the SQL PostgreSQL and SQLite
    # (3.33+) share: one statement per row took seconds for a large list.
    # The casts type the parameters for PostgreSQL, which cannot infer them in VALUES.
    # Column names come from COLUMNS, never from the file.
    value = {"protocol_rank": "CAST({} AS INTEGER)"}
    row_sql = "(CAST({} AS INTEGER), " + ", ".join(value.get(c, "{}") for c in columns) + ")"
    assignments = ", ".join(f'"{c}" = v.column{i}' for i, c in enumerate(columns, start=2))
    table = Delegate._meta.tablename
    sql = (
        f'UPDATE "{table}" SET {assignments}, "updated_at" = {{}} '  # noqa: S608
        f"FROM (VALUES {', '.join([row_sql] * len(rows))}) AS v "
        f'WHERE "{table}"."id" = v.column1 AND "{table}"."event" = {{}}'
    )
    args: list[Any] = [now]
    for delegate_id, fields in rows:
        args += [delegate_id, *(fields[c] for c in columns)]
    args.append(event_id)
    await Delegate.raw(sql, *args)
