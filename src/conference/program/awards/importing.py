"""Import award recipients from a spreadsheet (CSV UTF-8 or XLSX): read, check, plan, apply.

The rules are those of every import (``conference.imports``): a preview first,
every bad row reported with its number, nothing written while any row is bad,
text in NFC, and the same file imported again changes nothing (a recipient is
matched by award, kind and name).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from conference import imports, live
from conference.actors import Actor
from conference.errors import N_, InvalidInput
from conference.imports import (
    Column,
    ImportPlan,
    ImportResult,
    RowCheck,
    Table,
    TableRow,
    read_table,
)
from conference.limits import limit_of
from conference.program.awards import services as awards
from conference.tables import AwardRecipient, Delegate, RecipientKind
from conference.text import fold, nfc
from conference.threads import off_loop
from conference.uploads import PreviewedUploads

MAX_ORDER = 10_000

COLUMNS: tuple[Column, ...] = (
    Column("award", "Hình thức khen thưởng", ("award", "Hình thức", "award_form")),
    Column("kind", "Loại", ("kind", "Tập thể/Cá nhân", "Cá nhân/Tập thể"), 20),
    Column("honorific", "Danh xưng", ("honorific",), limit_of(AwardRecipient.honorific)),
    Column(
        "name",
        "Tên",
        ("name", "Họ và tên", "full_name", "Tên tập thể, cá nhân", "Tên tập thể/cá nhân"),
        limit_of(AwardRecipient.name),
    ),
    Column("title", "Chức vụ", ("position", "title"), limit_of(AwardRecipient.title)),
    Column("organization", "Đơn vị", ("organization",), limit_of(AwardRecipient.organization)),
    Column(
        "representative",
        "Người nhận",
        ("representative", "Đại diện", "Người đại diện"),
        limit_of(AwardRecipient.representative_name),
    ),
    Column(
        "delegate_code", "Mã đại biểu", ("delegate_code", "Mã", "code"), limit_of(Delegate.code)
    ),
    Column("citation", "Thành tích", ("citation",), limit_of(AwardRecipient.citation)),
    Column(
        "pronunciation_note",
        "Ghi chú đọc tên",
        ("pronunciation_note", "Cách đọc"),
        limit_of(AwardRecipient.pronunciation_note),
    ),
    Column("order", "Thứ tự", ("order", "Thứ tự gọi")),
)

_KINDS = {
    "ca nhan": RecipientKind.individual,
    "individual": RecipientKind.individual,
    "": RecipientKind.individual,
    "tap the": RecipientKind.collective,
    "collective": RecipientKind.collective,
}
_HONORIFICS = ("ông", "bà", "đồng chí", "anh", "chị")

# File column → stored column, for the fields a file may change on a matched recipient.
_UPDATABLE = {
    "honorific": "honorific",
    "title": "title",
    "organization": "organization",
    "citation": "citation",
    "pronunciation_note": "pronunciation_note",
}


@dataclass(frozen=True)
class NewRecipient:
    form_id: int
    data: awards.RecipientInput
    order: int | None  # from the file's order column


RecipientUpdate = tuple[int, dict[str, Any]]  # the recipient's id, the columns that change
AwardImportPlan = ImportPlan[NewRecipient, RecipientUpdate]
RecipientKey = tuple[int, str, str]  # award form, kind, name: what matches a recipient


def _key(text: str) -> str:
    return nfc(text).casefold()


def _split_honorific(text: str) -> tuple[str, str]:
    """ "Ông Trần Văn Quang" → ("Ông", "Trần Văn Quang")."""
    name = nfc(text)
    for honorific in _HONORIFICS:
        if name.casefold().startswith(honorific + " "):
            return name[: len(honorific)], name[len(honorific) + 1 :]
    return "", name


@dataclass(frozen=True)
class _Known:
    """What the rows of a file are matched against: the event's forms, delegates, recipients."""

    form_by_label: dict[str, int]  # folded title or decision number → form id
    default_form_id: int | None
    delegate_by_code: dict[str, dict[str, Any]]
    delegates_by_name: dict[str, list[dict[str, Any]]]
    recipients: dict[RecipientKey, dict[str, Any]]


async def _known(event_id: int, default_form_id: int | None) -> _Known:
    form_by_label: dict[str, int] = {}
    for form in await awards.award_forms(event_id):
        form_by_label.setdefault(fold(form["title"]), form["id"])
        if form["decision_number"]:
            form_by_label.setdefault(fold(form["decision_number"]), form["id"])
    delegates = await Delegate.select(
        Delegate.id, Delegate.code, Delegate.full_name, Delegate.honorific
    ).where(Delegate.event == event_id)
    by_name: dict[str, list[dict[str, Any]]] = {}
    for delegate in delegates:
        by_name.setdefault(_key(delegate["full_name"]), []).append(delegate)
    return _Known(
        form_by_label=form_by_label,
        default_form_id=default_form_id,
        delegate_by_code={d["code"]: d for d in delegates if d["code"]},
        delegates_by_name=by_name,
        recipients={
            (r["award_form"], r["kind"], _key(r["name"])): r
            for r in await awards.recipients(event_id)
        },
    )


async def template_rows(event_id: int) -> tuple[list[str], list[list[str]]]:
    """The import's template for the event: the Vietnamese headers and one example row,
    which names the event's first award form (so the template imports as it is)."""
    forms = await awards.award_forms(event_id)
    example = {
        "award": forms[0]["title"] if forms else "Giấy khen của Giám đốc Sở",
        "kind": "Cá nhân",
        "honorific": "Bà",
        "name": "Khổng Thị Mai",
        "title": "Kỹ sư",
        "organization": "Xí nghiệp Thoát nước số 5",
        "citation": "Có sáng kiến cải tiến kỹ thuật",
        "order": "",
    }
    return [c.header for c in COLUMNS], [[example.get(c.field, "") for c in COLUMNS]]


async def form_by_label(event_id: int, label: str) -> int:
    """The id of the event's award form titled or numbered ``label`` (ignoring case and
    marks), as a row's "Hình thức khen thưởng" names one. Raises InvalidInput when none is."""
    for form in await awards.award_forms(event_id) if fold(label) else []:
        if fold(label) in (fold(form["title"]), fold(form["decision_number"] or "")):
            return int(form["id"])
    raise InvalidInput(
        N_("There is no award form “%(award)s” in this event."),
        refusal="award_form_unknown",
        award=nfc(label),
    )


async def plan_import(
    event_id: int, filename: str, data: bytes, *, default_form_id: int | None = None
) -> AwardImportPlan:
    """Read a recipients file and work out, row by row, what importing it would change.

    A row's award is its "Hình thức khen thưởng" cell, matched to a form of the event
    by title or decision number (ignoring case and marks), else ``default_form_id``.
    The person receiving is linked to a delegate by "Mã đại biểu", else by the exact
    name (the individual's, or a collective's "Người nhận"); a name several
    delegates share needs the code. A row matching a recipient of the same award,
    kind and name updates it; others are new, called after those already listed.

    Reads the database, writes nothing. Raise ImportFileError for a file that cannot
    be read or has no name column.
    """
    table = await off_loop(lambda: read_table(filename, data, COLUMNS, required="name"))
    known = await _known(event_id, default_form_id)
    return await off_loop(lambda: _plan(filename, table, known))


def _plan(filename: str, table: Table, known: _Known) -> AwardImportPlan:
    plan: AwardImportPlan = imports.new_plan(filename, table)
    seen: dict[RecipientKey, int] = {}  # → the row it was first on
    for row in table.rows:
        plan.rows_read += 1
        _plan_row(plan, known, seen, row)
    return plan


def _plan_row(
    plan: AwardImportPlan, known: _Known, seen: dict[RecipientKey, int], row: TableRow
) -> None:
    """Add what ``row`` does to ``plan``: a new recipient, an update, or its problems."""
    check = RowCheck.of(row)
    read = _read_row(row.values, known, check)
    if read is None or not check.ok:
        plan.problems.extend(check.problems)
        return
    form_id, recipient, order = read
    key = (form_id, recipient.kind, _key(recipient.name))
    if key in seen:
        check.problem(N_("This row and row %(row)s are the same recipient."), row=seen[key])
        plan.problems.extend(check.problems)
        return
    seen[key] = row.number
    match = known.recipients.get(key)
    if match is None:
        plan.to_add.append(NewRecipient(form_id, recipient, order))
        return
    changes = _changes(match, recipient, set(row.values), order)
    if changes:
        plan.to_update.append((match["id"], changes))
    else:
        plan.unchanged += 1


def _read_row(
    values: dict[str, str], known: _Known, check: RowCheck
) -> tuple[int, awards.RecipientInput, int | None] | None:
    """The row's award form, recipient and calling order; None when a problem stops it."""
    name = nfc(values.get("name"))
    if not name:
        check.problem(N_("The name is empty."))
    form_id = _form(values, known, check)
    kind = _kind(values, check)
    order = _order(values, check)
    delegate_id, honorific, representative = _receiver(values, name, kind, known, check)
    if form_id is None or kind is None:
        return None
    recipient = awards.RecipientInput(
        name=name,
        kind=kind.value,
        honorific=honorific,
        title=nfc(values.get("title")),
        organization=nfc(values.get("organization")),
        representative_name=representative
        if kind == RecipientKind.collective and delegate_id is None
        else "",
        delegate_id=delegate_id,
        citation=nfc(values.get("citation")),
        pronunciation_note=nfc(values.get("pronunciation_note")),
    )
    return form_id, recipient, order


def _form(values: dict[str, str], known: _Known, check: RowCheck) -> int | None:
    """The award form the row names, else the file's default; None with a problem."""
    label = nfc(values.get("award"))
    form_id = known.form_by_label.get(fold(label)) if label else known.default_form_id
    if form_id is None:
        if label:
            check.problem(N_("There is no award form “%(award)s” in this event."), award=label)
        else:
            check.problem(N_("The row names no award form; choose one for the whole file."))
    return form_id


def _kind(values: dict[str, str], check: RowCheck) -> RecipientKind | None:
    """Individual (also an empty cell) or collective; None with a problem."""
    kind = _KINDS.get(fold(values.get("kind", "")))
    if kind is None:
        check.problem(
            N_("The kind must be “Cá nhân” or “Tập thể”, not “%(value)s”."),
            value=values.get("kind", ""),
        )
    return kind


def _order(values: dict[str, str], check: RowCheck) -> int | None:
    """The calling order the row gives, or None (none given, or a problem)."""
    text = values.get("order")
    if not text:
        return None
    order = int(text) if text.isascii() and text.isdecimal() else None
    if order is None or not 1 <= order <= MAX_ORDER:
        check.problem(
            N_("The order must be a whole number from 1 to %(max)s, not %(value)s."),
            max=MAX_ORDER,
            value=text,
        )
        return None
    return order


def _receiver(
    values: dict[str, str],
    name: str,
    kind: RecipientKind | None,
    known: _Known,
    check: RowCheck,
) -> tuple[int | None, str, str]:
    """Who receives on stage: (delegate id or None, honorific, representative's name).

    By the delegate code when the row has one; else by the name spoken (the
    individual's, or the collective's representative), whose honorific it may begin with.
    """
    honorific = nfc(values.get("honorific"))
    representative = nfc(values.get("representative"))
    code = nfc(values.get("delegate_code"))
    if code:
        found = known.delegate_by_code.get(code)
        if found is None:
            check.problem(N_("No delegate has the code %(code)s."), code=code)
            return None, honorific, representative
        return found["id"], honorific, representative
    collective = kind == RecipientKind.collective
    spoken_honorific, spoken = _split_honorific(representative if collective else name)
    honorific = honorific or spoken_honorific
    if not spoken or kind is None:
        return None, honorific, representative
    if collective:
        representative = spoken
    matches = known.delegates_by_name.get(_key(spoken), [])
    if len(matches) > 1:
        check.problem(
            N_("%(count)s delegates are named %(name)s; give the delegate code."),
            count=len(matches),
            name=spoken,
        )
        return None, honorific, representative
    return (matches[0]["id"] if matches else None), honorific, representative


def _changes(
    stored: dict[str, Any], data: awards.RecipientInput, present: set[str], order: int | None
) -> dict[str, Any]:
    """The stored columns a matched row changes: only those the file has a column for."""
    wanted: dict[str, Any] = {
        column: getattr(data, column) for name, column in _UPDATABLE.items() if name in present
    }
    if "delegate_code" in present or data.delegate_id is not None:
        wanted["delegate"] = data.delegate_id
    if "representative" in present:
        wanted["representative_name"] = data.representative_name
    if order is not None:
        wanted["position"] = order
    return {column: value for column, value in wanted.items() if stored[column] != value}


async def apply_import(
    event_id: int, plan: AwardImportPlan, *, by: Actor | None = None
) -> ImportResult:
    """Write a plan made by ``plan_import``: all of it in one transaction, or nothing.

    New recipients are called after those already on their form's list (or at the
    file's order), and are in no batch until the run sheet places them.
    Raise InvalidInput when the plan has bad rows.
    """
    result = imports.result_of(plan)
    if result.changes_nothing:
        return result
    async with AwardRecipient._meta.db.transaction():
        last: dict[int, int] = {}
        for row in await AwardRecipient.select(
            AwardRecipient.award_form, AwardRecipient.position
        ).where(AwardRecipient.award_form.event == event_id):
            last[row["award_form"]] = max(last.get(row["award_form"], 0), row["position"])
        new_rows = []
        for new in plan.to_add:
            position = new.order
            if position is None:
                position = last.get(new.form_id, 0) + 1
                last[new.form_id] = position
            recipient = AwardRecipient(award_form=new.form_id, position=position)
            for column, value in awards.recipient_columns(new.data).items():
                setattr(recipient, column._meta.name, value)
            new_rows.append(recipient)
        if new_rows:
            await AwardRecipient.insert(*new_rows)
        for recipient_id, changes in plan.to_update:
            await AwardRecipient.update(
                {getattr(AwardRecipient, column): value for column, value in changes.items()}
            ).where(AwardRecipient.id == recipient_id)
        await imports.record_import("awards.import", plan, result, event_id=event_id, by=by)
    live.publish(event_id, "cue", {"change": "awards"})
    return result


async def preview_import(
    event_id: int,
    filename: str,
    data: bytes,
    uploads: PreviewedUploads,
    *,
    default_form_id: int | None = None,
) -> imports.Preview[AwardImportPlan]:
    """Plan a recipients file (``plan_import``); keep it for ``confirm_import`` if no row is bad.

    Raises ImportFileError for a file that cannot be imported at all.
    """

    async def plan(content: bytes) -> AwardImportPlan:
        return await plan_import(event_id, filename, content, default_form_id=default_form_id)

    return await imports.preview(uploads, _purpose(event_id), data, plan)


async def confirm_import(
    event_id: int,
    filename: str,
    upload_id: str,
    uploads: PreviewedUploads,
    *,
    default_form_id: int | None = None,
    by: Actor | None = None,
) -> imports.Confirmed[AwardImportPlan]:
    """Import the file ``preview_import`` kept, planned again: the list may have changed.

    Raises UploadExpired when the file is no longer kept (see ``conference.uploads``).
    """

    async def plan(content: bytes) -> AwardImportPlan:
        return await plan_import(event_id, filename, content, default_form_id=default_form_id)

    async def apply(made: AwardImportPlan) -> ImportResult:
        return await apply_import(event_id, made, by=by)

    return await imports.confirm(uploads, _purpose(event_id), upload_id, plan, apply)


def _purpose(event_id: int) -> str:
    return f"award-recipients-{event_id}"
