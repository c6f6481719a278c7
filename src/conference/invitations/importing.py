"""Import the delegate list from a spreadsheet (CSV UTF-8 or XLSX): read, check, plan, apply.

Reading the file, the plan and its messages, and the preview and confirmation are
those of every import (``conference.imports``); here are the delegate list's columns
and how a row finds the delegate it is.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from conference import imports
from conference.actors import Actor
from conference.database import MAX_PARAMETERS
from conference.errors import N_
from conference.imports import (
    Column,
    ImportPlan,
    ImportResult,
    Layout,
    RowCheck,
    TableRow,
    map_columns,
    table_of,
)
from conference.invitations import checks
from conference.invitations.services import DelegateInput, add_delegates, delegate_fields
from conference.limits import limit_of
from conference.spreadsheets import ImportFileError, Sheet
from conference.tables import Delegate, DelegateSource, Event
from conference.text import nfc
from conference.threads import off_loop
from conference.uploads import PreviewedUploads
from conference.validation import is_email

MAX_PROTOCOL_RANK = 100_000

# In the export's order. Headers match whatever their case, marks, spaces and underscores.
COLUMNS: tuple[Column, ...] = (
    Column("code", "Mã", ("code",), limit_of(Delegate.code)),
    Column("honorific", "Danh xưng", ("honorific",), limit_of(Delegate.honorific)),
    Column("full_name", "Họ và tên", ("full_name", "Họ tên"), limit_of(Delegate.full_name)),
    Column("position", "Chức vụ", ("position",), limit_of(Delegate.position)),
    Column(
        "organization",
        "Đơn vị",
        ("organization", "organisation"),
        limit_of(Delegate.organization),
    ),
    Column("email", "Email", ("e-mail",), limit_of(Delegate.email)),
    Column("phone", "Điện thoại", ("phone", "Số điện thoại"), limit_of(Delegate.phone)),
    Column("group", "Nhóm", ("group",), limit_of(Delegate.group_name)),
    Column("protocol_rank", "Thứ tự", ("protocol_rank",)),
    Column("seat", "Ghế", ("seat",), limit_of(Delegate.seat)),
    Column("notes", "Ghi chú", ("notes",), limit_of(Delegate.notes)),
)
# What the export adds after the data: the importer knows and skips them.
STATE_HEADERS = ("Phản hồi (chỉ đọc)", "Giấy mời (chỉ đọc)", "Giờ đến (chỉ đọc)")
_STATE_ALIASES = ("rsvp", "invitation", "checked_in_at")

# The template's example row: one delegate as an office writes them.
TEMPLATE_EXAMPLE = {
    "code": "DB001",
    "honorific": "Ông",
    "full_name": "Nguyễn Văn An",
    "position": "Phó Giám đốc",
    "organization": "Sở Xây dựng Hà Nội",
    "email": "an.nv@soxaydung.hanoi.gov.vn",
    "phone": "0913 245 768",
    "group": "Đại biểu",
    "protocol_rank": "10",
    "seat": "B5",
    "notes": "Đi cùng 01 thư ký",
}

FIELD_COLUMNS = {column.field: column for column in COLUMNS}
# DelegateInput field → stored column, where the names differ.
_STORED = {"group": "group_name"}

# The delegate id, its data after the import, the fields the file has columns for.
DelegateUpdate = tuple[int, DelegateInput, set[str]]
DelegatePlan = ImportPlan[DelegateInput, DelegateUpdate]


def template_rows() -> tuple[list[str], list[list[str]]]:
    """The import's template: the Vietnamese headers and one example row, which imports."""
    return [c.header for c in COLUMNS], [[TEMPLATE_EXAMPLE[c.field] for c in COLUMNS]]


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


async def plan_import(event_id: int, filename: str, data: bytes) -> DelegatePlan:
    """Read a delegate file and work out, row by row, what importing it would change.

    A row matches a delegate of the event by code when it has one, else by e-mail
    (ignoring case); a row whose code nobody has yet matches by e-mail a delegate
    without a code. A row without an e-mail that found nobody matches by exact
    name a delegate who has neither code nor e-mail, so a list of bare names
    re-imports unchanged. Otherwise the row is new. A matched delegate changes
    only in the columns the file has. Every bad row is in ``problems``, with the
    row number the spreadsheet shows; ``warnings`` (``checks.warnings``) never stop it.
    The header row is found among the first rows, below any title rows.

    Reads the database, writes nothing. Raises ImportFileError for a file that
    cannot be imported at all (see ``spreadsheets.read_rows``; no full-name column).
    """
    table = await off_loop(lambda: _read_table(filename, data))
    stored = await Delegate.select(*_STORED_COLUMNS).where(Delegate.event == event_id)
    event = await Event.select(Event.vip_rank_threshold).where(Event.id == event_id).first()
    threshold = event["vip_rank_threshold"] if event else 0
    return await off_loop(lambda: _plan(filename, table, stored, threshold))


def _read_table(filename: str, data: bytes) -> imports.Table:
    sheet = imports.read_sheet(filename, data, COLUMNS, required="full_name")
    return table_of(sheet, layout(sheet), COLUMNS)


def _plan(
    filename: str, table: imports.Table, stored: list[dict[str, Any]], vip_rank_threshold: int
) -> DelegatePlan:
    plan: DelegatePlan = imports.new_plan(filename, table)
    planner = _Planner(stored, table.layout, plan)
    planner.plan(table.rows)
    plan.warnings = checks.warnings(
        planner.checked,
        stored,
        vip_rank_threshold=vip_rank_threshold,
        has_honorific_column="honorific" in table.layout.positions,
    )
    return plan


def _stored_input(row: dict[str, Any]) -> DelegateInput:
    return DelegateInput(**{name: row[_STORED.get(name, name)] for name in FIELD_COLUMNS})


class _Planner:
    def __init__(self, stored: list[dict[str, Any]], columns: Layout, plan: DelegatePlan) -> None:
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
        self.result = plan
        self.checked: list[checks.CheckedRow] = []  # the good rows, for the warnings

    def plan(self, rows: Iterable[TableRow]) -> None:
        for row in rows:
            self.result.rows_read += 1
            self._plan_row(row)

    def _plan_row(self, row: TableRow) -> None:
        check = RowCheck.of(row)
        values = self._values(row, check)
        code = nfc(values.get("code"))
        email = (values.get("email") or "").lower()
        self._check_repeated(check, code, email)
        match = self._match(code, email, nfc(values["full_name"]))
        if match is not None:
            if match["id"] in self.claimed:
                check.problem(
                    N_("This row and row %(row)s are the same delegate."),
                    row=self.claimed[match["id"]],
                )
            self.claimed.setdefault(match["id"], row.number)
        owner = self.by_email.get(email) if email else None
        if owner is not None and (match is None or owner["id"] != match["id"]):
            check.problem(
                N_("The e-mail %(email)s already belongs to another delegate, %(name)s."),
                in_column=self.columns.header("email"),
                email=email,
                name=owner["full_name"],
            )
        if not check.ok:
            self.result.problems.extend(check.problems)
            return
        if match is None:
            data = dataclasses.replace(DelegateInput(full_name=""), **values)
            self.result.to_add.append(data)
        else:
            data = self._update(match, values)
        self.checked.append(
            checks.CheckedRow(
                row=row.number,
                delegate_id=match["id"] if match is not None else None,
                full_name=nfc(data.full_name),
                honorific=nfc(data.honorific),
                position=nfc(data.position),
                phone=nfc(data.phone),
                protocol_rank=data.protocol_rank,
            )
        )

    def _check_repeated(self, check: RowCheck, code: str, email: str) -> None:
        """A code or an e-mail on an earlier row of the file is a problem of this one."""
        for name, value, first_rows, message in (
            ("code", code, self.codes, N_("The code %(code)s is also on row %(row)s.")),
            ("email", email, self.emails, N_("The e-mail %(email)s is also on row %(row)s.")),
        ):
            if not value:
                continue
            if value in first_rows:
                header = self.columns.header(name)
                check.problem(message, in_column=header, row=first_rows[value], **{name: value})
            first_rows.setdefault(value, check.row)

    def _values(self, row: TableRow, check: RowCheck) -> dict[str, Any]:
        """The row's value for every field the file has, checked."""
        values: dict[str, Any] = dict(row.values)
        header = self.columns.header
        if not nfc(values["full_name"]) and "full_name" not in row.formulas_without_value:
            check.problem(N_("The full name is empty."), in_column=header("full_name"))
        if "email" in values:
            values["email"] = values["email"] or None
            if values["email"] and not is_email(values["email"]):
                check.problem(
                    N_("The e-mail %(email)s is not valid."),
                    in_column=header("email"),
                    email=values["email"],
                )
        if "protocol_rank" in values:
            text = values["protocol_rank"]
            values["protocol_rank"] = _rank(text)
            if text and values["protocol_rank"] is None:
                check.problem(
                    N_(
                        "The protocol rank must be a whole number from 1 to %(max)s, not %(value)s."
                    ),
                    in_column=header("protocol_rank"),
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

    def _update(self, stored: dict[str, Any], values: dict[str, Any]) -> DelegateInput:
        """Plan the change of a matched delegate (or count it unchanged); its data after."""
        data = dataclasses.replace(_stored_input(stored), **values)
        fields = delegate_fields(data)
        present = set(values)
        if all(
            fields[_STORED.get(name, name)] == stored[_STORED.get(name, name)] for name in present
        ):
            self.result.unchanged += 1
        else:
            self.result.to_update.append((stored["id"], data, present))
        return data


def _name_key(name: str) -> str:
    return nfc(name).casefold()


def _rank(text: str) -> int | None:
    if not text.isdecimal() or not text.isascii():
        return None
    rank = int(text)
    return rank if 1 <= rank <= MAX_PROTOCOL_RANK else None


# --------------------------------------------------------------------------- applying


async def apply_import(
    event_id: int, plan: DelegatePlan, *, by: Actor | None = None
) -> ImportResult:
    """Write a plan made by ``plan_import``: all of it in one transaction, or nothing.

    New delegates get fresh invitation tokens and the source ``imported``; matched
    ones change only in the file's columns (and their search keys). A plan that
    changes nothing writes nothing, not even an audit entry.

    Raises InvalidInput when the plan has bad rows.
    """
    result = imports.result_of(plan)
    if result.changes_nothing:
        return result
    async with Delegate._meta.db.transaction():
        await add_delegates(event_id, plan.to_add, source=DelegateSource.imported)
        await _update_delegates(event_id, plan.to_update)
        await imports.record_import("delegates.import", plan, result, event_id=event_id, by=by)
    return result


async def preview_import(
    event_id: int, filename: str, data: bytes, uploads: PreviewedUploads
) -> imports.Preview[DelegatePlan]:
    """Plan a delegate file (``plan_import``); keep it for ``confirm_import`` if no row is bad.

    Raises ImportFileError for a file that cannot be imported at all.
    """
    return await imports.preview(
        uploads, _purpose(event_id), data, lambda content: plan_import(event_id, filename, content)
    )


async def confirm_import(
    event_id: int,
    filename: str,
    upload_id: str,
    uploads: PreviewedUploads,
    *,
    by: Actor | None = None,
) -> imports.Confirmed[DelegatePlan]:
    """Import the file ``preview_import`` kept, planned again: the list may have changed.

    Raises UploadExpired when the file is no longer kept (see ``conference.uploads``).
    """
    return await imports.confirm(
        uploads,
        _purpose(event_id),
        upload_id,
        lambda content: plan_import(event_id, filename, content),
        lambda plan: apply_import(event_id, plan, by=by),
    )


def _purpose(event_id: int) -> str:
    return f"delegates-{event_id}"


async def _update_delegates(event_id: int, updates: Sequence[DelegateUpdate]) -> None:
    if not updates:
        return
    now = datetime.now(UTC)
    # A delegate with a substitute stays found by the substitute's name (search_key).
    substitutes = {
        row["id"]: row["substitute_name"]
        for row in await Delegate.select(Delegate.id, Delegate.substitute_name).where(
            (Delegate.event == event_id) & (Delegate.substitute_name != "")
        )
    }
    groups: dict[tuple[str, ...], list[tuple[int, dict[str, Any]]]] = {}
    for delegate_id, data, present in updates:
        stored = {_STORED.get(name, name) for name in present}
        columns = tuple(sorted(stored | {"search_key", "name_sort_key"}))
        fields = delegate_fields(data, substitute_name=substitutes.get(delegate_id, ""))
        groups.setdefault(columns, []).append((delegate_id, fields))
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
