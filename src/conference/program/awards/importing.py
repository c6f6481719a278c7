"""Import award recipients from a spreadsheet (CSV UTF-8 or XLSX): read, check, plan, apply.

The rules are the delegate import's, through its public reader: a preview first,
every bad row reported with its number, nothing written while any row is bad,
text in NFC, and the same file imported again changes nothing (a recipient is
matched by award, kind and name).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from conference import audit, live
from conference.actors import Actor
from conference.errors import N_, InvalidInput
from conference.invitations import Column, RowProblem, read_table
from conference.program.awards import services as awards
from conference.tables import AwardRecipient, Delegate, RecipientKind
from conference.text import fold, nfc

MAX_ORDER = 10_000

COLUMNS: tuple[Column, ...] = (
    Column("award", "Hình thức khen thưởng", ("award", "Hình thức", "award_form")),
    Column("kind", "Loại", ("kind", "Tập thể/Cá nhân", "Cá nhân/Tập thể"), 20),
    Column("honorific", "Danh xưng", ("honorific",), 32),
    Column(
        "name",
        "Tên",
        ("name", "Họ và tên", "full_name", "Tên tập thể, cá nhân", "Tên tập thể/cá nhân"),
    ),
    Column("title", "Chức vụ", ("position", "title")),
    Column("organization", "Đơn vị", ("organization",)),
    Column("representative", "Người nhận", ("representative", "Đại diện", "Người đại diện")),
    Column("delegate_code", "Mã đại biểu", ("delegate_code", "Mã", "code"), 100),
    Column("citation", "Thành tích", ("citation",)),
    Column("pronunciation_note", "Ghi chú đọc tên", ("pronunciation_note", "Cách đọc")),
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


@dataclass
class AwardImportPlan:
    """What importing a file would do; nothing is written until ``apply_import``."""

    to_add: list[NewRecipient] = field(default_factory=list)
    to_update: list[tuple[int, dict[str, Any]]] = field(default_factory=list)  # id, columns
    unchanged: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    rows_read: int = 0
    filename: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def bad_rows(self) -> list[int]:
        return sorted({problem.row for problem in self.problems})


@dataclass(frozen=True)
class AwardImportResult:
    added: int
    updated: int
    unchanged: int


def _key(text: str) -> str:
    return nfc(text).casefold()


def _split_honorific(text: str) -> tuple[str, str]:
    """ "Ông Trần Văn Quang" → ("Ông", "Trần Văn Quang")."""
    name = nfc(text)
    for honorific in _HONORIFICS:
        if name.casefold().startswith(honorific + " "):
            return name[: len(honorific)], name[len(honorific) + 1 :]
    return "", name


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
    table = read_table(filename, data, COLUMNS, required="name")
    plan = AwardImportPlan(
        problems=list(table.problems), unknown_columns=table.unknown_columns, filename=filename
    )
    forms = await awards.award_forms(event_id)
    by_label: dict[str, int] = {}
    for form in forms:
        by_label.setdefault(fold(form["title"]), form["id"])
        if form["decision_number"]:
            by_label.setdefault(fold(form["decision_number"]), form["id"])
    delegates = await Delegate.select(
        Delegate.id, Delegate.code, Delegate.full_name, Delegate.honorific
    ).where(Delegate.event == event_id)
    by_code = {d["code"]: d for d in delegates if d["code"]}
    by_name: dict[str, list[dict[str, Any]]] = {}
    for d in delegates:
        by_name.setdefault(_key(d["full_name"]), []).append(d)
    stored = {
        (r["award_form"], r["kind"], _key(r["name"])): r for r in await awards.recipients(event_id)
    }
    seen: dict[tuple[int, str, str], int] = {}

    for row in table.rows:
        plan.rows_read += 1
        values = row.values
        problems: list[RowProblem] = []

        def problem(
            message: str,
            number: int = row.number,
            found: list[RowProblem] = problems,
            **params: Any,
        ) -> None:
            found.append(RowProblem(number, message, params))

        name = nfc(values.get("name"))
        if not name:
            problem(N_("The name is empty."))
        label = nfc(values.get("award"))
        form_id = by_label.get(fold(label)) if label else default_form_id
        if form_id is None:
            if label:
                problem(N_("There is no award form “%(award)s” in this event."), award=label)
            else:
                problem(N_("The row names no award form; choose one for the whole file."))
        kind = _KINDS.get(fold(values.get("kind", "")))
        if kind is None:
            problem(
                N_("The kind must be “Cá nhân” or “Tập thể”, not “%(value)s”."),
                value=values.get("kind", ""),
            )
        order: int | None = None
        if values.get("order"):
            text = values["order"]
            order = int(text) if text.isascii() and text.isdecimal() else None
            if order is None or not 1 <= order <= MAX_ORDER:
                problem(
                    N_("The order must be a whole number from 1 to %(max)s, not %(value)s."),
                    max=MAX_ORDER,
                    value=text,
                )
                order = None
        honorific = nfc(values.get("honorific"))
        representative = nfc(values.get("representative"))
        delegate_id: int | None = None
        code = nfc(values.get("delegate_code"))
        if code:
            found = by_code.get(code)
            if found is None:
                problem(N_("No delegate has the code %(code)s."), code=code)
            else:
                delegate_id = found["id"]
        else:
            spoken_honorific, spoken = _split_honorific(
                representative if kind == RecipientKind.collective else name
            )
            honorific = honorific or spoken_honorific
            if spoken and kind is not None:
                matches = by_name.get(_key(spoken), [])
                if len(matches) > 1:
                    problem(
                        N_("%(count)s delegates are named %(name)s; give the delegate code."),
                        count=len(matches),
                        name=spoken,
                    )
                elif matches:
                    delegate_id = matches[0]["id"]
                if kind == RecipientKind.collective:
                    representative = spoken
        if problems or form_id is None or kind is None:
            plan.problems.extend(problems)
            continue
        key = (form_id, kind.value, _key(name))
        if key in seen:
            plan.problems.append(
                RowProblem(
                    row.number,
                    N_("This row and row %(row)s are the same recipient."),
                    {"row": seen[key]},
                )
            )
            continue
        seen[key] = row.number
        data_in = awards.RecipientInput(
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
        match = stored.get(key)
        if match is None:
            plan.to_add.append(NewRecipient(form_id, data_in, order))
            continue
        changes = _changes(match, data_in, set(values), order)
        if changes:
            plan.to_update.append((match["id"], changes))
        else:
            plan.unchanged += 1
    plan.problems.sort(key=lambda p: p.row)
    return plan


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
) -> AwardImportResult:
    """Write a plan made by ``plan_import``: all of it in one transaction, or nothing.

    New recipients are called after those already on their form's list (or at the
    file's order), and are in no batch until the run sheet places them.
    Raise InvalidInput when the plan has bad rows.
    """
    if not plan.ok:
        raise InvalidInput(N_("%(count)s bad row(s), nothing imported"), count=len(plan.bad_rows))
    result = AwardImportResult(
        added=len(plan.to_add), updated=len(plan.to_update), unchanged=plan.unchanged
    )
    if not plan.to_add and not plan.to_update:
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
        await audit.record(
            "awards.import",
            by=by,
            event_id=event_id,
            target=plan.filename,
            added=result.added,
            updated=result.updated,
        )
    live.publish(event_id, "cue", {"change": "awards"})
    return result
