"""Importing a list from a spreadsheet, for every import: columns, the plan, its messages, the flow.

An import has the same shape whatever it fills (delegates, award recipients): the
file is read against a list of ``Column``s (``read_table``), each row is checked and
planned, and the ``ImportPlan`` says what importing would do (rows to add, rows to
update, how many are unchanged) and every bad row with its number, its column and
its reason. Nothing is written while any row is bad, and nothing is written before
the organizer has seen the plan: ``preview`` keeps the file (``uploads``) and
``confirm`` plans it again, since the list may have changed meanwhile, and applies it.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from conference import audit
from conference.actors import Actor
from conference.errors import N_, InvalidInput
from conference.i18n import gettext
from conference.limits import has_control_characters
from conference.spreadsheets import (
    HeaderNotFound,
    HeaderSearch,
    ImportFileError,
    Sheet,
    SheetRow,
    read_rows,
)
from conference.text import fold, nfc
from conference.uploads import PreviewedUploads

BAD_ROWS = N_("%(count)s bad row(s), nothing imported")
IMPORTED = N_("Imported: %(added)s added, %(updated)s updated, %(unchanged)s unchanged.")

_NOT_ALNUM = re.compile(r"[\W_]+")


class UploadExpired(InvalidInput):
    """The previewed file is no longer kept (or never was): it must be chosen again."""

    def __init__(self) -> None:
        super().__init__(N_("The file has expired; choose it again."), refusal="upload_expired")


# --------------------------------------------------------------------------- columns


@dataclass(frozen=True)
class Column:
    """A column of an import: the field it fills and the headers that name it."""

    field: str
    header: str  # the Vietnamese header, as an export writes it
    aliases: tuple[str, ...] = ()
    max_length: int | None = None  # the database column's limit (conference.limits.limit_of)


def header_key(header: str) -> str:
    """ "Họ và tên", "HO_VA_TEN" → "hovaten": what a header is matched by."""
    return _NOT_ALNUM.sub("", fold(header))


@dataclass(frozen=True)
class Layout:
    """Which column of the file holds which field."""

    positions: dict[str, int]  # field → column index
    headers: list[str]
    unknown: list[str]

    def header(self, name: str) -> str:
        """The file's header of the column holding field ``name`` ("" when it has none)."""
        index = self.positions.get(name)
        return "" if index is None else self.header_at(index)

    def header_at(self, index: int) -> str:
        """The header of column ``index``, or its number ("#3") when the header is empty."""
        headers = self.headers
        return headers[index] if index < len(headers) and headers[index] else f"#{index + 1}"


def map_columns(sheet: Sheet, columns: Sequence[Column], *, ignored: Sequence[str] = ()) -> Layout:
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


def _names(column: Column) -> tuple[str, ...]:
    return (column.header, column.field, *column.aliases)


def header_search(columns: Sequence[Column], required: str) -> HeaderSearch:
    """How to find the header row of a file of ``columns``: the row naming ``required``."""
    column = next(c for c in columns if c.field == required)
    required_keys = {header_key(name) for name in _names(column)}
    known_keys = {header_key(name) for c in columns for name in _names(c)}
    return HeaderSearch(
        required=lambda cell: header_key(cell) in required_keys,
        known=lambda cell: header_key(cell) in known_keys,
    )


def read_sheet(filename: str, data: bytes, columns: Sequence[Column], *, required: str) -> Sheet:
    """Read a file (``spreadsheets.read_rows``) whose header row names ``required``.

    Raise ImportFileError for a file that cannot be read, and one naming the columns it
    looked for when none of the first rows names the required column.
    """
    try:
        return read_rows(filename, data, header_search(columns, required))
    except HeaderNotFound as error:
        column = next(c for c in columns if c.field == required)
        raise ImportFileError(
            N_(
                "No header row was found in the first %(rows)s rows: the header row must "
                'name the column "%(column)s" (or %(aliases)s); the columns read are %(columns)s.'
            ),
            refusal="import_header_not_found",
            rows=error.rows,
            column=column.header,
            aliases=", ".join(f'"{name}"' for name in (column.field, *column.aliases)),
            columns=", ".join(c.header for c in columns),
        ) from error


def require_column(sheet: Sheet, found: Layout, columns: Sequence[Column], name: str) -> None:
    """Raise ImportFileError when the file has no column for field ``name``."""
    if name not in found.positions:
        column = next(c for c in columns if c.field == name)
        raise ImportFileError(
            N_('The file has no "%(column)s" column in its header row (row %(row)s).'),
            column=column.header,
            row=sheet.header_row,
        )


# --------------------------------------------------------------------------- row problems


@dataclass(frozen=True)
class RowProblem:
    """Why a row cannot be imported; ``message`` is an English message id with ``params``."""

    row: int  # as the spreadsheet shows it
    message: str
    params: dict[str, Any] = field(default_factory=dict)
    column: str = ""  # the header of the column at fault, when one is


class RowCheck:
    """The problems found in one row, as they are found."""

    def __init__(self, row: int, problems: Sequence[RowProblem] = ()) -> None:
        self.row = row
        self.problems: list[RowProblem] = list(problems)

    @classmethod
    def of(cls, row: TableRow) -> RowCheck:
        """The check of ``row``, starting with what is wrong with its cells."""
        return cls(row.number, row.problems)

    def problem(self, message: str, *, in_column: str = "", **params: Any) -> None:
        """Report ``message`` (an English message id, formatted with ``params``)."""
        self.problems.append(RowProblem(self.row, message, params, in_column))

    @property
    def ok(self) -> bool:
        return not self.problems


def _cell_values(
    row: SheetRow, found: Layout, columns: Sequence[Column], check: RowCheck
) -> dict[str, str]:
    """The row's text for every field the file has a column for, stripped ("" when empty).

    ``check`` hears of a used cell holding a formula without a value and of a text
    longer than its column's ``max_length``.
    """
    limits = {column.field: column.max_length for column in columns}
    # A numbering column (STT = ROW()-1) is ignored, whatever its formulas.
    for index in sorted(row.formulas_without_value & set(found.positions.values())):
        header = found.header_at(index)
        check.problem(
            N_(
                "Column %(column)s holds a formula without a value; "
                "copy the cells and paste them as values."
            ),
            in_column=header,
            column=header,
        )
    values: dict[str, str] = {}
    for name, index in found.positions.items():
        text = row.cells[index].strip() if index < len(row.cells) else ""
        limit = limits.get(name)
        if has_control_characters(text):
            check.problem(
                N_("%(column)s contains a control character."),
                in_column=found.headers[index],
                column=found.headers[index],
            )
        elif limit is not None and len(nfc(text)) > limit:
            check.problem(
                N_("%(column)s is longer than %(max)s characters."),
                in_column=found.headers[index],
                column=found.headers[index],
                max=limit,
            )
        values[name] = text
    return values


@dataclass(frozen=True)
class TableRow:
    number: int  # as a spreadsheet shows it
    values: dict[str, str]  # field → the cell's text, stripped
    problems: list[RowProblem]  # what is wrong with its cells already
    formulas_without_value: frozenset[str] = frozenset()  # fields


@dataclass(frozen=True)
class Table:
    """A file read against a list of columns: its rows' texts and cell problems."""

    rows: list[TableRow]
    layout: Layout
    header_row: int


def read_table(
    filename: str,
    data: bytes,
    columns: Sequence[Column],
    *,
    required: str,
) -> Table:
    """Read a CSV or XLSX file (see ``spreadsheets.read_rows``) against ``columns``.

    The header row is the first of the first rows that names the ``required`` column
    (``read_sheet``). Headers match ignoring case, marks, spaces and underscores; empty
    rows are left out; every formula without a value and every over-long text is a problem of its
    row. Raise ImportFileError for a file that cannot be read or has no column for the
    ``required`` field.
    """
    sheet = read_sheet(filename, data, columns, required=required)
    found = map_columns(sheet, columns)
    require_column(sheet, found, columns, required)
    return table_of(sheet, found, columns)


def table_of(sheet: Sheet, found: Layout, columns: Sequence[Column]) -> Table:
    """The rows of ``sheet`` as the fields of ``columns``, laid out as ``found`` says."""
    rows = []
    fields = {index: name for name, index in found.positions.items()}
    for row in sheet.rows:
        check = RowCheck(row.number)
        values = _cell_values(row, found, columns, check)
        blank = frozenset(fields[i] for i in row.formulas_without_value if i in fields)
        rows.append(TableRow(row.number, values, check.problems, blank))
    return Table(rows=rows, layout=found, header_row=sheet.header_row)


# --------------------------------------------------------------------------- the plan


@dataclass(frozen=True)
class PlanWarning:
    """Something in the file worth a second look that does not stop the import.

    ``message`` is an English message id with ``params``; ``rows`` the rows it is about
    (as the spreadsheet shows them), in order.
    """

    message: str
    rows: tuple[int, ...] = ()
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def rows_text(self) -> str:
        """The rows, runs written as ranges and a long list cut: "2–31, 40, 45, …"."""
        return row_ranges(self.rows)


def row_ranges(rows: Sequence[int], *, limit: int = 12) -> str:
    """Row numbers as a person reads them: "2–5, 9, 12–14", at most ``limit`` parts, then "…"."""
    runs: list[list[int]] = []
    for row in sorted(set(rows)):
        if runs and row == runs[-1][-1] + 1:
            runs[-1].append(row)
        else:
            runs.append([row])
    parts = [str(run[0]) if len(run) == 1 else f"{run[0]}–{run[-1]}" for run in runs]
    return ", ".join(parts[:limit]) + (", …" if len(parts) > limit else "")


New = TypeVar("New")
Update = TypeVar("Update")


@dataclass
class ImportPlan(Generic[New, Update]):
    """What importing a file would do: nothing is written until the plan is applied.

    ``problems`` are the bad rows' reasons, in row order; while there is one, the
    plan cannot be applied. ``warnings`` never stop it: things in the file worth a
    second look. ``unknown_columns`` are headers that name nothing the import knows,
    so their cells are ignored; ``header_row`` the row taken as the header.
    """

    to_add: list[New] = field(default_factory=list)
    to_update: list[Update] = field(default_factory=list)
    unchanged: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    rows_read: int = 0
    filename: str = ""
    columns: list[str] = field(default_factory=list)  # fields the file has, in file order
    header_row: int = 1  # the row taken as the header, as the spreadsheet numbers it
    warnings: list[PlanWarning] = field(default_factory=list)  # never stop the import

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def bad_rows(self) -> list[int]:
        return sorted({problem.row for problem in self.problems})


def new_plan(filename: str, table: Table) -> ImportPlan[Any, Any]:
    """An empty plan for ``table``: its file name, columns and warnings, no row yet."""
    found = table.layout
    return ImportPlan(
        filename=filename,
        unknown_columns=list(found.unknown),
        columns=sorted(found.positions, key=found.positions.__getitem__),
        header_row=table.header_row,
    )


@dataclass(frozen=True)
class ImportResult:
    added: int
    updated: int
    unchanged: int

    @property
    def changes_nothing(self) -> bool:
        return not self.added and not self.updated


def imported_message(result: ImportResult) -> str:
    """What an applied import did, in the current language, for a page or the command line."""
    return gettext(IMPORTED, added=result.added, updated=result.updated, unchanged=result.unchanged)


def plan_report(plan: ImportPlan[Any, Any]) -> list[str]:
    """What a plan would do, line by line in the current language, for the command line:
    counts, the header row when title rows were skipped, ignored columns, warnings, and
    every bad row's reason."""
    lines = [
        gettext(N_("File: %(file)s; rows read: %(rows)s"), file=plan.filename, rows=plan.rows_read),
        gettext(N_("To add: %(count)s"), count=len(plan.to_add)),
        gettext(N_("To update: %(count)s"), count=len(plan.to_update)),
        gettext(N_("Unchanged: %(count)s"), count=plan.unchanged),
    ]
    if plan.header_row > 1:
        lines.append(gettext(N_("Header row: row %(row)s."), row=plan.header_row))
    if plan.unknown_columns:
        columns = ", ".join(plan.unknown_columns)
        lines.append(gettext(N_("Unknown columns, ignored: %(columns)s"), columns=columns))
    for warning in plan.warnings:
        text = gettext(warning.message, **warning.params)
        if warning.rows:
            text += " (" + gettext(N_("rows %(rows)s"), rows=warning.rows_text) + ")"
        lines.append(gettext(N_("warning: %(text)s"), text=text))
    for problem in plan.problems:
        reason = gettext(problem.message, **problem.params)
        lines.append(gettext(N_("row %(row)s: %(reason)s"), row=problem.row, reason=reason))
    return lines


def result_of(plan: ImportPlan[Any, Any]) -> ImportResult:
    """What applying ``plan`` does, counted; raise InvalidInput when it has bad rows."""
    if not plan.ok:
        raise InvalidInput(BAD_ROWS, refusal="import_bad_rows", count=len(plan.bad_rows))
    return ImportResult(
        added=len(plan.to_add), updated=len(plan.to_update), unchanged=plan.unchanged
    )


async def record_import(
    action: str,
    plan: ImportPlan[Any, Any],
    result: ImportResult,
    *,
    event_id: int,
    by: Actor | None,
) -> None:
    """The audit entry of an applied import: the file's name, how many rows it added and updated."""
    await audit.record(
        action,
        by=by,
        event_id=event_id,
        target=plan.filename,
        added=result.added,
        updated=result.updated,
    )


# --------------------------------------------------------------------------- preview, confirm

Plan = TypeVar("Plan", bound=ImportPlan[Any, Any])


@dataclass(frozen=True)
class Preview(Generic[Plan]):
    """A file's plan, and the id its upload is kept under ("" when it has bad rows)."""

    plan: Plan
    upload_id: str


@dataclass(frozen=True)
class Confirmed(Generic[Plan]):
    """The plan made again at confirmation, and what applying it did (None: bad rows now)."""

    plan: Plan
    result: ImportResult | None


async def preview(
    uploads: PreviewedUploads,
    purpose: str,
    data: bytes,
    plan: Callable[[bytes], Awaitable[Plan]],
) -> Preview[Plan]:
    """Plan ``data`` and, when it has no bad row, keep it for ``confirm`` under ``purpose``.

    Writes nothing but the kept file. Raises what ``plan`` raises (ImportFileError).
    """
    made = await plan(data)
    upload_id = await uploads.keep(data, purpose=purpose) if made.ok else ""
    return Preview(plan=made, upload_id=upload_id)


async def confirm(
    uploads: PreviewedUploads,
    purpose: str,
    upload_id: str,
    plan: Callable[[bytes], Awaitable[Plan]],
    apply: Callable[[Plan], Awaitable[ImportResult]],
) -> Confirmed[Plan]:
    """Take the file ``preview`` kept, plan it again and apply the plan when it has no bad row.

    The file is taken either way: a plan that now has bad rows is shown, not kept.
    Raises UploadExpired when no file is kept under ``upload_id`` for ``purpose``.
    """
    data = await uploads.take(upload_id, purpose=purpose)
    if data is None:
        raise UploadExpired()
    made = await plan(data)
    if not made.ok:
        return Confirmed(plan=made, result=None)
    return Confirmed(plan=made, result=await apply(made))
