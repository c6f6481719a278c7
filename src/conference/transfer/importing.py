"""`conference event import`: load an exported event, or merge it into the one here.

Rows are matched by their uid, the same on every installation. A row only one side has
is added; a row both have is compared with the copy both last shared (the export one
side made and the other imported, remembered as ``EventTransfer.row_hashes``): changed
on one side only, that side's copy stands; changed on both, the newer change where the
row keeps one (``updated_at``), else the file's. A delegate's arrival is merged apart:
the earliest check-in stands, once, whichever side made it. The check-in log and the
audit trail only gain rows. A row the other side deleted since the shared copy is
deleted here, unless this side changed it since, checked the delegate in, or still
refers to it (``deletions``): each row kept is one line of the report.

An import is one transaction: refused or failed, it writes nothing.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
from piccolo.columns import ForeignKey
from piccolo.query.mixins import OnConflictAction
from piccolo.table import Table

from conference import audit
from conference.errors import N_, Conflict, InvalidInput
from conference.tables import (
    Delegate,
    DeskDevice,
    Event,
    EventTransfer,
    RevokedToken,
    TransferDirection,
    User,
)
from conference.text import fold
from conference.transfer import document
from conference.transfer.carried import (
    ARRIVAL,
    CARRIED,
    USER_FIELDS,
    Carried,
    column_of,
    from_file,
    row_hash,
    scope_column,
)
from conference.transfer.deletions import Notice, delete_deleted_there, not_brought_back
from conference.transfer.exporting import (
    content_digest,
    installation_uid,
    row_hashes,
    snapshot,
)

OTHER_PERSON = N_(
    "The account %(username)s here (%(ours)s) is another person than the one of that name "
    "in the file (%(theirs)s): rename or remove the account here, then import again. "
    "Nothing was imported."
)
UNUSABLE_PASSWORD = "!"  # noqa: S105 (no password hashes to it: the account cannot sign in yet)
INSERT_BATCH = 200


@dataclass
class Imported:
    """What an import did. ``unchanged``: the file had been imported already."""

    slug: str
    created: bool = False
    unchanged: bool = False
    added: int = 0
    updated: int = 0
    arrivals: int = 0
    both_changed: int = 0
    deleted: int = 0
    accounts_added: list[str] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)


@dataclass
class _Merge:
    event_id: int
    body: dict[str, Any]
    here: dict[str, dict[str, dict[str, Any]]]  # table → uid → the row as a file holds it
    base: dict[str, str]  # uid → the digest both sides last shared
    local: dict[type[Table], dict[str, int]]  # table → uid (or username) → local id
    result: Imported


def _newer_here(table: type[Table], theirs: dict[str, Any], ours: dict[str, Any]) -> bool:
    if "updated_at" not in theirs:
        return False
    return str(ours.get("updated_at") or "") > str(theirs.get("updated_at") or "")


def _revocation(table: type[Table], theirs: dict[str, Any], ours: dict[str, Any]) -> bool | None:
    """A desk device revoked on one side only is revoked on both, whatever else changed
    (a phone lost at the hall must not come back to life at the central server)."""
    if table is not DeskDevice:
        return None
    if bool(theirs.get("revoked_at")) == bool(ours.get("revoked_at")):
        return None
    return bool(theirs.get("revoked_at"))


def _take_theirs(
    merge: _Merge, table: type[Table], theirs: dict[str, Any], ours: dict[str, Any]
) -> bool:
    """Whether the file's copy of a row both sides hold replaces this one."""
    revoked = _revocation(table, theirs, ours)
    if revoked is not None:
        return revoked
    mine, yours = row_hash(ours), row_hash(theirs)
    if mine == yours:
        return False
    shared = merge.base.get(theirs["uid"])
    if shared == mine:
        return True  # changed there only
    if shared == yours:
        return False  # changed here only
    if shared is not None:
        merge.result.both_changed += 1
    return not _newer_here(table, theirs, ours)


def _stamp(table: type[Table], values: dict[Any, Any]) -> dict[Any, Any]:
    # A changed row is new to this installation's desks (their snapshots ask what changed).
    if hasattr(table, "updated_at"):
        values[column_of(table, "updated_at")] = datetime.now(UTC)
    return values


async def _refresh(merge: _Merge, carried: Carried) -> None:
    table = carried.table
    rows = await table.select(column_of(table, "id"), column_of(table, "uid")).where(
        scope_column(carried) == merge.event_id
    )
    merge.local[carried.table] = {row["uid"]: row["id"] for row in rows}


def _complete(values: dict[Any, Any]) -> bool:
    """Whether every reference a row must have was found here (a row whose parent was
    deleted here is left out)."""
    return all(
        value is not None
        for column, value in values.items()
        if isinstance(column, ForeignKey) and not column._meta.null
    )


async def _add(merge: _Merge, carried: Carried, rows: list[dict[str, Any]]) -> None:
    table = carried.table
    made = []
    for row in rows:
        values = from_file(table, row, merge.local)
        if carried.scope == ("event",):
            values[column_of(table, "event")] = merge.event_id
        if not _complete(values):
            continue
        made.append(table(_data=_stamp(table, values) if not carried.log else values))
    for start in range(0, len(made), INSERT_BATCH):
        insert = table.insert(*made[start : start + INSERT_BATCH])
        if carried.log:
            # A scan a desk sent to both installations (the same nonce) is logged once.
            insert = insert.on_conflict(action=OnConflictAction.do_nothing)
        await insert
    merge.result.added += len(made)


async def _merge_table(merge: _Merge, carried: Carried) -> None:
    table = carried.table
    theirs = merge.body["tables"].get(carried.name, [])
    ours = merge.here.get(carried.name, {})
    # A row both sides held at their last exchange and missing here was deleted here: it
    # is not brought back (a deleted delegate's code would admit them again).
    new = [
        row
        for row in theirs
        if row["uid"] not in ours and (carried.log or row["uid"] not in merge.base)
    ]
    if not carried.log:
        for row in theirs:
            if row["uid"] not in ours:
                notice = not_brought_back(table, row, merge.base.get(row["uid"]))
                if notice is not None:
                    merge.result.notices.append(notice)
    changed = [
        row
        for row in theirs
        if not carried.log
        and row["uid"] in ours
        and _take_theirs(merge, table, row, ours[row["uid"]])
    ]
    if table._meta.tablename == "hall_seat" and changed:
        # One person a seat: the changed seats let go of their people before any is set.
        ids = [merge.local[table][row["uid"]] for row in changed]
        await table.update({column_of(table, "delegate"): None}).where(
            column_of(table, "id").is_in(ids)
        )
    if table._meta.tablename == "cue":
        changed.sort(key=lambda row: row.get("state") == "live")  # one live cue: last
    for row in changed:
        values = from_file(table, row, merge.local)
        for name in ARRIVAL:
            values.pop(getattr(table, name, None), None)
        await table.update(_stamp(table, values)).where(
            column_of(table, "id") == merge.local[table][row["uid"]]
        )
    merge.result.updated += len(changed)
    await _add(merge, carried, new)
    await _refresh(merge, carried)


async def _merge_arrivals(merge: _Merge) -> None:
    """The earliest check-in of each delegate stands, whichever installation made it."""
    ours = merge.here.get("delegate", {})
    for row in merge.body["tables"].get("delegate", []):
        if row.get("checked_in_at") is None or row["uid"] not in ours:
            continue
        at = datetime.fromisoformat(row["checked_in_at"])
        here = ours[row["uid"]].get("checked_in_at")
        if here is not None and datetime.fromisoformat(here) <= at:
            continue  # the arrival here stands (the statement below would say so too)
        by = row.get("checked_in_by")
        landed = (
            await Delegate.update(
                {
                    Delegate.checked_in_at: at,
                    Delegate.checked_in_desk: row.get("checked_in_desk") or "",
                    Delegate.checked_in_by: merge.local[User].get(by) if by else None,
                    Delegate.checked_in_nonce: row.get("checked_in_nonce"),
                    Delegate.updated_at: datetime.now(UTC),
                }
            )
            .where(
                (Delegate.id == merge.local[Delegate][row["uid"]])
                & (Delegate.checked_in_at.is_null() | (Delegate.checked_in_at > at))
            )
            .returning(Delegate.id)
        )
        merge.result.arrivals += len(landed)


def _check_same_people(merge: _Merge, known: dict[str, str]) -> None:
    """Raises Conflict ``other_person`` for an account of the file whose username an
    account here has that is another person (their names differ, diacritics and case
    aside): the file's memberships would give this one their roles.

    Asked when the event first comes here only: once both installations hold it, their
    accounts were matched, and a name that differs later was changed on one side.
    """
    for user in merge.body.get("users", []):
        ours = known.get(user["username"])
        if ours is not None and not _same_person(ours, user.get("display_name")):
            raise Conflict(
                OTHER_PERSON,
                code="other_person",
                username=user["username"],
                ours=ours,
                theirs=str(user.get("display_name")),
            )


async def _accounts(merge: _Merge, *, first: bool) -> None:
    """Each account the file names, by username; one this installation lacks is added
    without a password and disabled (an administrator here gives it one). ``first``:
    the event comes here for the first time (its accounts are matched)."""
    names = [user["username"] for user in merge.body.get("users", [])]
    # A desk device's own account is no person's: it is not listed as one to enable.
    devices = {row["user"] for row in merge.body["tables"].get(DeskDevice._meta.tablename, [])}
    known = {
        row["username"]: row["display_name"]
        for row in await User.select(User.username, User.display_name).where(
            User.username.is_in(names or [""])
        )
    }
    if first:
        _check_same_people(merge, known)
    for user in merge.body.get("users", []):
        if user["username"] in known:
            continue
        await User(
            **{name: user[name] for name in USER_FIELDS},
            password_hash=UNUSABLE_PASSWORD,
            active=False,
        ).save()
        if user["username"] not in devices:
            merge.result.accounts_added.append(user["username"])
    merge.local[User] = {
        row["username"]: row["id"]
        for row in await User.select(User.id, User.username).where(
            User.username.is_in(names or [""])
        )
    }


def _same_person(ours: str | None, theirs: str | None) -> bool:
    """Whether two accounts of one username are one person, as far as their names tell
    (an account without a name is taken to be the same)."""
    return not fold(ours) or not fold(theirs) or fold(ours) == fold(theirs)


async def _revoked_tokens(merge: _Merge) -> None:
    for row in merge.body.get("revoked_tokens", []):
        delegate = merge.local[Delegate].get(row["delegate"])
        if delegate is None:
            continue
        await RevokedToken.insert(
            RevokedToken(
                token=row["token"],
                delegate=delegate,
                revoked_at=datetime.fromisoformat(row["revoked_at"]),
            )
        ).on_conflict(action=OnConflictAction.do_nothing)


async def _check_not_stale(event_id: int, body: dict[str, Any], me: str) -> bool:
    """False when the file changes nothing here; raises Conflict ``stale_export`` when it
    is an older copy than what this installation holds."""
    transfers = EventTransfer.select(EventTransfer.exported_at, EventTransfer.recorded_at).where(
        EventTransfer.event == event_id
    )
    if await transfers.where(
        (EventTransfer.direction == TransferDirection.import_)
        & (EventTransfer.file_id == body["file_id"])
    ).first():
        return False
    exported_at = datetime.fromisoformat(body["exported_at"])
    if body["installation"] == me:
        if content_digest(await snapshot(event_id)) == content_digest(body):
            return False
        raise Conflict(
            N_(
                "This file was exported here on %(exported)s and the event has changed "
                "since: it is an older copy, and is not imported over newer data."
            ),
            code="stale_export",
            exported=exported_at.strftime("%Y-%m-%d %H:%M:%S UTC"),
        )
    newer = (
        await EventTransfer.select(EventTransfer.exported_at)
        .where(
            (EventTransfer.event == event_id)
            & (EventTransfer.direction == TransferDirection.import_)
            & (EventTransfer.installation == body["installation"])
            & (EventTransfer.exported_at > exported_at)
        )
        .first()
    )
    if newer:
        raise Conflict(
            N_(
                "A newer export of this event from the same installation (%(newer)s) was "
                "imported already: this file (%(exported)s) is an older copy and is not imported."
            ),
            code="stale_export",
            newer=newer["exported_at"].strftime("%Y-%m-%d %H:%M:%S UTC"),
            exported=exported_at.strftime("%Y-%m-%d %H:%M:%S UTC"),
        )
    return True


async def _shared_state(event_id: int, bases: list[str]) -> dict[str, str]:
    """The row digests of the newest file both installations had (one the other side
    names, which this one wrote or read too); empty when there is none."""
    known = {
        row["file_id"]: row["row_hashes"]
        for row in await EventTransfer.select(
            EventTransfer.file_id, EventTransfer.row_hashes
        ).where((EventTransfer.event == event_id) & EventTransfer.file_id.is_in(bases or [""]))
    }
    for file_id in bases:
        if file_id in known:
            return document.json_object(known[file_id])
    return {}


async def _create_event(body: dict[str, Any], local: dict[type[Table], dict[str, int]]) -> int:
    values = from_file(Event, body["event"], local)
    event = Event(_data=values)
    await event.save()
    return int(event.id)


def _shape(body: dict[str, Any], source: Path) -> None:
    try:
        assert isinstance(body["event"]["uid"], str) and isinstance(body["event"]["slug"], str)
        assert isinstance(body["file_id"], str) and isinstance(body["installation"], str)
        datetime.fromisoformat(body["exported_at"])
        assert isinstance(body["tables"], dict) and isinstance(body["users"], list)
    except (KeyError, TypeError, ValueError, AssertionError) as error:
        raise InvalidInput(
            N_(
                "%(file)s is not a whole event export (cut short or damaged): nothing was imported."
            ),
            code="export_damaged",
            file=str(source),
        ) from error


async def import_event(source: Path) -> Imported:
    """Load the event exported to ``source``, or merge it into the same event here.

    Raises InvalidInput ``export_missing``, ``export_damaged``, ``export_tampered`` or
    ``export_newer`` (nothing read), Conflict ``other_event`` (an event of the same slug
    that is another event), ``other_person`` (an account here of a username the file
    names is another person: asked when the event first comes here), ``stale_export``
    (an older copy over newer data) or ``import_refused`` (a row the database refuses);
    each writes nothing.
    """
    body = document.read(source)
    _shape(body, source)
    me = await installation_uid()
    try:
        return await _import(body, me)
    except (sqlite3.IntegrityError, asyncpg.IntegrityConstraintViolationError) as error:
        raise Conflict(
            N_("The database refuses a row of the file (%(reason)s): nothing was imported."),
            code="import_refused",
            reason=str(error).splitlines()[0],
        ) from error


async def _import(body: dict[str, Any], me: str) -> Imported:
    async with Event._meta.db.transaction():
        found = (
            await Event.select(Event.id, Event.slug)
            .where(Event.uid == body["event"]["uid"])
            .first()
        )
        result = Imported(slug=found["slug"] if found else body["event"]["slug"])
        merge = _Merge(0, body, {}, {}, {}, result)
        if found is None:
            if await Event.exists().where(Event.slug == body["event"]["slug"]):
                raise Conflict(
                    N_(
                        "The event %(slug)s here is another event than the one in the file "
                        "(same slug, different event): nothing was imported."
                    ),
                    code="other_event",
                    slug=body["event"]["slug"],
                )
            await _accounts(merge, first=True)
            merge.event_id = await _create_event(body, merge.local)
            result.created = True
        else:
            merge.event_id = int(found["id"])
            if not await _check_not_stale(merge.event_id, body, me):
                result.unchanged = True
                return result
            here = await snapshot(merge.event_id)
            merge.here = {
                name: {row["uid"]: row for row in rows} for name, rows in here["tables"].items()
            }
            merge.base = await _shared_state(merge.event_id, body.get("bases") or [])
            await _accounts(merge, first=False)
            if _take_theirs(merge, Event, body["event"], here["event"]):
                values = from_file(Event, body["event"], merge.local)
                values.pop(Event.slug, None)  # an event renamed here keeps its address here
                await Event.update(_stamp(Event, values)).where(Event.id == merge.event_id)
                result.updated += 1
        for carried in CARRIED:
            if carried.table not in merge.local:
                await _refresh(merge, carried)
        for carried in CARRIED:
            await _merge_table(merge, carried)
            if carried.table is Delegate:
                await _merge_arrivals(merge)
        if merge.base:
            result.deleted, kept = await delete_deleted_there(
                event_id=merge.event_id,
                tables=body["tables"],
                here=merge.here,
                base=merge.base,
                local=merge.local,
                scopes={carried.table: scope_column(carried) for carried in CARRIED},
            )
            result.notices.extend(kept)
        await _revoked_tokens(merge)
        await EventTransfer(
            event=merge.event_id,
            direction=TransferDirection.import_,
            file_id=body["file_id"],
            installation=body["installation"],
            exported_at=datetime.fromisoformat(body["exported_at"]),
            row_hashes=row_hashes(body),
        ).save()
        await audit.record(
            "event.imported",
            event_id=merge.event_id,
            target=body["file_id"],
            added=result.added,
            updated=result.updated,
            arrivals=result.arrivals,
            deleted=result.deleted,
            kept=len(result.notices),
        )
    return result
