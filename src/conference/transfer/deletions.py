"""Deletions carried by an import: what the other installation deleted since the last exchange.

The shared state (the digests of the newest file both installations had) names every row
both held then. A row in it, still here, and missing from the file was deleted there; it
is deleted here too, unless deleting it would lose something this side did since:

- it changed here since the exchange (its digest here is no longer the shared one);
- it is a delegate who checked in here (an arrival is never undone by an import);
- a row kept here still refers to it (a seat, a speaker, a recipient changed or added
  here since, a substitute named here), so deleting it would drop or blank that change.

A delegate kept so keeps its whole history of substitutes (the other side lost it only
with the delegate).

Each row kept is one line of the import's report. The other way round, a row deleted
here and changed there since is not brought back (its code would admit a delegate
removed here), and that is reported too: neither side's change is lost silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from piccolo.table import Table

from conference.errors import N_
from conference.tables import Delegate
from conference.transfer.carried import CARRIED, Carried, column_of, references, row_hash

DELETE_BATCH = 500

# What a row is called in the report, by table.
KINDS: dict[str, str] = {
    "membership": N_("membership"),
    "desk_device": N_("desk device"),
    "delegate": N_("delegate"),
    "substitution": N_("naming of a substitute"),
    "programme_item": N_("programme item"),
    "speaker": N_("speaker"),
    "speech_timer": N_("speech timer"),
    "award_form": N_("award"),
    "cue": N_("run-sheet row"),
    "cue_presenter": N_("presenter of a run-sheet row"),
    "award_recipient": N_("award recipient"),
    "introduction": N_("introduction"),
    "seating_hall": N_("hall plan"),
    "hall_seat": N_("seat"),
}
_NAMED_BY = ("full_name", "name", "title", "label", "user")

CHANGED_HERE = N_(
    "Kept the %(kind)s %(name)s: deleted on the other installation, but changed here "
    "since the last exchange."
)
CHECKED_IN_HERE = N_(
    "Kept the delegate %(name)s: deleted on the other installation, but checked in here."
)
STILL_USED = N_(
    "Kept the %(kind)s %(name)s: deleted on the other installation, but the %(by_kind)s "
    "%(by_name)s here still refers to it."
)
CHANGED_THERE = N_(
    "Not brought back: the %(kind)s %(name)s, deleted here, though changed on the other "
    "installation since the last exchange."
)


@dataclass(frozen=True)
class Notice:
    """One line of an import's report: a message id and its values (the kind untranslated)."""

    message: str
    params: dict[str, str] = field(default_factory=dict)


def name_of(table: type[Table], row: dict[str, Any]) -> str:
    """How the report names a row: its person, title or label, else its uid."""
    for key in _NAMED_BY:
        value = row.get(key)
        if value:
            return f"“{value}”"
    return f"#{str(row.get('uid', ''))[:8]}"


def _notice(message: str, table: type[Table], row: dict[str, Any], **more: str) -> Notice:
    return Notice(
        message, {"kind": KINDS.get(table._meta.tablename, ""), "name": name_of(table, row), **more}
    )


def not_brought_back(table: type[Table], row: dict[str, Any], shared: str | None) -> Notice | None:
    """The notice for a row of the file deleted here, when the file changed it since."""
    if shared is None or row_hash(row) == shared:
        return None
    return _notice(CHANGED_THERE, table, row)


def _column_names(table: type[Table]) -> set[str]:
    return {column._meta.name for column in table._meta.columns}


@dataclass
class _Plan:
    doomed: dict[type[Table], dict[int, dict[str, Any]]]  # table → local id → row (file form)
    notices: list[Notice]


def _candidates(
    carried: Carried,
    theirs: list[dict[str, Any]],
    ours: dict[str, dict[str, Any]],
    base: dict[str, str],
    local_ids: dict[str, int],
    plan: _Plan,
) -> None:
    table = carried.table
    present = {row["uid"] for row in theirs}
    doomed = plan.doomed.setdefault(table, {})
    for uid, row in ours.items():
        if uid not in base or uid in present or uid not in local_ids:
            continue
        if row_hash(row) != base[uid]:
            plan.notices.append(_notice(CHANGED_HERE, table, row))
        elif table is Delegate and row.get("checked_in_at"):
            plan.notices.append(_notice(CHECKED_IN_HERE, table, row))
        else:
            doomed[local_ids[uid]] = row


async def _spare_the_referred(plan: _Plan, event_id: int, scopes: dict[type[Table], Any]) -> None:
    """Keep each doomed row that a row staying here refers to, until none is left."""
    while True:
        spared = False
        for carried in CARRIED:
            if carried.log:
                continue
            table = carried.table
            pointing = {
                name: target
                for name, target in references(table).items()
                if plan.doomed.get(target)
            }
            if not pointing:
                continue
            named = [name for name in _NAMED_BY if name in _column_names(table)]
            rows = await table.select(
                *(column_of(table, name) for name in ("id", "uid", *named, *pointing))
            ).where(scopes[table] == event_id)
            for row in rows:
                if row["id"] in plan.doomed.get(table, {}):
                    continue
                for name, target in pointing.items():
                    kept = plan.doomed[target].pop(row[name], None) if row[name] else None
                    if kept is not None:
                        spared = True
                        plan.notices.append(
                            _notice(
                                STILL_USED,
                                target,
                                kept,
                                by_kind=KINDS.get(table._meta.tablename, ""),
                                by_name=name_of(table, row),
                            )
                        )
        if not spared:
            return


def _keep_with_parents(plan: _Plan, local: dict[type[Table], dict[str, int]]) -> None:
    """Spare each doomed row that goes with its parent when that parent stays here."""
    for carried in CARRIED:
        if carried.goes_with is None:
            continue
        parent = references(carried.table)[carried.goes_with]
        doomed_parents = plan.doomed.get(parent, {})
        parents = local.get(parent, {})
        doomed = plan.doomed.get(carried.table, {})
        for row_id, row in list(doomed.items()):
            if parents.get(row[carried.goes_with]) not in doomed_parents:
                del doomed[row_id]


async def delete_deleted_there(
    *,
    event_id: int,
    tables: dict[str, list[dict[str, Any]]],
    here: dict[str, dict[str, dict[str, Any]]],
    base: dict[str, str],
    local: dict[type[Table], dict[str, int]],
    scopes: dict[type[Table], Any],
) -> tuple[int, list[Notice]]:
    """Delete here the rows the other installation deleted since the shared state ``base``.

    ``tables`` is the file's rows by table, ``here`` this installation's rows before the
    merge (table → uid → row as a file holds it), ``local`` uid → local id after it.
    Answers how many rows were deleted and a notice for each row kept.
    """
    plan = _Plan({}, [])
    for carried in CARRIED:
        # A file written before a table travelled says nothing of its rows: none is deleted.
        if not carried.log and carried.name in tables:
            _candidates(
                carried,
                tables.get(carried.name, []),
                here.get(carried.name, {}),
                base,
                local.get(carried.table, {}),
                plan,
            )
    await _spare_the_referred(plan, event_id, scopes)
    _keep_with_parents(plan, local)
    deleted = 0
    # Children before their parents (a parent's cascade then finds nothing of them left).
    for carried in reversed(CARRIED):
        ids = sorted(plan.doomed.get(carried.table, {}))
        for start in range(0, len(ids), DELETE_BATCH):
            await carried.table.delete().where(
                column_of(carried.table, "id").is_in(ids[start : start + DELETE_BATCH])
            )
        deleted += len(ids)
    return deleted, plan.notices
