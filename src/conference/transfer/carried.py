"""What an event export carries: which tables, how their rows belong to the event, and
each row as plain JSON with its references written as stable ids (uids, usernames)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import cache
from typing import Any

from piccolo.columns import Column, Date, ForeignKey, Time, Timestamptz
from piccolo.table import Table

from conference.tables import (
    AuditEntry,
    AwardForm,
    AwardRecipient,
    CheckInAttempt,
    CheckInConflict,
    Cue,
    CuePresenter,
    Delegate,
    DeskDevice,
    Event,
    HallSeat,
    Introduction,
    Membership,
    ProgrammeItem,
    SeatingHall,
    Speaker,
    SpeechTimer,
    Substitution,
)

# A delegate's arrival is merged on its own (the earliest check-in stands, once), not as
# part of the row; ``updated_at`` is when the row changed on its own installation.
ARRIVAL = ("checked_in_at", "checked_in_desk", "checked_in_by", "checked_in_nonce")
NOT_HASHED = frozenset({"uid", "updated_at", *ARRIVAL})


@dataclass(frozen=True)
class Carried:
    """One table of the export.

    ``scope`` is the column path from the table to its event (``("event",)``, or through
    a parent: ``("item", "event")``). ``log`` tables only ever gain rows (the check-in
    log, the audit trail); every other row is merged by its uid. ``goes_with`` names the
    reference to the parent a row is deleted with and never without (a delegate's history
    of substitutes): while the parent stays on an installation, so do its rows.
    """

    table: type[Table]
    scope: tuple[str, ...]
    log: bool = False
    goes_with: str | None = None

    @property
    def name(self) -> str:
        return str(self.table._meta.tablename)


# In an order where every row's references come before it.
CARRIED: tuple[Carried, ...] = (
    Carried(Membership, ("event",)),
    Carried(DeskDevice, ("event",)),
    Carried(Delegate, ("event",)),
    Carried(Substitution, ("delegate", "event"), goes_with="delegate"),
    Carried(ProgrammeItem, ("event",)),
    Carried(Speaker, ("item", "event")),
    Carried(SpeechTimer, ("event",)),
    Carried(AwardForm, ("event",)),
    Carried(Cue, ("event",)),
    Carried(CuePresenter, ("cue", "event")),
    Carried(AwardRecipient, ("award_form", "event")),
    Carried(Introduction, ("event",)),
    Carried(SeatingHall, ("event",)),
    Carried(HallSeat, ("event",)),
    Carried(CheckInAttempt, ("event",), log=True),
    Carried(CheckInConflict, ("event",), log=True),
    Carried(AuditEntry, ("event",), log=True),
)
BY_TABLE: dict[type[Table], Carried] = {carried.table: carried for carried in CARRIED}
# Columns that stay on their installation: a desk device's pending pairing link works
# once, where it was made (the phone paired by it is known everywhere by its key).
LEFT_OUT: dict[type[Table], frozenset[str]] = {
    DeskDevice: frozenset({"pairing_hash", "pairing_expires_at"}),
}
USER_FIELDS = ("username", "display_name", "role", "every_event")


def column_of(table: type[Table], name: str) -> Any:
    """``table``'s column ``name`` (the type checker knows no table's columns by name)."""
    return table._meta.get_column_by_name(name)


def scope_column(carried: Carried) -> Any:
    """The column that names a row's event, through its parent where it has one."""
    column: Any = carried.table
    for name in carried.scope:
        column = getattr(column, name)
    return column


@cache
def references(table: type[Table]) -> dict[str, type[Table]]:
    """The table's foreign keys other than its event: column name → the table referred to."""
    found: dict[str, type[Table]] = {}
    for column in table._meta.foreign_key_columns:
        target = column._foreign_key_meta.resolved_references
        if target is not Event:
            found[column._meta.name] = target
    return found


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return value


def _typed(column: Column, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(column, Timestamptz):
        return datetime.fromisoformat(value)
    if isinstance(column, Date):
        return date.fromisoformat(value)
    if isinstance(column, Time):
        return time.fromisoformat(value)
    return value


@cache
def data_columns(table: type[Table]) -> list[Column]:
    """The columns written to the file: all but the local id and the event itself."""
    return [
        column
        for column in table._meta.columns
        if column._meta.name != "id"
        and column._meta.name not in LEFT_OUT.get(table, frozenset())
        and not (
            isinstance(column, ForeignKey) and column._foreign_key_meta.resolved_references is Event
        )
    ]


def to_file(
    table: type[Table], row: dict[str, Any], stable: dict[type[Table], dict[int, str]]
) -> dict[str, Any]:
    """``row`` (as selected) as the file holds it: references by uid or username."""
    out: dict[str, Any] = {}
    refs = references(table)
    for column in data_columns(table):
        name = column._meta.name
        value = row[name]
        if name in refs and value is not None:
            value = stable[refs[name]].get(value)
        out[name] = _plain(value)
    return out


def from_file(
    table: type[Table], row: dict[str, Any], local: dict[type[Table], dict[str, int]]
) -> dict[Any, Any]:
    """A row of the file as column values of this installation (references resolved;
    one to a row this installation does not have becomes None)."""
    values: dict[Any, Any] = {}
    refs = references(table)
    for column in data_columns(table):
        name = column._meta.name
        if name not in row:
            continue
        value = row[name]
        if name in refs and value is not None:
            value = local[refs[name]].get(value)
        values[column] = _typed(column, value)
    return values


def row_hash(row: dict[str, Any]) -> str:
    """A digest of what a row says, leaving out its change time and a delegate's arrival."""
    kept = {key: value for key, value in row.items() if key not in NOT_HASHED}
    text = json.dumps(kept, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


async def give_uids(table: type[Table]) -> None:
    """A uid for every row of ``table`` written without one: the check-in's own statements
    (raw SQL, on the scan's hot path) leave it to the first export. One statement, 32 hex
    digits as ``new_uid`` writes them."""
    fresh = (
        "replace(gen_random_uuid()::text, '-', '')"
        if table._meta.db.engine_type == "postgres"
        else "lower(hex(randomblob(16)))"
    )
    await table.raw(f"UPDATE {table._meta.tablename} SET uid = {fresh} WHERE uid IS NULL")  # noqa: S608 (our own names)
