"""`conference event export`: one event whole, as this installation holds it, to one file."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from piccolo.table import Table

from conference.errors import N_, Conflict
from conference.tables import (
    Delegate,
    Event,
    EventTransfer,
    Installation,
    Rehearsal,
    RevokedToken,
    TransferDirection,
    User,
    new_uid,
)
from conference.transfer import document
from conference.transfer.carried import (
    CARRIED,
    USER_FIELDS,
    column_of,
    give_uids,
    references,
    row_hash,
    scope_column,
    to_file,
)

KNOWN_TRANSFERS = 50


@dataclass(frozen=True)
class Exported:
    path: Path
    size: int
    delegates: int


async def installation_uid() -> str:
    """This installation's id, made the first time it is asked for."""
    row = await Installation.select(Installation.uid).order_by(Installation.id).first()
    if row is None:
        await Installation(uid=new_uid()).save()
        row = await Installation.select(Installation.uid).order_by(Installation.id).first()
    assert row is not None
    return str(row["uid"])


async def _rows(table: type[Table], where: Any) -> list[dict[str, Any]]:
    rows = await table.select().where(where).order_by(column_of(table, "id"))
    if any(row["uid"] is None for row in rows):
        await give_uids(table)
        rows = await table.select().where(where).order_by(column_of(table, "id"))
    return list(rows)


async def snapshot(event_id: int) -> dict[str, Any]:
    """The event as the file holds it: ``event``, ``users`` (no password), ``tables``
    (each carried table's rows) and ``revoked_tokens``."""
    event_rows = await _rows(Event, Event.id == event_id)
    selected: dict[type[Table], list[dict[str, Any]]] = {Event: event_rows}
    for carried in CARRIED:
        selected[carried.table] = await _rows(carried.table, scope_column(carried) == event_id)
    stable: dict[type[Table], dict[int, str]] = {
        table: {row["id"]: row["uid"] for row in rows} for table, rows in selected.items()
    }
    user_ids = {
        row[name]
        for table, rows in selected.items()
        for name, target in references(table).items()
        if target is User
        for row in rows
        if row[name] is not None
    }
    users = (
        await User.select(User.id, *(getattr(User, f) for f in USER_FIELDS)).where(
            User.id.is_in(sorted(user_ids))
        )
        if user_ids
        else []
    )
    stable[User] = {row["id"]: row["username"] for row in users}
    revoked = await RevokedToken.select(
        RevokedToken.token, RevokedToken.delegate, RevokedToken.revoked_at
    ).where(RevokedToken.delegate.event == event_id)
    return {
        "event": to_file(Event, event_rows[0], stable),
        "users": [{f: row[f] for f in USER_FIELDS} for row in users],
        "tables": {
            carried.name: [to_file(carried.table, row, stable) for row in selected[carried.table]]
            for carried in CARRIED
        },
        "revoked_tokens": [
            {
                "token": row["token"],
                "delegate": stable[Delegate].get(row["delegate"]),
                "revoked_at": row["revoked_at"].isoformat(),
            }
            for row in revoked
        ],
    }


def row_hashes(body: dict[str, Any]) -> dict[str, str]:
    """uid → digest of every row that is merged (not the logs), the event's included."""
    hashes = {body["event"]["uid"]: row_hash(body["event"])}
    for carried in CARRIED:
        if not carried.log:
            for row in body["tables"].get(carried.name, []):  # a file from before it
                hashes[row["uid"]] = row_hash(row)
    return hashes


def content_digest(body: dict[str, Any]) -> str:
    """A digest of everything the event holds (its arrivals and logs too), leaving out
    when each row last changed: equal digests, the same event."""
    rows = [
        body["event"],
        *(row for name in sorted(body["tables"]) for row in body["tables"][name]),
    ]
    kept = [{k: v for k, v in row.items() if k != "updated_at"} for row in rows]
    return hashlib.sha256(json.dumps(kept, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


async def export_event(event_id: int, target: Path) -> Exported:
    """Write the event ``event_id`` whole to ``target``, a new file readable by its owner
    only, and remember what it held (the next import from the other side is compared
    against it).

    Raises Conflict ``rehearsal_under_way``, InvalidInput ``export_exists`` or
    ``export_folder_missing``.
    """
    if await Rehearsal.exists().where(Rehearsal.event == event_id):
        raise Conflict(
            N_("A rehearsal is under way: end it before exporting the event."),
            code="rehearsal_under_way",
        )
    body = await snapshot(event_id)
    # The files this installation wrote or read for the event, newest first: the importer
    # compares against the newest one it knows too (a state both sides had).
    known = await (
        EventTransfer.select(EventTransfer.file_id)
        .where(EventTransfer.event == event_id)
        .order_by(EventTransfer.id, ascending=False)
        .limit(KNOWN_TRANSFERS)
    )
    now = datetime.now(UTC)
    body.update(
        file_id=new_uid(),
        installation=await installation_uid(),
        exported_at=now.isoformat(),
        bases=[row["file_id"] for row in known],
    )
    size = document.write(target, body)
    await EventTransfer(
        event=event_id,
        direction=TransferDirection.export,
        file_id=body["file_id"],
        installation=body["installation"],
        exported_at=now,
        row_hashes=row_hashes(body),
    ).save()
    return Exported(target, size, len(body["tables"]["delegate"]))
